"""The pages of the demo as a reader finds them, for the browser tests that
check every kind of page (its width on a phone, its accessibility): a crawl
from the home page or a signed-in officer's desk, one page per kind (per
view), and the demo's data with the few things the demo lacks."""

import datetime
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from planning.models import Plan
from tests.shared_db import seed_demo

NOT_PAGES = re.compile(r"\.(csv|json|jsonld|ics|pdf|xlsx|zip|svg|png)$|^/(static|media|admin)/")
OFFICER = "widths-officer"
# Kinds a signed-in officer must reach (the crawl finds over a hundred and twenty).
OFFICER_MUST_FIND = {
    "core:desk", "core:audit_trail", "directory:city_settings", "directory:membership_start",
    "planning:plan_editor", "planning:plan_item_update", "indicators:value_create",
    "meetings:create", "meetings:update", "meetings:part_create", "projects:project_create",
    "network:service_change", "rounds:list", "reports:manage"}


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


def page_kinds(max_fetches=60, client=None, start=("/",)):
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
    """The demo (copied if loaded before, tests/shared_db.py) with a plan in
    public comment, an approved half-year report, amended minutes and an
    officer, `OFFICER`."""
    seed_demo("--without-accounts")
    # The draft plan in public comment: its pages then carry the comment forms.
    Plan.objects.filter(code="kp-5-dar").update(status="public_comment")
    # A half-year report (the demo has none), with its measure's n/N.
    from projects.models import Project
    from projects.services import half_year_report_approve, half_year_report_submit

    officer = get_user_model().objects.create_user(OFFICER, is_city_officer=True)
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


def officer_page_kinds():
    """A client signed in as the demo's officer and the kinds of page it reaches
    from its desk, the home page (all menus) and a meeting whose minutes are
    not published yet (the pages that write them), checked against
    `OFFICER_MUST_FIND`."""
    from meetings.models import Meeting, MinutesStatus

    client = Client()
    client.force_login(get_user_model().objects.get(username=OFFICER))
    drafting = Meeting.objects.exclude(minutes_status=MinutesStatus.PUBLISHED).order_by("pk")[0]
    kinds = page_kinds(max_fetches=240, client=client,
                       start=("/desk/", "/", drafting.get_absolute_url()))
    missing = OFFICER_MUST_FIND - set(kinds)
    assert not missing and len(kinds) >= 100, (missing, len(kinds))
    return client, kinds


def signed_in(context, client, live_server):
    """The browser context carries `client`'s session."""
    name = settings.SESSION_COOKIE_NAME
    context.add_cookies([{"name": name, "value": client.cookies[name].value,
                          "url": live_server.url}])
    return context
