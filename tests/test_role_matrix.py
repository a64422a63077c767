"""The role matrix: every URL pattern of the portal × every role, with the
expected answer in one table. The gate test at the bottom fails when a URL
pattern exists that the table does not cover, so no page ships untested."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.planning.factories import MembershipFactory

ROLES = (
    "anonymous",
    "no_role",
    "administrator",
    "city_officer",
    "manager_a",
    "contact_a",
    "member_a",
    "implementer_x",
)
SIGNED_IN = ROLES[1:]
LOGIN = "login"  # a 302 to the login page


def everyone(status=200):
    return dict.fromkeys(ROLES, status)


def signed_in(status=200):
    return {"anonymous": LOGIN, **dict.fromkeys(SIGNED_IN, status)}


def officers_only():
    return {
        **signed_in(403),
        "administrator": 200,
        "city_officer": 200,
    }


def officers_and_manager_of_a():
    return {**officers_only(), "manager_a": 200}


# url name -> list of (scope label, args builder, expectations). The args builder
# receives the `world` fixture (group A/B, memberships, organisation X).
MATRIX = {
    "core:home": [("", lambda w: [], everyone())],
    "core:data_catalogue": [("", lambda w: [], everyone())],
    "core:dataset_csv": [("organisations", lambda w: ["organisations"], everyone())],
    "core:dataset_json": [("working-groups", lambda w: ["working-groups"], everyone())],
    "core:healthz": [("", lambda w: [], everyone())],
    "planning:organisation_list": [("", lambda w: [], everyone())],
    "planning:organisation_detail": [("X", lambda w: [w["org_x"].pk], everyone())],
    "planning:organisation_create": [("", lambda w: [], officers_only())],
    "planning:organisation_update": [("X", lambda w: [w["org_x"].pk], officers_only())],
    "planning:person_list": [("", lambda w: [], officers_only())],
    "planning:person_create": [("", lambda w: [], officers_only())],
    "planning:person_detail": [("", lambda w: [w["group_a"].manager.pk], officers_only())],
    "planning:person_update": [("", lambda w: [w["group_a"].manager.pk], officers_only())],
    "planning:group_list": [("", lambda w: [], everyone())],
    "planning:group_detail": [
        ("A", lambda w: [w["group_a"].code], everyone()),
        ("B", lambda w: [w["group_b"].code], everyone()),
    ],
    "planning:group_create": [("", lambda w: [], officers_only())],
    "planning:group_update": [
        ("A", lambda w: [w["group_a"].code], officers_and_manager_of_a()),
        ("B", lambda w: [w["group_b"].code], officers_only()),
    ],
    "planning:membership_start": [
        ("A", lambda w: [w["group_a"].code], officers_and_manager_of_a()),
        ("B", lambda w: [w["group_b"].code], officers_only()),
    ],
    "planning:membership_change": [
        ("A", lambda w: [w["group_a"].code, w["seat_a"].pk], officers_and_manager_of_a()),
        ("B", lambda w: [w["group_b"].code, w["seat_b"].pk], officers_only()),
    ],
    "planning:membership_end": [
        ("A", lambda w: [w["group_a"].code, w["seat_a"].pk], officers_and_manager_of_a()),
        ("B", lambda w: [w["group_b"].code, w["seat_b"].pk], officers_only()),
    ],
    # Signed-in users are sent on from the login page.
    "accounts:login": [("", lambda w: [], {**signed_in(302), "anonymous": 200})],
    # Logging out is a POST (CSRF-protected); a GET is refused for everyone.
    "accounts:logout": [("", lambda w: [], everyone(405))],
    "accounts:profile": [("", lambda w: [], signed_in())],
    "accounts:password_change": [("", lambda w: [], signed_in())],
    "accounts:password_change_done": [("", lambda w: [], signed_in())],
    "accounts:password_reset": [("", lambda w: [], everyone())],
    "accounts:password_reset_done": [("", lambda w: [], everyone())],
    "accounts:password_reset_confirm": [("bad token", lambda w: ["MQ", "bad-token"], everyone())],
    "accounts:password_reset_complete": [("", lambda w: [], everyone())],
    # A GET does not change the language; it only redirects back.
    "set_language": [("", lambda w: [], everyone(302))],
}

# Django's own admin has its own gate (staff login); checked once below.
EXCLUDED_NAMESPACES = {"admin"}


def _cells():
    for url_name, scopes in MATRIX.items():
        for scope, args, expected in scopes:
            for role in ROLES:
                yield pytest.param(
                    url_name, args, role, expected[role],
                    id=f"{url_name}[{scope}]-{role}" if scope else f"{url_name}-{role}",
                )


@pytest.fixture
def world(group_a, group_b, organisation_x, users_by_role):
    return {
        "group_a": group_a,
        "group_b": group_b,
        "org_x": organisation_x,
        "seat_a": MembershipFactory(body=group_a),
        "seat_b": MembershipFactory(body=group_b),
    }


@pytest.fixture
def client_as(client, users_by_role, plain_user):
    def sign_in(role):
        if role == "anonymous":
            return client
        user = plain_user if role == "no_role" else users_by_role[role]
        client.force_login(user)
        return client

    return sign_in


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "args", "role", "expected"), list(_cells()))
def test_role_matrix(world, client_as, url_name, args, role, expected):
    url = reverse(url_name, args=args(world))
    response = client_as(role).get(url)
    status = 302 if expected == LOGIN else expected
    assert response.status_code == status, (
        f"{role} GET {url}: expected {expected}, got {response.status_code}"
    )
    if expected == LOGIN:
        assert response["Location"].startswith(reverse("accounts:login")), response["Location"]


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
