"""The plans loaded by seed_demo: Appendix B of the interim evaluation exactly
as published, inconsistencies reported by the data checks, not repaired."""

import json
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from planning.models import ItemYearSummary, MeasureStatus, Plan, PlanItem
from planning.selectors import plan_data_checks
from tests.shared_db import DEMO, module_rows, seed_demo

pytestmark = pytest.mark.django_db

PSZ = json.loads((Path(settings.BASE_DIR) / "fixtures" / "seed_psz.json").read_text("utf-8"))


def _published_measures():
    for area in PSZ["areas"]:
        for goal in area["strategic_goals"]:
            for specific in goal["specific_goals"]:
                yield from specific["measures"]


def _seed():
    """The demo, loaded once per session and copied (tests/shared_db.py)."""
    seed_demo(*DEMO)


# The demo is loaded once for the module (tests/shared_db.py).
_seeded_once = module_rows(_seed)


@pytest.fixture
def seeded(_seeded_once, db):
    return Plan.objects.get(code="psz-2022-2027")


def test_every_measure_of_appendix_b_is_loaded_in_order_with_its_published_status(seeded):
    loaded = list(
        PlanItem.objects.filter(plan=seeded, level__depth=4)
        .order_by("parent__parent__parent__position", "parent__parent__position",
                  "parent__position", "position")
        .values_list("code", "status_text")
    )
    published = [(m["code"], m["status_text"]) for m in _published_measures()]
    assert len(published) == 47
    assert loaded == published


def test_measure_fields_as_published(seeded):
    measure = PlanItem.objects.get(plan=seeded, code="2.1.3.1")
    assert measure.status == MeasureStatus.IN_PROGRESS
    assert measure.reports_label == "0/6"
    assert measure.service_type == "OSP"
    assert measure.implementers_text == "Renarkon o.p.s."
    assert [link.published_name for link in measure.implementer_links.all()] == ["Renarkon o.p.s."]
    assert measure.implementer_links.get().organisation.name == "Renarkon, o.p.s."
    ongoing = PlanItem.objects.get(plan=seeded, code="3.1.2.1")
    assert ongoing.ongoing and ongoing.period_text == "Průběžně"
    assert ongoing.implementers.count() == 2


def test_specific_goal_targets_and_summaries(seeded):
    goal = PlanItem.objects.get(plan=seeded, code="1.1.1")
    assert goal.title.startswith("Do roku 2025 bude vyčleněno 40 sociálních bytů")
    assert goal.target_year == 2025
    summary = ItemYearSummary.objects.get(item=goal, year=2023)
    assert summary.title == "Shrnutí za rok 2023 a příležitosti v roce 2024"
    assert "Heimstaden" in summary.text
    assert ItemYearSummary.objects.filter(item__plan=seeded).count() == 23


def test_data_checks_report_the_published_inconsistencies(seeded):
    findings = plan_data_checks(seeded)
    messages = " ".join(f.message for f in findings)
    kinds = [f.kind for f in findings]
    assert "code_parent" in kinds  # 3.2.1.1 printed under 2.1.2
    assert "3.2.1.1" in messages and "2.1.3.3" in messages  # codes used twice
    assert kinds.count("duplicate_title") >= 3
    assert "implementer_spelling" in kinds  # Armáda spásy z. s. / z.s.
    # kept as published, not repaired
    assert PlanItem.objects.filter(plan=seeded, code="3.2.1.1").count() == 2
    assert PlanItem.objects.filter(plan=seeded, code="2.1.3.3").count() == 2


def test_kp_draft_of_the_children_and_family_group(seeded):
    kp = Plan.objects.get(code="kp-5-dar")
    assert kp.status == "draft" and kp.working_group.code == "DaR"
    assert list(PlanItem.objects.filter(plan=kp, parent=None).values_list("code", flat=True)) \
        == ["Cíl 1.", "Cíl 2.", "Cíl 3.", "Cíl 4.", "Cíl 5"]
    assert "code_format" in [f.kind for f in plan_data_checks(kp)]


def test_the_sources_own_inconsistencies_are_shown_on_the_data_checks_page(seeded, client,
                                                                           officer):

    recorded = PSZ["inconsistencies"]
    # The indicators' transcription adds its own notes on the same document.
    from indicators.seed import NOTES_FROM

    assert seeded.source_notes.filter(position__lt=NOTES_FROM).count() == len(recorded) > 20
    client.force_login(officer)
    page = client.get(reverse("planning:plan_data_checks", args=[seeded.code])).content.decode()
    for note in recorded:
        assert note["where"].replace("„", "&#x201E;")[:20] in page or note["where"][:20] in page
    assert "143 945 506,20" in page  # the rounded printed total of Appendix A
    # The notes are for people: no developer's file or field names (#15).
    assert "součet řádků je 143 945 506,16 Kč" in page
    for internal in ("README", "amount_text", "amount ponech", "measure_code"):
        assert internal not in page, internal


def test_measures_dataset_has_every_appendix_b_code_with_its_published_status(seeded, client):
    rows = client.get("/data/measures.json").json()["rows"]
    published = sorted((m["code"], m["status_text"]) for m in _published_measures())
    loaded = sorted((r["code"], r["status_text"]) for r in rows
                    if r["plan_code"] == "psz-2022-2027")
    assert loaded == published


def test_the_ostrava_plans_round_trip_through_their_workbooks(seeded, officer):
    """Export → import changes nothing: no row, no note, no audit entry."""
    from core.imports.services import import_file
    from core.models import AuditEntry
    from planning.imports import PLAN_IMPORTER, plan_xlsx_bytes

    for plan in Plan.objects.all():
        before = list(PlanItem.objects.filter(plan=plan).order_by("pk").values())
        notes = list(plan.source_notes.values())
        audits = AuditEntry.objects.count()
        result = import_file(importer=PLAN_IMPORTER, actor=officer, target=plan,
                             content=plan_xlsx_bytes(plan))
        assert result.errors == [], (plan.code, result.errors[:3])
        assert result.to_apply == [], plan.code
        assert result.unchanged == len(before)
        assert list(PlanItem.objects.filter(plan=plan).order_by("pk").values()) == before
        assert list(plan.source_notes.values()) == notes
        assert AuditEntry.objects.count() == audits


# --- Measures are counted as measures (#15) ------------------------------------------
# 001 prints 46 measures in 47 rows: 2.1.3.3 twice (same code, title and data).
# By measure: 14 not implemented, 31 in progress, 1 completed.

DISTINCT = {"not_started": 14, "in_progress": 31, "completed": 1}


def test_the_plan_page_counts_measures_and_names_the_code_printed_twice(seeded, client):
    response = client.get(reverse("planning:plan_detail", args=[seeded.code]))
    counts = response.context["counts"]
    by_status = dict(zip([value for value, _label in counts["columns"]], counts["totals"],
                         strict=True))
    assert by_status == {**DISTINCT, "cancelled": 0}
    assert counts["total"] == 46
    assert counts["summary"] == "46 opatření; kód 2.1.3.3 uveden dvakrát", counts["summary"]
    assert "46 opatření; kód 2.1.3.3 uveden dvakrát" in response.content.decode()
    prevention = next(row for row in counts["rows"] if row["item"].code == "2")
    assert prevention["total"] == 8  # 2.1.1.1–3, 3.2.1.1 (under 2.1.2), 2.1.3.1–4


def test_the_plan_list_counts_measures_not_rows(seeded, client):
    plans = {p.code: p for p in client.get(reverse("planning:plan_list")).context["plans"]}
    assert plans["psz-2022-2027"].measure_count == 46


def test_the_measures_dataset_marks_the_row_that_prints_a_measure_again(seeded, client):
    rows = [r for r in client.get("/data/measures.json").json()["rows"]
            if r["plan_code"] == "psz-2022-2027"]
    assert len(rows) == 47
    repeated = [r for r in rows if r["repeat_of"] is not None]
    assert [r["code"] for r in repeated] == ["2.1.3.3"]
    first = next(r for r in rows if r["id"] == repeated[0]["repeat_of"])
    assert first["code"] == "2.1.3.3" and first["repeat_of"] is None
    assert rows.index(first) < rows.index(repeated[0])
    # 3.2.1.1 is printed for two different measures: both are measures.
    assert sum(1 for r in rows if r["code"] == "3.2.1.1" and r["repeat_of"] is None) == 2
    counted = Counter(r["status"] for r in rows if r["repeat_of"] is None)
    assert counted == DISTINCT
    header = client.get("/data/measures.csv").content.decode().splitlines()[0].replace('"', "")
    assert "repeat_of" in header and "id" in header.split(",")
