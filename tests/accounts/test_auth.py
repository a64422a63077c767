import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_through_the_form_rotates_the_session(client):
    UserFactory(username="urednik", is_city_officer=True)
    client.get(reverse("accounts:login"))
    before = client.session.session_key
    response = client.post(reverse("accounts:login"),
                           {"username": "urednik", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.session["_auth_user_id"]


def test_logout_is_a_post(client, officer):
    client.force_login(officer)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_the_login_with_a_czech_message(client):
    UserFactory(username="manazer")
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "manazer", "password": "spatne"})
    response = client.post(reverse("accounts:login"),
                           {"username": "manazer", "password": PASSWORD})
    assert response.status_code == 429
    assert "uzamčen" in response.text and "15 minut" in response.text
    assert "_auth_user_id" not in client.session


def test_administrator_can_unlock(client):
    from axes.utils import reset

    UserFactory(username="clen")
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "clen", "password": "spatne"})
    reset(username="clen")
    response = client.post(reverse("accounts:login"), {"username": "clen", "password": PASSWORD})
    assert response.status_code == 302


def test_password_reset_sends_a_mail_with_a_working_link(client):
    UserFactory(username="kontakt", email="kontakt@example.org")
    client.post(reverse("accounts:password_reset"), {"email": "kontakt@example.org"})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert response.context["validlink"]


def test_profile_lists_the_roles(client, manager_a):
    client.force_login(manager_a)
    response = client.get(reverse("accounts:profile"))
    assert response.context["roles"] == ["group_manager"]


def test_lock_counts_the_client_behind_the_proxy_not_the_proxy(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    UserFactory(username="urednice")
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "urednice", "password": "x"},
                    HTTP_X_FORWARDED_FOR="198.51.100.7", REMOTE_ADDR="10.0.0.2")
    # Another client behind the same proxy is not locked out.
    response = client.post(reverse("accounts:login"),
                           {"username": "urednice", "password": PASSWORD},
                           HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 302


def test_a_forged_forwarded_for_does_not_escape_the_lock(client, settings):
    """The penetration test's reproduction: gunicorn reached directly, a new
    X-Forwarded-For with every guess. With no trusted proxy configured the
    header is not believed, so the address stays the same and the lock holds."""
    UserFactory(username="urednice")
    for attempt in range(15):
        client.post(reverse("accounts:login"), {"username": "urednice", "password": "x"},
                    HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}", REMOTE_ADDR="192.0.2.50")
    response = client.post(reverse("accounts:login"),
                           {"username": "urednice", "password": PASSWORD},
                           HTTP_X_FORWARDED_FOR="203.0.113.99", REMOTE_ADDR="192.0.2.50")
    assert response.status_code != 302
    assert "_auth_user_id" not in client.session


def test_a_forged_hop_left_of_the_trusted_proxy_is_not_believed(client, settings):
    """Behind a trusted proxy the client can still prepend entries of its own;
    only the address the proxy appended counts."""
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    UserFactory(username="urednice")
    for attempt in range(15):
        client.post(reverse("accounts:login"), {"username": "urednice", "password": "x"},
                    HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}, 203.0.113.5",
                    REMOTE_ADDR="10.0.0.2")
    response = client.post(reverse("accounts:login"),
                           {"username": "urednice", "password": PASSWORD},
                           HTTP_X_FORWARDED_FOR="198.51.100.200, 203.0.113.5",
                           REMOTE_ADDR="10.0.0.2")
    assert "_auth_user_id" not in client.session
    assert response.status_code != 302


@pytest.mark.django_db
def test_password_reset_is_throttled_per_client_address(client, officer, mailoutbox):
    from django.core.cache import cache

    from accounts.views import RESET_LIMIT

    cache.clear()
    url = reverse("accounts:password_reset")
    for _ in range(RESET_LIMIT):
        assert client.post(url, {"email": officer.email}).status_code == 302
    refused = client.post(url, {"email": officer.email})
    assert refused.status_code == 429
    assert len(mailoutbox) == RESET_LIMIT
    other = client.post(url, {"email": officer.email}, REMOTE_ADDR="192.0.2.77")
    assert other.status_code == 302
