"""A city officer signs in with the city account in the real browser: the
portal's sign-in page, the identity provider's own page (a real OpenID
Connect provider in its own process, tests/oidc_provider), and back, under
the portal's strict Content-Security-Policy (the page fixture fails the test
on any violation)."""

import re

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory
from tests.browser.conftest import audit
from tests.oidc_provider import CALLBACK_PATH, PASSWORD, provider_user
from tests.oidc_provider import fixtures as provider_fixtures

oidc_provider = provider_fixtures.oidc_provider
sso = provider_fixtures.sso

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_member_signs_in_with_the_city_account(page, axe_page, live_server, sso):
    officer = UserFactory(username="referentka", email="Eva.Mala@mesto.example",
                          first_name="Eva", last_name="Malá", is_city_officer=True)
    sso.provider_setup(provider_user("emala", "eva.mala@mesto.example", amr=["pwd", "mfa"]),
                       redirect_uris=[live_server.url + CALLBACK_PATH])

    # The sign-in page with the city account passes axe (WCAG 2.1 AA).
    response, blocking = audit(axe_page, "/accounts/login/")
    assert response.status == 200 and not blocking, blocking

    page.goto(f"{live_server.url}/accounts/locked/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_role("link", name="Přihlásit se účtem města").click()

    # The provider's own sign-in page.
    expect(page).to_have_url(re.compile("^" + re.escape(sso.provider.url + "/authorize?")))
    page.get_by_label("User name").fill("emala")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Back at the portal, signed in, on the page asked for at first.
    expect(page).to_have_url(f"{live_server.url}/accounts/locked/")
    expect(page.locator("form[action$='/accounts/logout/'] button")).to_be_visible()
    page.goto(f"{live_server.url}/accounts/profile/")
    expect(page.locator("main")).to_contain_text("referentka")
    expect(page.locator("main")).to_contain_text("úředník města")  # the role stays
    officer.refresh_from_db()
    assert officer.last_login is not None and officer.is_city_officer
