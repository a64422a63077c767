"""The public indicator pages in the real browser: accessible (axe, WCAG 2.1
AA), readable without JavaScript, the chart drawn, no CSP violation."""

import pytest

from tests.browser.conftest import audit
from tests.shared_db import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(transactional_db):
    # Loaded by the first test, copied for the others (the flush after each
    # transactional test empties the database again).
    seed_demo("--only", "directory", "--only", "plans", "--only", "projects",
              "--only", "indicators")


PATHS = [
    "/indicators/",
    "/indicators/?status=off_track&kind=global",
    "/indicators/G05/",  # rank, commentary
    "/indicators/G07/",  # comparison territory
    "/indicators/6.2.1-3/",  # composite value
    "/indicators/P-0006590-60000/",  # project indicator without a value yet
]


def test_indicator_pages_have_no_serious_wcag_violations(axe_page, seeded):
    failures = {}
    for path in PATHS:
        response, blocking = audit(axe_page, path)
        assert response.status == 200, path
        if blocking:
            failures[path] = blocking
    assert not failures, failures


def test_an_indicator_page_reads_without_javascript(browser, live_server, seeded):
    context = browser.new_context(locale="cs-CZ", base_url=live_server.url,
                                  java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/indicators/G07/")
        chart = page.locator("figure.chart svg")
        assert chart.is_visible()
        assert chart.get_attribute("role") == "img"
        box = chart.bounding_box()
        assert box["width"] > 200 and box["height"] > 100
        rows = page.locator("table.values-table tbody tr")
        assert rows.count() == 2
        assert "2,17" in rows.nth(1).inner_text() and "2,07" in rows.nth(1).inner_text()
        page.goto("/indicators/?status=off_track&kind=global")
        assert page.locator("table.indicator-table tbody tr").count() == 5
    finally:
        context.close()


def test_indicator_pages_raise_no_csp_violation(page, live_server, seeded):
    for path in PATHS:
        page.goto(live_server.url + path)
    page.goto(live_server.url + "/indicators/G05/")
    assert page.locator(".prose li").count() == 6  # the commentary's list, as published
