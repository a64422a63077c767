"""Any city: a made-up second city, Brodek, loaded through the workbooks only
(plus the city settings and its territories, which have no workbook), in a
database without the Ostrava demo. Its pages, data checks and interim
evaluation carry nothing of Ostrava; its English EUR plan shows no Czech
crowns; its workbooks export and import again as no change at all."""

import io
import re
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from config.celery import app as celery_app
from core.imports.base import ERROR, NEW
from core.imports.services import import_file
from directory import services as directory_services
from directory.models import City, Territory
from indicators.imports import VALUE_IMPORTER
from indicators.imports_definitions import (
    COLUMNS,
    DEFINITION_IMPORTER,
    MILESTONE_COLUMNS,
    MILESTONE_SHEET,
    SHEET_TITLE,
    definitions_xlsx_bytes,
)
from indicators.models import Indicator
from planning.imports import HELP_SHEET as PLAN_HELP_SHEET
from planning.imports import (
    NOTES_SHEET,
    PLAN_IMPORTER,
    PLAN_SHEET,
    plan_rows,
    plan_xlsx_bytes,
)
from planning.imports import SHEET_TITLE as ITEMS_SHEET
from planning.models import Plan, PlanItem, PlanSourceNote
from planning.services import plans as plan_services
from reports.interim import interim_html
from tests.accounts.factories import UserFactory
from tests.indicators.import_factories import sheet_bytes
from tests.shared_db import module_rows

pytestmark = pytest.mark.django_db

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAN_CODE = "brodek-2026-2029"
PLAN_TITLE = "Community Plan of Social Services of Brodek 2026–2029"

# --- The plan workbook, from plain data ------------------------------------------------------

PLAN_ROWS = [
    ["title", PLAN_TITLE, None],
    ["code", PLAN_CODE, None],
    ["kind", "kp", None],
    ["period_start", 2026, None],
    ["period_end", 2029, None],
    ["level", "Priority", "goal"],
    ["level", "Objective", "specific_goal"],
    ["level", "Action", "measure"],
]

ITEM_COLUMNS = ("parent", "level", "code", "title", "implementers", "target_text", "target_year",
                "costs", "costs_amount", "costs_currency")
ITEMS = [
    ("", "Priority", "1", "Housing for everyone", "", "", None, "", None, ""),
    ("", "Objective", "1.1", "Fewer people without a home", "", "", None, "", None, ""),
    # Costs typed as text in English, as the document prints them: 40,000 reads as 40 in
    # Czech, so the preview asks to confirm the row.
    ("", "Action", "1.1.1", "Emergency shelter beds", "Brodek Care Society", "20 beds", 2027,
     "EUR 40,000", "40,000", "EUR"),
    ("", "Action", "1.1.2", "Housing advice", "Households", "200 households advised", 2028,
     "", None, ""),
    ("", "Priority", "2", "Care at home", "", "", None, "", None, ""),
    ("", "Objective", "2.1", "Older people stay at home", "", "", None, "", None, ""),
    ("", "Action", "2.1.1", "Home care on weekends", "Brodek Care Society", "", 2026,
     "EUR 12,500 a year", Decimal("12500"), "EUR"),
    # The published plan prints 2.1.1 twice: kept as published, shown as a notice.
    ("", "Action", "2.1.1", "Respite stays", "Brodek Care Society", "", 2029, "", None, ""),
    ("", "Objective", "2.2", "Carers are supported", "", "", None, "", None, ""),
    ("", "Action", "2.2.1", "Carers' club", "Households", "", None, "", None, ""),
    ("", "Priority", "3", "Information", "", "", None, "", None, ""),
    ("", "Objective", "3.1", "Services are easy to find", "", "", None, "", None, ""),
    ("", "Action", "3.1.1", "A directory of services", "", "", 2026, "EUR 3,000.50",
     "3,000.50", "EUR"),
]
NOTE = ("Page 14, action 2.1.1", "The code 2.1.1 is printed for two actions.",
        "Both actions are kept with the code 2.1.1.")


def plan_workbook():
    workbook = Workbook()
    plan_sheet = workbook.active
    plan_sheet.title = PLAN_SHEET
    plan_sheet.append(["pole", "hodnota", "role"])
    for row in PLAN_ROWS:
        plan_sheet.append(row)
    items = workbook.create_sheet(ITEMS_SHEET)
    items.append(list(ITEM_COLUMNS))
    for row in ITEMS:
        items.append(list(row))
    notes = workbook.create_sheet(NOTES_SHEET)
    notes.append(["where", "what", "kept_as"])
    notes.append(list(NOTE))
    workbook.create_sheet(PLAN_HELP_SHEET).append(["Number format", "English"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- The definitions workbook: the English template, filled ----------------------------------

DEFINITIONS = [
    {"plan": PLAN_CODE, "code": "B1", "position": 1, "name": "People sleeping rough",
     "kind": "global", "unit": "count", "territory": "brodek", "frequency": "yearly",
     "source": "Town survey", "baseline_value": "1,250", "baseline_period": "2024"},
    {"plan": PLAN_CODE, "code": "B2", "position": 2, "name": "Shelter beds", "kind": "impact",
     "unit": "count", "territory": "brodek", "comparison_territory": "brodek-orp",
     "frequency": "yearly", "plan_items": "1.1", "baseline_value": "14",
     "baseline_period": "2024"},
    # Printed twice with the code B2: kept, flagged on the data checks.
    {"plan": PLAN_CODE, "code": "B2", "position": 3, "name": "Home care clients",
     "kind": "global", "unit": "count", "territory": "brodek", "frequency": "every 2 years"},
    {"plan": PLAN_CODE, "code": "B4", "position": 4, "name": "Share of carers supported",
     "kind": "global", "unit": "percent", "territory": "brodek", "frequency": "yearly",
     "baseline_value": "12.5", "baseline_period": "2024"},
]
MILESTONES = [
    # Typed as text, English: 1.1 in Czech, confirmed with B1's row.
    {"plan": PLAN_CODE, "code": "B1", "position": 1, "year": 2026, "kind": "at_most",
     "value": "1,100", "text": "at most 1,100 by 2026"},
    {"plan": PLAN_CODE, "code": "B1", "position": 1, "year": 2028, "kind": "at_most",
     "value": 900, "text": "at most 900 by 2028"},
    {"plan": PLAN_CODE, "code": "B4", "position": 4, "year": 2029, "kind": "at_least",
     "value": 20},
]


def definitions_workbook():
    workbook = load_workbook(io.BytesIO(definitions_xlsx_bytes([], number_format="en")))
    sheet = workbook[SHEET_TITLE]
    for row in DEFINITIONS:
        sheet.append([row.get(c.name) for c in COLUMNS])
    milestones = workbook[MILESTONE_SHEET]
    for row in MILESTONES:
        milestones.append([row.get(c.name) for c in MILESTONE_COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- Building Brodek once --------------------------------------------------------------------


def _upload(client, url, content, name, **data):
    return client.post(url, {"file": SimpleUploadedFile(name, content, content_type=XLSX_TYPE),
                             **data})


@contextmanager
def _jobs_run_at_once():
    """A confirm starts a background job once its transaction commits; here the
    commit is the module's outer savepoint, so its callbacks run now, with
    Celery eager, as the `import_jobs` fixture does for one test."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            yield
    finally:
        celery_app.conf.task_always_eager = eager


def _build():
    """Brodek: the city row and territories through their services, the plan and
    its indicators through the pages (upload → preview → confirm), one value
    import; the pages' answers kept for the tests."""
    City.objects.all().delete()  # as the `no_city` fixture: no city set yet
    assert not Territory.objects.filter(name__icontains="ostrav").exists()
    officer = UserFactory(username="brodek-officer", is_city_officer=True)
    country = directory_services.territory_create(
        actor=officer, code="xland", name="Republic of Xland", kind="country",
        official_code="XL")
    region = directory_services.territory_create(
        actor=officer, code="hills", name="Hills Region", kind="region",
        official_code="XL099", parent=country)
    orp = directory_services.territory_create(
        actor=officer, code="brodek-orp", name="ORP Brodek", kind="orp",
        official_code="9901", parent=region)
    town = directory_services.territory_create(
        actor=officer, code="brodek", name="Brodek", kind="municipality",
        official_code="599901", parent=orp)
    city = directory_services.city_save(
        actor=officer, name="Brodek", full_name="Town of Brodek",
        department="Social Affairs Department", address="Market Square 1, Brodek",
        home_territory=town, region=region, document_language="en", currency="EUR",
        currency_symbol="€")

    client = Client()
    client.force_login(officer)
    out = {"officer": officer, "city": city, "town": town, "region": region}

    # 1. The plan, as an officer does it.
    preview = _upload(client, reverse("planning:plan_import_new"), plan_workbook(), "brodek.xlsx")
    assert preview.status_code == 200, preview.content.decode()[:2000]
    out["plan_preview"] = preview.content.decode()
    out["plan_notices"] = [str(n) for n in preview.context["notices"]]
    pending = preview.context["pending"]
    assert pending is not None, [str(e) for e in preview.context["preview"].errors]
    out["plan_ambiguous"] = [(row["row"], [(a["column"], a["text"]) for a in row["ambiguous"]])
                             for row in preview.context["preview"].ambiguous]
    confirm = reverse("planning:plan_import_new_confirm")
    unconfirmed = client.post(confirm, {"upload": str(pending.pk)})
    out["plan_unconfirmed"] = (unconfirmed.status_code, Plan.objects.exists())
    with _jobs_run_at_once():
        done = client.post(confirm, {"upload": str(pending.pk), "confirm_number": [
            str(number) for number, _ in out["plan_ambiguous"]]})
    assert done.status_code == 302, done.content.decode()[:2000]
    plan = Plan.objects.get(code=PLAN_CODE)
    out["plan"] = plan
    for status in ("approved", "in_force"):
        plan = plan_services.plan_transition(actor=officer, plan=plan, to_status=status)

    # 2. The indicator definitions, English numbers, the ambiguous baseline confirmed.
    url = reverse("indicators:definitions_import")
    preview = _upload(client, url, definitions_workbook(), "definitions.xlsx")
    assert preview.status_code == 200
    rows = preview.context["preview"].rows
    assert preview.context["preview"].errors == []
    out["ambiguous"] = [(row["row"], [(a["column"], a["text"]) for a in row.get("ambiguous", ())])
                        for row in rows if row.get("ambiguous")]
    pending = preview.context["pending"]
    confirm = reverse("indicators:definitions_confirm", args=[pending.pk])
    unconfirmed = client.post(confirm, {"upload": str(pending.pk)})
    out["unconfirmed_status"] = unconfirmed.status_code
    out["indicators_before_confirm"] = Indicator.objects.count()
    with _jobs_run_at_once():
        done = client.post(confirm, {"upload": str(pending.pk),
                                     "confirm_number": [str(n) for n, _ in out["ambiguous"]]})
    assert done.status_code == 302, done.content.decode()[:3000]

    # One value import, English format.
    values = sheet_bytes([{"code": "B4", "territory": "brodek", "period": "2025",
                           "value": "14.5"}])
    result = import_file(importer=VALUE_IMPORTER, actor=officer, content=values,
                         number_format="en")
    assert result.errors == [], [str(e) for e in result.errors]
    return out


brodek = module_rows(_build)


@pytest.fixture
def officer_client(brodek):
    client = Client()
    client.force_login(brodek["officer"])
    return client


def _plan(brodek):
    return Plan.objects.get(pk=brodek["plan"].pk)


def assert_no_ostrava(html):
    found = re.findall(r".{60}ostrav.{60}", html, re.I | re.S)
    assert not re.search("ostrav", html, re.I), found[:3]


# --- 1. The plan through the pages ----------------------------------------------------------


def test_the_plan_preview_notes_the_free_text_body_and_the_code_printed_twice(brodek):
    notices = brodek["plan_notices"]
    assert any("Households" in n for n in notices), notices
    assert any("2.1.1" in n for n in notices), notices
    html = brodek["plan_preview"]
    assert "Households" in html and "2.1.1" in html
    assert_no_ostrava(html)


def test_the_english_costs_are_confirmed_per_row_before_the_plan_is_saved(brodek):
    assert brodek["plan_ambiguous"] == [(4, [("costs_amount", "40,000")])]
    assert brodek["plan_unconfirmed"] == (409, False)
    items = {i.code: i for i in PlanItem.objects.filter(plan=_plan(brodek))}
    assert items["1.1.1"].costs_amount == Decimal("40000")
    assert items["3.1.1"].costs_amount == Decimal("3000.50")


def test_the_plan_is_kept_as_published(brodek):
    plan = _plan(brodek)
    assert plan.city == brodek["city"]
    assert (plan.title, plan.language, plan.currency) == (PLAN_TITLE, "en", "EUR")
    assert [level.name for level in plan.levels.all()] == ["Priority", "Objective", "Action"]
    items = list(PlanItem.objects.filter(plan=plan))
    assert [(row["level"], row["code"], row["title"]) for row in plan_rows(plan)] == [
        row[1:4] for row in ITEMS]  # in printed order
    assert [i.code for i in items].count("2.1.1") == 2
    advice = next(i for i in items if i.code == "1.1.2")
    assert advice.implementers_text == "Households"
    assert not advice.implementer_links.exists()
    shelter = next(i for i in items if i.code == "1.1.1")
    assert (shelter.costs_amount, shelter.costs_currency) == (Decimal("40000"), "EUR")
    assert list(PlanSourceNote.objects.filter(plan=plan).values_list(
        "where", "what", "kept_as")) == [NOTE]


# --- 2. The indicators ----------------------------------------------------------------------


def test_the_ambiguous_baseline_is_confirmed_per_row_then_read_in_english(brodek):
    assert brodek["ambiguous"] == [(2, [("baseline_value", "1,250"), ("value", "1,100")])]
    # Unconfirmed: refused, nothing saved; confirmed: 1,250 is one thousand two hundred fifty.
    assert brodek["unconfirmed_status"] != 302
    assert brodek["indicators_before_confirm"] == 0
    rough = Indicator.objects.get(code="B1")
    assert rough.values.get(is_baseline=True).value == Decimal("1250")
    share = Indicator.objects.get(code="B4")
    assert share.values.get(is_baseline=True).value == Decimal("12.5")
    assert share.values.get(period_text="2025").value == Decimal("14.5")
    assert Indicator.objects.filter(code="B2").count() == 2
    assert [(t.year, t.value) for t in rough.milestones] == [
        (2026, Decimal("1100")), (2028, Decimal("900"))]


def test_an_indicator_compares_the_town_with_its_orp(brodek, client):
    """Any two territories: here a municipality and its ORP, not a region."""
    beds = Indicator.objects.get(code="B2", position=2)
    assert (beds.home_territory.code, beds.comparison_territory.code) == ("brodek",
                                                                          "brodek-orp")
    assert "ORP Brodek" in client.get(beds.get_absolute_url()).content.decode()


# --- 3. The pages carry nothing of Ostrava ---------------------------------------------------


def _pages(brodek):
    plan = _plan(brodek)
    item = PlanItem.objects.get(plan=plan, code="1.1.1")
    rough = Indicator.objects.get(code="B1")
    return {
        "home": reverse("core:home"),
        "plan": plan.get_absolute_url(),
        "item": reverse("planning:plan_item_detail", args=[plan.code, item.pk]),
        "indicators": reverse("indicators:list"),
        "indicator": rough.get_absolute_url(),
    }


@pytest.mark.parametrize("page", ["home", "plan", "item", "indicators", "indicator"])
def test_public_pages_name_brodek_and_nothing_of_ostrava(brodek, client, page):
    response = client.get(_pages(brodek)[page])
    assert response.status_code == 200
    html = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "Brodek" in title
    assert_no_ostrava(html)
    if page != "home":
        assert "Kč" not in html


def test_the_item_page_shows_euros(brodek, client):
    html = client.get(_pages(brodek)["item"]).content.decode()
    assert "€" in html or "EUR" in html


def test_the_indicator_page_shows_both_milestones(brodek, client):
    html = client.get(_pages(brodek)["indicator"]).content.decode()
    assert "2026" in html and "2028" in html
    assert "at most 1,100 by 2026" in html and "at most 900 by 2028" in html


def test_the_data_checks_list_both_duplicates_and_the_source_note(brodek, officer_client):
    plan = _plan(brodek)
    response = officer_client.get(reverse("planning:plan_data_checks", args=[plan.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert_no_ostrava(html)
    assert "Kč" not in html
    assert "Brodek" in re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    duplicate = html.split('id="check-duplicate_code"')[1].split("</section>")[0]
    assert "2.1.1" in duplicate
    indicators = html.split('id="check-duplicate_indicator_code"')[1].split("</section>")[0]
    for indicator in Indicator.objects.filter(code="B2"):
        assert indicator.get_absolute_url() in indicators
    notes = html.split('id="source-notes"')[1].split("</section>")[0]
    assert all(text in notes for text in NOTE)


def test_the_interim_evaluation_is_english_and_carries_nothing_of_ostrava(brodek):
    html = interim_html(_plan(brodek), year=2026)
    assert '<html lang="en"' in html
    assert "Brodek" in html
    for foreign in ("Ostrav", "ostrav", "Kč", "OPZ", "sociálního začleňování"):
        assert foreign not in html, foreign
    text = re.sub(r"<[^>]+>", " ", html)
    assert not re.search(r"[:,]\s*[;,.]", text), re.findall(r".{40}[:,]\s*[;,.].{20}", text)[:3]


def test_the_interim_evaluation_shows_every_milestone(brodek):
    html = interim_html(_plan(brodek), year=2026)
    assert "at most 1,100 by 2026; at most 900 by 2028" in html


# --- Round trips ----------------------------------------------------------------------------


def test_the_plan_workbook_round_trips_unchanged(brodek):
    plan = _plan(brodek)
    preview = PLAN_IMPORTER.preview(plan_xlsx_bytes(plan), actor=brodek["officer"], target=plan)
    assert [str(e) for e in preview.errors] == []
    changed = [row for row in preview.rows if row["outcome"] in (NEW, ERROR, "changed")]
    assert changed == []
    assert len([r for r in preview.rows if r["outcome"] == "unchanged"]) == len(ITEMS)


def test_the_definitions_workbook_round_trips_unchanged(brodek):
    preview = DEFINITION_IMPORTER.preview(definitions_xlsx_bytes(), actor=brodek["officer"])
    assert [str(e) for e in preview.errors] == []
    assert [row["outcome"] for row in preview.rows] == ["unchanged"] * len(DEFINITIONS)
