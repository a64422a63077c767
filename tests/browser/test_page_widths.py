"""Every kind of public page fits a 390 px phone and a 1280 px screen: the
document is never wider than the window (no sideways scrolling). The pages are
found as an anonymous reader finds them, by following the links from the home
page over the demo data (one page of each kind), plus the pages no link leads
to (the 404 page, a sign-in form). Every kind of page a city officer reaches
from the desk and the menu (lists, details, forms, the plan editor) fits the
phone too: a manager or an officer files and approves from one."""

import datetime
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from planning.models import Plan
from tests.shared_db import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1280)
NOT_PAGES = re.compile(r"\.(csv|json|jsonld|ics|pdf|xlsx|zip|svg|png)$|^/(static|media|admin)/")
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
# Kinds a signed-in officer must reach (the crawl finds over a hundred).
OFFICER_MUST_FIND = {
    "core:desk", "core:audit_trail", "directory:city_settings", "directory:membership_start",
    "planning:plan_editor", "planning:plan_item_update", "indicators:value_create",
    "meetings:create", "projects:project_create", "network:service_change", "rounds:list",
    "reports:manage"}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def kind_of(path):
    """The view's URL name ("meetings:events"), or the path when none answers."""
    try:
        return resolve(path).view_name
    except Resolver404:
        return path


def public_page_kinds(max_fetches=60, client=None, start=("/",)):
    """One URL per kind of page (per view) a reader reaches from the `start`
    pages (breadth first; filtered or sorted variants of a list are the list's
    kind): anonymous, or signed in with `client`."""
    client = client or Client()
    found, queue, queued_kinds, fetches = {}, list(start), set(start), 0
    while queue and fetches < max_fetches:
        url = queue.pop(0)
        fetches += 1
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        found.setdefault(kind_of(url), url)
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or parts.query or not parts.path.startswith("/"):
                continue
            if NOT_PAGES.search(parts.path) or parts.path.startswith(
                    ("/language/", "/accounts/logout/")):
                continue
            kind = kind_of(parts.path)
            if kind not in queued_kinds:
                queued_kinds.add(kind)
                queue.append(parts.path)
    return found


@pytest.fixture
def demo(transactional_db):
    seed_demo("--without-accounts")  # copied if loaded before (tests/shared_db.py)
    # The draft plan in public comment: its pages then carry the comment forms.
    Plan.objects.filter(code="kp-5-dar").update(status="public_comment")
    # A half-year report (the demo has none), with its measure's n/N.
    from projects.models import Project
    from projects.services import half_year_report_approve, half_year_report_submit

    officer = get_user_model().objects.create_user("widths-officer", is_city_officer=True)
    project = Project.objects.filter(measures__isnull=False).order_by("pk").first()
    report = half_year_report_submit(
        actor=get_user_model().objects.create_user("widths"), project=project, number=1,
        total=project.reports_total or 6, period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 6, 30), submitted_on=datetime.date(2024, 7, 15),
        narrative="Realizace probíhá podle harmonogramu; " * 20)
    half_year_report_approve(actor=officer, report=report)  # only approved reports are public
    # An amended set of minutes (the demo has none): its earlier version's page.
    from meetings.models import Meeting, MinutesStatus
    from meetings.services import minutes_amend_close, minutes_amend_open

    minutes = Meeting.objects.filter(minutes_status=MinutesStatus.PUBLISHED).order_by("pk")[0]
    version = minutes_amend_open(actor=officer, meeting=minutes,
                                 reason="Oprava překlepu v bodu 2 (šířka stránky)")
    minutes_amend_close(actor=officer, meeting=minutes)
    return {"report": reverse("projects:report_detail", args=[project.pk, report.pk]),
            "version": reverse("meetings:version", args=[minutes.pk, version.number])}


def test_every_public_page_fits_a_phone_and_a_wide_screen(browser, live_server, demo):
    kinds = public_page_kinds()
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


def test_every_officer_page_fits_a_phone(browser, live_server, demo, settings):
    client = Client()
    client.force_login(get_user_model().objects.get(username="widths-officer"))
    kinds = public_page_kinds(max_fetches=200, client=client, start=("/desk/", "/"))
    missing = OFFICER_MUST_FIND - set(kinds)
    assert not missing and len(kinds) >= 100, (missing, len(kinds))
    width = WIDTHS[0]
    context = browser.new_context(locale="cs-CZ", base_url=live_server.url,
                                  viewport={"width": width, "height": 900})
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
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
