"""The network's pages: the public list with its filters, the capacity table,
a service's page with its history, the officers' forms and the providers'
list of their own services."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from directory.models import SupportArea
from network.models import Service, ServiceCategory, ServiceForm, ServiceVersion
from network.services import service_change
from tests.directory.factories import OrganisationFactory
from tests.fast_cells import both_ways
from tests.network.factories import make_service, target_group, unit

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def network(officer):
    area, _ = SupportArea.objects.get_or_create(numeral="II.", defaults={
        "position": 2, "name": "Senioři"})
    provider = OrganisationFactory(name="Slezská diakonie", ico="65468562")
    family = make_service(actor=officer, provider=provider, name="SAS pro rodiny Poruba",
                          paragraph="65", capacity="3", forms=[ServiceForm.FIELD],
                          target_groups=[target_group()], network_from=D(2020, 1, 1))
    home = make_service(actor=officer, name="Domov Slunečnice", paragraph="49",
                        capacity="120", unit_code="luzka", forms=[ServiceForm.RESIDENTIAL],
                        support_areas=[area], target_groups=[target_group("senioři")],
                        network_from=D(2020, 1, 1))
    activity = make_service(actor=officer, provider=provider, name="Klub maminek",
                            category=ServiceCategory.ACTIVITY, forms=[], capacity=None,
                            network_from=D(2020, 1, 1))
    return {"family": family, "home": home, "activity": activity, "area": area,
            "provider": provider}


def _names(response):
    return [row.record.service.name for row in response.context["table"].page.object_list]


@pytest.mark.parametrize("query, expected", [
    ({}, ["Domov Slunečnice", "Klub maminek", "SAS pro rodiny Poruba"]),
    ({"q": "slunečnice"}, ["Domov Slunečnice"]),
    ({"q": "65468562"}, ["Klub maminek", "SAS pro rodiny Poruba"]),
    ({"form": "field"}, ["SAS pro rodiny Poruba"]),
    ({"category": "activity"}, ["Klub maminek"]),
    ({"unit": "__unit_luzka"}, ["Domov Slunečnice"]),
    ({"date": "2019-12-31"}, []),
])
def test_public_list_filters(client, network, query, expected):
    if query.get("unit") == "__unit_luzka":
        query = {"unit": unit("luzka").pk}
    response = client.get(reverse("network:service_list"), query)
    assert response.status_code == 200
    assert _names(response) == expected


def test_public_list_filters_by_kind_area_group_and_provider(client, network):
    url = reverse("network:service_list")
    home = network["home"]
    assert _names(client.get(url, {"kind": home.kind_id})) == ["Domov Slunečnice"]
    assert _names(client.get(url, {"area": network["area"].pk})) == ["Domov Slunečnice"]
    assert _names(client.get(url, {"target_group": target_group().pk})) == [
        "SAS pro rodiny Poruba"]
    assert _names(client.get(url, {"provider": network["provider"].pk})) == [
        "Klub maminek", "SAS pro rodiny Poruba"]
    bad = client.get(url, {"date": "31. 2. 2024"})
    assert bad.status_code == 200 and _names(bad) == []


def test_the_list_shows_the_network_as_of_a_day(client, officer, network):
    service_change(actor=officer, service=network["family"], valid_from=D(2024, 1, 1),
                   capacity_value=Decimal("4.5"), reason="Navýšení")
    url = reverse("network:service_list")
    today = client.get(url)
    assert [r.record.capacity_value for r in today.context["table"].page.object_list
            if r.record.service.name == "SAS pro rodiny Poruba"] == [Decimal("4.50")]
    old = client.get(url, {"date": "2023-06-30", "q": "Poruba"})
    new = client.get(url, {"q": "Poruba"})
    assert [r.record.capacity_value for r in old.context["table"].page.object_list] == [
        Decimal("3.00")]
    assert [r.record.capacity_value for r in new.context["table"].page.object_list] == [
        Decimal("4.50")]
    assert "4,5" in new.content.decode()


def test_capacity_table_sums_per_unit(client, network):
    response = client.get(reverse("network:capacity_table"), {"by": "kind"})
    html = response.content.decode()
    assert "§ 49 domovy pro seniory" in html and "120" in html
    totals = {row.unit: row.capacity for row in response.context["totals"]}
    assert totals == {"lůžka": Decimal("120.00"), "úvazky": Decimal("3.00"),
                      "kapacita neuvedena": None} or len(totals) == 3
    for by in ("area", "target_group"):
        assert client.get(reverse("network:capacity_table"), {"by": by}).status_code == 200


def test_service_page_shows_its_history(client, officer, network):
    service_change(actor=officer, service=network["family"], valid_from=D(2024, 1, 1),
                   capacity_value=Decimal("4.5"), reason="Navýšení o 1,5 úvazku")
    response = client.get(network["family"].get_absolute_url())
    html = response.content.decode()
    assert "Navýšení o 1,5 úvazku" in html and "65468562" in html
    assert "None" not in html


def test_officer_enters_changes_and_ends_a_service(client, officer, network):
    client.force_login(officer)
    provider = network["provider"]
    response = client.post(reverse("network:service_create"), {
        "category": "service", "name": "Poradna pro rodinu", "provider": provider.pk,
        "register_id": "7654321", "kind": network["family"].kind_id,
        "network_from": "2025-01-01", "forms": ["outpatient"], "capacity_value": "2,5",
        "capacity_unit": unit().pk, "reason": "Vstup do sítě"})
    assert response.status_code == 302, response.context["form"].errors
    service = Service.objects.get(register_id="7654321")
    assert service.versions.get().capacity_value == Decimal("2.5")
    response = client.post(reverse("network:service_change", args=[service.pk]), {
        "version": service.version, "valid_from": "2026-01-01", "reason": "Navýšení",
        "name": service.name, "provider": provider.pk, "register_id": "7654321",
        "kind": service.kind_id, "forms": ["outpatient", "field"], "capacity_value": "3",
        "capacity_unit": unit().pk})
    assert response.status_code == 302, response.context["form"].errors
    assert ServiceVersion.objects.filter(service=service).count() == 2
    service.refresh_from_db()
    response = client.post(reverse("network:service_end", args=[service.pk]), {
        "version": service.version, "network_to": "2026-12-31", "reason": "Ukončení"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.network_to == D(2026, 12, 31)


def test_bad_input_is_refused_in_czech_and_nothing_saved(client, officer, network):
    client.force_login(officer)
    response = client.post(reverse("network:service_create"), {
        "category": "service", "name": "Poradna", "provider": network["provider"].pk,
        "register_id": "12345", "kind": network["family"].kind_id,
        "network_from": "2025-01-01", "forms": [], "capacity_value": "2,5"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "7 číslic" in html
    assert not Service.objects.filter(name="Poradna").exists()
    family = network["family"]
    response = client.post(reverse("network:service_change", args=[family.pk]), {
        "version": family.version, "valid_from": "2019-01-01", "reason": "Zpětně",
        "name": family.name, "provider": family.provider_id, "register_id": family.register_id,
        "kind": family.kind_id, "forms": ["field"], "capacity_value": "9",
        "capacity_unit": unit().pk})
    assert response.status_code == 200
    assert ServiceVersion.objects.filter(service=family).count() == 1


def test_providers_see_their_own_services(client, implementer_x, officer):
    own = make_service(actor=officer, provider=implementer_x.implementer_organisation,
                       name="Naše služba")
    make_service(actor=officer, name="Cizí služba")
    client.force_login(implementer_x)
    response = client.get(reverse("network:own_services"))
    assert [s.name for s in response.context["services"]] == [own.name]


def test_own_services_come_a_page_at_a_time_whatever_the_network_size(client, officer, settings):
    """An officer's "own" services are the whole network: the page lists
    LIST_PAGE_SIZE of them and links the next page, and its size does not
    grow with the network."""
    settings.LIST_PAGE_SIZE = 4
    provider = OrganisationFactory()
    for n in range(6):
        make_service(actor=officer, provider=provider, name=f"Služba {n:02}")
    client.force_login(officer)
    url = reverse("network:own_services")
    small = client.get(url)
    assert [s.name for s in small.context["services"]] == [f"Služba {n:02}" for n in range(4)]
    html = small.content.decode()
    assert 'rel="next"' in html and "Strana 1 z 2" in html
    second = client.get(url + "?page=2")
    assert [s.name for s in second.context["services"]] == ["Služba 04", "Služba 05"]
    for n in range(6, 30):
        make_service(actor=officer, provider=provider, name=f"Služba {n:02}")
    large = client.get(url)
    assert len(large.context["services"]) == 4
    assert "Strana 1 z 8" in large.content.decode()
    # the same four rows; only the page count's digits may differ
    assert abs(len(large.content) - len(small.content)) < 20


def test_the_list_prints_its_cells_as_django_tables2_would(client, network, monkeypatch):
    """NetworkTable.fast_cells (core.tables.FastCellsMixin) prints the same
    page as django_tables2's cell rendering: links, kinds, forms, target
    groups, areas, capacities with and without a unit, an activity without
    kind or capacity."""
    from network.tables import NetworkTable

    printed = []
    for query in ({}, {"sort": "-capacity"}, {"sort": "kind"}):
        fast, slow, records = both_ways(client, monkeypatch, NetworkTable,
                                        reverse("network:service_list"), query)
        printed += records
        assert fast.content.decode() == slow.content.decode()
        assert "Klub maminek" in fast.content.decode()
    assert len(printed) == 3 * 3
