"""The project pages run a fixed number of SQL queries whatever the data size:
each page is requested with a few projects, then with many more (and the
measured project grown: more funding lines, key activities, reports and
measures), and the counts must be equal and match the pinned numbers.
Counts are taken on a warm second request."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import pagecache
from projects.models import FundingSource, HalfYearReport, KeyActivity, StatedTotal
from tests.directory.factories import OrganisationFactory
from tests.planning.factories import PlanFactory, PlanItemFactory

from .factories import CallFactory, ProjectFactory, irop

pytestmark = pytest.mark.django_db

PAGES = {
    # url name: (queries anonymous)
    # Counted once, by the totals per programme (which give the grand total and
    # the paginator's count too); the implementer filter is the autocomplete,
    # not every implementer.
    "projects:list": 8,
    "projects:project_totals": 6,
    "projects:project_detail": 6,
    "projects:report_detail": 2,
}


def _grow(n, call, measures):
    for i in range(n):
        ProjectFactory(call=call, implementer=OrganisationFactory(),
                       measures=measures[i % len(measures):][:2])


def _count(client, url):
    client.get(url)
    pagecache.invalidate()  # the render is counted, not a page-cache hit
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_project_pages_run_a_fixed_number_of_queries(client):
    plan = PlanFactory(code="psz", status="in_force")
    measures = [PlanItemFactory.measure(plan=plan) for _ in range(3)]
    call = CallFactory()
    irop_call = CallFactory(programme=irop(), number="14", published_label="14 IROP")
    StatedTotal.objects.create(label="Celkem OPZ+", source="001", amount=Decimal("1"),
                               programme=call.programme, initiative="KPSV+")
    project = ProjectFactory(call=call, measures=measures[:1], total_budget=Decimal("100.00"))
    ProjectFactory(call=irop_call, registration_number="CZ.06.04.02/00/22_014/0000001")
    report = HalfYearReport.objects.create(
        project=project, number=1, total=6, period_start="2024-01-01",
        period_end="2024-06-30", submitted_on="2024-07-01", narrative="x")
    _grow(3, call, measures)
    urls = {
        "projects:list": reverse("projects:list"),
        "projects:project_totals": reverse("projects:project_totals"),
        "projects:project_detail": project.get_absolute_url(),
        "projects:report_detail": reverse("projects:report_detail",
                                          args=[project.pk, report.pk]),
    }
    small = {name: _count(client, url) for name, url in urls.items()}

    _grow(60, call, measures + [PlanItemFactory.measure(plan=plan) for _ in range(5)])
    project.measures.add(*measures[1:])
    FundingSource.objects.create(project=project, source="city", percent=5, amount=5)
    FundingSource.objects.create(project=project, source="esf", percent=95, amount=95)
    for n in range(2, 7):
        KeyActivity.objects.create(project=project, code=f"KA{n}", title="Aktivita")
        HalfYearReport.objects.create(
            project=project, number=n, total=6, period_start="2024-01-01",
            period_end="2024-06-30", submitted_on="2024-07-01", narrative="x")
    large = {name: _count(client, url) for name, url in urls.items()}
    assert small == large
    assert large == PAGES


def test_the_list_runs_the_same_queries_for_an_officer(client, officer):
    call = CallFactory()
    plan = PlanFactory(code="psz", status="in_force")
    measures = [PlanItemFactory.measure(plan=plan) for _ in range(2)]
    _grow(3, call, measures)
    client.force_login(officer)
    url = reverse("projects:list")
    small = _count(client, url)
    _grow(40, call, measures)
    assert _count(client, url) == small
