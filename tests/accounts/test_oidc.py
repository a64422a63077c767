"""Staff single sign-on (OpenID Connect, accounts.oidc) against a real
provider in its own process (tests/oidc_provider): the portal exchanges real
codes for RS256-signed ID tokens over HTTP and checks them against the
provider's published keys. Nothing here fakes a token."""

import html
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts import permissions
from core.models import AuditAction, AuditEntry
from tests.accounts.factories import PASSWORD as LOCAL_PASSWORD
from tests.accounts.factories import UserFactory, confirmed_totp_device
from tests.html_validity import describe, missing_tools, validate
from tests.oidc_provider import PASSWORD, provider_user
from tests.oidc_provider import fixtures as provider_fixtures

oidc_provider = provider_fixtures.oidc_provider
sso = provider_fixtures.sso

pytestmark = pytest.mark.django_db

User = get_user_model()
LOGIN = reverse("accounts:login")
START = reverse("accounts:oidc_login")
CALLBACK = reverse("accounts:oidc_callback")
REFUSED = ("Signing in with the city account did not succeed. Try again; if it keeps "
           "failing, ask the portal's administrator.")
UNAVAILABLE = ("Signing in with the city account is not available now. Try again later, "
               "or sign in with a user name and password.")


def authorize_at_provider(authorize_url, username, password=PASSWORD):
    """What the staff member does at the provider: its sign-in form, filled
    in; returns the address the provider sends the browser back to."""
    form = requests.get(authorize_url, timeout=10)
    assert form.status_code == 200, form.text
    params = {name: values[0] for name, values in parse_qs(urlsplit(authorize_url).query).items()}
    answer = requests.post(authorize_url.split("?")[0], timeout=10, allow_redirects=False,
                           data={**params, "username": username, "password": password})
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def start_sign_in(client, sso, next_url=None):
    response = client.get(START + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302
    authorize_url = response["Location"]
    assert authorize_url.startswith(sso.provider.url + "/authorize?")
    return authorize_url


def back_at_portal(client, callback_url):
    parts = urlsplit(callback_url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "http://testserver" + CALLBACK
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client, sso, username):
    return back_at_portal(client, authorize_at_provider(start_sign_in(client, sso), username))


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def assert_refused(client, response, message=REFUSED, *, caplog=None, reason=None):
    """Refused: back on the sign-in page with a message, nobody signed in,
    and (`reason`) the log says why."""
    if reason is not None:
        assert reason in caplog.text, caplog.text
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert signed_in_user(client) is None
    page = client.get(response["Location"])
    with translation.override("cs"):
        assert html.escape(gettext(message)) in page.text


def audit_of(user):
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(User),
                                     object_id=str(user.pk)).order_by("id")


# --- configured or not ---------------------------------------------------------

def test_without_configuration_the_feature_is_off(client):
    page = client.get(LOGIN)
    assert page.status_code == 200
    assert START not in page.text
    assert client.get(START).status_code == 404
    assert client.get(CALLBACK + "?code=x&state=y").status_code == 404


# The Nu checker starts a JVM, several seconds of CPU for this one page: `make
# test` runs it, `make test-fast` leaves it out (marker `slow`, README), as it
# does the other pages' check (tests/test_html_validity.py).
@pytest.mark.slow
def test_the_sign_in_page_with_the_city_account_is_valid_html(client, sso):
    # The page is not in the matrix's crawl with single sign-on on.
    page = client.get(LOGIN + "?next=/accounts/profile/")
    assert page.status_code == 200
    if not missing_tools():
        errors, _used = validate({"login": page.text}, ())
        assert not errors, describe(errors)


def test_the_sign_in_page_offers_the_city_account_when_configured(client, sso):
    page = client.get(LOGIN + "?next=/accounts/profile/")
    with translation.override("cs"):
        assert gettext("Sign in with the city account") in page.text
    assert "Přihlásit se účtem města" in page.text
    assert f'href="{START}?next=/accounts/profile/"' in page.text
    # Local accounts stay: the password form is still there.
    assert 'name="password"' in page.text


# --- a successful sign-in ---------------------------------------------------------

def test_first_sign_in_creates_a_user_without_any_role(client, sso):
    sso.provider_setup(provider_user("jnova", "Jana.Nova@mesto.example", given_name="Jana",
                                     family_name="Nová"))
    response = sign_in(client, sso, "jnova")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:desk")
    user = signed_in_user(client)
    assert user is not None
    assert (user.email, user.first_name, user.last_name) == (
        "Jana.Nova@mesto.example", "Jana", "Nová")
    assert user.username == "jana.nova@mesto.example"
    assert not user.has_usable_password()
    assert permissions.roles_of(user) == []
    assert not (user.is_superuser or user.is_staff or user.is_city_officer
                or user.implementer_organisation_id or user.person_id)
    created, signed = audit_of(user)
    assert (created.action, created.actor) == (AuditAction.CREATE, user)
    assert (signed.action, signed.actor) == (AuditAction.UPDATE, user)
    profile = client.get(reverse("accounts:profile"))
    assert profile.status_code == 200
    # No password to change: the profile says how this account signs in.
    assert reverse("accounts:password_change") not in profile.text
    with translation.override("cs"):
        assert gettext("You sign in with the city account; the portal keeps no password "
                       "of yours.") in profile.text

    # The second sign-in finds the same account.
    client.logout()
    sign_in(client, sso, "jnova")
    assert signed_in_user(client) == user
    assert User.objects.filter(email__iexact="jana.nova@mesto.example").count() == 1
    assert audit_of(user).count() == 3


def test_sign_in_matches_an_existing_user_by_email_and_leaves_the_roles_alone(client, sso,
                                                                              officer):
    officer.email = "Petr.Dvorak@Mesto.Example"
    officer.save()
    sso.provider_setup(provider_user("pdvorak", "petr.dvorak@mesto.example",
                                     given_name="Jiný", family_name="Název"))
    users_before = User.objects.count()
    sign_in(client, sso, "pdvorak")
    assert signed_in_user(client) == officer
    assert User.objects.count() == users_before
    officer.refresh_from_db()
    assert officer.is_city_officer and not officer.is_superuser
    assert officer.has_usable_password()  # the local password keeps working
    assert client.get(reverse("accounts:locked_accounts")).status_code == 200
    assert audit_of(officer).get().actor == officer


def test_the_next_page_is_kept_through_the_provider(client, sso):
    sso.provider_setup(provider_user("jnova", "jana@mesto.example"))
    authorize_url = start_sign_in(client, sso, next_url="/accounts/profile/")
    response = back_at_portal(client, authorize_at_provider(authorize_url, "jnova"))
    assert response["Location"] == "/accounts/profile/"


def test_a_next_page_on_another_site_is_not_followed(client, sso):
    sso.provider_setup(provider_user("jnova", "jana@mesto.example"))
    authorize_url = start_sign_in(client, sso, next_url="https://zlo.example/")
    response = back_at_portal(client, authorize_at_provider(authorize_url, "jnova"))
    assert response["Location"] == reverse("core:desk")


def test_local_accounts_keep_signing_in_with_a_password(client, sso):
    UserFactory(username="externista", email="ext@neziskovka.example")
    response = client.post(LOGIN, {"username": "externista", "password": LOCAL_PASSWORD})
    assert response.status_code == 302
    assert signed_in_user(client).username == "externista"


# --- refused -----------------------------------------------------------------------

def test_a_token_for_another_audience_is_refused(client, sso, caplog):
    sso.provider_setup(provider_user("jnova", "jana@mesto.example"),
                       audience="another-application")
    assert_refused(client, sign_in(client, sso, "jnova"), caplog=caplog,
                   reason="ID token refused: Audience doesn't match")
    assert not User.objects.filter(email="jana@mesto.example").exists()


def test_an_expired_token_is_refused(client, sso, caplog):
    # Expired two minutes ago: past the minute of clock difference allowed.
    sso.provider_setup(provider_user("jnova", "jana@mesto.example"), lifetime=-120)
    assert_refused(client, sign_in(client, sso, "jnova"), caplog=caplog,
                   reason="ID token refused: Signature has expired")
    assert not User.objects.filter(email="jana@mesto.example").exists()


def test_a_token_from_another_issuer_is_refused(client, sso, caplog):
    sso.provider_setup(provider_user("jnova", "jana@mesto.example"),
                       issuer="http://127.0.0.1:1/another-provider")
    assert_refused(client, sign_in(client, sso, "jnova"), caplog=caplog,
                   reason="ID token refused: Invalid issuer")


def test_a_token_signed_with_a_key_the_provider_does_not_publish_is_refused(client, sso,
                                                                            caplog):
    sso.provider_setup(provider_user("jnova", "jana@mesto.example"), foreign_key=True)
    assert_refused(client, sign_in(client, sso, "jnova"), caplog=caplog,
                   reason="ID token refused: Signature verification failed")


def test_an_email_only_in_the_id_token_is_used(client, sso):
    """AD FS answers UserInfo with `sub` alone; the address is in the ID token."""
    sso.provider_setup(provider_user("jnova", "jana@mesto.example",
                                     email_in_id_token_only=True))
    sign_in(client, sso, "jnova")
    assert signed_in_user(client).email == "jana@mesto.example"


def test_a_replayed_state_is_refused(client, sso, caplog):
    sso.provider_setup(provider_user("jnova", "jana@mesto.example"))
    authorize_url = start_sign_in(client, sso)
    first = back_at_portal(client, authorize_at_provider(authorize_url, "jnova"))
    assert first.status_code == 302 and signed_in_user(client) is not None
    client.logout()

    # A new sign-in is under way in this browser; the old state comes back
    # with a fresh, valid code from the provider (as an attacker who saw the
    # first answer could arrange): the portal has used that state already.
    start_sign_in(client, sso)
    replay = authorize_at_provider(authorize_url, "jnova")
    assert parse_qs(urlsplit(replay).query)["state"] == parse_qs(
        urlsplit(authorize_url).query)["state"]
    assert_refused(client, back_at_portal(client, replay), caplog=caplog,
                   reason="state not found in session")


def test_a_state_from_another_browser_is_refused(client, sso):
    from django.test import Client

    sso.provider_setup(provider_user("jnova", "jana@mesto.example"))
    other = Client()
    callback = authorize_at_provider(start_sign_in(other, sso), "jnova")
    start_sign_in(client, sso)
    assert_refused(client, back_at_portal(client, callback))


def test_an_unverified_email_is_refused(client, sso, officer, caplog):
    sso.provider_setup(provider_user("podvodnik", officer.email, email_verified=False))
    assert_refused(client, sign_in(client, sso, "podvodnik"), caplog=caplog,
                   reason="no verified e-mail address")


def test_an_email_two_accounts_share_is_refused(client, sso):
    UserFactory(username="a", email="spolecna@mesto.example")
    UserFactory(username="b", email="Spolecna@mesto.example")
    sso.provider_setup(provider_user("jnova", "spolecna@mesto.example"))
    assert_refused(client, sign_in(client, sso, "jnova"))


def test_the_provider_saying_no_is_refused(client, sso):
    start_sign_in(client, sso)
    state = next(iter(client.session["oidc_states"]))
    assert_refused(client, client.get(f"{CALLBACK}?error=access_denied&state={state}"))


def test_a_provider_that_does_not_answer_is_a_message_not_an_error(client, settings):
    settings.OIDC_OP_ISSUER = "http://127.0.0.1:9"  # the discard port: nothing listens
    settings.OIDC_RP_CLIENT_ID = "portal"
    response = client.get(START)
    assert_refused(client, response, UNAVAILABLE)


# --- the administrators' second factor ------------------------------------------------

@pytest.fixture
def admin_with_device(db):
    admin = UserFactory(username="spravce", email="spravce@mesto.example",
                        is_superuser=True, is_staff=True)
    confirmed_totp_device(admin)
    return admin


@pytest.mark.parametrize("amr", [["pwd", "mfa"], ["pwd", "otp"], ["hwk"]])
def test_a_second_factor_from_the_provider_skips_the_portals_code(client, sso,
                                                                  admin_with_device, amr):
    sso.provider_setup(provider_user("spravce", "spravce@mesto.example", amr=amr))
    sign_in(client, sso, "spravce")
    assert signed_in_user(client) == admin_with_device
    assert client.get(reverse("core:home")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200
    with translation.override("cs"):
        assert gettext("At this sign-in the city's identity provider confirmed your second "
                       "factor.") in html.unescape(client.get(reverse("accounts:profile")).text)
    with translation.override("cs"):
        assert audit_of(admin_with_device).last().message == gettext(
            "Signed in with the city account; the identity provider confirmed a second "
            "factor (%(amr)s).") % {"amr": ", ".join(amr)}


@pytest.mark.parametrize("amr", [["pwd"], [], ["pwd", "kba"]])
def test_without_a_second_factor_from_the_provider_the_portal_asks_for_its_code(
        client, sso, admin_with_device, amr):
    sso.provider_setup(provider_user("spravce", "spravce@mesto.example", amr=amr))
    sign_in(client, sso, "spravce")
    assert signed_in_user(client) == admin_with_device
    home = client.get(reverse("core:home"))
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.get(reverse("admin:index")).status_code == 302


def test_an_administrator_without_an_authenticator_must_set_one_up_unless_the_provider_asserts(
        client, sso):
    UserFactory(username="novy", email="novy@mesto.example", is_superuser=True, is_staff=True)
    sso.provider_setup(provider_user("novy", "novy@mesto.example", amr=["pwd"]))
    sign_in(client, sso, "novy")
    home = client.get(reverse("core:home"))
    assert home["Location"].startswith(reverse("accounts:otp_setup"))

    client.logout()
    sso.provider_setup(provider_user("novy", "novy@mesto.example", amr=["pwd", "mfa"]))
    sign_in(client, sso, "novy")
    assert client.get(reverse("core:home")).status_code == 200


def test_the_providers_second_factor_lasts_for_that_sign_in_only(client, sso, admin_with_device):
    sso.provider_setup(provider_user("spravce", "spravce@mesto.example", amr=["mfa"]))
    sign_in(client, sso, "spravce")
    assert client.get(reverse("core:home")).status_code == 200
    client.logout()
    client.post(LOGIN, {"username": "spravce", "password": LOCAL_PASSWORD})
    home = client.get(reverse("core:home"))
    assert home["Location"].startswith(reverse("accounts:otp_verify"))


# --- the pages for every role (the role matrix lists them unconfigured: 404) -------

@pytest.mark.parametrize("role", ["administrator", "city_officer", "manager_a",
                                  "implementer_x"])
def test_a_signed_in_user_starting_a_sign_in_is_sent_on(client, sso, users_by_role, role):
    client.force_login(users_by_role[role])
    response = client.get(START + "?next=/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"


def test_the_sign_in_page_links_resolve_with_single_sign_on(client, sso):
    # The portal registered at the provider, as every other test here has it.
    sso.provider_setup()
    page = client.get(LOGIN)
    response = client.get(START)
    assert START in page.text
    assert response.status_code == 302
    assert requests.get(response["Location"], timeout=10).status_code == 200


# --- discovery ----------------------------------------------------------------------

def test_the_issuer_may_be_configured_with_a_trailing_slash(client, sso, settings):
    settings.OIDC_OP_ISSUER = sso.provider.url + "/"
    sso.provider_setup(provider_user("jnova", "jana@mesto.example"))
    sign_in(client, sso, "jnova")
    assert signed_in_user(client).email == "jana@mesto.example"


def test_a_discovery_document_of_another_issuer_is_not_used(client, sso, settings, caplog):
    settings.OIDC_OP_DISCOVERY_URL = sso.provider.url + "/.well-known/openid-configuration"
    settings.OIDC_OP_ISSUER = "https://sso.mesto.example/realms/mesto"
    assert_refused(client, client.get(START), UNAVAILABLE, caplog=caplog,
                   reason="names the issuer")


def test_two_first_sign_ins_at_once_end_in_one_account(client, sso, monkeypatch):
    """The other sign-in created the account between the look-up and the
    insert (the user name is unique): this one signs in to that account."""
    from django.db import IntegrityError

    from accounts import services

    def created_meanwhile(**kwargs):
        UserFactory(username="jana@mesto.example", email="jana@mesto.example")
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(services, "user_create_from_provider", created_meanwhile)
    sso.provider_setup(provider_user("jnova", "jana@mesto.example"))
    sign_in(client, sso, "jnova")
    assert signed_in_user(client).username == "jana@mesto.example"
    assert User.objects.filter(email="jana@mesto.example").count() == 1
