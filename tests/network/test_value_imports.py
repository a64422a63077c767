"""The workbook of service indicator values: the template of a period (the
user's services × the manual's indicators), the round trip, every error named
by row and column, nothing saved while a row has one, the form's rules (own
services only, comments only where allowed, the pilot mark), the pages three
ways and the preview's query count not growing with its rows."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from core.imports.services import import_file
from core.models import AuditEntry
from network.indicator_models import IndicatorValue
from network.value_imports import COLUMNS, SHEET_TITLE, VALUES_IMPORTER

from .factories import make_indicator, make_indicator_value, make_manual, make_service

pytestmark = pytest.mark.django_db

HEADER = [c.header for c in COLUMNS]


@pytest.fixture(autouse=True)
def czech():
    with translation.override("cs"):
        yield


@pytest.fixture
def network(implementer_x):
    """Two services of the provider and one of another, a pilot manual with
    an indicator for § 65 that takes a comment and one that does not."""
    own = implementer_x.implementer_organisation
    manual = make_manual(valid_from=date(2023, 1, 1))
    interventions = make_indicator(manual=manual, code="intervence", comment_allowed=True)
    contacts = make_indicator(manual=manual, code="kontakty", comment_allowed=False)
    first = make_service(provider=own, name="SAS Přístav")
    second = make_service(provider=own, name="SAS Maják")
    other = make_service(name="Cizí služba")
    return {"first": first, "second": second, "other": other,
            "interventions": interventions, "contacts": contacts}


def workbook(rows):
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    sheet.append(HEADER)
    for row in rows:
        sheet.append([row.get(header) for header in HEADER])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row(service, code="intervence", value="120,5", **extra):
    return {"Číslo služby": service.pk, "Rok": 2024, "Období": "1. pololetí",
            "Kód indikátoru": code, "Hodnota": value, **extra}


def _sheet_rows(content):
    sheet = load_workbook(io.BytesIO(content))[SHEET_TITLE]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    return [dict(zip(HEADER, row, strict=True)) for row in rows[1:]]


def _template(client, year=2024, period="half"):
    response = client.get(reverse("network:values_template"), {"year": year, "period": period})
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_template_lists_own_services_times_indicators_and_round_trips(
        client, implementer_x, network):
    make_indicator_value(service=network["first"], indicator=network["interventions"],
                         value="80", comment="Včetně skupinových")
    client.force_login(implementer_x)
    content = _template(client)
    rows = _sheet_rows(content)
    assert sorted((r["Služba"], r["Kód indikátoru"]) for r in rows) == [
        ("SAS Maják", "intervence"), ("SAS Maják", "kontakty"),
        ("SAS Přístav", "intervence"), ("SAS Přístav", "kontakty")]
    by_key = {(r["Služba"], r["Kód indikátoru"]): r for r in rows}
    reported = by_key[("SAS Přístav", "intervence")]
    assert (Decimal(str(reported["Hodnota"])), reported["Komentář"]) == (
        Decimal("80"), "Včetně skupinových")
    assert (reported["Jednotka"], reported["Komentář povolen"],
            by_key[("SAS Přístav", "kontakty")]["Komentář povolen"]) == ("intervence", "ano", "ne")
    assert {r["Období"] for r in rows} == {"1. pololetí"} and {r["Rok"] for r in rows} == {2024}

    audit = AuditEntry.objects.count()
    preview = import_file(importer=VALUES_IMPORTER, actor=implementer_x, content=content)
    assert preview.errors == []
    assert (preview.counts["unchanged"], preview.counts["new"], preview.skipped) == (1, 0, 3)
    assert AuditEntry.objects.count() == audit and IndicatorValue.objects.count() == 1

    filled = [{**r, "Hodnota": r["Hodnota"] or "12"} for r in rows]
    preview = import_file(importer=VALUES_IMPORTER, actor=implementer_x, content=workbook(filled))
    assert preview.errors == [] and preview.counts["new"] == 3
    saved = IndicatorValue.objects.filter(service=network["second"]).order_by("indicator__code")
    assert [(v.value, v.pilot, v.reported_by, v.period) for v in saved] == [
        (Decimal("12"), True, implementer_x, "half")] * 2
    assert AuditEntry.objects.count() == audit + 3
    assert AuditEntry.objects.filter(actor=implementer_x).count() == 3


def test_a_changed_value_replaces_the_reported_one(implementer_x, network):
    draft = make_indicator_value(service=network["first"], indicator=network["interventions"],
                                 value="80")
    IndicatorValue.objects.filter(pk=draft.pk).update(review_state="draft")
    preview = import_file(importer=VALUES_IMPORTER, actor=implementer_x, content=workbook([
        _row(network["first"], value="95", **{"Komentář": "Bez skupinových"})]))
    assert preview.errors == [] and preview.counts["changed"] == 1
    value = IndicatorValue.objects.get()
    # A provider's workbook submits its values for approval.
    assert (value.value, value.comment, value.reported_by, value.review_state) == (
        Decimal("95"), "Bez skupinových", implementer_x, "submitted")


def test_a_provider_cannot_rewrite_an_approved_value_by_workbook(implementer_x, network):
    make_indicator_value(service=network["first"], indicator=network["interventions"],
                         value="80")
    preview = import_file(importer=VALUES_IMPORTER, actor=implementer_x, content=workbook([
        _row(network["first"], value="95")]))
    assert len(preview.errors) == 1 and preview.errors[0].startswith("Řádek 2:")
    assert "schválený" in preview.errors[0]
    assert IndicatorValue.objects.get().value == Decimal("80")


def test_each_error_names_its_row_and_column_and_nothing_is_saved(implementer_x, network):
    first, second = network["first"], network["second"]
    make_service(provider=implementer_x.implementer_organisation, paragraph="37",
                 name="Poradna")
    counselling = implementer_x.implementer_organisation.services.get(name="Poradna")
    rows = [
        _row(first),                                                     # 2: fine
        _row(network["other"]),                                          # 3: not theirs
        _row(first, code="neznamy"),                                     # 4: no such indicator
        _row(counselling),                                               # 5: not for § 37
        _row(first, code="kontakty", **{"Komentář": "Nelze"}),           # 6: no comment allowed
        _row(second, value=None, **{"Komentář": "Jen"}),                 # 7: comment alone
        _row(second, code="kontakty", value="-3"),                       # 8: negative
        _row(first, value="7"),                                          # 9: same as row 2
        {**_row(first, code="kontakty"), "Období": "třetí čtvrtletí"},   # 10: no such period
        {**_row(first, code="kontakty"), "Rok": 2020},                   # 11: no manual then
        {**_row(first, code="kontakty"), "Číslo služby": "abc"},         # 12: not a number
    ]
    before = AuditEntry.objects.count()
    preview = import_file(importer=VALUES_IMPORTER, actor=implementer_x, content=workbook(rows))
    named = sorted((error.row, error.column) for error in preview.errors)
    assert named == [
        (3, "Číslo služby"), (4, "Kód indikátoru"), (5, "Kód indikátoru"), (6, "Komentář"),
        (7, "Hodnota"), (8, "Hodnota"), (9, "Kód indikátoru"), (10, "Období"), (11, "Rok"),
        (12, "Číslo služby")]
    assert all(str(error).startswith(f"Řádek {error.row}, sloupec „{error.column}“")
               for error in preview.errors)
    texts = " ".join(str(error) for error in preview.errors)
    assert "neznamy" in texts and "řádku 2" in texts
    assert IndicatorValue.objects.count() == 0 and AuditEntry.objects.count() == before


def test_an_officer_reports_for_any_service(officer, network):
    preview = import_file(importer=VALUES_IMPORTER, actor=officer,
                          content=workbook([_row(network["other"])]))
    assert preview.errors == []
    assert IndicatorValue.objects.get().service == network["other"]


def test_the_pages_three_ways_and_a_confirm(client, implementer_x, plain_user, network,
                                            import_jobs):
    urls = [reverse("network:values_template"), reverse("network:values_import")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    client.force_login(plain_user)
    for url in urls:
        assert client.get(url).status_code == 403
    client.force_login(implementer_x)
    page = client.get(reverse("network:values_import"))
    assert page.status_code == 200 and "Hodnoty indikátorů" in page.content.decode()
    upload = io.BytesIO(workbook([_row(network["first"])]))
    upload.name = "hodnoty.xlsx"
    preview = client.post(reverse("network:values_import"), {"file": upload})
    assert preview.status_code == 200
    shown = preview.content.decode()
    assert "Nové hodnoty: 1" in shown and "120,5" in shown and "SAS Přístav" in shown
    pending = preview.context["pending"]
    with import_jobs():
        client.post(reverse("network:values_import_confirm", args=[pending.pk]),
                    {"upload": pending.pk})
    value = IndicatorValue.objects.get()
    assert (value.service, value.value, value.reported_by) == (
        network["first"], Decimal("120.5"), implementer_x)


def test_a_value_reported_after_the_preview_refuses_the_confirm(implementer_x, network,
                                                                settings, tmp_path):
    from core.imports.base import ImportChanged
    from core.imports.services import pending_import_confirm, pending_import_preview

    settings.MEDIA_ROOT = tmp_path
    preview, pending = pending_import_preview(
        importer=VALUES_IMPORTER, actor=implementer_x, content=workbook([_row(network["first"])]),
        file_name="hodnoty.xlsx", session_key="s")
    assert pending is not None and preview.counts["new"] == 1
    make_indicator_value(service=network["first"], indicator=network["interventions"], value="1")
    with pytest.raises(ImportChanged):
        pending_import_confirm(importer=VALUES_IMPORTER, actor=implementer_x,
                               pending_id=pending.pk, session_key="s")
    assert IndicatorValue.objects.get().value == Decimal("1")


def test_the_previews_queries_do_not_grow_with_its_rows(implementer_x, network):
    own = implementer_x.implementer_organisation

    def queries(count):
        services = [make_service(provider=own) for _ in range(count)]
        content = workbook([_row(s, code=code) for s in services
                            for code in ("intervence", "kontakty")])
        with CaptureQueriesContext(connection) as captured:
            preview = VALUES_IMPORTER.preview(content, actor=implementer_x)
        assert preview.errors == [] and len(preview.rows) == 2 * count
        return len(captured)

    queries(1)  # the city and the session's first look-ups, asked once per process
    assert queries(2) == queries(25) <= 8
