import pytest
from django.test import Client
from django.urls import reverse

from core import pagecache
from core.audit import audit_entries_for
from notifications import services, tokens
from notifications.models import MailState, NotificationPreference, OutboxMail

pytestmark = pytest.mark.django_db

KIND = "minutes_submitted"


def _mail(recipient="a@example.org", kind=KIND, **fields):
    return OutboxMail.objects.create(
        recipient=recipient, kind=kind, subject=f"Předmět {recipient}", body="Text",
        link="http://127.0.0.1:8000/", unsubscribe_url="http://127.0.0.1:8000/", **fields)


def _path(url):
    return url.removeprefix("http://127.0.0.1:8000")


# --- One-click unsubscribe ---------------------------------------------------------------


def _one_click_client():
    """A mail client: no session, no CSRF token."""
    return Client(enforce_csrf_checks=True)


def test_the_link_shows_a_button_and_the_post_unsubscribes_without_a_session(contact_a):
    url = _path(tokens.url(kind=KIND, user_id=contact_a.pk))
    client = _one_click_client()
    page = client.get(url)
    assert page.status_code == 200 and "<form method=\"post\">" in page.content.decode()
    assert not NotificationPreference.objects.exists()  # a GET (a link scanner) changes nothing

    done = client.post(url, {"List-Unsubscribe": "One-Click"}, follow=True)
    assert done.status_code == 200 and "Hotovo" in done.content.decode()
    assert not services.receives(kind=KIND, user=contact_a)
    assert services.receives(kind="minutes_returned", user=contact_a)
    assert audit_entries_for(NotificationPreference.objects.get()).count() == 1
    assert services.mail_enqueue(kind=KIND, recipients=[contact_a.email], subject="S",
                                 body="B", link="http://127.0.0.1:8000/") == []


def test_an_address_without_an_account_unsubscribes_too():
    url = _path(tokens.url(kind=KIND, email="Obcan@example.org"))
    assert _one_click_client().post(url).status_code == 302
    assert not services.receives(kind=KIND, email="obcan@example.org")


def test_a_tampered_token_is_refused_and_changes_nothing(contact_a):
    token = tokens.make(kind=KIND, user_id=contact_a.pk)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    url = reverse("notifications:unsubscribe", args=[KIND, forged])
    client = _one_click_client()
    assert client.get(url).status_code == 400
    response = client.post(url)
    assert response.status_code == 400 and "není platný" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_a_token_of_another_kind_does_not_unsubscribe_from_this_one(contact_a):
    token = tokens.make(kind="minutes_returned", user_id=contact_a.pk)
    url = reverse("notifications:unsubscribe", args=[KIND, token])
    assert _one_click_client().post(url).status_code == 400
    assert not NotificationPreference.objects.exists()


def test_an_unknown_kind_is_not_found():
    token = tokens.make(kind="nope", email="a@example.org")
    url = reverse("notifications:unsubscribe", args=["nope", token])
    assert _one_click_client().post(url).status_code == 404


# --- Preferences -------------------------------------------------------------------------


def test_the_preferences_page_offers_the_kinds_of_the_users_roles(client, contact_a):
    client.force_login(contact_a)
    html = client.get(reverse("notifications:preferences")).content.decode()
    assert "Zápis předán k ověření" in html and "Termín mého úkolu" in html
    assert "Běh sestavy selhal" not in html  # officers' kind

    response = client.post(reverse("notifications:preferences"), {"kinds": ["task_deadline"]})
    assert response.status_code == 302
    assert not services.receives(kind=KIND, user=contact_a)
    assert services.receives(kind="task_deadline", user=contact_a)
    page = client.get(reverse("notifications:preferences"))
    assert page.context["form"]["kinds"].initial == ["task_deadline"]


def test_a_kind_not_offered_is_refused_with_a_message(client, member_a):
    client.force_login(member_a)
    response = client.post(reverse("notifications:preferences"), {"kinds": ["report_failed"]})
    assert response.status_code == 200
    assert not NotificationPreference.objects.exists()


def test_the_profile_links_the_preferences(client, member_a, administrator):
    client.force_login(member_a)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("notifications:preferences") in html
    assert reverse("notifications:outbox") not in html
    client.force_login(administrator)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("notifications:outbox") in html


# --- Outbox ------------------------------------------------------------------------------


def test_the_outbox_filters_by_state_and_kind(client, administrator):
    _mail("sent@example.org", state=MailState.SENT, sent_at="2026-01-01T10:00Z", attempts=1)
    _mail("failed@example.org", state=MailState.FAILED, attempts=8, last_error="SMTP 554")
    _mail("task@example.org", kind="task_deadline")
    client.force_login(administrator)
    url = reverse("notifications:outbox")
    html = client.get(url, {"state": "failed"}).content.decode()
    assert "failed@example.org" in html and "sent@example.org" not in html
    assert "SMTP 554" in html and "Odeslat znovu" in html
    html = client.get(url, {"kind": "task_deadline"}).content.decode()
    assert "task@example.org" in html and "failed@example.org" not in html
    assert "Termín mého úkolu" in html
    assert client.get(url, {"state": "bogus"}).status_code == 200


def test_the_outbox_pages_and_costs_the_same_queries_at_any_size(
        client, administrator, django_assert_num_queries):
    client.force_login(administrator)
    url = reverse("notifications:outbox")
    for index in range(3):
        _mail(f"a{index}@example.org")
    client.get(url)
    # session, user, device (second factor), the count, the page of rows
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
    OutboxMail.objects.bulk_create([
        OutboxMail(recipient=f"b{index}@example.org", kind=KIND, subject="S", body="B",
                   link="http://127.0.0.1:8000/", unsubscribe_url="http://127.0.0.1:8000/")
        for index in range(300)])
    with django_assert_num_queries(5):
        page = client.get(url, {"page": 2})
    assert page.status_code == 200 and len(page.context["page"].object_list) == 50
    shown = page.content.decode()
    assert 'rel="prev"' in shown and 'rel="next"' in shown
    assert "Strana 2 z 7 (počet záznamů: 303)" in shown


def test_the_retry_button_sends_again_and_is_audited(client, administrator, mailoutbox,
                                                     django_capture_on_commit_callbacks):
    mail = _mail(state=MailState.FAILED, attempts=8, last_error="SMTP 554")
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:outbox_retry", args=[mail.pk]))
    assert response.status_code == 302
    mail.refresh_from_db()
    assert mail.state == MailState.SENT and [m.to for m in mailoutbox] == [["a@example.org"]]
    assert audit_entries_for(mail).get().actor == administrator
    again = client.post(reverse("notifications:outbox_retry", args=[mail.pk]), follow=True)
    assert "již byl odeslán" in again.content.decode()


def test_the_subscribe_and_preferences_pages_cost_a_fixed_number_of_queries(
        client, group_a, contact_a, django_assert_num_queries):
    from notifications.models import Subscription

    subscribe = reverse("notifications:subscribe", args=["working_group", group_a.pk])
    client.get(subscribe)
    for grown in (False, True):
        if grown:
            Subscription.objects.bulk_create([Subscription(
                email=f"s{index}@example.org", topic="working_group", target_id=group_a.pk,
                target_title="Skupina A", consent_text="Souhlas") for index in range(200)])
        pagecache.invalidate()  # rendered, not answered from the page cache
        with django_assert_num_queries(1):  # the group
            assert client.get(subscribe)["X-Page-Cache"] == "miss"
        with django_assert_num_queries(0):
            assert client.get(subscribe)["X-Page-Cache"] == "hit"
    client.force_login(contact_a)
    client.get(reverse("notifications:preferences"))
    # session, user, the roles that decide which kinds are offered, the stored choices
    with django_assert_num_queries(6) as counted:
        assert client.get(reverse("notifications:preferences")).status_code == 200
    services.preferences_set(actor=contact_a, user=contact_a, enabled_kinds=["task_deadline"])
    with django_assert_num_queries(len(counted.captured_queries)):
        assert client.get(reverse("notifications:preferences")).status_code == 200
