"""The projects of seed_demo: the 20 KPSV+ projects of Appendix A of `001`
as published, each linked to its measure, the printed totals kept next to the
computed ones, and the ESF project of `004` with its budget split."""

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from core.models import AuditEntry
from planning.models import Plan
from projects import selectors
from projects.models import KeyActivity, Project, StatedTotal
from tests.shared_db import DEMO, module_rows, seed_demo

pytestmark = pytest.mark.django_db

PSZ = json.loads((Path(settings.BASE_DIR) / "fixtures" / "seed_psz.json").read_text("utf-8"))
ESF_NUMBER = "CZ.03.2.63/0.0/0.0/16_063/0006590"


def _seed():
    out = StringIO()
    call_command("seed_demo", "--without-accounts", "--only", "directory", "--only", "plans",
                 "--only", "projects", stdout=out, verbosity=1)
    return out.getvalue()


# The demo is loaded once for the module (tests/shared_db.py).
def _demo():
    seed_demo(*DEMO)


_seeded_once = module_rows(_demo)


@pytest.fixture
def seeded(_seeded_once, db):
    return None


def test_all_twenty_one_projects_are_loaded(seeded):
    assert Project.objects.count() == 21
    assert Project.objects.published().count() == 21


def test_each_appendix_a_project_is_kept_as_published_and_linked_to_its_measure(seeded):
    for row in PSZ["appendix_a"]:
        _check_row(row)


def _check_row(row):
    project = Project.objects.get(registration_number=row["registration_number"])
    assert project.total_budget == Decimal(row["budget"])
    assert project.implementer_text == row["implementer_text"]
    assert project.area_text == row["area_text"]
    assert project.call.published_label == row["call_text"]
    [measure] = project.measures.all()
    assert measure.plan.code == "psz-2022-2027"
    assert measure.title == row["measure_title"]
    if row["measure_code"] == "2.1.2.1":
        # Appendix B prints this measure as 3.2.1.1 under specific goal 2.1.2.
        assert (measure.code, measure.parent.code) == ("3.2.1.1", "2.1.2")
    else:
        assert measure.code == row["measure_code"]
    assert project.thematic_area == measure.parent.parent.parent


def test_the_implementer_of_3_1_1_3_differs_from_appendix_b_and_is_kept(seeded):
    project = Project.objects.get(registration_number="CZ.03.02.01/00/22_018/0001195")
    assert project.implementer_text == "Organizace pro pomoc uprchlíkům, z.s."
    assert "CENTROM" in str([str(link) for link in project.measures.get().implementer_links.all()])


def test_the_printed_totals_are_kept_and_compared_with_the_rows(seeded):
    comparisons = {c.stated.label: c for c in selectors.stated_totals()}
    assert StatedTotal.objects.count() == 3
    # 001 printed them: they belong to its plan, and only its plan's selection has them.
    assert {t.plan.code for t in StatedTotal.objects.select_related("plan")} == {
        "psz-2022-2027"}
    plan = StatedTotal.objects.first().plan
    assert len(selectors.stated_totals(plan=plan)) == 3
    other = Plan.objects.exclude(pk=plan.pk).first()
    assert other is not None and selectors.stated_totals(plan=other) == []
    assert comparisons["Celkem OPZ+"].stated.amount == Decimal("143945506.20")
    assert comparisons["Celkem OPZ+"].computed == Decimal("143945506.16")
    assert comparisons["Celkem OPZ+"].difference == Decimal("0.04")
    assert comparisons["Celkem IROP"].difference == Decimal("0.00")
    assert comparisons["Celkem KPSV+"].computed == Decimal("178730828.51")
    assert comparisons["Celkem KPSV+"].difference == Decimal("-0.01")


def test_the_esf_project_has_its_split_key_activities_and_period(seeded):
    project = Project.objects.get(registration_number=ESF_NUMBER)
    assert project.call.programme.code == "opz"
    assert project.total_budget == Decimal("3648425.00")
    lines = {f.source: (f.percent, f.amount) for f in project.funding.all()}
    assert lines == {"city": (Decimal("5"), Decimal("182421.25")),
                     "esf": (Decimal("85"), Decimal("3101161.25")),
                     "state": (Decimal("10"), Decimal("364842.50"))}
    assert sum(a for _, a in lines.values()) == project.total_budget
    # The printed combined line (ESF 85 % + state 10 %) is kept as published.
    assert "3 466 003,75 Kč" in project.funding_note
    assert list(KeyActivity.objects.filter(project=project).values_list("code", flat=True)) == [
        "KA1", "KA2", "KA3", "KA4", "KA5"]
    assert str(project.period_start) == "2017-11-01"


def test_a_second_run_changes_and_audits_nothing(seeded):
    before = AuditEntry.objects.count()
    output = _seed()
    assert AuditEntry.objects.count() == before
    assert "projects.Project: unchanged 21" in output


def test_the_seeded_measures_keep_their_published_reports(seeded):
    row = next(r for r in PSZ["appendix_a"] if r["measure_code"] == "2.1.1.1")
    project = Project.objects.get(registration_number=row["registration_number"])
    measure = project.measures.get()
    published = next(m for a in PSZ["areas"] for g in a["strategic_goals"]
                     for s in g["specific_goals"] for m in s["measures"]
                     if m["code"] == "2.1.1.1")
    assert (measure.reports_done, measure.reports_total) == (
        published.get("reports_done"), published.get("reports_total"))
    assert project.reports_total == published.get("reports_total")


# --- Appendix A's code kept too (#15) --------------------------------------------------
# The police assistants' measure is 3.2.1.1 under 2.1.2 in Appendix B and 2.1.2.1 in
# Appendix A; 3.2.1.1 is also the code of another measure (debts, under 3.2.1).

POLICE = "CZ.03.02.01/00/22_018/0000328"


def test_the_project_keeps_appendix_a_s_code_and_links_to_the_item(seeded, client):
    project = Project.objects.get(registration_number=POLICE)
    measure = project.measures.get()
    assert (measure.code, measure.parent.code) == ("3.2.1.1", "2.1.2")
    assert project.measure_code_published == "2.1.2.1"
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "v příloze A: 2.1.2.1" in page
    other = Project.objects.get(registration_number="CZ.03.02.01/00/22_018/0000528")
    assert other.measure_code_published == "3.2.1.1"
    assert "v příloze A" not in client.get(f"/projects/{other.pk}/").content.decode()


def test_projects_csv_links_each_project_to_its_measure_by_id(seeded, client):
    rows = {r["registration_number"]: r for r in client.get("/data/projects.json").json()["rows"]}
    measures = {r["id"]: r for r in client.get("/data/measures.json").json()["rows"]}
    police, debts = rows[POLICE], rows["CZ.03.02.01/00/22_018/0000528"]
    # The same printed key, two different measures.
    assert police["measures"] == debts["measures"] == "psz-2022-2027:3.2.1.1"
    assert police["measure_ids"] != debts["measure_ids"]
    assert measures[int(police["measure_ids"])]["title"] == (
        "Zachování a rozšíření programu asistentů prevence kriminality")
    assert measures[int(debts["measure_ids"])]["specific_goal_code"] == "3.2.1"
    assert police["measure_code_as_published"] == "2.1.2.1"
    for row in rows.values():
        for pk in filter(None, (row["measure_ids"] or "").split(";")):
            assert int(pk) in measures
