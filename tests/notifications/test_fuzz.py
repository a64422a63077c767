"""Every form of notifications fuzzed (tests/fuzz.py): the preferences, and
the one-button confirmation of an unsubscribe link."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from notifications import tokens
from tests.fuzz import fuzz_form

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

values = st.one_of(
    st.sampled_from(["", "minutes_submitted", "task_deadline", "report_failed", "nope",
                     "One-Click", "\x00", "ž" * 300]),
    st.text(max_size=40),
)


def test_preferences_form(client, contact_a):
    client.force_login(contact_a)
    fuzz_form(client, reverse("notifications:preferences"), values,
              app_labels={"notifications", "accounts"}, label="notification preferences")


def test_unsubscribe_confirmation(client, contact_a):
    url = reverse("notifications:unsubscribe",
                  args=["minutes_submitted", tokens.make(kind="minutes_submitted",
                                                         user_id=contact_a.pk)])
    fuzz_form(client, url, values, app_labels={"notifications"}, label="unsubscribe",
              extra_fields=("List-Unsubscribe",))


@pytest.fixture
def no_throttle(monkeypatch):
    """The throttle has its own test; here every post reaches the form."""
    monkeypatch.setattr("notifications.views.throttle_hit", lambda *a, **k: True)


def test_subscribe_form(client, group_a, no_throttle):
    fuzz_form(client, reverse("notifications:subscribe", args=["working_group", group_a.pk]),
              values, app_labels={"notifications"}, label="subscribe")


def test_subscription_confirm_and_remove(client):
    from notifications.models import Subscription

    subscription = Subscription.objects.create(
        email="obcan@example.org", topic="reports", target_id=0, target_title="Zprávy",
        consent_text="Souhlas")
    for url in (tokens.confirm_url(subscription), tokens.remove_url("obcan@example.org")):
        fuzz_form(client, url.removeprefix("http://127.0.0.1:8000"), values,
                  app_labels={"notifications"}, label=url, extra_fields=("List-Unsubscribe",))


@given(query=st.dictionaries(st.sampled_from(["state", "kind", "page"]),
                             st.one_of(st.sampled_from(["queued", "sent", "failed",
                                                        "round_deadline", "-1", "\x00", ""]),
                                       st.text(max_size=30))))
def test_no_filter_value_breaks_the_outbox(client, administrator, query):
    client.force_login(administrator)
    assert client.get(reverse("notifications:outbox"), query).status_code == 200
