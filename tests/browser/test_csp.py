"""The strict Content-Security-Policy holds on the public pages: the browser
refuses nothing. The `page` fixture fails a test on any CSP violation."""

import pytest
from playwright.sync_api import Error, expect

from tests.browser.conftest import is_csp_violation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "path", ["/", "/groups/", "/organisations/", "/data/", "/accounts/login/"]
)
def test_public_page_has_no_csp_violation(page, live_server, browser_log, group_a, path):
    response = page.goto(f"{live_server.url}{path}")
    assert response is not None
    assert response.status == 200
    assert response.headers.get("content-security-policy")
    # The stylesheet and script really loaded (a refused one would be logged).
    expect(page.locator("header.site-header")).to_be_visible()
    page.wait_for_load_state("load")
    assert browser_log.csp_violations() == []


def test_csp_violation_detector_works(page, live_server, browser_log):
    """Self-test: an inline script must be refused and the refusal recorded."""
    page.goto(f"{live_server.url}/")
    # Chromium logs the refusal; Playwright also raises it from add_script_tag.
    with (
        page.expect_console_message(lambda message: is_csp_violation(message.text)),
        pytest.raises(Error, match="Content Security Policy"),
    ):
        page.add_script_tag(content="window.x=1")
    assert page.evaluate("typeof window.x") == "undefined"
    assert browser_log.csp_violations(), browser_log.console
    # The violation was provoked on purpose: do not let the fixture fail us.
    browser_log.clear()
