"""Template download and the import upload → preview →
confirm (indicators.views_import on core.imports)."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook

from core.imports import storage
from core.models import AuditEntry, PendingImport, PendingImportState
from indicators.models import IndicatorValue
from planning.models import PlanItemImplementer
from tests.accounts.factories import UserFactory
from tests.indicators.factories import IndicatorFactory, year_value
from tests.indicators.import_factories import fill_template, reporting_world, sheet_bytes
from tests.planning.factories import PlanFactory, PlanItemFactory

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def world(organisation_x):
    return reporting_world(organisation_x)


def _upload(client, content, name="hodnoty.xlsx"):
    return client.post(reverse("indicators:import"),
                       {"file": SimpleUploadedFile(name, content, XLSX)})


def _confirm(client, batch, import_jobs):
    """The confirm's answer; its job (if it started one) applied meanwhile."""
    with import_jobs():
        return client.post(reverse("indicators:import_confirm", args=[batch.pk]))


def _job_page(client, batch):
    return client.get(reverse("core:import_job", args=[batch.pk]))


# --- Template ----------------------------------------------------------------------------


def test_template_download(client, world, implementer_x):
    client.force_login(implementer_x)
    response = client.get(reverse("indicators:template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content))["Hodnoty"]
    codes = {r[0] for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]}
    assert codes == {"R-own", "R-composite", "R-project"}


# --- Import ------------------------------------------------------------------------------


def test_upload_with_errors_shows_them_and_keeps_nothing(client, world, implementer_x):
    client.force_login(implementer_x)
    content = sheet_bytes([{"code": "R-own", "period": "2024", "value": "1 190"},
                           {"code": "R-own", "period": "2023", "value": "hodně"}])
    response = _upload(client, content)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="import-errors"' in html
    assert "Row 3, column I (Hodnota)" in html or "Řádek 3, sloupec I (Hodnota)" in html
    assert "import-confirm" not in html
    # Kept with its errors (the upload's page), but nothing to confirm, no file.
    pending = PendingImport.objects.get()
    assert pending.state == PendingImportState.INVALID and storage.read(pending.pk) is None
    assert not IndicatorValue.objects.exists()


def test_an_implementer_does_not_change_an_approved_value_by_import(client, world,
                                                                    implementer_x):
    year_value(world["own"], 2023, 200)
    client.force_login(implementer_x)
    template = client.get(reverse("indicators:template")).content
    content = fill_template(template, {"R-own": {"period": "2023", "value": "250"}})
    response = _upload(client, content, name="hlášení.xlsx")
    assert response.context["counts"]["error"] == 1
    assert "jen pracovník města" in response.content.decode()


def test_upload_preview_confirm_saves_in_one_go(client, world, implementer_x, import_jobs):
    # The implementer's own value, not yet approved: the implementer may change it.
    year_value(world["own"], 2023, 200, review_state="submitted")
    client.force_login(implementer_x)
    template = client.get(reverse("indicators:template")).content
    content = fill_template(template, {
        "R-own": {"period": "2023", "value": "250"},
        "R-composite": {"period": "k 30. 4. 2024", "value": "12/12/4/22"},
        "R-project": {"period": "2024", "value": "n. a.", "reason": "Čekáme na data."},
    }, extra=[{"code": "R-own", "period": "2022", "value": "cca 3 100", "note": "odhad"}])
    response = _upload(client, content, name="hlášení 2024.xlsx")
    assert response.status_code == 200
    batch = response.context["pending"]
    assert batch is not None and batch.created_by == implementer_x
    assert batch.file_name == "hlášení 2024.xlsx"
    assert response.context["counts"] == {"new": 3, "changed": 1, "unchanged": 0, "error": 0}
    html = response.content.decode()
    assert "<del>200</del>" in html and "<ins>250</ins>" in html
    assert IndicatorValue.objects.count() == 1  # nothing saved yet
    audits = AuditEntry.objects.count()

    response = _confirm(client, batch, import_jobs)
    assert response.status_code == 302
    # The confirm started a job; its page, once saved, leads on to the reporting home.
    assert response["Location"] == reverse("core:import_job", args=[batch.pk])
    done = _job_page(client, batch)
    assert done.status_code == 302 and done["Location"] == reverse("reporting_home")
    values = {(v.indicator.code, v.period_text): v for v in IndicatorValue.objects.all()}
    assert values["R-own", "2023"].value == Decimal("250")
    assert values["R-own", "2022"].is_estimate and values["R-own", "2022"].note == "odhad"
    assert values["R-project", "2024"].available is False
    assert values["R-project", "2024"].not_available_reason == "Čekáme na data."
    composite = values["R-composite", "k 30. 4. 2024"]
    assert [(p.label, p.amount) for p in composite.parts.all()] == [
        ("muži", 12), ("ženy", 12), ("děti", 4), ("celkem", 22)]
    assert composite.period_end == date(2024, 4, 30)
    entries = AuditEntry.objects.order_by("pk")[audits:]
    assert len(entries) == 4
    assert {e.actor_id for e in entries} == {implementer_x.pk}
    assert all("hlášení 2024.xlsx" in e.message for e in entries)
    batch.refresh_from_db()
    assert batch.confirmed_at is not None
    assert (batch.state, batch.progress, batch.saved_count) == ("confirmed", 100, 4)

    # Confirming twice saves nothing more.
    again = _confirm(client, batch, import_jobs)
    assert again.status_code == 400
    assert 'id="import-refused"' in again.content.decode()
    assert AuditEntry.objects.count() == audits + 4


def _preview_batch(client, user, rows):
    client.force_login(user)
    response = _upload(client, sheet_bytes(rows))
    batch = response.context["pending"]
    assert batch is not None, response.context["preview"].errors
    return batch


def test_another_users_batch_is_refused(client, world, implementer_x, officer, import_jobs):
    batch = _preview_batch(client, implementer_x,
                           [{"code": "R-own", "period": "2024", "value": "1"}])
    client.force_login(officer)
    response = _confirm(client, batch, import_jobs)
    assert response.status_code == 400
    assert not IndicatorValue.objects.exists()
    batch.refresh_from_db()
    assert batch.confirmed_at is None
    missing = client.post(reverse("indicators:import_confirm",
                                  args=["00000000-0000-0000-0000-000000000000"]))
    assert missing.status_code == 400


def test_a_value_changed_after_the_preview_refuses_the_whole_batch(client, world,
                                                                    implementer_x, import_jobs):
    # The implementer's own value, not yet approved: the implementer may change it.
    year_value(world["own"], 2023, 200, review_state="submitted")
    batch = _preview_batch(client, implementer_x, [
        {"code": "R-project", "period": "2024", "value": "7"},
        {"code": "R-own", "period": "2023", "value": "250"},
    ])
    IndicatorValue.objects.filter(indicator=world["own"]).update(value=Decimal("210"),
                                                                 version=5)
    response = _confirm(client, batch, import_jobs)
    assert response.status_code == 302
    page = _job_page(client, batch)
    assert page.status_code == 200 and 'id="import-refused"' in page.content.decode()
    assert gettext("The value was changed in the portal after the preview.") in \
        page.content.decode()
    assert not IndicatorValue.objects.filter(indicator=world["project"]).exists()
    batch.refresh_from_db()
    assert batch.confirmed_at is None and batch.state == PendingImportState.FAILED


def test_permission_lost_before_confirm_saves_nothing(client, world, implementer_x,
                                                     import_jobs):
    batch = _preview_batch(client, implementer_x, [
        {"code": "R-project", "period": "2024", "value": "7"},
        {"code": "R-own", "period": "2024", "value": "8"},
    ])
    PlanItemImplementer.objects.filter(item=world["own_measure"]).delete()
    response = _confirm(client, batch, import_jobs)
    assert response.status_code == 302
    page = _job_page(client, batch).content.decode()
    assert gettext("You may no longer report this indicator.") in page
    assert not IndicatorValue.objects.exists()


def test_a_failing_row_rolls_back_the_rows_saved_before_it(client, world, officer,
                                                           import_jobs):
    """The service refuses row 3 at confirm (a territory the indicator no longer
    follows): row 2, already written, is rolled back."""
    batch = _preview_batch(client, officer, [
        {"code": "R-project", "period": "2024", "value": "7"},
        {"code": "R-own", "territory": "MSK", "period": "2024", "value": "8"},
    ])
    type(world["own"]).objects.filter(pk=world["own"].pk).update(comparison_territory=None)
    response = _confirm(client, batch, import_jobs)
    assert response.status_code == 302
    assert _job_page(client, batch).status_code == 200  # failed: shown, not passed on
    batch.refresh_from_db()
    assert batch.state == PendingImportState.FAILED and batch.errors
    assert not IndicatorValue.objects.exists()


def test_refused_files_get_a_clear_message(client, world, officer):
    client.force_login(officer)
    response = _upload(client, b"kod;hodnota\nR-own;1\n", name="hodnoty.xlsx")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert 'id="import-file-errors"' in response.content.decode()
    nothing = client.post(reverse("indicators:import"), {})
    assert gettext("Choose a file to upload.") in nothing.content.decode() or \
        nothing.context["form"].errors["file"]
    assert PendingImport.objects.count() == 0


def test_a_file_changing_nothing_offers_no_confirm(client, world, officer):
    year_value(world["own"], 2023, 200)
    client.force_login(officer)
    response = _upload(client, sheet_bytes([{"code": "R-own", "period": "2023",
                                             "value": "200"}]))
    assert response.context["counts"]["unchanged"] == 1
    assert response.context["pending"] is None
    assert 'id="import-unchanged"' in response.content.decode()


def test_confirm_is_post_only_and_gated(client, world, implementer_x, plain_user,
                                        import_jobs):
    batch = _preview_batch(client, implementer_x,
                           [{"code": "R-own", "period": "2024", "value": "1"}])
    assert client.get(reverse("indicators:import_confirm", args=[batch.pk])).status_code == 405
    client.force_login(plain_user)
    assert _confirm(client, batch, import_jobs).status_code == 403
    client.logout()
    response = _confirm(client, batch, import_jobs)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert not IndicatorValue.objects.exists()


def test_implementer_cannot_import_into_an_indicator_of_others(client, world, implementer_x):
    client.force_login(implementer_x)
    response = _upload(client, sheet_bytes([{"code": "R-other", "period": "2024",
                                             "value": "1"}]))
    assert response.context["pending"] is None
    assert response.context["counts"]["error"] == 1
    assert not IndicatorValue.objects.exists()


def test_old_unconfirmed_batches_are_pruned(client, world, officer):
    stale = PendingImport.objects.create(
        importer="indicators.values", created_by=UserFactory(), file_name="x.xlsx",
        checksum="x", expires_at=timezone.now() - timedelta(days=1))
    PendingImport.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - timedelta(days=2))
    for year in range(2010, 2017):
        _preview_batch(client, officer, [{"code": "R-own", "period": str(year), "value": "1"}])
    stale.refresh_from_db()
    assert stale.state == PendingImportState.EXPIRED
    assert PendingImport.objects.filter(created_by=officer,
                                        state=PendingImportState.PREVIEWED).count() == 5


def test_value_in_a_plan_draft_is_still_reportable_by_officers(client, officer, import_jobs):
    plan = PlanFactory(code="drafty", status="draft")
    measure = PlanItemFactory.measure(plan=plan)
    IndicatorFactory.for_measure(measure, code="D-1")
    batch = _preview_batch(client, officer, [{"code": "D-1", "period": "2024", "value": "3"}])
    assert _confirm(client, batch, import_jobs).status_code == 302
    assert IndicatorValue.objects.get().value == 3
