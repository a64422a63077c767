"""Opening a round (/rounds/new/): measures, indicators and projects are
picked by the autocomplete, so the page does not grow with the data; a
chosen id that does not exist or is not of the kind asked is a Czech form
error naming the field, and nothing is saved."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.codes import code_sort_key as indicator_sort_key
from indicators.models import Indicator, IndicatorKind, Unit
from planning.models import MeasureStatus, PlanItem, code_sort_key
from projects.models import Project, ProjectStatus
from rounds.models import ReportingRound
from tests.directory.factories import OrganisationFactory
from tests.indicators.factories import IndicatorFactory, TerritoryFactory
from tests.planning.factories import PlanItemFactory
from tests.projects.factories import CallFactory

pytestmark = pytest.mark.django_db

URL = reverse("rounds:create")
BASE = {"title": "Rok 2025", "kind": "year", "period_start": "2025-01-01",
        "period_end": "2025-12-31", "deadline": "2026-01-31"}


def _grow(plan, n):
    """n measures of `plan`, each under its own area, goal and specific goal
    (as PlanItemFactory.measure makes one), the impact indicator of each
    specific goal and a project of each measure: the rows of n rounds of those
    factories, written in a dozen bulk inserts instead of thousands of queries."""
    levels = {level.depth: level for level in plan.levels.all()}

    def items(parents, depth, code, **fields):
        return PlanItem.objects.bulk_create(
            PlanItem(plan=plan, parent=parent, level=levels[depth], position=1,
                     code=code(i), sort_key=code_sort_key(code(i)),
                     title=f"Položka {depth} č. {i}", **fields)
            for i, parent in enumerate(parents))

    areas = items([None] * n, 1, lambda i: f"{100 + i}")
    goals = items(areas, 2, lambda i: f"{100 + i}.1")
    specifics = items(goals, 3, lambda i: f"{100 + i}.1.1", target_text="Do roku 2025 …",
                      target_year=2025)
    measures = items(specifics, 4, lambda i: f"{100 + i}.1.1.1",
                     status=MeasureStatus.IN_PROGRESS, reports_done=1, reports_total=6)
    home = TerritoryFactory()
    indicators = Indicator.objects.bulk_create(
        Indicator(code=f"X-{i:04d}", slug=f"x-{i:04d}", sort_key=indicator_sort_key(f"X-{i:04d}"),
                  name=f"Ukazatel s dlouhým názvem číslo {i}", kind=IndicatorKind.IMPACT,
                  unit=Unit.COUNT, home_territory=home, plan_item=specific)
        for i, specific in enumerate(specifics))
    Indicator.plans.through.objects.bulk_create(
        Indicator.plans.through(indicator_id=indicator.pk, plan_id=plan.pk)
        for indicator in indicators)
    call, implementer = CallFactory(), OrganisationFactory()
    projects = Project.objects.bulk_create(
        Project(registration_number=f"CZ.03.02.01/00/22_018/9{i:06d}", title=f"Projekt {i}",
                call=call, implementer=implementer, status=ProjectStatus.IN_PROGRESS,
                total_budget=Decimal("1000000.00"), is_published=True)
        for i in range(n))
    Project.measures.through.objects.bulk_create(
        Project.measures.through(project_id=project.pk, planitem_id=measure.pk)
        for project, measure in zip(projects, measures, strict=True))


def test_the_page_does_not_grow_with_the_data(client, officer, reporting,
                                              django_assert_num_queries):
    client.force_login(officer)
    client.get(URL)
    # The session and user, the plans' checkboxes; no measure, indicator or
    # project is read.
    with django_assert_num_queries(3):
        small = client.get(URL)
    _grow(reporting["plan"], 300)
    with django_assert_num_queries(3):
        large = client.get(URL)
    assert small.status_code == large.status_code == 200
    assert abs(len(large.content) - len(small.content)) < 200
    assert len(large.content) < 30_000
    html = large.content.decode()
    assert "X-0299" not in html and "<select multiple" not in html
    assert html.count('data-autocomplete-url="/autocomplete/indicators/"') == 6


def test_a_round_over_picked_items_opens(client, officer, reporting):
    extra = IndicatorFactory(code="G-9", name="Globální")
    client.force_login(officer)
    response = client.post(URL, {
        **BASE, "indicators_0": str(extra.pk), "indicators_1": "",
        "indicators_2__text": reporting["own"].code,
        "measures_0": str(reporting["measure"].pk),
        "projects_3": str(reporting["project"].pk)})
    round_ = ReportingRound.objects.get(title="Rok 2025")
    assert response.status_code == 302 and response["Location"] == round_.get_absolute_url()
    assert set(round_.indicators.all()) == {extra, reporting["own"]}
    assert list(round_.measures.all()) == [reporting["measure"]]
    assert list(round_.projects.all()) == [reporting["project"]]


@pytest.mark.parametrize("field", ["measures", "indicators", "projects"])
def test_an_unknown_or_wrong_kind_of_item_is_a_czech_error(client, officer, reporting, field):
    goal = reporting["measure"].parent  # a plan item, but no measure
    client.force_login(officer)
    rounds = ReportingRound.objects.count()
    for wrong in ("987654321", str(goal.pk) if field == "measures" else "neexistuje-xyz"):
        response = client.post(URL, {**BASE, f"{field}_1": wrong,
                                     "plans": [reporting["plan"].pk]})
        assert response.status_code == 200
        errors = response.context["form"].errors[field]
        label = {"measures": "Opatření", "indicators": "Indikátory", "projects": "Projekty"}
        assert any(e.startswith(f"{label[field]}: nic s názvem „{wrong}“") for e in errors), errors
        assert ReportingRound.objects.count() == rounds


def test_the_measures_autocomplete_offers_measures_of_visible_plans_only(client, reporting):
    from tests.planning.factories import PlanFactory

    hidden = PlanItemFactory.measure(plan=PlanFactory(code="koncept", status="draft"))
    url = reverse("core:autocomplete", args=["measures"])
    found = {row["id"] for row in client.get(url, {"q": ""}).json()["results"]}
    assert reporting["measure"].pk in found
    assert hidden.pk not in found and reporting["measure"].parent_id not in found
