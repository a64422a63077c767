"""The city is data: one row (directory.City) an officer edits on the City
settings page, shown in the header, title and footer of every page, cached
per request and across requests, and the city every plan belongs to."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from core import pagecache
from core.models import AuditEntry
from directory.models import City
from directory.selectors import CITY_CACHE_KEY, current_city, totp_issuer
from planning.models import LevelRole
from planning.services.plans import plan_create
from tests.directory.factories import CityFactory, TerritoryFactory, the_city
from tests.planning.factories import PlanFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + bytes(40)
JPEG = b"\xff\xd8\xff\xe0" + bytes(40)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
URL = "directory:city_settings"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _city(**fields):
    """The portal's city (conftest's `_the_city`), with `fields` set."""
    city = the_city()
    for name, value in fields.items():
        setattr(city, name, value)
    city.save()
    return city


def _post(city=None, **overrides):
    data = {
        "name": "Testov", "full_name": "Statutární město Testov",
        "department": "Magistrát města Testova, odbor sociálních věcí",
        "address": "Náměstí 1, Testov", "home_territory": "", "region": "",
        "document_language": "cs", "currency": "CZK", "currency_symbol": "Kč",
        "version": city.version if city else "",
    }
    data.update(overrides)
    return data


# --- current_city ------------------------------------------------------------------

def test_no_city_yet_is_none_and_pages_still_render(client, no_city):
    assert current_city() is None
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert 'class="brand-city"' not in response.text


def test_current_city_is_the_first_row_and_costs_no_query_once_cached(
        no_city, django_assert_num_queries):
    first = CityFactory(name="Prvnov")
    CityFactory(name="Druhov")
    with django_assert_num_queries(1):
        assert current_city() == first
    with django_assert_num_queries(0):
        assert current_city().name == "Prvnov"


def test_current_city_is_read_once_per_request(django_assert_num_queries):
    _city()
    request = RequestFactory().get("/")
    city = current_city(request=request)
    cache.delete(CITY_CACHE_KEY)
    with django_assert_num_queries(0):
        assert current_city(request=request) is city


def test_saving_the_city_anywhere_forgets_the_cached_row(no_city):
    city = CityFactory(name="Starov")
    assert current_city().name == "Starov"
    city.name = "Novov"
    city.save()  # as the admin would
    assert current_city().name == "Novov"
    city.delete()
    assert current_city() is None


# --- the city in every page --------------------------------------------------------------

def test_header_title_and_footer_come_from_the_city_row(client):
    _city(name="Testov", full_name="Statutární město Testov",
                department="Odbor sociálních věcí", address="Náměstí 1, Testov")
    html = client.get(reverse("core:home")).text
    assert '<span class="brand-city">Testov</span>' in html
    assert "<title>" in html and "Testov</title>" in html
    assert "Statutární město Testov · Odbor sociálních věcí" in html
    assert "Náměstí 1, Testov" in html
    assert "Komunitní plánování sociálních služeb — Testov" in html


def test_the_city_name_on_every_page_costs_no_query_on_a_warm_request(
        client, django_assert_num_queries):
    _city()
    client.get(reverse("core:home"))
    pagecache.invalidate()  # rendered again, not answered from the page cache
    # The home page's own sections (core/home.py: one query each, pinned in
    # tests/directory/test_query_counts.py); none for the city.
    with django_assert_num_queries(6):
        response = client.get(reverse("core:home"))
    assert "Testov" in response.text


# --- the City settings page ----------------------------------------------------------

def test_anonymous_goes_to_login(client):
    response = client.get(reverse(URL))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_wrong_role_is_refused(client, manager_a, no_city):
    client.force_login(manager_a)
    assert client.get(reverse(URL)).status_code == 403
    assert client.post(reverse(URL), _post()).status_code == 403
    assert not City.objects.exists()


def test_officer_sets_the_city_the_first_time_audited(client, officer, no_city):
    client.force_login(officer)
    assert client.get(reverse(URL)).status_code == 200
    home = TerritoryFactory(name="Testov", code="testov")
    region = TerritoryFactory(name="Testovský kraj", code="tk", kind="region")
    response = client.post(reverse(URL), _post(home_territory=home.pk, region=region.pk))
    assert response.status_code == 302
    city = City.objects.get()
    assert (city.name, city.home_territory, city.region, city.currency_label) == (
        "Testov", home, region, "Kč")
    assert (city.department, city.address, city.document_language) == (
        "Magistrát města Testova, odbor sociálních věcí", "Náměstí 1, Testov", "cs")
    assert AuditEntry.objects.filter(actor=officer, object_id=str(city.pk),
                                     action="create").exists()
    assert '<span class="brand-city">Testov</span>' in client.get(reverse("core:home")).text


def test_officer_renames_the_city_and_every_page_shows_it(
        client, officer, django_capture_on_commit_callbacks):
    city = _city(name="Starov")
    client.force_login(officer)
    generation = pagecache._generation("indicators")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(URL), _post(city, name="Novov"))
    assert response.status_code == 302
    city.refresh_from_db()
    assert city.name == "Novov"
    entry = AuditEntry.objects.get(actor=officer, object_id=str(city.pk), action="update")
    assert entry.changes["name"] == ["Starov", "Novov"]
    assert "Novov" in client.get(reverse("core:home")).text
    # Cached public pages show the header too: they are made stale.
    assert pagecache._generation("indicators") > generation


def test_a_stale_edit_is_refused(client, officer):
    city = _city(name="Starov")
    client.force_login(officer)
    old = _post(city, name="Prvni")
    client.post(reverse(URL), _post(city, name="Druhy"))
    response = client.post(reverse(URL), old)
    assert response.status_code == 409
    city.refresh_from_db()
    assert city.name == "Druhy"


@pytest.mark.parametrize(("field", "value"), [("currency", "czk"), ("currency", "KČ"),
                                              ("name", ""), ("document_language", "de"),
                                              ("ico", "12345678"), ("ico", "1234567"),
                                              ("ruian_code", "55 48"),
                                              ("open_data_licence", "not a licence")])
def test_bad_input_names_the_field_and_saves_nothing(client, officer, field, value):
    city = _city(name="Starov")
    client.force_login(officer)
    response = client.post(reverse(URL), _post(city, **{field: value, "full_name": "Jiné"}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    city.refresh_from_db()
    assert city.full_name != "Jiné"


def test_region_and_home_territory_differ(client, officer):
    city = _city()
    home = TerritoryFactory()
    client.force_login(officer)
    response = client.post(reverse(URL), _post(city, home_territory=home.pk, region=home.pk))
    assert response.status_code == 200
    city.refresh_from_db()
    assert city.home_territory is None


# --- the logo -------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "kind", "mime"), [(PNG, "png", "image/png"),
                                                       (JPEG, "jpeg", "image/jpeg")])
def test_a_png_or_jpeg_logo_is_shown_in_the_header(client, officer, media, content, kind, mime):
    city = _city(name="Testov")
    client.force_login(officer)
    response = client.post(reverse(URL), {**_post(city), "logo": SimpleUploadedFile(
        "znak.bin", content, content_type="application/octet-stream")})
    assert response.status_code == 302
    city.refresh_from_db()
    assert city.logo_type == kind
    html = client.get(reverse("core:home")).text
    assert (f'<img class="brand-logo" src="{reverse("directory:city_logo")}?v={city.version}" '
            'alt="Testov">') in html
    client.logout()
    logo = client.get(reverse("directory:city_logo"))
    assert logo.status_code == 200
    assert logo["Content-Type"] == mime
    assert logo["X-Content-Type-Options"] == "nosniff"
    assert b"".join(logo.streaming_content) == content


@pytest.mark.parametrize("content", [SVG, b"GIF89a" + bytes(20), b"%PDF-1.4\n"])
def test_other_files_are_refused_by_content_whatever_their_name(client, officer, media,
                                                                 content):
    city = _city(name="Testov")
    client.force_login(officer)
    response = client.post(reverse(URL), {**_post(city, name="Jinov"), "logo": SimpleUploadedFile(
        "znak.png", content, content_type="image/png")})
    assert response.status_code == 200
    assert "PNG" in " ".join(response.context["form"].errors["logo"])
    city.refresh_from_db()
    assert (city.name, city.logo.name) == ("Testov", "")
    assert client.get(reverse("directory:city_logo")).status_code == 404


def test_the_logo_can_be_removed(client, officer, media):
    city = _city()
    client.force_login(officer)
    client.post(reverse(URL), {**_post(city), "logo": SimpleUploadedFile("a.png", PNG)})
    city.refresh_from_db()
    client.post(reverse(URL), {**_post(city), "remove_logo": "on"})
    city.refresh_from_db()
    assert city.logo.name == ""
    assert 'class="brand-logo"' not in client.get(reverse("core:home")).text
    assert client.get(reverse("directory:city_logo")).status_code == 404


# --- what belongs to the city ---------------------------------------------------------------

def test_a_new_plan_belongs_to_the_city(no_city):
    city = _city()
    plan = plan_create(actor=None, levels=[("Opatření", LevelRole.MEASURE)], kind="kp",
                       title="Plán", code="plan-x", period_start=2025)
    assert plan.city == city
    assert PlanFactory().city == city


def test_no_plan_before_the_city_is_set(no_city):
    with pytest.raises(ValidationError):
        plan_create(actor=None, levels=[("Opatření", LevelRole.MEASURE)], kind="kp",
                    title="Plán", code="plan-y", period_start=2025)


def test_a_city_with_plans_cannot_be_deleted():
    from django.db.models import ProtectedError

    plan = PlanFactory()
    with pytest.raises(ProtectedError):
        plan.city.delete()


def test_authenticator_apps_list_the_portal_under_the_city_name(settings, no_city):
    assert totp_issuer() == "KP"
    CityFactory(name="Testov")
    assert totp_issuer() == "KP Testov"
    assert callable(settings.OTP_TOTP_ISSUER)
    assert settings.OTP_TOTP_ISSUER(None) == "KP Testov"


def test_an_edit_in_the_admin_is_audited_too(client, administrator):
    city = _city(name="Starov")
    client.force_login(administrator)
    url = reverse("admin:directory_city_change", args=[city.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {**_post(city, name="Novov"), "_save": "Uložit"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    city.refresh_from_db()
    assert city.name == "Novov"
    assert AuditEntry.objects.filter(actor=administrator, object_id=str(city.pk),
                                     action="update").exists()
    # One city: the admin offers no second.
    assert client.get(reverse("admin:directory_city_add")).status_code == 403
