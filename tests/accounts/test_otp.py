"""Second factor (TOTP, django-otp): optional for officers and everyone else,
required for administrators; the gate in accounts.middleware."""

import io
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from directory.models import City
from directory.selectors import totp_issuer
from tests.accounts.factories import PASSWORD, UserFactory, confirmed_totp_device, totp_code
from tests.shared_db import DEMO, seed_demo

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:otp_setup")
VERIFY = reverse("accounts:otp_verify")


def log_in(client, username):
    response = client.post(reverse("accounts:login"), {"username": username,
                                                       "password": PASSWORD})
    assert response.status_code == 302, "the password step failed"
    return response


def refused(response, code, field=None, seconds=None):
    """The form was refused with an error of `code`, shown on the page (in
    whichever language the page is in)."""
    errors = response.context["form"].errors.as_data()
    found = [e for e in errors.get(field or "__all__", []) if e.code == code]
    assert found, errors
    for error in found:
        for message in error.messages:
            assert escape(message) in response.text
            if seconds is not None:
                assert re.search(rf"\b{seconds}\b", message), message
    return True


def forget_failures(device):
    """Move the last failure out of django-otp's throttling window."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(hours=1))


@pytest.fixture
def new_admin():
    return UserFactory(username="spravce", is_superuser=True, is_staff=True)


@pytest.fixture
def officer_with_device(officer):
    return confirmed_totp_device(officer)


# --- administrators ----------------------------------------------------------

@pytest.mark.parametrize("url_name", ["core:home", "accounts:profile", "directory:group_list",
                                      "directory:person_list", "admin:index",
                                      "accounts:otp_verify", "accounts:otp_remove"])
def test_administrator_without_device_is_sent_to_setup_from_every_page(client, new_admin,
                                                                       url_name):
    log_in(client, "spravce")
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)


def test_administrator_sets_up_totp(client, new_admin):
    city = City.objects.get()  # authenticator apps list the portal under the city's name
    city.name = "Testov"
    city.save()
    response = log_in(client, "spravce")
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith(SETUP)
    response = client.get(response["Location"])
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=new_admin)
    assert not device.confirmed
    # The secret as text and a QR code of the otpauth URI, served as an image.
    secret = response.context["secret"]
    assert secret.replace(" ", "") in device.config_url
    assert device.config_url.startswith("otpauth://totp/KP%20Testov%3Aspravce?")
    assert "issuer=KP%20Testov" in device.config_url
    html = response.text
    assert secret in html
    assert re.search(r'<img class="otp-qr" src="data:image/svg\+xml;base64,', html)
    assert "style=" not in html

    # A wrong code is refused; the device stays unconfirmed, the session unverified.
    response = client.post(SETUP, {"token": "000000" if totp_code(device) != "000000"
                                   else "111111", "next": "/"})
    assert response.status_code == 200
    assert refused(response, "invalid")
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("core:home"))["Location"].startswith(SETUP)

    # The right code confirms it and verifies the session.
    forget_failures(device)
    session_key = client.session.session_key
    response = client.post(SETUP, {"token": totp_code(device), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.session.session_key != session_key
    assert client.get(reverse("core:home")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200

    # The next login asks for a code; a wrong one is refused, a right one passes.
    client.post(reverse("accounts:logout"))
    log_in(client, "spravce")
    response = client.get(reverse("directory:group_list"))
    assert response["Location"] == f"{VERIFY}?next=%2Fworking-groups%2F" or (
        response["Location"].startswith(f"{VERIFY}?next="))
    response = client.post(VERIFY, {"token": "12345x"})
    assert refused(response, "format", field="token")
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    response = client.post(VERIFY, {"token": wrong})
    assert response.status_code == 200 and refused(response, "invalid")
    assert client.get(reverse("admin:index"))["Location"].startswith(VERIFY)
    forget_failures(device)
    response = client.post(VERIFY, {"token": totp_code(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_used_code_is_not_accepted_again(client, officer, officer_with_device):
    code = totp_code(officer_with_device)
    log_in(client, "officer")
    assert client.post(VERIFY, {"token": code}).status_code == 302
    client.post(reverse("accounts:logout"))
    log_in(client, "officer")
    response = client.post(VERIFY, {"token": code})
    assert response.status_code == 200 and refused(response, "invalid")


def test_guessing_is_throttled(client, officer, officer_with_device):
    """django-otp: after n wrong codes the next try waits 2^(n-1) s, even with
    the right code; a right code after the wait resets the count."""
    log_in(client, "officer")
    device = officer_with_device
    right = totp_code(device)
    wrong = "000000" if right != "000000" else "111111"
    client.post(VERIFY, {"token": wrong})
    response = client.post(VERIFY, {"token": right})
    assert response.status_code == 200
    assert refused(response, "throttled", seconds=1)
    forget_failures(device)
    client.post(VERIFY, {"token": wrong})
    response = client.post(VERIFY, {"token": right})
    assert refused(response, "throttled", seconds=2)
    device.refresh_from_db()
    assert device.throttling_failure_count == 2
    assert client.get(reverse("core:home"))["Location"].startswith(VERIFY)
    forget_failures(officer_with_device)
    assert client.post(VERIFY, {"token": totp_code(officer_with_device)}).status_code == 302
    officer_with_device.refresh_from_db()
    assert officer_with_device.throttling_failure_count == 0


def test_verify_refuses_an_unsafe_next(client, officer, officer_with_device):
    log_in(client, "officer")
    response = client.post(VERIFY, {"token": totp_code(officer_with_device),
                                    "next": "https://evil.example/"})
    assert response["Location"] == reverse("core:desk")


def test_gate_lets_through_logout_static_and_language(client, new_admin):
    log_in(client, "spravce")
    assert client.get("/static/css/portal.css").status_code == 200
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_post_to_another_page_is_refused_before_the_code(client, officer,
                                                           officer_with_device):
    log_in(client, "officer")
    response = client.post(reverse("directory:organisation_create"), {"name": "X"})
    assert response.status_code == 302 and response["Location"] == VERIFY
    from directory.models import Organisation

    assert not Organisation.objects.filter(name="X").exists()


def test_admin_refuses_an_unverified_administrator_session(client, administrator):
    client.force_login(administrator, otp_verified=False)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response["Location"].startswith(VERIFY)


def test_admin_site_itself_requires_the_second_factor(administrator, new_admin):
    """Independent of the middleware: the admin site's own permission check."""
    from django_otp.middleware import OTPMiddleware

    def request_for(user, device=None):
        request = RequestFactory().get("/admin/")
        request.user = user
        request.session = {DEVICE_ID_SESSION_KEY: device.persistent_id} if device else {}
        OTPMiddleware(lambda r: None)(request)
        return request

    device = TOTPDevice.objects.get(user=administrator)
    assert admin.site.has_permission(request_for(administrator, device))
    assert not admin.site.has_permission(request_for(administrator))
    assert not admin.site.has_permission(request_for(new_admin))
    # Without django-otp's middleware nobody counts as verified.
    plain = RequestFactory().get("/admin/")
    plain.user = administrator
    assert not admin.site.has_permission(plain)


# --- officers and everyone else ------------------------------------------------

def test_officer_without_device_logs_in_with_the_password_only(client, officer):
    response = log_in(client, "officer")
    assert response["Location"] == reverse("core:desk")
    assert client.get(reverse("core:home")).status_code == 200
    assert client.get(reverse("directory:person_list")).status_code == 200
    profile = client.get(reverse("accounts:profile"))
    assert f'href="{SETUP}?next=' in profile.text


def test_officer_enables_totp_and_is_then_asked_for_codes(client, officer):
    log_in(client, "officer")
    response = client.get(SETUP)
    assert response.status_code == 200
    assert not response.context["required"]
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    response = client.post(SETUP, {"token": totp_code(device),
                                   "next": reverse("accounts:profile")})
    assert response["Location"] == reverse("accounts:profile")
    device.refresh_from_db()
    assert device.confirmed
    # Set up once: the page now sends the officer back.
    assert client.get(SETUP)["Location"] == reverse("accounts:profile")

    client.post(reverse("accounts:logout"))
    log_in(client, "officer")
    response = client.get(reverse("directory:person_list"))
    assert response["Location"].startswith(VERIFY)
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert 'autocomplete="one-time-code"' in response.text
    response = client.post(VERIFY, {"token": totp_code(device), "next": "/people/"})
    assert response["Location"] == "/people/"
    assert client.get(reverse("directory:person_list")).status_code == 200


def test_unverified_session_cannot_add_a_second_device(client, officer, officer_with_device):
    log_in(client, "officer")
    response = client.get(SETUP)
    assert response["Location"] == reverse("accounts:profile")
    assert client.get(response["Location"])["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=officer).count() == 1


def test_removing_a_device_needs_a_valid_code(client, officer, officer_with_device):
    client.force_login(officer)
    remove = reverse("accounts:otp_remove")
    assert client.get(remove).status_code == 200
    response = client.post(remove, {"token": "000000" if totp_code(officer_with_device)
                                    != "000000" else "111111"})
    assert response.status_code == 200 and refused(response, "invalid")
    assert TOTPDevice.objects.filter(user=officer).exists()
    forget_failures(officer_with_device)
    response = client.post(remove, {"token": totp_code(officer_with_device)})
    assert response["Location"] == reverse("accounts:profile")
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert client.get(reverse("directory:person_list")).status_code == 200


def test_administrator_removing_the_device_must_set_up_a_new_one(client, administrator):
    client.force_login(administrator)
    device = TOTPDevice.objects.get(user=administrator)
    response = client.post(reverse("accounts:otp_remove"), {"token": totp_code(device)})
    assert response["Location"] == SETUP
    assert client.get(reverse("core:home"))["Location"].startswith(SETUP)


def test_gate_is_the_rule_of_accounts_permissions(officer, new_admin, officer_with_device):
    from django.contrib.auth.models import AnonymousUser

    from accounts.permissions import must_set_up_second_factor, needs_second_factor

    assert must_set_up_second_factor(new_admin)
    assert not needs_second_factor(new_admin)
    assert needs_second_factor(officer)
    assert not must_set_up_second_factor(officer)
    assert not needs_second_factor(AnonymousUser())
    assert not must_set_up_second_factor(AnonymousUser())


# --- management commands ----------------------------------------------------------

def test_otp_code_refuses_outside_the_embedded_demo(settings, officer, officer_with_device):
    settings.EMBEDDED_DEMO = False
    with pytest.raises(CommandError, match="embedded demo"):
        call_command("otp_code", "officer", stdout=io.StringIO())


def test_otp_code_prints_a_code_the_device_accepts(settings, client, officer,
                                                   officer_with_device):
    settings.EMBEDDED_DEMO = True
    out = io.StringIO()
    call_command("otp_code", "officer", stdout=out)
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    log_in(client, "officer")
    assert client.post(VERIFY, {"token": code}).status_code == 302
    with pytest.raises(CommandError):
        call_command("otp_code", "nobody-here", stdout=io.StringIO())


def test_otp_reset_removes_a_lost_device(client, new_admin):
    device = confirmed_totp_device(new_admin)
    out = io.StringIO()
    call_command("otp_reset", "spravce", stdout=out)
    assert "Removed 1 device(s) of spravce" in out.getvalue()
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    log_in(client, "spravce")
    assert client.get(reverse("core:home"))["Location"].startswith(SETUP)
    with pytest.raises(CommandError):
        call_command("otp_reset", "nobody-here", stdout=io.StringIO())


def _demo_accounts():
    out = io.StringIO()
    call_command("seed_demo", "--with-accounts", "--only", "directory", "--only", "accounts",
                 stdout=out)
    return out.getvalue()


def test_the_demo_accounts_give_the_admin_the_published_authenticator_once(settings,
                                                                            no_city):
    from directory.seed import DEMO_TOTP_SECRET

    output = _demo_accounts()
    device = TOTPDevice.objects.get(user__username="admin", confirmed=True)
    assert device.config_url in output
    issuer = quote(totp_issuer())  # "KP " and the city's name, from the seed's city
    assert f"otpauth://totp/{issuer}%3Aadmin?secret={DEMO_TOTP_SECRET}" in output
    assert not TOTPDevice.objects.exclude(user__username="admin").exists()
    _demo_accounts()
    assert TOTPDevice.objects.count() == 1


# The whole demo, loaded twice: `slow` (make test); the test above runs the same
# loaders in make test-fast.
@pytest.mark.slow
def test_demo_admin_gets_the_published_authenticator(settings, no_city):
    from directory.seed import DEMO_TOTP_SECRET

    # The demo as tests/directory/test_seed.py loads it: copied if loaded before.
    output = seed_demo(*DEMO)
    device = TOTPDevice.objects.get(user__username="admin", confirmed=True)
    assert device.config_url in output
    assert "otpauth://totp/KP%20Ostrava%3Aadmin?secret=" + DEMO_TOTP_SECRET in output
    assert "or run: python manage.py otp_code admin" in output
    assert not TOTPDevice.objects.exclude(user__username="admin").exists()

    call_command("seed_demo", "--with-accounts", stdout=io.StringIO())
    assert TOTPDevice.objects.count() == 1

    settings.EMBEDDED_DEMO = True
    code = io.StringIO()
    call_command("otp_code", "admin", stdout=code)
    assert re.fullmatch(r"\d{6}\n", code.getvalue())


def test_gate_costs_no_query_for_users_without_an_authenticator(client, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    log_in(client, "officer")
    client.get(reverse("accounts:profile"))  # the first request learns it
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("directory:group_list")).status_code == 200
    assert not [q for q in ctx.captured_queries if "otp_totp" in q["sql"]]


def test_a_device_removed_elsewhere_is_noticed(client, officer, officer_with_device,
                                               new_admin):
    log_in(client, "officer")
    assert client.get(reverse("core:home"))["Location"].startswith(VERIFY)
    call_command("otp_reset", "officer", stdout=io.StringIO())
    response = client.get(reverse("core:home"), follow=True)
    assert response.status_code == 200 and response.redirect_chain[-1][0] == "/"

    admin_client = type(client)()
    confirmed_totp_device(new_admin)
    log_in(admin_client, "spravce")
    assert admin_client.get(reverse("core:home"))["Location"].startswith(VERIFY)
    call_command("otp_reset", "spravce", stdout=io.StringIO())
    response = admin_client.get(reverse("core:home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(SETUP)


# --- staff accounts and officers when the city requires it ----------------------

def test_a_staff_account_without_device_must_set_one_up_before_the_admin(client):
    """The penetration test's reproduction: is_staff without a device reached
    /admin/ with the password alone."""
    UserFactory(username="personalista", is_staff=True)
    log_in(client, "personalista")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)


def test_the_city_can_require_the_second_factor_of_officers(client, officer, settings):
    settings.OTP_REQUIRED_FOR_OFFICERS = True
    log_in(client, "officer")
    response = client.get(reverse("accounts:profile"))
    assert response["Location"].startswith(SETUP)
    settings.OTP_REQUIRED_FOR_OFFICERS = False
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_production_requires_it_of_officers_by_default():
    from tests.core.test_production_settings import PRODUCTION_ENV, _run

    result = _run(PRODUCTION_ENV, "import django; django.setup(); from django.conf import "
                                  "settings; print(settings.OTP_REQUIRED_FOR_OFFICERS)")
    assert result.stdout.strip().splitlines()[-1] == "True"
