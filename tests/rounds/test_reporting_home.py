"""The old "who still has to report" page (/indicators/report/) became the
rounds' overview: its address leads there, and the template and the import
are linked from the rounds' pages instead."""

from datetime import date

import pytest
from django.urls import reverse

from rounds import services

pytestmark = pytest.mark.django_db

OLD = "/indicators/report/"


def test_the_old_address_is_the_reporting_home():
    assert reverse("reporting_home") == OLD


def test_an_officer_lands_on_the_newest_open_round(client, officer, reporting):
    older = reporting["round"]
    newer = services.round_open(
        actor=officer, title="Pololetí 2/2025", kind="half_year",
        period_start=date(2025, 7, 1), period_end=date(2025, 12, 31),
        deadline=date(2026, 1, 31), plans=[reporting["plan"]])
    client.force_login(officer)
    response = client.get(OLD)
    assert response.status_code == 302 and response["Location"] == newer.get_absolute_url()
    # Closed rounds are not where one reports any more.
    services.round_close(actor=officer, round_=newer)
    assert client.get(OLD)["Location"] == older.get_absolute_url()


def test_an_officer_lands_on_the_rounds_when_none_is_open(client, officer):
    client.force_login(officer)
    response = client.get(OLD)
    assert response.status_code == 302 and response["Location"] == reverse("rounds:list")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert reverse("indicators:template") in html and reverse("indicators:import") in html


def test_an_implementer_lands_on_its_own_list_with_the_template_and_the_import(
        client, implementer_x, reporting):
    client.force_login(implementer_x)
    response = client.get(OLD, follow=True)
    assert response.redirect_chain == [(reverse("rounds:mine"), 302)]
    html = response.content.decode()
    assert reverse("indicators:template") in html and reverse("indicators:import") in html
    assert 'id="obligations"' in html


def test_the_round_overview_links_the_template_and_the_import(client, officer, reporting):
    client.force_login(officer)
    html = client.get(reporting["round"].get_absolute_url()).content.decode()
    assert reverse("indicators:template") in html and reverse("indicators:import") in html


def test_the_menu_has_no_second_reporting_page(client, officer, implementer_x):
    for user, target in ((officer, "rounds:list"), (implementer_x, "rounds:mine")):
        client.force_login(user)
        html = client.get(reverse("core:desk")).content.decode()
        start = html.index('class="main-nav"')
        nav = html[start:html.index("</nav>", start)]
        assert f'href="{OLD}"' not in nav and f'href="{reverse(target)}"' in nav
