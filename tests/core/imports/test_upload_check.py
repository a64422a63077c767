"""An upload is checked in the background (core.imports.services
pending_import_upload / pending_import_validate, core.imports.tasks.
validate_pending_import): the upload request keeps the file and the pending
import ("validating") and sends the check once it commits, reading nothing of
the sheet; the upload's page shows the progress, then the preview (with the
confirm button) or every error, naming row and column in Czech."""

import time
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.imports import reader, services, storage
from core.imports.tasks import validate_pending_import
from core.models import PendingImport, PendingImportState
from indicators.models import IndicatorValue
from tests.accounts.factories import UserFactory
from tests.indicators.import_factories import reporting_world, sheet_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS = [{"code": "R-own", "period": "2023", "value": "250"},
        {"code": "R-project", "period": "2024", "value": "7"}]
BAD = [{"code": "R-own", "period": "2023", "value": "250"},
       {"code": "R-own", "period": "2024", "value": "dvě stě"}]


def _upload(client, rows=ROWS, content=None):
    return client.post(reverse("indicators:import"), {
        "file": SimpleUploadedFile("hodnoty.xlsx", content or sheet_bytes(rows), XLSX)})


def _page(pending):
    return f"{reverse('indicators:import')}?upload={pending.pk}"


def _queued_upload(client, user, django_capture_on_commit_callbacks, rows=ROWS):
    """An upload whose check was sent (not run): the pending import."""
    client.force_login(user)
    with mock.patch.object(validate_pending_import, "delay") as delay, \
            django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _upload(client, rows)
    pending = PendingImport.objects.get()
    assert response.status_code == 302 and response["Location"] == _page(pending)
    assert len(callbacks) == 1
    delay.assert_called_once_with(str(pending.pk))
    return pending


@pytest.mark.import_queue
@pytest.mark.django_db
def test_the_upload_keeps_the_file_and_queues_the_check_reading_nothing(
        client, organisation_x, implementer_x, django_capture_on_commit_callbacks):
    reporting_world(organisation_x)
    client.force_login(implementer_x)
    content = sheet_bytes(ROWS)
    with mock.patch.object(reader, "read_sheet", side_effect=AssertionError("read")) as read, \
            mock.patch.object(validate_pending_import, "delay") as delay, \
            django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _upload(client, content=content)
        pending = PendingImport.objects.get()
        # Inside the request nothing is sent yet: only once the upload commits.
        delay.assert_not_called()
        assert (pending.state, pending.preview, pending.progress) == (
            PendingImportState.VALIDATING, [], 0)
    read.assert_not_called()
    assert response.status_code == 302 and response["Location"] == _page(pending)
    assert storage.read(pending.pk) == content
    assert len(callbacks) == 1
    with mock.patch.object(validate_pending_import, "delay") as delay:
        callbacks[0]()  # the commit
    delay.assert_called_once_with(str(pending.pk))
    pending.refresh_from_db()
    assert pending.enqueued_at is not None and pending.state == PendingImportState.VALIDATING


@pytest.mark.import_queue
@pytest.mark.django_db
def test_the_page_shows_the_progress_then_the_preview_with_the_confirm_button(
        client, organisation_x, implementer_x, django_capture_on_commit_callbacks):
    reporting_world(organisation_x)
    pending = _queued_upload(client, implementer_x, django_capture_on_commit_callbacks)
    page = client.get(_page(pending))
    assert page.status_code == 200 and page.context["checking"] == pending
    html = page.content.decode()
    progress_url = reverse("core:import_job_progress", args=[pending.pk])
    assert f'data-progress-url="{progress_url}"' in html and "Kontroluji soubor" in html
    assert 'class="import-confirm"' not in html
    assert client.get(progress_url).json()["finished"] is False

    validate_pending_import(str(pending.pk))  # what the worker runs

    pending.refresh_from_db()
    assert pending.state == PendingImportState.PREVIEWED and pending.errors == []
    assert [row["outcome"] for row in pending.preview] == ["new", "new"]
    assert client.get(progress_url).json()["finished"] is True
    page = client.get(_page(pending))
    assert page.context["pending"] == pending and "checking" not in page.context
    html = page.content.decode()
    assert 'class="import-confirm"' in html and "Potvrdit a uložit 2 hodnoty" in html
    assert not IndicatorValue.objects.exists()
    # Confirmed, it is saved by its job; a second confirm is refused.
    confirm_url = reverse("indicators:import_confirm", args=[pending.pk])
    with mock.patch("core.imports.tasks.apply_pending_import.delay"), \
            django_capture_on_commit_callbacks(execute=True):
        first = client.post(confirm_url)
    assert first["Location"] == reverse("core:import_job", args=[pending.pk])
    second = client.post(confirm_url)
    assert second.status_code == 400 and "nelze potvrdit" in second.content.decode()
    pending.refresh_from_db()
    assert pending.state == PendingImportState.QUEUED
    # The upload's page now leads to the job.
    assert client.get(_page(pending))["Location"] == reverse("core:import_job",
                                                             args=[pending.pk])


@pytest.mark.import_queue
@pytest.mark.django_db
def test_the_errors_name_row_and_column_in_czech_and_nothing_can_be_confirmed(
        client, organisation_x, implementer_x, django_capture_on_commit_callbacks):
    reporting_world(organisation_x)
    pending = _queued_upload(client, implementer_x, django_capture_on_commit_callbacks, BAD)
    validate_pending_import(str(pending.pk))
    pending.refresh_from_db()
    assert pending.state == PendingImportState.INVALID
    assert len(pending.errors) == 1
    assert pending.errors[0].startswith("Řádek 3, sloupec I (Hodnota): ")
    assert storage.read(pending.pk) is None  # nothing to confirm: the file goes
    page = client.get(_page(pending))
    html = page.content.decode()
    assert page.context["pending"] is None and 'class="import-confirm"' not in html
    assert "Řádek 3, sloupec I (Hodnota)" in html and "Soubor má 1 chybu" in html
    # It cannot be confirmed.
    refused = client.post(reverse("indicators:import_confirm", args=[pending.pk]))
    assert refused.status_code == 400 and not IndicatorValue.objects.exists()


@pytest.mark.import_queue
@pytest.mark.django_db
def test_the_upload_is_only_its_owners_and_a_check_runs_once(
        client, organisation_x, implementer_x, django_capture_on_commit_callbacks):
    reporting_world(organisation_x)
    pending = _queued_upload(client, implementer_x, django_capture_on_commit_callbacks)
    services.pending_import_validate(pending_id=pending.pk)
    with mock.patch.object(reader, "read_sheet") as read:
        services.pending_import_validate(pending_id=pending.pk)  # delivered twice
    read.assert_not_called()
    other = UserFactory()
    other.is_city_officer = True
    other.save()
    client.force_login(other)
    assert client.get(_page(pending)).status_code == 404
    assert client.get(reverse("core:import_job_progress", args=[pending.pk])).status_code == 404


@pytest.mark.import_queue
@pytest.mark.django_db
def test_a_check_no_worker_took_is_sent_again(client, organisation_x, implementer_x,
                                              django_capture_on_commit_callbacks):
    reporting_world(organisation_x)
    client.force_login(implementer_x)
    with mock.patch.object(validate_pending_import, "delay", side_effect=OSError("broker")), \
            django_capture_on_commit_callbacks(execute=True):
        response = _upload(client)
    pending = PendingImport.objects.get()
    assert response.status_code == 302 and pending.enqueued_at is None
    with mock.patch.object(validate_pending_import, "delay") as delay:
        assert services.pending_imports_requeue() == 1
    delay.assert_called_once_with(str(pending.pk))


@pytest.mark.django_db
def test_with_the_check_run_at_once_the_upload_answers_with_the_preview(
        client, organisation_x, implementer_x):
    """An eager Celery (and the tests' default, conftest._import_checks)."""
    reporting_world(organisation_x)
    client.force_login(implementer_x)
    response = _upload(client)
    assert response.status_code == 200
    pending = response.context["pending"]
    assert pending.state == PendingImportState.PREVIEWED and len(pending.preview) == 2


def _wait_for(pending, states, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending.refresh_from_db()
        if pending.state in states:
            return pending
        time.sleep(0.2)
    raise AssertionError(f"import {pending.pk} still {pending.state} after {timeout} s")


@pytest.mark.worker
@pytest.mark.import_queue
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_checks_the_upload_then_applies_the_confirm(
        celery_worker_process, client, organisation_x, implementer_x):
    world = reporting_world(organisation_x)
    client.force_login(implementer_x)
    response = _upload(client, [{"code": "R-own", "period": str(year), "value": str(year)}
                                for year in range(1990, 2025)])
    pending = PendingImport.objects.get()
    assert response.status_code == 302 and response["Location"] == _page(pending)
    pending = _wait_for(pending, (PendingImportState.PREVIEWED, PendingImportState.INVALID))
    assert pending.state == PendingImportState.PREVIEWED, pending.errors
    assert len(pending.preview) == 35 and pending.enqueued_at is None
    page = client.get(_page(pending))
    assert page.context["pending"] == pending
    client.post(reverse("indicators:import_confirm", args=[pending.pk]))
    pending = _wait_for(pending, (PendingImportState.CONFIRMED, PendingImportState.FAILED))
    assert pending.state == PendingImportState.CONFIRMED, pending.errors
    assert IndicatorValue.objects.filter(indicator=world["own"]).count() == 35


@pytest.mark.import_queue
@pytest.mark.django_db
def test_the_check_reports_how_far_the_reading_got(client, organisation_x, implementer_x,
                                                   django_capture_on_commit_callbacks):
    reporting_world(organisation_x)
    rows = [{"code": "R-own", "period": str(1000 + n), "value": str(n)} for n in range(2500)]
    pending = _queued_upload(client, implementer_x, django_capture_on_commit_callbacks, rows)
    seen = []
    recorded = services._record_progress

    def record(pk, percent, message):
        recorded(pk, percent, message)
        pending.refresh_from_db()
        seen.append(services.pending_import_progress(pending))  # what the page polls

    with mock.patch.object(services, "_record_progress", side_effect=record):
        validate_pending_import(str(pending.pk))
    # Every 1,000 rows of the 2,501 the sheet says it has: 10 % + 80 % of the share read.
    assert seen == [(10 + 80 * 999 // 2501, "999 řádků přečteno"),
                    (10 + 80 * 1999 // 2501, "1999 řádků přečteno")]
    pending.refresh_from_db()
    assert pending.state != PendingImportState.VALIDATING  # (the years far back are errors)
    assert services.pending_import_progress(pending) == (100, "Zkontrolováno")
