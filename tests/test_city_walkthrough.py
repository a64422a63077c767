"""The officer's walk-through of README's "Another city", by the links on the
screens only: every step is one click away from the page before it, starting
at the home page, and every workbook's empty template can be downloaded where
its upload is. No step needs an address typed in or a shell."""

import re
from html import unescape

import pytest
from django.urls import reverse

from core.exports import XLSX_CONTENT_TYPE
from tests.planning.factories import PlanFactory

pytestmark = pytest.mark.django_db


def _hrefs(response):
    assert response.status_code == 200, response.status_code
    return {unescape(href) for href in re.findall(r'href="([^"]+)"', response.content.decode())}


def _click(client, page, target):
    """Open `target` through its link on `page` (a URL); the target's answer."""
    assert target in _hrefs(client.get(page)), f"{page} has no link to {target}"
    return client.get(target)


def _walk(client, *steps):
    for page, target in zip(steps, steps[1:], strict=False):
        response = _click(client, page, target)
    return response


def _is_workbook(response):
    return (response.status_code == 200
            and response["Content-Type"].startswith(XLSX_CONTENT_TYPE)
            and b"".join(response.streaming_content if response.streaming
                         else [response.content])[:2] == b"PK")


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


HOME = "core:home"


def test_city_settings_and_territories_are_in_the_officer_s_menu(officer_client):
    home = reverse(HOME)
    settings_page = _walk(officer_client, home, reverse("directory:city_settings"))
    assert 'name="department"' in settings_page.content.decode()
    _walk(officer_client, home, reverse("directory:territory_list"),
          reverse("directory:territory_create"))


def test_a_new_plan_from_a_workbook_is_reached_from_the_plan_list(officer_client):
    upload = _walk(officer_client, reverse(HOME), reverse("planning:plan_list"),
                   reverse("planning:plan_import_new"))
    assert 'type="file"' in upload.content.decode()
    assert _is_workbook(_click(officer_client, reverse("planning:plan_import_new"),
                               reverse("planning:plan_import_template")))
    _click(officer_client, reverse("planning:plan_list"), reverse("planning:plan_create"))


def test_the_plan_list_offers_no_new_plan_to_the_public(client):
    hrefs = _hrefs(client.get(reverse("planning:plan_list")))
    assert reverse("planning:plan_import_new") not in hrefs
    assert reverse("planning:plan_create") not in hrefs


def test_indicator_definitions_and_values_have_their_templates_beside_the_upload(
        officer_client):
    home = reverse(HOME)
    definitions = reverse("indicators:definitions_import")
    _walk(officer_client, home, reverse("indicators:list"), definitions)
    assert _is_workbook(_click(officer_client, definitions,
                               reverse("indicators:definitions_template")))
    report = reverse("rounds:list")
    _walk(officer_client, home, report, reverse("indicators:import"))
    assert _is_workbook(_click(officer_client, report, reverse("indicators:template")))


def test_data_checks_and_the_plan_s_report_texts_are_linked(officer_client):
    plan = PlanFactory()
    _walk(officer_client, reverse(HOME), reverse("planning:plan_list"),
          plan.get_absolute_url(), reverse("planning:plan_data_checks", args=[plan.code]))
    _walk(officer_client, reverse(HOME), reverse("reports:list"), reverse("reports:manage"),
          reverse("reports:glossary"), reverse("reports:plan_texts", args=[plan.code]))
