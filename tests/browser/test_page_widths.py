"""Every kind of public page fits a 390 px phone and a 1280 px screen: the
document is never wider than the window (no sideways scrolling). The pages are
found as an anonymous reader finds them, by following the links from the home
page over the demo data (one page of each kind), plus the pages no link leads
to (the 404 page, a sign-in form). Every kind of page a city officer reaches
from the desk and the menu (lists, details, forms, the plan editor) fits the
phone too: a manager or an officer files and approves from one."""

import pytest
from django.urls import reverse

from planning.models import Plan
from tests.browser.crawl import officer_page_kinds, page_kinds, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1280)
# Kinds (URL names) a reader must reach, so that a broken crawl cannot pass by
# finding nothing. A kind is the view a path resolves to: "/meetings/events/" and
# "/meetings/1/" are two kinds, though both are /meetings/<something>/.
MUST_FIND = {
    "core:home", "directory:group_list", "directory:group_detail", "directory:organisation_list",
    "directory:organisation_detail", "planning:plan_list", "planning:plan_detail",
    "planning:plan_item_detail", "indicators:list", "indicators:detail", "meetings:list",
    "meetings:detail", "meetings:events", "projects:list", "projects:project_detail",
    "projects:project_totals", "reports:list", "core:data_catalogue"}
EXTRA = ["/stranka-neexistuje/", "/accounts/login/", "/accounts/password/reset/"]


def test_every_public_page_fits_a_phone_and_a_wide_screen(browser, live_server, demo):
    kinds = page_kinds()
    missing = MUST_FIND - set(kinds)
    assert not missing, (missing, sorted(kinds))
    commenting = Plan.objects.get(code="kp-5-dar")
    paths = sorted(set(kinds.values())) + EXTRA + [
        commenting.get_absolute_url(),
        reverse("planning:plan_item_detail", args=[commenting.code,
                                                   commenting.items.order_by("pk")[0].pk]),
        demo["report"], demo["version"]]
    too_wide = []
    for width in WIDTHS:
        context = browser.new_context(locale="cs-CZ", base_url=live_server.url,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        try:
            for path in paths:
                response = page.goto(path)
                assert response.status == (404 if path == EXTRA[0] else 200), (path, response)
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if scroll_width > width:
                    too_wide.append((width, path, scroll_width, _too_wide_in_main(page, width)))
        finally:
            context.close()
    assert not too_wide, "\n".join(map(str, too_wide))
    assert len(paths) >= 20, paths
    # (Here rather than in tests of their own: the demo loads once.)
    _indicator_chart_takes_the_width_of_the_page(browser, live_server)
    _home_page_with_its_sections_passes_axe(browser, live_server)


def test_every_officer_page_fits_a_phone(browser, live_server, demo):
    client, kinds = officer_page_kinds()
    width = WIDTHS[0]
    context = signed_in(browser.new_context(locale="cs-CZ", base_url=live_server.url,
                                            viewport={"width": width, "height": 900}),
                        client, live_server)
    page = context.new_page()
    too_wide = []
    try:
        for path in sorted(kinds.values()):
            response = page.goto(path)
            assert response.status == 200 and page.url.endswith(path), (path, response)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                too_wide.append((path, scroll_width, _too_wide_in_main(page, width)))
    finally:
        context.close()
    assert not too_wide, "\n".join(map(str, too_wide))


def _too_wide_in_main(page, width):
    return page.evaluate(
        """(width) => [...document.querySelectorAll('main *')]
               .filter(el => el.getBoundingClientRect().right > width + 1)
               .slice(0, 3).map(el => el.tagName + '.' + el.className)""", width)


def _home_page_with_its_sections_passes_axe(browser, live_server):
    from tests.browser.conftest import audit

    context = browser.new_context(locale="cs-CZ", base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    try:
        response, blocking = audit(page, "/")
        assert response.status == 200
        assert page.locator(".status-chart svg[role=img]").count() == 1
        assert not blocking, blocking
    finally:
        context.close()


def _indicator_chart_takes_the_width_of_the_page(browser, live_server):
    for width in WIDTHS:
        context = browser.new_context(locale="cs-CZ", base_url=live_server.url,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        try:
            page.goto("/indicators/G07/")
            chart = page.locator("figure.chart svg").bounding_box()
            main = page.locator("main").evaluate(
                "m => m.clientWidth - parseFloat(getComputedStyle(m).paddingLeft)"
                " - parseFloat(getComputedStyle(m).paddingRight)")
            assert chart["width"] >= main - 2, (width, chart, main)
            assert chart["width"] <= width
        finally:
            context.close()
