"""The project page lists the project's indicators from the indicators app;
a half-year report brings the values of the impact indicators of the linked
measures, saved through the indicators service in the report's transaction."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Indicator, IndicatorKind, IndicatorValue, Territory
from projects.models import HalfYearReport, ProjectIndicator
from tests.planning.factories import PlanFactory, PlanItemFactory

from .factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ostrava(db):
    return Territory.objects.create(code="ostrava", name="Ostrava")


def test_the_project_page_lists_its_indicators(client, ostrava):
    project = ProjectFactory()
    indicator = Indicator.objects.create(
        code="p-60000", slug="p-60000", name="Celkový počet účastníků", national_code="60000",
        kind=IndicatorKind.PROJECT, home_territory=ostrava)
    indicator.targets.create(kind="at_least", value=Decimal("20"), due=date(2019, 10, 31))
    ProjectIndicator.objects.create(project=project, indicator=indicator)
    text = client.get(project.get_absolute_url()).content.decode()
    assert "60000" in text and "Celkový počet účastníků" in text
    assert "31. 10. 2019" in text


def test_a_report_saves_the_impact_indicator_values_with_it(client, implementer_x, ostrava):
    measure = PlanItemFactory.measure(plan=PlanFactory(code="psz", status="in_force"))
    indicator = Indicator.objects.create(
        code="i-1", slug="i-1", name="Počet klientů", kind=IndicatorKind.IMPACT,
        plan_item=measure.parent, home_territory=ostrava)
    project = ProjectFactory(implementer=implementer_x.implementer_organisation,
                             measures=[measure], reports_total=6)
    client.force_login(implementer_x)
    url = reverse("projects:report_create", args=[project.pk])
    assert f"indicator_{indicator.pk}" in client.get(url).content.decode()
    response = client.post(url, {
        "number": "1", "total": "6", "period_start": "2024-01-01",
        "period_end": "2024-06-30", "submitted_on": "2024-07-10", "narrative": "Probíhá.",
        f"indicator_{indicator.pk}": "42"})
    assert response.status_code == 302
    value = IndicatorValue.objects.get(indicator=indicator)
    assert value.value == Decimal("42")
    assert value.half_year_report == HalfYearReport.objects.get()


def test_a_report_takes_indicator_values_in_czech_numbers(client, implementer_x, ostrava):
    """The values' fields are added after the form's fields were made Czech:
    "1 190,5" is read as 1190.5, not refused."""
    measure = PlanItemFactory.measure(plan=PlanFactory(code="psz", status="in_force"))
    indicator = Indicator.objects.create(
        code="i-2", slug="i-2", name="Počet klientů", kind=IndicatorKind.IMPACT,
        plan_item=measure.parent, home_territory=ostrava)
    project = ProjectFactory(implementer=implementer_x.implementer_organisation,
                             measures=[measure], reports_total=6)
    client.force_login(implementer_x)
    response = client.post(reverse("projects:report_create", args=[project.pk]), {
        "number": "1", "total": "6", "period_start": "2024-01-01",
        "period_end": "2024-06-30", "submitted_on": "2024-07-10", "narrative": "Probíhá.",
        f"indicator_{indicator.pk}": "1 190,5"})
    assert response.status_code == 302
    assert IndicatorValue.objects.get(indicator=indicator).value == Decimal("1190.5")


def test_a_report_asks_each_impact_indicator_once(client, implementer_x, ostrava):
    """Two measures of the project under one specific goal: the goal's impact
    indicators are asked once each; an indicator of another goal not at all."""
    plan = PlanFactory(code="psz", status="in_force")
    measure = PlanItemFactory.measure(plan=plan)
    sibling = PlanItemFactory(plan=plan, parent=measure.parent, code="1.1.1.2",
                              level=measure.level, title="Opatření 2")
    elsewhere = PlanItemFactory.measure(plan=plan)
    mine = [Indicator.objects.create(
        code=f"i-{n}", slug=f"i-{n}", name=f"Ukazatel {n}", kind=IndicatorKind.IMPACT,
        plan_item=measure.parent, home_territory=ostrava) for n in (1, 2)]
    Indicator.objects.create(code="i-x", slug="i-x", name="Jinde", kind=IndicatorKind.IMPACT,
                             plan_item=elsewhere.parent, home_territory=ostrava)
    project = ProjectFactory(implementer=implementer_x.implementer_organisation,
                             measures=[measure, sibling], reports_total=6)
    client.force_login(implementer_x)
    form = client.get(reverse("projects:report_create", args=[project.pk])).context["form"]
    assert sorted(i.pk for i in form.indicators) == sorted(i.pk for i in mine)
