"""A confirmed import is a background job (core.imports.services
pending_import_confirm_start / pending_import_apply, core.imports.tasks): the
request only checks and queues; the task applies the rows in one transaction
and keeps the job row (state, progress, errors) that the job page shows."""

from decimal import Decimal
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.imports import services, storage
from core.imports.tasks import apply_pending_import
from core.models import PendingImport, PendingImportState
from indicators.imports import ValueImporter
from indicators.models import IndicatorValue
from tests.accounts.factories import UserFactory
from tests.indicators.import_factories import reporting_world, sheet_bytes

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS = [{"code": "R-own", "period": "2023", "value": "250"},
        {"code": "R-project", "period": "2024", "value": "7"}]


@pytest.fixture
def world(organisation_x):
    return reporting_world(organisation_x)


def _preview(client, user, rows=ROWS):
    client.force_login(user)
    response = client.post(reverse("indicators:import"), {
        "file": SimpleUploadedFile("hodnoty.xlsx", sheet_bytes(rows), XLSX)})
    pending = response.context["pending"]
    assert pending is not None, response.context["preview"].errors
    return pending


def _confirm_url(pending):
    return reverse("indicators:import_confirm", args=[pending.pk])


def _job_url(pending):
    return reverse("core:import_job", args=[pending.pk])


def test_the_confirm_only_queues_the_job_and_sends_it_after_commit(
        client, world, implementer_x, django_capture_on_commit_callbacks):
    pending = _preview(client, implementer_x)
    with mock.patch.object(apply_pending_import, "delay") as delay, \
            django_capture_on_commit_callbacks(execute=True):
        response = client.post(_confirm_url(pending))
    assert response.status_code == 302 and response["Location"] == _job_url(pending)
    delay.assert_called_once_with(str(pending.pk))
    assert not IndicatorValue.objects.exists()  # nothing is saved inside the request
    pending.refresh_from_db()
    assert (pending.state, pending.progress) == (PendingImportState.QUEUED, 0)
    assert pending.enqueued_at is not None and pending.language == "cs"
    assert pending.done_url == reverse("reporting_home")
    # The job page shows it waiting, with a progress bar that the script polls.
    page = client.get(_job_url(pending))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="job-progress"' in html and "js/job-progress.js" in html
    assert "čeká na uložení" in html
    data = client.get(reverse("core:import_job_progress", args=[pending.pk])).json()
    assert (data["status"], data["progress"], data["finished"]) == ("queued", 0, False)
    # A second confirm is refused: the job is on its way.
    again = client.post(_confirm_url(pending))
    assert again.status_code == 400 and 'id="import-refused"' in again.content.decode()


def test_the_task_applies_the_job_in_one_go(client, world, implementer_x, import_jobs):
    pending = _preview(client, implementer_x)
    with import_jobs():
        client.post(_confirm_url(pending))
    pending.refresh_from_db()
    assert (pending.state, pending.progress, pending.saved_count, pending.attempts) == (
        PendingImportState.CONFIRMED, 100, 2, 1)
    assert pending.started_at and pending.finished_at and pending.confirmed_at
    assert IndicatorValue.objects.get(indicator=world["own"]).value == Decimal(250)
    assert storage.read(pending.pk) is None  # the kept file is gone
    # Its page now leads on, with the message of what was saved.
    response = client.get(_job_url(pending), follow=True)
    assert response.redirect_chain[-1][0] == reverse("rounds:mine")
    assert "hodnoty.xlsx" in response.content.decode()


def test_a_redelivered_task_does_nothing_more(client, world, implementer_x, import_jobs):
    pending = _preview(client, implementer_x)
    with import_jobs():
        client.post(_confirm_url(pending))
    before = PendingImport.objects.values().get(pk=pending.pk)
    with mock.patch.object(ValueImporter, "apply") as apply:
        apply_pending_import.apply(args=[str(pending.pk)], throw=True)
    apply.assert_not_called()
    assert PendingImport.objects.values().get(pk=pending.pk) == before
    assert IndicatorValue.objects.count() == 2


def test_a_job_cut_off_while_running_runs_again(client, world, implementer_x,
                                                django_capture_on_commit_callbacks):
    """A lost worker's transaction saved nothing; the redelivered task finds
    the job running and applies it."""
    pending = _preview(client, implementer_x)
    with mock.patch.object(apply_pending_import, "delay"), \
            django_capture_on_commit_callbacks(execute=True):
        client.post(_confirm_url(pending))
    PendingImport.objects.filter(pk=pending.pk).update(state=PendingImportState.RUNNING,
                                                       attempts=1)
    apply_pending_import.apply(args=[str(pending.pk)], throw=True)
    pending.refresh_from_db()
    assert (pending.state, pending.attempts) == (PendingImportState.CONFIRMED, 2)
    assert IndicatorValue.objects.count() == 2


def test_an_unexpected_error_fails_the_job_readably_and_saves_nothing(
        client, world, implementer_x, import_jobs):
    pending = _preview(client, implementer_x)
    real = ValueImporter.apply

    def half_then_break(self, rows, **kwargs):
        real(self, rows, **kwargs)  # every value written ...
        raise RuntimeError("disk full")  # ... then the job breaks

    with mock.patch.object(ValueImporter, "apply", half_then_break), import_jobs():
        client.post(_confirm_url(pending))
    pending.refresh_from_db()
    assert pending.state == PendingImportState.FAILED and pending.finished_at
    assert pending.errors == ["Import se nepodařilo uložit (RuntimeError). Nic nebylo "
                              "uloženo; nahrajte soubor znovu."]
    assert not IndicatorValue.objects.exists()  # one transaction: nothing half-saved
    assert storage.read(pending.pk) is None
    page = client.get(_job_url(pending))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="import-refused"' in html and "RuntimeError" in html
    data = client.get(reverse("core:import_job_progress", args=[pending.pk])).json()
    assert data["finished"] and data["status"] == "failed" and "RuntimeError" in data["error"]


def test_a_job_the_broker_could_not_take_is_sent_again(
        client, world, implementer_x, django_capture_on_commit_callbacks):
    pending = _preview(client, implementer_x)
    with mock.patch.object(apply_pending_import, "delay", side_effect=ConnectionError("down")), \
            django_capture_on_commit_callbacks(execute=True):
        assert client.post(_confirm_url(pending)).status_code == 302
    pending.refresh_from_db()
    assert (pending.state, pending.enqueued_at) == (PendingImportState.QUEUED, None)
    with mock.patch.object(apply_pending_import, "delay") as delay:
        assert services.pending_imports_requeue() == 1
    delay.assert_called_once_with(str(pending.pk))
    with mock.patch.object(apply_pending_import, "delay"):
        assert services.pending_imports_requeue() == 0  # sent recently: left alone


def test_progress_made_inside_the_transaction_reaches_the_page(world, implementer_x):
    pending = PendingImport.objects.create(
        importer="indicators.values", created_by=implementer_x, file_name="x.xlsx",
        checksum="-", expires_at="2999-01-01T00:00Z", state=PendingImportState.RUNNING,
        progress=5, progress_message="Kontroluji soubor")
    assert services.pending_import_progress(pending) == (5, "Kontroluji soubor")
    services._record_progress(pending.pk, 30, "Zapisuji 2 hodnoty")
    assert services.pending_import_progress(pending) == (30, "Zapisuji 2 hodnoty")


def test_the_job_page_is_its_owners_only(client, world, implementer_x, officer):
    pending = PendingImport.objects.create(
        importer="indicators.values", created_by=implementer_x, file_name="x.xlsx",
        checksum="-", expires_at="2999-01-01T00:00Z", state=PendingImportState.QUEUED)
    urls = [_job_url(pending), reverse("core:import_job_progress", args=[pending.pk])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    client.force_login(officer)
    assert [client.get(url).status_code for url in urls] == [404, 404]
    client.force_login(UserFactory())
    assert [client.get(url).status_code for url in urls] == [404, 404]
    client.force_login(implementer_x)
    assert [client.get(url).status_code for url in urls] == [200, 200]
    # A preview not confirmed is no job; its progress is its check's, which
    # the upload's page polls.
    PendingImport.objects.filter(pk=pending.pk).update(state=PendingImportState.PREVIEWED)
    assert [client.get(url).status_code for url in urls] == [404, 200]
    assert client.get(urls[1]).json()["finished"] is True


def test_the_value_import_accepts_a_hundred_thousand_rows():
    """The limit is the file's size and memory, stated on the upload page."""
    assert ValueImporter.max_rows >= 100_000 and ValueImporter.max_sheet_rows >= 100_000


def test_the_upload_page_states_the_limits(client, world, implementer_x):
    client.force_login(implementer_x)
    html = client.get(reverse("indicators:import")).content.decode()
    import re
    assert re.search(r"nejvýše 10,0\s*MB, 100\s?000 vyplněných řádků", html), html


def test_the_deployment_sets_the_gunicorn_timeout_on_purpose():
    """Nothing long runs inside a request, so the web tier states its timeout
    (and the proxy waits longer than it)."""
    import json
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[3]
    cmd = next(line for line in (root / "Dockerfile").read_text().splitlines()
               if line.startswith("CMD "))
    argv = json.loads(cmd[4:])
    assert argv[0] == "gunicorn" and argv[argv.index("--timeout") + 1] == "30"
    web = yaml.safe_load((root / "docker-compose.yml").read_text())["services"]["web"]
    assert web["command"][web["command"].index("--timeout") + 1] == "${GUNICORN_TIMEOUT:-30}"


def test_a_big_preview_lists_the_rows_to_look_at_and_counts_the_rest(client, world,
                                                                      implementer_x,
                                                                      monkeypatch):
    monkeypatch.setattr(ValueImporter, "display_limit", 3)
    rows = [{"code": "R-own", "period": str(year), "value": "1"} for year in range(2000, 2010)]
    rows[7]["value"] = "hodně"  # sheet row 9
    client.force_login(implementer_x)
    response = client.post(reverse("indicators:import"), {
        "file": SimpleUploadedFile("hodnoty.xlsx", sheet_bytes(rows), XLSX)})
    shown = [row["row"] for row in response.context["rows"]]
    assert shown == [2, 3, 9]  # the error first, then the top of the file, in order
    html = response.content.decode()
    assert 'id="import-rows-hidden"' in html and "7 dalších řádků" in html
    assert response.context["counts"]["new"] == 9  # every row is counted


def test_a_preview_lists_at_most_the_limit_of_errors(client, world, implementer_x,
                                                     monkeypatch):
    monkeypatch.setattr(ValueImporter, "display_limit", 2)
    rows = [{"code": "R-own", "period": str(year), "value": "x"} for year in range(2000, 2005)]
    client.force_login(implementer_x)
    response = client.post(reverse("indicators:import"), {
        "file": SimpleUploadedFile("hodnoty.xlsx", sheet_bytes(rows), XLSX)})
    html = response.content.decode()
    assert len(response.context["errors_shown"]) == 2
    assert 'id="import-errors-hidden"' in html and "3 další chyby" in html
