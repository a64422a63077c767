"""The role matrix: every URL pattern of the portal × every role, with the
expected answer in one table. The gate test at the bottom fails when a URL
pattern exists that the table does not cover, so no page ships untested."""

import importlib
import pkgutil
import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.audit import audit_record
from core.models import AuditAction
from planning.models import ChangeProposal
from tests import matrix
from tests.clients import PortalClient
from tests.directory.factories import MembershipFactory
from tests.matrix import LOGIN, ROLES
from tests.planning.factories import PlanFactory, PlanItemFactory
from tests.roles import build_roles
from tests.shared_db import module_rows


def _matrix_modules():
    return [importlib.import_module(f"tests.matrix.{module.name}")
            for module in pkgutil.iter_modules(matrix.__path__)]


def _load_matrix():
    combined = {}
    for module in _matrix_modules():
        part = module.MATRIX
        overlap = set(part) & set(combined)
        assert not overlap, f"URL names in two matrix modules: {overlap}"
        combined.update(part)
    return combined


MATRIX = _load_matrix()
# A feature module may add its own objects to the world with
# `extend_world(world) -> dict`; it sees the shared objects built here.
WORLD_EXTENSIONS = [m.extend_world for m in _matrix_modules() if hasattr(m, "extend_world")]

# Django's own admin has its own gate (staff login); checked once below.
EXCLUDED_NAMESPACES = {"admin"}


# The roles from the one that reaches least of the portal to the one that
# reaches most. The roles are not nested (an implementer and a contact person
# see different things), so this order is a choice, written down so that the
# fast run's cells below are the same on every run.
BY_PRIVILEGE = (
    "anonymous",
    "no_role",
    "member_a",
    "contact_a",
    "implementer_x",
    "manager_a",
    "city_officer",
    "administrator",
)
assert sorted(BY_PRIVILEGE) == sorted(ROLES)
REFUSALS = frozenset({403, 404, LOGIN})


def _representatives(expected):
    """For each distinct answer of a URL pattern and scope, the role at the
    boundary where a rule that moved by one role would show: for an answer
    that lets the role through, the least privileged role that gets it; for a
    refusal, the most privileged role that gets it."""
    chosen = {}
    for role in BY_PRIVILEGE:
        answer = expected[role]
        if answer in REFUSALS or answer not in chosen:
            chosen[answer] = role
    return set(chosen.values())


def _cells():
    """Every cell runs in `make test`; `make test-fast` runs the
    representatives of each URL pattern and scope (`_representatives`) and
    leaves the others, marked `slow`, to the full run."""
    for url_name, scopes in MATRIX.items():
        for scope, args, expected in scopes:
            representatives = _representatives(expected)
            for role in ROLES:
                yield pytest.param(
                    url_name, args, role, expected[role],
                    id=f"{url_name}[{scope}]-{role}" if scope else f"{url_name}-{role}",
                    marks=() if role in representatives else pytest.mark.slow,
                )


def _build_world():
    """One object of every kind, inside and outside each role's scope. Built
    once for the module (tests/shared_db.py); every cell runs in a savepoint
    inside it and is rolled back."""
    people = build_roles()
    group_a, group_b = people["group_a"], people["group_b"]
    organisation_x = people["organisation_x"]
    published = PlanFactory(code="published", status="in_force")
    draft = PlanFactory(code="draft", status="draft", working_group=group_a)
    commenting = PlanFactory(code="commenting", status="public_comment")
    world = {
        "users": people["users"],
        "plain_user": people["plain_user"],
        "group_a": group_a,
        "group_b": group_b,
        "org_x": organisation_x,
        "seat_a": MembershipFactory(body=group_a),
        "seat_b": MembershipFactory(body=group_b),
        "plan_published": published,
        "plan_draft": draft,
        "plan_commenting": commenting,
        # measures: in a published plan (implemented by X, group A), in a draft
        "measure_published": PlanItemFactory.measure(
            plan=published, implementers=[organisation_x], working_groups=[group_a]),
        "measure_draft": PlanItemFactory.measure(plan=draft, working_groups=[group_a]),
        "measure_commenting": PlanItemFactory.measure(plan=commenting),
    }
    for extend in WORLD_EXTENSIONS:
        added = extend(world)
        overlap = set(added) & set(world)
        assert not overlap, f"world objects defined twice: {overlap}"
        world.update(added)
    world["sessions"] = _sign_in_once({**world["users"], "no_role": world["plain_user"]})
    return world


def _sign_in_once(users):
    """{role: session key}: each role signed in once for the module, by the
    `force_login` of the `client` fixture (tests/clients.py: the
    administrator's session passed the second factor). A cell sends the key as
    its session cookie, so that the session a cell reads is the one
    `force_login` made; whatever a request writes to it is rolled back with
    the cell's savepoint."""
    sessions = {}
    for role, user in users.items():
        client = PortalClient()
        client.force_login(user)
        # A first request stores what a session learns once (whether the user
        # has an authenticator, accounts/otp.py), as a real visitor's first
        # page does, instead of every cell learning and saving it again.
        client.get(reverse("accounts:profile"))
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


world = module_rows(_build_world)


@pytest.fixture(scope="module")
def matrix_client():
    """One client for the module: its handler builds the middleware once, as a
    server does, instead of once a cell. Each cell starts without cookies."""
    return PortalClient()


@pytest.fixture
def client_as(matrix_client, world):
    matrix_client.cookies.clear()

    def sign_in(role):
        if role != "anonymous":
            matrix_client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][role]
        return matrix_client

    return sign_in


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "args", "role", "expected"), list(_cells()))
def test_role_matrix(world, client_as, url_name, args, role, expected):
    # A copy: an args builder may add an object it creates on demand (in this
    # cell's savepoint, rolled back after it) to the world it is given.
    url = reverse(url_name, args=args(dict(world)))
    response = client_as(role).get(url)
    status = 302 if expected == LOGIN else expected
    assert response.status_code == status, (
        f"{role} GET {url}: expected {expected}, got {response.status_code}"
    )
    if expected == LOGIN:
        assert response["Location"].startswith(reverse("accounts:login")), response["Location"]
    assert_footer_links(response, f"{role} GET {url}")


FOOTER = '<footer class="site-footer">'


def assert_footer_links(response, label):
    """Every whole page (not a fragment, a file or a feed) links the
    accessibility statement and the privacy notice from its footer."""
    if response.streaming or "text/html" not in response.get("Content-Type", ""):
        return
    html = response.content.decode()
    if "<html" not in html[:500]:
        return  # a fragment (htmx) inside a page that has the footer
    assert FOOTER in html, f"{label}: a page without the footer"
    footer = html[html.index(FOOTER):]
    for name in ("directory:accessibility", "directory:privacy"):
        assert f'href="{reverse(name)}"' in footer, f"{label}: the footer lacks {name}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_admin_is_for_administrators_only(client_as, role):
    response = client_as(role).get(reverse("admin:index"))
    if role == "administrator":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def _named_patterns(resolvers, namespace=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace in EXCLUDED_NAMESPACES:
                continue
            yield from _named_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else f"<unnamed {entry.pattern}>"


def test_every_url_pattern_is_in_the_role_matrix():
    patterns = set(_named_patterns(get_resolver().url_patterns))
    untested = sorted(patterns - set(MATRIX))
    assert not untested, f"URL patterns missing from the role matrix: {untested}"
    stale = sorted(set(MATRIX) - patterns)
    assert not stale, f"Role matrix names URL patterns that no longer exist: {stale}"


# --- No internals on the officer's screens ------------------------------------
# Every page of the matrix that a city officer may open is read in Czech and
# must not show Django's "---------" empty choice, "None" before an arrow,
# decimals in exponent form ("2E+1"), untranslated raw field names as labels
# ("Parent", "Plan", "Level"), developer notes ("README", "amount_text") or
# field names in a proposal list ("title: …"). Here rather than in a module of
# its own, so that it reads the matrix's world instead of building another.

FORBIDDEN = [
    (re.compile(r"-{9}"), "Django's empty choice"),
    (re.compile(r"None\s*(→|&rarr;)|(→|&rarr;)\s*None"), "None in a change"),
    (re.compile(r"\dE[+-]\d"), "a decimal in exponent form"),
    (re.compile(r"<label[^>]*>\s*(Parent|Plan|Level|Item|Indicator|Meeting|Project|Group|"
                r"Organisation|Value|Periodic task|Created by)\s*:?\s*<", re.I),
     "an untranslated field label"),
    (re.compile(r"<th[^>]*>\s*(Parent|Plan|Level)\s*</th>"), "an untranslated column"),
    (re.compile(r"(?<![\w\"=_-])(README|amount_text|territory_text|value_text)\b"),
     "a developer's note"),
    (re.compile(r'class="field-name">(title|description|target_text|status)<'),
     "a raw field name"),
]


def _officer_pages():
    for url_name, scopes in MATRIX.items():
        for scope, args, expected in scopes:
            if expected["city_officer"] == 200:
                yield url_name, scope, args


def _problems(text):
    return [f"{why}: …{text[max(0, m.start() - 60):m.end() + 60]}…"
            for pattern, why in FORBIDDEN for m in [pattern.search(text)] if m]


@pytest.mark.django_db
def test_officer_pages_show_no_internals(world, client_as):
    client = client_as("city_officer")
    ChangeProposal.objects.create(
        plan=world["plan_published"], item=world["measure_published"], kind="edit",
        values={"title": "Nový název", "target_year": 2030},
        original_values={"title": world["measure_published"].title},
        proposed_by=world["users"]["manager_a"])
    # A value change recorded before decimals were written as plain digits.
    audit_record(actor=world["users"]["city_officer"], action=AuditAction.UPDATE,
                 instance=world["ind_public"], with_snapshot=False,
                 changes={"2023 CZ: value": [None, "2E+1"], "2023 CZ: parts": [
                     [], [["muži", "12.0000"], ["ženy", "8.0000"]]]})
    found, checked = {}, 0
    for url_name, scope, args in _officer_pages():
        url = reverse(url_name, args=args(dict(world)))
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="cs")
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        checked += 1
        problems = _problems(response.content.decode())
        if problems:
            found[f"{url_name}[{scope}] {url}"] = problems
    assert checked > 50
    assert not found, "\n".join(f"{url}: {p}" for url, p in found.items())
