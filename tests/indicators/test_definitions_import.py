"""The indicator definitions workbook: export → import changes nothing (the
Ostrava demo and a small English made-up set with a duplicate code and two
milestones), new and changed definitions, and every kind of bad input
refused with its row and column, nothing saved."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.imports.base import CHANGED, NEW, UNCHANGED
from core.imports.services import import_file
from indicators.checks import duplicate_indicator_codes
from indicators.imports_definitions import (
    COLUMNS,
    DEFINITION_IMPORTER,
    MILESTONE_COLUMNS,
    MILESTONE_SHEET,
    SHEET_TITLE,
    definitions_xlsx_bytes,
)
from indicators.models import (
    TARGETS_WITH_VALUE,
    Frequency,
    Indicator,
    IndicatorKind,
    IndicatorTarget,
    Status,
    TargetKind,
)
from tests.indicators.factories import IndicatorFactory, ostrava, region, year_value
from tests.planning.factories import PlanFactory
from tests.shared_db import DEMO, module_rows, seed_demo


def _seed():
    seed_demo(*DEMO)


# Loaded once per session, copied for each module (tests/shared_db.py).
_seeded_once = module_rows(_seed)


def _state():
    return sorted(
        (i.pk, i.code, i.slug, i.name, i.position, i.kind, i.unit, i.home_territory_id,
         i.comparison_territory_id, i.update_frequency, i.frequency_years, i.data_source,
         i.definition, i.plan_item_id, i.version, i.status,
         tuple((t.year, t.due, t.kind, t.value, t.text) for t in i.milestones),
         tuple(sorted((v.territory_id, v.period_text, v.value, v.is_baseline, v.version)
                      for v in i.values.all())))
        for i in Indicator.objects.prefetch_related("targets", "values"))


def _workbook(rows, milestones=None):
    from openpyxl import Workbook
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append([c.header for c in COLUMNS])
    for row in rows:
        sheet.append([row.get(c.name) for c in COLUMNS])
    if milestones is not None:
        other = workbook.create_sheet(MILESTONE_SHEET)
        other.append([c.header for c in MILESTONE_COLUMNS])
        for row in milestones:
            other.append([row.get(c.name) for c in MILESTONE_COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_export_then_import_of_the_ostrava_demo_changes_nothing(_seeded_once, db, officer):
    before = _state()
    content = definitions_xlsx_bytes()
    assert load_workbook(io.BytesIO(content)).sheetnames[:2] == [SHEET_TITLE, MILESTONE_SHEET]
    preview = import_file(importer=DEFINITION_IMPORTER, actor=officer, content=content)
    assert preview.errors == []
    assert len(preview.rows) == Indicator.objects.exclude(kind=IndicatorKind.PROJECT).count()
    assert {row["outcome"] for row in preview.rows} == {UNCHANGED}, [
        (row["code"], row["changes"]) for row in preview.rows if row["outcome"] != UNCHANGED]
    assert _state() == before


@pytest.fixture
def made_up(db):
    """A small English plan: two indicators printed with the code 1.2, one with
    two milestones."""
    ostrava()
    region()
    plan = PlanFactory(code="east", status="in_force")
    return plan


ROWS = [
    {"plan": "east", "code": "1.2", "position": 1, "name": "Homeless people housed",
     "kind": "global", "unit": "count", "territory": "Ostrava", "frequency": "every 3 years",
     "source": "City survey", "baseline_value": "120", "baseline_period": "2021"},
    {"plan": "east", "code": "1.2", "position": 2, "name": "Shelter beds", "kind": "global",
     "unit": "count", "territory": "ostrava", "comparison_territory": "MSK",
     "frequency": "yearly"},
    {"plan": "east", "code": "10", "position": 3, "name": "Volunteers", "territory": "ostrava"},
]
MILESTONES = [
    {"plan": "east", "code": "1.2", "position": 1, "year": 2025, "kind": "at_least",
     "value": 150, "text": "at least 150 by 2025"},
    {"plan": "east", "code": "1.2", "position": 1, "due": date(2030, 6, 30), "kind": "at_least",
     "value": 200},
    {"plan": "east", "code": "10", "year": 2027, "kind": "increase"},
]


def test_a_made_up_set_with_a_duplicate_code_and_two_milestones_round_trips(made_up, officer):
    preview = import_file(importer=DEFINITION_IMPORTER, actor=officer,
                          content=_workbook(ROWS, MILESTONES))
    assert preview.errors == []
    assert [row["outcome"] for row in preview.rows] == [NEW, NEW, NEW]
    housed, beds = Indicator.objects.filter(code="1.2").order_by("position")
    assert (housed.slug, beds.slug) == ("1.2", "1.2-2")  # addresses stay unique
    assert (housed.update_frequency, housed.frequency_years) == (Frequency.EVERY_N_YEARS, 3)
    assert [(t.year, t.due, t.value) for t in housed.milestones] == [
        (2025, None, Decimal("150")), (None, date(2030, 6, 30), Decimal("200"))]
    assert housed.values.get(is_baseline=True).value == 120
    assert beds.comparison_territory.code == "msk"
    assert set(housed.plans.all()) == {made_up}
    # The duplicate is accepted, kept and flagged.
    findings = duplicate_indicator_codes(made_up)
    assert [(f.kind, set(f.items)) for f in findings] == [
        ("duplicate_indicator_code", {housed, beds})]
    # The export of what was imported imports as no change at all.
    before = _state()
    again = import_file(importer=DEFINITION_IMPORTER, actor=officer,
                        content=definitions_xlsx_bytes())
    assert again.errors == []
    assert {row["outcome"] for row in again.rows} == {UNCHANGED}
    assert _state() == before


def test_a_changed_row_updates_the_indicator_matched_by_code_and_printed_order(made_up,
                                                                              officer):
    import_file(importer=DEFINITION_IMPORTER, actor=officer, content=_workbook(ROWS, MILESTONES))
    rows = [dict(row) for row in ROWS]
    rows[1]["name"] = "Shelter beds (night)"
    milestones = MILESTONES[:1] + MILESTONES[2:]
    preview = import_file(importer=DEFINITION_IMPORTER, actor=officer,
                          content=_workbook(rows, milestones))
    assert preview.errors == []
    assert [row["outcome"] for row in preview.rows] == [CHANGED, CHANGED, UNCHANGED]
    assert preview.rows[0]["changes"] == ["milestones"]
    assert preview.rows[1]["changes"] == ["name"]
    beds = Indicator.objects.get(code="1.2", position=2)
    assert beds.name == "Shelter beds (night)" and beds.version == 2
    assert Indicator.objects.get(code="1.2", position=1).targets.count() == 1


def test_the_status_is_judged_against_the_next_milestone_after_an_import(made_up, officer):
    import_file(importer=DEFINITION_IMPORTER, actor=officer, content=_workbook(ROWS, MILESTONES))
    housed = Indicator.objects.get(code="1.2", position=1)
    # 2024: the 2025 milestone (at least 150) is next; 160 meets it.
    year_value(housed, 2024, 160)
    from indicators.services import indicator_refresh_status
    assert indicator_refresh_status(indicator=housed) == Status.ON_TRACK
    # 2026: the 2025 one is past; against "at least 200 by 30. 6. 2030" 170 is improving.
    year_value(housed, 2026, 170)
    assert indicator_refresh_status(indicator=housed) == Status.IMPROVING


@pytest.mark.parametrize(("change", "column", "words"), [
    ({"territory": "Atlantis"}, "Území", "Atlantis"),
    ({"plan_items": "9.9.9"}, "Položky plánu", "9.9.9"),
    ({"plan": "west"}, "Plán", "west"),
    ({"frequency": "sometimes"}, "Četnost", "sometimes"),
    ({"baseline_value": "lots", "baseline_period": "2021"}, "Výchozí hodnota", "lots"),
    ({"kind": "impact"}, "Položky plánu", "specific"),
])
def test_bad_definitions_name_row_and_column_and_save_nothing(made_up, officer, change, column,
                                                              words):
    rows = [dict(ROWS[0], **change), *ROWS[1:]]
    preview = import_file(importer=DEFINITION_IMPORTER, actor=officer,
                          content=_workbook(rows, MILESTONES))
    assert [(e.row, e.column) for e in preview.errors] == [(2, column)]
    assert words in preview.errors[0]
    assert not Indicator.objects.exists() and not IndicatorTarget.objects.exists()


@pytest.mark.parametrize(("change", "column"), [
    ({"code": "99"}, "Kód"),  # a milestone of an indicator the sheet does not define
    ({"kind": "more or less"}, "Druh cíle"),
    ({"kind": "at_most", "value": None}, "Hodnota"),
])
def test_bad_milestones_name_sheet_row_and_column_and_save_nothing(made_up, officer, change,
                                                                   column):
    milestones = [dict(MILESTONES[0], **change), *MILESTONES[1:]]
    preview = import_file(importer=DEFINITION_IMPORTER, actor=officer,
                          content=_workbook(ROWS, milestones))
    assert len(preview.errors) == 1
    assert MILESTONE_SHEET in preview.errors[0] and f"„{column}“" in preview.errors[0]
    assert "2" in preview.errors[0]
    assert not Indicator.objects.exists()


def test_numbers_are_read_in_the_workbooks_format_and_an_ambiguous_baseline_is_confirmed(
        made_up, officer):
    english = [dict(ROWS[0], baseline_value="1,234.5"), *ROWS[1:]]
    preview = import_file(importer=DEFINITION_IMPORTER, actor=officer,
                          content=_workbook(english, MILESTONES), number_format="en")
    assert preview.errors == []
    assert Indicator.objects.get(code="1.2", position=1).values.get(
        is_baseline=True).value == Decimal("1234.5")

    Indicator.objects.all().delete()
    ambiguous = [dict(ROWS[0], baseline_value="83,511"), *ROWS[1:]]
    content = _workbook(ambiguous, MILESTONES)
    preview = DEFINITION_IMPORTER.preview(content, actor=officer, number_format="en")
    assert preview.errors == []
    assert [(item["column"], item["text"]) for item in preview.rows[0]["ambiguous"]] == [
        ("baseline_value", "83,511")]
    refused = import_file(importer=DEFINITION_IMPORTER, actor=officer, content=content,
                          number_format="en")
    assert refused.errors and "83,511" in refused.errors[0]
    assert not Indicator.objects.exists()


def test_a_baseline_published_in_the_other_number_format_exports_as_a_number(
        made_up, officer):
    """An English "1,250" (confirmed as 1250) and "12.5", exported in a workbook
    stating the Czech format, are written as numbers, so that the import
    reads them back unchanged rather than as 1.25 or as an error; the text as
    published stays in the portal."""
    english = [dict(ROWS[0], baseline_value="1,250"), dict(ROWS[1], baseline_value="12.5",
                                                          baseline_period="2021"), ROWS[2]]
    preview = import_file(importer=DEFINITION_IMPORTER, actor=officer,
                          content=_workbook(english, MILESTONES), number_format="en",
                          confirmed_rows=[2])
    assert preview.errors == []
    before = _state()
    content = definitions_xlsx_bytes(number_format="cs")
    sheet = load_workbook(io.BytesIO(content))[SHEET_TITLE]
    column = [c.name for c in COLUMNS].index("baseline_value") + 1
    assert [sheet.cell(row=r, column=column).value for r in (2, 3)] == [1250, 12.5]
    again = import_file(importer=DEFINITION_IMPORTER, actor=officer, content=content)
    assert again.errors == []
    assert {row["outcome"] for row in again.rows} == {UNCHANGED}
    assert _state() == before
    housed = Indicator.objects.get(code="1.2", position=1)
    assert housed.values.get(is_baseline=True).value_text == "1,250"
    # A baseline that reads the same in the stated format stays as published.
    content = definitions_xlsx_bytes(number_format="en")
    sheet = load_workbook(io.BytesIO(content))[SHEET_TITLE]
    assert sheet.cell(row=3, column=column).value == "12.5"


def test_an_ambiguous_milestone_value_is_confirmed_with_its_indicator_s_row(made_up, officer):
    """The preview's rows are the first sheet's: a milestone's ambiguous value
    is asked with its indicator's row (beside the baseline's), naming its own
    sheet and row; unconfirmed, nothing is saved."""
    rows = [dict(ROWS[0], baseline_value="1,250"), *ROWS[1:]]
    milestones = [dict(MILESTONES[0], value="83,511"), *MILESTONES[1:]]
    content = _workbook(rows, milestones)
    preview = DEFINITION_IMPORTER.preview(content, actor=officer, number_format="en")
    assert preview.errors == []
    [row] = preview.ambiguous
    assert row["row"] == 2
    baseline, target = row["ambiguous"]
    assert (baseline["column"], baseline["text"]) == ("baseline_value", "1,250")
    assert (target["column"], target["text"]) == ("value", "83,511")
    assert MILESTONE_SHEET in target["label"] and "2" in target["label"]
    assert MILESTONE_SHEET in target["message"] and "„Hodnota“" in target["message"]
    refused = import_file(importer=DEFINITION_IMPORTER, actor=officer, content=content,
                          number_format="en")
    assert len(refused.errors) == 2 and MILESTONE_SHEET in refused.errors[1]
    assert not Indicator.objects.exists()
    done = import_file(importer=DEFINITION_IMPORTER, actor=officer, content=content,
                       number_format="en", confirmed_rows=["2"])
    assert done.errors == []
    housed = Indicator.objects.get(code="1.2", position=1)
    assert housed.milestones[0].value == Decimal("83511")
    assert housed.values.get(is_baseline=True).value == Decimal("1250")


def test_the_template_states_its_number_format_and_the_reader_takes_it(made_up, officer):
    content = definitions_xlsx_bytes([], number_format="en")
    help_sheet = load_workbook(io.BytesIO(content))["Návod"]
    assert help_sheet["A1"].value == "Formát čísel"
    preview = DEFINITION_IMPORTER.preview(content, actor=officer)
    assert (preview.number_format, preview.number_format_source) == ("en", "workbook")


def test_the_import_pages_are_for_officers(client, officer, implementer_x, made_up):
    urls = [reverse("indicators:definitions_import"), reverse("indicators:definitions_export"),
            reverse("indicators:definitions_template")]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the sign-in
        assert "login" in client.get(url)["Location"]
    client.force_login(implementer_x)
    for url in urls:
        assert client.get(url).status_code == 403
    client.force_login(officer)
    for url in urls:
        assert client.get(url).status_code == 200


def test_upload_preview_and_confirm_through_the_pages(client, officer, made_up, import_jobs):
    from django.core.files.uploadedfile import SimpleUploadedFile
    client.force_login(officer)
    upload = SimpleUploadedFile("defs.xlsx", _workbook(ROWS, MILESTONES))
    response = client.post(reverse("indicators:definitions_import"), {"file": upload})
    assert response.status_code == 200
    pending = response.context["pending"]
    assert pending is not None and not Indicator.objects.exists()
    with import_jobs():
        response = client.post(reverse("indicators:definitions_confirm", args=[pending.pk]))
    assert response["Location"] == reverse("core:import_job", args=[pending.pk])
    assert Indicator.objects.count() == 3
    assert client.get(response["Location"]).status_code == 302  # on to the done page


def test_duplicate_indicator_codes_flags_only_codes_printed_twice_in_one_plan(db):
    plan, other = PlanFactory(), PlanFactory()
    a = IndicatorFactory(code="G2", plans=[plan])
    b = IndicatorFactory(code="G2", slug="g2-b", plans=[plan])
    IndicatorFactory(code="G10", plans=[plan])
    c = IndicatorFactory(code=" G2 ", slug="g2-d", plans=[plan])  # spaces at the ends
    IndicatorFactory(code="G2", slug="g2-c", plans=[other])  # another plan: fine
    IndicatorFactory(code="", slug="blank-1", plans=[plan])  # no code: never a duplicate
    IndicatorFactory(code=" ", slug="blank-2", plans=[plan])
    findings = duplicate_indicator_codes(plan)
    assert len(findings) == 1
    assert findings[0].kind == "duplicate_indicator_code"
    assert set(findings[0].items) == {a, b, c}
    assert duplicate_indicator_codes(other) == []


def test_the_plans_data_checks_page_lists_indicator_codes_printed_twice(made_up, officer,
                                                                       client):
    import_file(importer=DEFINITION_IMPORTER, actor=officer, content=_workbook(ROWS, MILESTONES))
    client.force_login(officer)
    page = client.get(reverse("planning:plan_data_checks", args=[made_up.code]))
    assert page.status_code == 200
    housed, beds = Indicator.objects.filter(code="1.2").order_by("position")
    html = page.content.decode()
    assert 'id="check-duplicate_indicator_code"' in html
    assert housed.get_absolute_url() in html and beds.get_absolute_url() in html


@pytest.mark.parametrize("kind", [k for k in TargetKind if k])
def test_a_milestone_of_every_target_shape_is_imported_and_shown(made_up, officer, client, kind):
    """Milestones of every target shape (the indicator printed second with the
    code 1.2 is compared with the region, as below_comparison needs), two of
    them dated, shown on the indicator page."""
    value = 10 if kind in TARGETS_WITH_VALUE else None
    milestones = [
        {"plan": "east", "code": "1.2", "position": 2, "year": 2026, "kind": kind,
         "value": value},
        {"plan": "east", "code": "1.2", "position": 2, "year": 2028, "kind": "at_most",
         "value": 5, "text": "at most 5 by 2028"},
    ]
    preview = import_file(importer=DEFINITION_IMPORTER, actor=officer,
                          content=_workbook(ROWS, milestones))
    assert preview.errors == []
    beds = Indicator.objects.get(code="1.2", position=2)
    assert [(t.year, t.kind) for t in beds.milestones] == [(2026, kind), (2028, "at_most")]
    html = client.get(beds.get_absolute_url()).content.decode()
    assert "at most 5 by 2028" in html and "2026" in html
