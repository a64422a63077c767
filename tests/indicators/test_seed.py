"""The demo data of 001 and 004, and the statuses the portal computes for the
11 global indicators against how the evaluation report reads them."""

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from indicators.models import Indicator, IndicatorKind, IndicatorValue, Status
from indicators.selectors import with_assessment
from tests.shared_db import DEMO, module_rows, seed_demo

FIXTURE = json.loads((Path(settings.BASE_DIR) / "fixtures" / "seed_indicators.json")
                     .read_text(encoding="utf-8"))


def _seed():
    seed_demo(*DEMO)


# Loaded once per session, copied for each module (tests/shared_db.py).
_seeded_once = module_rows(_seed)


@pytest.fixture
def seeded(_seeded_once, db):
    return None


def test_the_computed_statuses_agree_with_the_report(seeded):
    statuses = dict(Indicator.objects.filter(kind=IndicatorKind.GLOBAL)
                    .values_list("code", "status"))
    assert len(statuses) == 11
    reading = FIXTURE["report_reading"]
    # "U některých ukazatelů dochází k postupnému zlepšení … předčasných odchodů ze ZŠ
    # anebo podílu exekvovaných osob"
    for code in reading["improving_named"]:
        assert statuses[code] == Status.IMPROVING, code
    # "Komentář k vybraným globálním indikátorům, které nesplňují očekávaný trend"
    for code in reading["off_trend_commented"]:
        assert statuses[code] == Status.OFF_TRACK, code
    for code in reading["not_available"]:
        assert statuses[code] == Status.NO_DATA, code
    # The whole table, as the portal reads it (G09: the report does not comment it,
    # but 4 239 against 4 667 with the target "Zvýšit o 500" is off the trend).
    assert statuses == {
        "G01": Status.IMPROVING, "G02": Status.NO_DATA, "G03": Status.OFF_TRACK,
        "G04": Status.NO_DATA, "G05": Status.OFF_TRACK, "G06": Status.OFF_TRACK,
        "G07": Status.IMPROVING, "G08": Status.IMPROVING, "G09": Status.OFF_TRACK,
        "G10": Status.OFF_TRACK, "G11": Status.IMPROVING,
    }
    commented = set(Indicator.objects.exclude(commentary="").values_list("code", flat=True))
    assert commented == {"G03", "G05", "G10"}
    assert commented <= {c for c, s in statuses.items() if s == Status.OFF_TRACK}


def test_the_status_sentence_explains_with_the_figures(seeded):
    with translation.override("cs"):
        crime = with_assessment(Indicator.objects.filter(code="G05"))[0]
        sentence = crime.assessment.sentence
    assert "278,7, 2. v ČR (2023)" in sentence
    assert "174,1, 2. v ČR (2021)" in sentence
    assert "Pokles v pořadí krajských měst" in sentence
    assert sentence.endswith(str(Status.OFF_TRACK.label)) or "mimo" in sentence


def test_values_are_kept_as_published(seeded):
    estimate = IndicatorValue.objects.get(indicator__code="G04", is_baseline=True)
    assert (estimate.value, estimate.is_estimate, estimate.value_text) == (
        Decimal("3100"), True, "cca 3 100")
    crime = IndicatorValue.objects.get(indicator__code="G05", is_baseline=True)
    assert (crime.value, crime.rank, crime.rank_scope) == (Decimal("174.1"), 2, "v ČR")
    region = IndicatorValue.objects.get(indicator__code="G07", territory__code="msk",
                                        is_baseline=True)
    assert (region.value, region.period_text) == (Decimal("2.28"), "12/2021")
    school = IndicatorValue.objects.get(indicator__code="G11", territory__code="ostrava",
                                        is_baseline=True)
    assert school.period_kind == "school_year"
    composite = IndicatorValue.objects.get(indicator__code="6.2.1-3")
    assert composite.is_composite and composite.value is None
    assert [(p.label, p.amount) for p in composite.parts.all()] == [
        ("praktický lékař pro dospělé", 12), ("praktický lékař pro děti a dorost", 12),
        ("gynekolog", 4), ("stomatolog", 22)]
    missing = IndicatorValue.objects.get(indicator__code="4.1.1-2")
    assert (missing.available, missing.value_text, missing.period_text) == (
        False, "-", "Data dostupná k 30. 4. 2024")


def test_every_impact_indicator_of_appendix_b_and_the_project_indicators(seeded):
    psz = json.loads((Path(settings.BASE_DIR) / "fixtures" / "seed_psz.json").read_text())
    expected = sum(len(s["indicators"]) for a in psz["areas"] for g in a["strategic_goals"]
                   for s in g["specific_goals"])
    impact = Indicator.objects.filter(kind=IndicatorKind.IMPACT)
    assert impact.count() == expected == 46
    assert not impact.filter(values__isnull=True).exists()
    project = Indicator.objects.filter(kind=IndicatorKind.PROJECT).order_by("national_code")
    assert [(i.national_code, i.milestones[0].value, i.project.registration_number)
            for i in project] \
        == [("60000", 20, "CZ.03.2.63/0.0/0.0/16_063/0006590"),
            ("80500", 1, "CZ.03.2.63/0.0/0.0/16_063/0006590")]


def test_a_second_run_changes_nothing(seeded):
    out = io.StringIO()
    call_command("seed_demo", "--only", "directory", "--only", "plans", "--only", "projects",
                 "--only", "indicators", stdout=out)
    assert "Nothing changed" in out.getvalue()


def test_impact_indicators_take_the_number_their_specific_goal_states(seeded, client):
    """001 Appendix B: "Specifický cíl 1.1.2: Do roku 2025 vznikne Kontaktní místo pro
    bydlení, kde získá odpovídající podporu 300 klientů" - the number of its clients
    aims at 300 by 2025; the goal names no number for the applications."""
    clients = Indicator.objects.get(code="1.1.2-1")
    (target,) = clients.targets.all()
    assert (target.kind, target.value, target.year) == ("at_least", 300, 2025)
    assert clients.status == Status.ON_TRACK  # 1 190 clients by 30. 4. 2024
    assert Indicator.objects.get(code="1.1.2-2").status == Status.NO_TARGET
    targets = {i.code: (t.value, t.year) for i in Indicator.objects.filter(
        kind=IndicatorKind.IMPACT).prefetch_related("targets") for t in i.targets.all()}
    assert targets["3.2.1-2"] == (200, 2025) and targets["6.2.2-1"] == (60, 2025)
    assert len(targets) == 18
    page = client.get("/indicators/1.1.2-1/").content.decode()
    assert "cíl nestanoven" not in page and "300" in page


def test_a_demo_loaded_before_the_goal_targets_gets_them_on_the_next_run(seeded):
    from io import StringIO

    from indicators.models import IndicatorTarget

    clients = Indicator.objects.get(code="1.1.2-1")
    clients.targets.all().delete()
    own = Indicator.objects.get(code="1.2.1-1")
    own.targets.update(value=55)  # an officer's change stays
    call_command("seed_demo", "--only", "indicators", stdout=StringIO())
    assert [(t.kind, t.value) for t in clients.targets.all()] == [("at_least", 300)]
    assert Indicator.objects.get(code="1.1.2-1").status == Status.ON_TRACK
    assert own.targets.get().value == 55
    assert IndicatorTarget.objects.filter(indicator__kind=IndicatorKind.IMPACT).count() == 18
