"""Every public page is valid HTML (hardening issue: "Every public page: axe-core
...; pages valid HTML"), checked by the Nu Html Checker (vnu), the W3C's
validator, run once over all pages (see tests/html_validity.py).

The pages come from two worlds in one database:
* the role matrix's `world` (tests/test_role_matrix.py): every URL of the
  matrix that answers a visitor 200 with HTML is fetched by a visitor, so a new
  public page is checked without touching this file; every URL an officer may
  open is fetched by an officer, and the pages only other roles may open (a
  manager's proposal form, the set-up of an authenticator...) by such a role;
  every create and edit form of the matrix is posted empty, so that forms with
  errors are checked too;
* the demo data of `seed_demo` (planning, plans, projects, indicators,
  meetings): the real pages with published content - the plan and its
  measures, indicator pages with ranks, comparisons and composite values,
  published minutes, searches and filtered lists.
"""

import re
import time

import pytest
from django.urls import reverse

from tests.html_validity import describe, missing_tools, validate
from tests.matrix import ROLES
from tests.shared_db import seed_demo
from tests.test_role_matrix import MATRIX, world  # noqa: F401 - the matrix's world fixture

# The demo, the matrix's world, some 250 pages and a JVM: `make test` runs this
# file, `make test-fast` leaves it out (marker `slow`, README).
pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _validator_installed():
    """No silent skip: `make test` installs Java and vnu; without them the check
    has not run, which is a failure."""
    missing = missing_tools()
    if missing:
        pytest.fail(f"HTML validity cannot be checked: {missing}")

# vnu messages accepted on purpose: a pattern of the message text and why it
# is not a defect. Never a blanket pattern; fix the template when you can.
ALLOWLIST = (
    # Empty: the plan editor writes htmx's attributes as data-hx-*, which HTML
    # allows; a bare hx-* attribute is an error again.
)

# A page with a duplicate id and a stray end tag: vnu must report both.
BROKEN_PAGE = (
    '<!DOCTYPE html><html lang="cs"><head><meta charset="utf-8"><title>Rozbitá</title>'
    '</head><body><main><div id="obsah"><p id="obsah">Text</p></div></div></main>'
    "</body></html>"
)
BROKEN_MESSAGES = (r"^Duplicate ID “obsah”", r"^Stray end tag “div”")
VALID_PAGE = BROKEN_PAGE.replace('<p id="obsah">', "<p>").replace("</div></div>", "</div>")
# htmx's attributes spelled data-hx-* (valid), a bare hx-* one and an unknown one (not).
ATTRIBUTES_PAGE = VALID_PAGE.replace(
    "<p>", '<p><a href="/" data-hx-get="/x" data-hx-target="#obsah">a</a>'
           '<a href="/" hx-get="/x">b</a><a href="/" nonsense="1">c</a>')
# The self-checks below go along with the pages of the first test, so that one
# vnu run serves the whole file (vnu remembers what it has checked).
SELF_CHECKS = {"(broken page)": BROKEN_PAGE, "(valid page)": VALID_PAGE,
               "(attributes page)": ATTRIBUTES_PAGE}

# Matrix URL names whose form is posted empty (a role that may open it posts).
FORM_NAMES = re.compile(r"create|update|settings")


def _matrix_pages(world, role):  # noqa: F811 - the fixture's value
    """(label, url) of every matrix URL the role may open (expected 200)."""
    for url_name, scopes in MATRIX.items():
        for scope, args, expected in scopes:
            if expected[role] == 200:
                yield (f"{url_name}[{scope}]" if scope else url_name,
                       reverse(url_name, args=args(world)))


def _poster(expected):
    """A role that may open the form: a visitor if it is public, else an
    officer, else any role that may."""
    return next((role for role in ("anonymous", "city_officer", *ROLES)
                 if expected[role] == 200), None)


def _seeded_officer_pages():
    """Label -> URL of officers' pages with the demo data (and its audit trail)."""
    from meetings.models import Meeting
    from planning.models import PlanItem

    measure = (PlanItem.objects.filter(plan__code="psz-2022-2027", level__role="measure")
               .exclude(implementers=None).order_by("pk").first())
    meeting = Meeting.objects.published().order_by("pk").first()
    return {
        "plan editor": reverse("planning:plan_editor", args=["psz-2022-2027"]),
        "plan status": reverse("planning:plan_status", args=["psz-2022-2027"]),
        "plan data checks": reverse("planning:plan_data_checks", args=["psz-2022-2027"]),
        "measure form": reverse("planning:plan_item_update", args=["psz-2022-2027", measure.pk]),
        "measure history": reverse("planning:plan_item_history",
                                   args=["psz-2022-2027", measure.pk]),
        "group": reverse("directory:group_detail", args=["DaR"]),
        "indicator G05": reverse("indicators:detail", args=["G05"]),
        "meeting": reverse("meetings:detail", args=[meeting.pk]),
        "people": reverse("directory:person_list"),
    }


def _seeded_pages():
    """Label -> URL of the public pages with the demo data's real content."""
    from directory.models import Organisation
    from meetings.models import Meeting
    from planning.models import Plan, PlanItem
    from projects.models import Project

    plan = Plan.objects.get(code="psz-2022-2027")
    measure = (PlanItem.objects.filter(plan=plan, level__role="measure")
               .exclude(implementers=None).order_by("pk").first())
    goal = PlanItem.objects.filter(plan=plan, level__role="specific_goal").order_by("pk").first()
    organisation = (Organisation.objects.exclude(plan_items=None).order_by("pk").first())
    project = Project.objects.filter(is_published=True).order_by("pk").first()
    meeting = Meeting.objects.published().order_by("pk").first()
    return {
        "home": "/",
        "plans": reverse("planning:plan_list"),
        "plan": reverse("planning:plan_detail", args=[plan.code]),
        "measure": reverse("planning:plan_item_detail", args=[plan.code, measure.pk]),
        "specific goal": reverse("planning:plan_item_detail", args=[plan.code, goal.pk]),
        "groups": reverse("directory:group_list"),
        "group": reverse("directory:group_detail", args=["DaR"]),
        "organisations": reverse("directory:organisation_list"),
        "organisations filtered": reverse("directory:organisation_list") + "?kind=ngo&q=diakonie",
        "organisation": reverse("directory:organisation_detail", args=[organisation.pk]),
        "indicators": reverse("indicators:list"),
        "indicators filtered": reverse("indicators:list") + "?status=off_track&kind=global",
        "indicator G05 (rank, commentary)": reverse("indicators:detail", args=["G05"]),
        "indicator G07 (comparison)": reverse("indicators:detail", args=["G07"]),
        "indicator 6.2.1-3 (composite)": reverse("indicators:detail", args=["6.2.1-3"]),
        "projects": reverse("projects:list"),
        "project": reverse("projects:project_detail", args=[project.pk]),
        "project totals": reverse("projects:project_totals"),
        "meetings": reverse("meetings:list"),
        "meetings search": reverse("meetings:list") + "?q=rodin",
        "meeting": reverse("meetings:detail", args=[meeting.pk]),
        "events": reverse("meetings:events"),
        "reports": reverse("reports:list"),
        "data": reverse("core:data_catalogue"),
        "login": reverse("accounts:login"),
        "password reset": reverse("accounts:password_reset"),
    }


@pytest.fixture
def seeded(db):
    seed_demo("--only", "directory", "--only", "plans", "--only", "projects",
              "--only", "indicators", "--only", "meetings", "--without-accounts")


class Pages:
    """Fetches pages with the test client and keeps every HTML answer."""

    def __init__(self, client):
        self.client = client
        self.documents = {}
        self.not_html = []

    def fetch(self, label, url, *, data=None, expect=(200,)):
        method = "GET" if data is None else "POST"
        response = self.client.get(url) if data is None else self.client.post(url, data)
        assert response.status_code in expect, \
            f"{label}: {method} {url} answered {response.status_code}"
        if response["Content-Type"].startswith("text/html"):
            self.documents[f"{label}: {method} {url}"] = response.content.decode()
        else:
            self.not_html.append(url)
        return response


@pytest.mark.django_db
def test_every_page_is_valid_html(seeded, world, client):  # noqa: F811
    started = time.monotonic()
    pages = Pages(client)
    # A copy of the module's world, to which the URL builders below may add.
    world = dict(world)  # noqa: F811
    users = {**world["users"], "no_role": world["plain_user"]}

    def sign_in(role):
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])

    # The matrix's URLs are built first: some builders add objects to the world
    # (a proposal, a comment) which the lists and detail pages should show.
    urls = {role: list(_matrix_pages(world, role)) for role in ROLES}

    # 1. As a visitor: every public page of the matrix, the demo data's pages,
    # a page that does not exist, the login form refused.
    for label, url in urls["anonymous"]:
        pages.fetch(label, url)
    for label, url in _seeded_pages().items():
        pages.fetch(f"{label} (seeded)", url)
    pages.fetch("not found", "/stranka-neexistuje/", expect=(404,))
    login = reverse("accounts:login")
    pages.fetch("login, empty", login, data={})
    pages.fetch("login, wrong password", login,
                data={"username": users["city_officer"].username, "password": "špatné heslo"})
    pages.fetch("password reset, bad e-mail", reverse("accounts:password_reset"),
                data={"email": "není e-mail"})
    public = len(pages.documents)

    # 2. Signed in: every page an officer may open, the demo data's officer
    # pages; then, for each other role, the pages nobody before could open.
    signed_in = ("city_officer", *(r for r in ROLES if r not in ("anonymous", "city_officer")))
    opened = set()
    for role in signed_in:
        sign_in(role)
        if role == "city_officer":
            for label, url in _seeded_officer_pages().items():
                pages.fetch(f"{label} (seeded) as {role}", url)
        for label, url in urls[role]:
            if url not in opened:
                pages.fetch(f"{label} as {role}", url)
                opened.add(url)

    # 3. Forms with errors: every create and edit form posted empty (after all
    # the GETs, so that whatever an empty post might change does not matter).
    for url_name, scopes in MATRIX.items():
        if not FORM_NAMES.search(url_name):
            continue
        for scope, args, expected in scopes:
            role = _poster(expected)
            if role is None:
                continue
            sign_in(role)
            response = pages.fetch(f"{url_name}[{scope}] posted empty as {role}",
                                   reverse(url_name, args=args(world)), data={},
                                   expect=(200, 302, 409))
            if url_name == "indicators:create":
                assert b"error-summary" in response.content, "the empty form was accepted"
    fetched = time.monotonic() - started

    # The broken page goes along: this very run must catch it.
    broken = validate({**pages.documents, **SELF_CHECKS}, ALLOWLIST)[0]["(broken page)"]
    errors, used = validate(pages.documents, ALLOWLIST)  # already checked: no second run
    print(f"\n{len(pages.documents)} pages ({public} public) fetched in {fetched:.1f} s, "
          f"validated in {time.monotonic() - started - fetched:.1f} s; accepted: "
          + ", ".join(f"{rule.pattern} ×{count}" for rule, count in used.items()))
    assert all(any(re.search(p, m.message) for m in broken) for p in BROKEN_MESSAGES), broken
    stale = [rule.pattern for rule in ALLOWLIST if rule not in used]
    assert not stale, f"allowlist entries no page needs any more (remove them): {stale}"
    assert public > 40 and len(pages.documents) > 200, sorted(pages.documents)
    assert not errors, (f"{len(errors)} of {len(pages.documents)} pages are not valid HTML:\n"
                        + describe(errors))


def test_the_check_reports_a_broken_page():
    """Guard against a silently broken check: a duplicate id and a stray end
    tag are reported, the same page without them passes, and the allowlist
    does not swallow them."""
    errors, used = validate({"broken": BROKEN_PAGE, "valid": VALID_PAGE}, ALLOWLIST)
    assert set(errors) == {"broken"}, describe(errors)
    assert not used
    texts = [message.message for message in errors["broken"]]
    for pattern in BROKEN_MESSAGES:
        assert any(re.search(pattern, text) for text in texts), (pattern, texts)


def test_htmx_attributes_are_valid_only_as_data_attributes():
    """data-hx-* is valid HTML; a bare hx-* attribute and an unknown one are not."""
    errors, used = validate({"page": ATTRIBUTES_PAGE}, ALLOWLIST)
    assert [m.message for m in errors["page"]] == [
        "Attribute “hx-get” not allowed on element “a” at this point.",
        "Attribute “nonsense” not allowed on element “a” at this point."]
    assert not used
