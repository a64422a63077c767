"""Territories (directory.Territory), editable by officers: name, kind, official
code (unique when set), parent; one in use cannot be deleted."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditEntry
from directory import services
from directory.models import Territory, TerritoryKind
from tests.directory.factories import CityFactory, TerritoryFactory
from tests.indicators.factories import IndicatorFactory

pytestmark = pytest.mark.django_db


def _post(territory=None, **overrides):
    data = {"name": "Testovský kraj", "short_name": "TK", "code": "tk", "kind": "region",
            "official_code": "CZ099", "parent": "",
            "version": territory.version if territory else ""}
    data.update(overrides)
    return data


# --- who may ---------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    lambda t: reverse("directory:territory_list"),
    lambda t: reverse("directory:territory_create"),
    lambda t: reverse("directory:territory_update", args=[t.pk]),
    lambda t: reverse("directory:territory_delete", args=[t.pk]),
])
def test_anonymous_goes_to_login_wrong_role_gets_403_officer_gets_the_page(
        client, url, manager_a, officer):
    address = url(TerritoryFactory())
    response = client.get(address)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    client.force_login(manager_a)
    assert client.get(address).status_code == 403
    client.force_login(officer)
    assert client.get(address).status_code == 200


def test_wrong_role_cannot_post(client, manager_a):
    territory = TerritoryFactory(name="Staré")
    client.force_login(manager_a)
    assert client.post(reverse("directory:territory_create"), _post()).status_code == 403
    assert client.post(reverse("directory:territory_update", args=[territory.pk]),
                       _post(territory)).status_code == 403
    assert client.post(reverse("directory:territory_delete",
                               args=[territory.pk])).status_code == 403
    assert Territory.objects.get(pk=territory.pk).name == "Staré"
    assert not Territory.objects.filter(code="tk").exists()


# --- create, edit ------------------------------------------------------------------

def test_officer_creates_a_territory_in_a_country_audited(client, officer):
    country = TerritoryFactory(name="Česká republika", code="cr", kind="country",
                               official_code="CZ")
    client.force_login(officer)
    response = client.post(reverse("directory:territory_create"), _post(parent=country.pk))
    assert response.status_code == 302
    territory = Territory.objects.get(code="tk")
    assert (territory.kind, territory.official_code, territory.parent) == (
        TerritoryKind.REGION, "CZ099", country)
    assert AuditEntry.objects.filter(actor=officer, object_id=str(territory.pk)).exists()
    page = client.get(reverse("directory:territory_list"))
    assert "Testovský kraj" in page.text and "CZ099" in page.text


def test_officer_states_the_kind_of_a_territory_moved_without_one(client, officer):
    territory = TerritoryFactory(name="Staré území", code="stare", kind="")
    client.force_login(officer)
    response = client.post(reverse("directory:territory_update", args=[territory.pk]),
                           _post(territory, name="Staré území", code="stare", kind=""))
    assert response.status_code == 200
    assert response.context["form"].errors["kind"]
    response = client.post(reverse("directory:territory_update", args=[territory.pk]),
                           _post(territory, name="Staré území", code="stare",
                                 kind="municipality", official_code=""))
    assert response.status_code == 302
    territory.refresh_from_db()
    assert territory.kind == "municipality" and territory.version == 2


def test_the_official_code_is_unique_when_set(client, officer):
    TerritoryFactory(code="a", official_code="CZ099")
    TerritoryFactory(code="b", official_code="")
    client.force_login(officer)
    response = client.post(reverse("directory:territory_create"), _post())
    assert response.status_code == 200
    assert not Territory.objects.filter(code="tk").exists()
    # Two territories without an official code are fine.
    response = client.post(reverse("directory:territory_create"), _post(official_code=""))
    assert response.status_code == 302


def test_a_territory_cannot_lie_within_itself(client, officer):
    region = TerritoryFactory(code="reg", kind="region")
    town = TerritoryFactory(code="town", parent=region)
    client.force_login(officer)
    response = client.post(reverse("directory:territory_update", args=[region.pk]),
                           _post(region, name=region.name, code="reg", official_code="",
                                 parent=town.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    region.refresh_from_db()
    assert region.parent is None


def test_bad_code_names_the_field(client, officer):
    client.force_login(officer)
    response = client.post(reverse("directory:territory_create"),
                           _post(code="má mezeru", official_code="cz-1"))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"code", "official_code"}
    assert not Territory.objects.filter(name="Testovský kraj").exists()


# --- delete -----------------------------------------------------------------------------

def test_an_unused_territory_is_deleted_audited(client, officer):
    territory = TerritoryFactory(name="Navíc")
    client.force_login(officer)
    response = client.post(reverse("directory:territory_delete", args=[territory.pk]))
    assert response.status_code == 302
    assert not Territory.objects.filter(pk=territory.pk).exists()
    assert AuditEntry.objects.filter(actor=officer, action="delete",
                                     object_id=str(territory.pk)).exists()


@pytest.mark.parametrize("use", ["indicator", "city", "child"])
def test_a_territory_in_use_stays_with_a_czech_message(client, officer, use):
    territory = TerritoryFactory(name="Používané")
    if use == "indicator":
        IndicatorFactory(home_territory=territory)
    elif use == "city":
        CityFactory(home_territory=territory)
    else:
        TerritoryFactory(parent=territory)
    client.force_login(officer)
    response = client.post(reverse("directory:territory_delete", args=[territory.pk]),
                           follow=True)
    assert Territory.objects.filter(pk=territory.pk).exists()
    assert "Území „Používané“ se používá" in response.text
    assert not AuditEntry.objects.filter(action="delete", object_id=str(territory.pk)).exists()


def test_the_delete_service_refuses_a_territory_in_use():
    territory = TerritoryFactory()
    TerritoryFactory(parent=territory)
    with pytest.raises(ValidationError):
        services.territory_delete(actor=None, territory=territory)


# --- queries -----------------------------------------------------------------------------

def test_the_list_runs_a_fixed_number_of_queries(client, officer, django_assert_num_queries):
    country = TerritoryFactory(code="cr", kind="country")
    for n in range(5):
        TerritoryFactory(parent=country, code=f"t{n}")
    client.force_login(officer)
    url = reverse("directory:territory_list")
    client.get(url)
    # session, user, the table's count (one per list), the page with the parents
    with django_assert_num_queries(4):
        client.get(url)
    for n in range(5, 30):
        TerritoryFactory(parent=country, code=f"t{n}")
    with django_assert_num_queries(4):
        response = client.get(url)
    assert response.context["table"].page.paginator.count == 31


def test_the_territory_forms_go_back_to_the_list(client, officer):
    """A territory has no page of its own: the forms' back link ("../" once,
    which answered 404 on the edit form) goes to the list."""
    territory = TerritoryFactory()
    client.force_login(officer)
    for url in (reverse("directory:territory_create"),
                reverse("directory:territory_update", args=[territory.pk])):
        html = client.get(url).content.decode()
        assert f'href="{reverse("directory:territory_list")}" class="cancel"' in html, url
