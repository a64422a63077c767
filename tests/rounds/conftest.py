from datetime import date

import pytest

from rounds import services
from tests.indicators.factories import IndicatorFactory, ostrava
from tests.planning.factories import PlanFactory, PlanItemFactory
from tests.projects.factories import ProjectFactory


@pytest.fixture
def reporting(organisation_x, officer):
    """A plan in force with a measure that organisation X implements, the
    impact indicator of its specific goal, X's project with a project
    indicator, and the first half of 2025 as an open round over the plan."""
    ostrava()
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
