"""What the rounds' tests, fuzz and role matrix build alike."""

import re
from datetime import date
from decimal import Decimal

from indicators import services as indicator_services
from projects.models import HalfYearReport
from rounds import services
from tests.directory.factories import TerritoryFactory
from tests.indicators.factories import IndicatorFactory
from tests.planning.factories import PlanFactory, PlanItemFactory
from tests.projects.factories import ProjectFactory


def build_reporting(organisation_x, officer):
    """A plan in force with a measure that organisation X implements, the
    impact indicator of its specific goal, X's project with a project
    indicator, and the first half of 2025 as an open round over the plan
    (the `reporting` fixture, tests/rounds/conftest.py)."""
    TerritoryFactory()
    plan = PlanFactory(code="kp", status="in_force")
    measure = PlanItemFactory.measure(plan=plan, implementers=[organisation_x])
    impact = IndicatorFactory.for_measure(measure, code="2.1.1.a", target_kind="at_least",
                                          target_value=100, target_year=2030)
    project = ProjectFactory(implementer=organisation_x, measures=[measure], reports_total=6)
    own = IndicatorFactory(code="P1", kind="project", project=project)
    round_ = services.round_open(
        actor=officer, title="Pololetí 1/2025", kind="half_year",
        period_start=date(2025, 1, 1), period_end=date(2025, 6, 30), deadline=date(2025, 7, 31),
        plans=[plan])
    return {"plan": plan, "measure": measure, "impact": impact, "project": project,
            "own": own, "round": round_}


def page_text(response):
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")


def record_first_half(actor, indicator, value, **kwargs):
    """The value of the first half of 2025 (the rounds' tests' period)."""
    return indicator_services.indicator_value_record(
        actor=actor, indicator=indicator, period_kind="half_year",
        period_start=date(2025, 1, 1), period_end=date(2025, 6, 30), period_text="1. pol. 2025",
        value=Decimal(value), value_text=value, **kwargs)


def reports_in_review(project):
    """(a submitted report of the first half of 2025, an approved one of a
    closed round of the half before)."""
    submitted = HalfYearReport.objects.create(
        project=project, number=1, total=6, period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30), submitted_on=date(2025, 7, 1), narrative="Text.",
        review_state="submitted")
    closed = HalfYearReport.objects.create(
        project=project, number=2, total=6, period_start=date(2024, 7, 1),
        period_end=date(2024, 12, 31), submitted_on=date(2025, 1, 10), narrative="Text.",
        closed=True)
    return submitted, closed
