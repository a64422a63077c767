"""A confirmed import applied by a real Celery worker (its own process, the
real Redis broker): the job row reaches "confirmed" with progress 100; a
failing import leaves nothing half-saved and the job failed with a readable
error; a second confirm is refused."""

import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import PendingImport, PendingImportState
from core.review import ReviewState
from indicators.models import IndicatorValue
from tests.indicators.factories import year_value
from tests.indicators.import_factories import reporting_world, sheet_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _wait_for(pending, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending.refresh_from_db()
        if pending.state in (PendingImportState.CONFIRMED, PendingImportState.FAILED):
            return pending
        time.sleep(0.2)
    raise AssertionError(f"import {pending.pk} still {pending.state} after {timeout} s")


def _preview_and_confirm(client, user, rows):
    client.force_login(user)
    response = client.post(reverse("indicators:import"), {
        "file": SimpleUploadedFile("hodnoty.xlsx", sheet_bytes(rows), XLSX)})
    pending = response.context["pending"]
    assert pending is not None, response.context["preview"].errors
    confirm = client.post(reverse("indicators:import_confirm", args=[pending.pk]))
    assert confirm["Location"] == reverse("core:import_job", args=[pending.pk])
    return pending


@pytest.mark.django_db(transaction=True)
def test_a_confirmed_import_is_applied_by_the_worker(celery_worker_process, client,
                                                     organisation_x, implementer_x):
    world = reporting_world(organisation_x)
    pending = _preview_and_confirm(client, implementer_x, [
        {"code": "R-own", "period": str(year), "value": str(year)} for year in range(1990, 2025)])
    pending = _wait_for(pending)
    assert pending.state == PendingImportState.CONFIRMED, pending.errors
    assert (pending.progress, pending.saved_count, pending.attempts) == (100, 35, 1)
    assert pending.enqueued_at and pending.started_at and pending.finished_at
    assert IndicatorValue.objects.filter(indicator=world["own"]).count() == 35
    # The page leads on to the overview, saying what was saved.
    response = client.get(reverse("core:import_job", args=[pending.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("rounds:mine")
    assert "35" in response.content.decode()
    # A second confirm is refused and saves nothing more.
    again = client.post(reverse("indicators:import_confirm", args=[pending.pk]))
    assert again.status_code == 400
    assert IndicatorValue.objects.count() == 35


@pytest.mark.django_db(transaction=True)
def test_a_value_changed_before_the_job_runs_fails_it_whole(celery_worker_process, client,
                                                            organisation_x, implementer_x):
    world = reporting_world(organisation_x)
    # The implementer's own value, submitted and not yet approved: one it may still change.
    year_value(world["own"], 2023, 200)
    IndicatorValue.objects.filter(indicator=world["own"]).update(
        review_state=ReviewState.SUBMITTED)
    client.force_login(implementer_x)
    response = client.post(reverse("indicators:import"), {"file": SimpleUploadedFile(
        "hodnoty.xlsx", sheet_bytes([{"code": "R-project", "period": "2024", "value": "7"},
                                     {"code": "R-own", "period": "2023", "value": "250"}]),
        XLSX)})
    pending = response.context["pending"]
    IndicatorValue.objects.filter(indicator=world["own"]).update(value=Decimal(210), version=5)
    client.post(reverse("indicators:import_confirm", args=[pending.pk]))
    pending = _wait_for(pending)
    assert pending.state == PendingImportState.FAILED
    assert pending.errors == ["Řádek 3: Hodnota byla v portálu po zobrazení náhledu změněna."]
    # Nothing half-saved: the first row, fine in itself, is not saved either.
    assert not IndicatorValue.objects.filter(indicator=world["project"]).exists()
    assert IndicatorValue.objects.get(indicator=world["own"]).value == Decimal(210)
    page = client.get(reverse("core:import_job", args=[pending.pk])).content.decode()
    assert "Nic nebylo uloženo" in page and "Řádek 3" in page
    assert PendingImport.objects.get(pk=pending.pk).finished_at is not None
