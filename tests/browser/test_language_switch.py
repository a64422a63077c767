"""The language switch is a link on every public page: an anonymous visitor
switches to English and back on a cached page, the choice is kept from page
to page, and the public pages themselves set no cookie."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_anonymous_visitor_switches_language_on_a_cached_public_page(
        page, live_server, browser_log, group_a):
    url = f"{live_server.url}/organisations/"
    page.goto(url)
    page.goto(url)  # the second visit comes from the page cache
    assert page.locator("html").get_attribute("lang") == "cs"
    assert page.context.cookies() == []  # a public page sets no cookie

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url == url
    expect(page.get_by_role("navigation", name="Main navigation")).to_contain_text("Plans")
    assert [c["name"] for c in page.context.cookies()] == ["django_language"]

    # Kept on the next page, which comes from the cache in English.
    page.get_by_role("link", name="Working groups").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    response = page.reload()
    assert response.headers.get("x-page-cache") == "hit"

    page.get_by_role("link", name="Čeština").click()
    expect(page.locator("html")).to_have_attribute("lang", "cs")
    expect(page.get_by_role("navigation", name="Hlavní navigace")).to_contain_text("Plány")
    assert browser_log.csp_violations() == []
