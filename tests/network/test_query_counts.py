"""The network's pages run a fixed number of SQL queries whatever the data
size: each page is requested with a few services, then with many more (and
the measured service grown: more versions, groups and areas), and the counts
must be equal and match the pinned numbers. Counts are taken on a warm second
request, anonymous, with the page cache emptied."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import pagecache
from directory.models import SupportArea
from network.models import ServiceForm, TargetGroup
from network.services import service_change
from tests.directory.factories import OrganisationFactory

from .factories import make_service

pytestmark = pytest.mark.django_db

PAGES = {
    # count, rows, their groups, areas and forms, the four filters' choices
    "network:service_list": 9,
    "network:capacity_table": 2,
    # the service, its versions and their groups, areas and forms
    "network:service_detail": 5,
    # session, user, count, the page of services
    "network:own_services": 4,
}


def _count(client, url):
    client.get(url)
    pagecache.invalidate()  # the render is counted, not a page-cache hit
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _grow(n, areas, groups):
    providers = [OrganisationFactory() for _ in range(5)]
    for i in range(n):
        make_service(provider=providers[i % 5], paragraph=("65", "37", "49", "69")[i % 4],
                     support_areas=areas[i % len(areas):][:2],
                     target_groups=groups[i % len(groups):][:3],
                     forms=[ServiceForm.FIELD, ServiceForm.OUTPATIENT][: 1 + i % 2])


def test_network_pages_run_a_fixed_number_of_queries(client, implementer_x):
    areas = [SupportArea.objects.get_or_create(numeral=n, defaults={
        "position": p, "name": f"Oblast {n}"})[0] for p, n in enumerate(("I", "II", "VI"), 1)]
    groups = list(TargetGroup.objects.all()[:6])
    service = make_service(provider=implementer_x.implementer_organisation,
                           support_areas=areas[:1], target_groups=groups[:1])
    _grow(3, areas, groups)
    urls = {
        "network:service_list": reverse("network:service_list"),
        "network:capacity_table": reverse("network:capacity_table") + "?by=area",
        "network:service_detail": service.get_absolute_url(),
    }
    small = {name: _count(client, url) for name, url in urls.items()}
    client.force_login(implementer_x)
    small["network:own_services"] = _count(client, reverse("network:own_services"))
    client.logout()

    _grow(60, areas, groups)
    for year in range(2025, 2031):
        service_change(actor=None, service=service, valid_from=datetime.date(year, 1, 1),
                       capacity_value=Decimal(year - 2020), support_areas=areas,
                       target_groups=groups, reason="Růst")
    for _ in range(10):
        make_service(provider=implementer_x.implementer_organisation)
    large = {name: _count(client, url) for name, url in urls.items()}
    client.force_login(implementer_x)
    large["network:own_services"] = _count(client, reverse("network:own_services"))
    assert small == large
    assert small == PAGES
