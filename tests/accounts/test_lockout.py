"""Login locks per account (from any address) and per address (across
accounts), beyond axes' lock of a user name from one address."""

import pytest
from axes.models import AccessFailureLog
from django.core import mail
from django.urls import reverse

from core.models import AuditEntry
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def _fail(client, username, address):
    client.post(LOGIN, {"username": username, "password": "wrong"}, REMOTE_ADDR=address)


def _signs_in(client, username, address):
    client.post(LOGIN, {"username": username, "password": PASSWORD}, REMOTE_ADDR=address)
    signed_in = "_auth_user_id" in client.session
    client.logout()
    return signed_in


@pytest.fixture
def limits(settings):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 8
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 12
    return settings


def test_guesses_from_rotating_addresses_lock_the_account(
        client, limits, monkeypatch, django_capture_on_commit_callbacks):
    """The penetration test's reproduction: 16 wrong guesses from four
    addresses (4 each, under axes' 5 per address), then the right password
    from a fifth address signed in."""
    from accounts import tasks

    queued = []
    monkeypatch.setattr(tasks.notify_account_locked, "delay", queued.append)
    UserFactory(username="urednice", email="urednice@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(16):
            _fail(client, "urednice", f"198.51.100.{n % 4}")
    assert not _signs_in(client, "urednice", "203.0.113.50")
    # The owner's e-mail is queued once, when the lock starts.
    assert queued == ["urednice"]
    # Other accounts are not affected.
    UserFactory(username="jiny")
    assert _signs_in(client, "jiny", "203.0.113.50")


def test_the_owner_is_told_with_a_reset_link(limits):
    from accounts import lockout

    UserFactory(username="urednice", email="urednice@example.org")
    lockout.account_locked_notify(username="urednice")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["urednice@example.org"]
    assert reverse("accounts:password_reset") in mail.outbox[0].body


def test_spraying_many_accounts_from_one_address_locks_the_address(client, limits):
    for n in range(12):
        UserFactory(username=f"u{n}")
        _fail(client, f"u{n}", "198.51.100.9")
    UserFactory(username="obet")
    assert not _signs_in(client, "obet", "198.51.100.9")
    assert _signs_in(client, "obet", "203.0.113.7")


def test_an_officer_unlocks_an_account_with_an_audit_entry(client, limits, officer):
    user = UserFactory(username="urednice")
    for n in range(8):
        _fail(client, "urednice", f"198.51.100.{n}")
    assert not _signs_in(client, "urednice", "203.0.113.50")
    client.force_login(officer)
    page = client.get(reverse("accounts:locked_accounts")).content.decode()
    assert "urednice" in page
    client.post(reverse("accounts:unlock_account"), {"username": "urednice"})
    client.logout()
    assert _signs_in(client, "urednice", "203.0.113.50")
    entry = AuditEntry.objects.get(object_id=str(user.pk))
    # 8 guesses and the refused attempt while locked.
    assert entry.actor == officer and entry.changes == {"login_failures": [9, 0]}


def test_a_password_reset_unlocks_the_account(client, limits):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = UserFactory(username="urednice")
    for n in range(8):
        _fail(client, "urednice", f"198.51.100.{n}")
    assert AccessFailureLog.objects.filter(username="urednice").count() == 8
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    url = reverse("accounts:password_reset_confirm", args=[uid, token])
    form_url = client.get(url)["Location"]
    response = client.post(form_url, {"new_password1": "Nov3-heslo-2026!",
                                      "new_password2": "Nov3-heslo-2026!"})
    assert response.status_code == 302
    assert AccessFailureLog.objects.filter(username="urednice").count() == 0
    client.post(LOGIN, {"username": "urednice", "password": "Nov3-heslo-2026!"},
                REMOTE_ADDR="203.0.113.50")
    assert "_auth_user_id" in client.session
