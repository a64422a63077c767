"""Subscriptions for the public: double opt-in, digests from the audit trail,
one-click removal, throttles and the honeypot, the page cache untouched."""

import datetime
import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.audit import AuditAction, AuditEntry, audit_record
from notifications import subscriptions, tokens
from notifications.models import DigestFrequency, OutboxMail, Subscription
from tests.indicators.factories import IndicatorFactory, IndicatorValueFactory
from tests.planning.factories import PlanFactory

from .helpers import published_minutes

pytestmark = pytest.mark.django_db

LATER = datetime.timedelta(days=8)


@pytest.fixture
def no_throttle(monkeypatch):
    monkeypatch.setattr("notifications.views.throttle_hit", lambda *a, **k: True)


def _subscribe(client, topic, target, email="obcan@example.org", frequency="daily", **extra):
    return client.post(reverse("notifications:subscribe", args=[topic, target]),
                       {"email": email, "frequency": frequency, "consent": "on", **extra})


def _path(url):
    return url.removeprefix("http://127.0.0.1:8000")


def _link(body, name):
    prefix = "http://127.0.0.1:8000" + reverse(name, args=["X"])[:-2]
    return _path(re.search(re.escape(prefix) + r"\S+/", body).group(0))


def _confirm(client, mailoutbox):
    path = _link(mailoutbox[-1].body, "notifications:subscription_confirm")
    confirmed = Subscription.objects.filter(confirmed_at__isnull=False).count
    before = confirmed()
    assert client.get(path).status_code == 200  # a button; opening the link confirms nothing
    assert confirmed() == before
    assert client.post(path).status_code == 302
    assert confirmed() == before + 1


def test_subscribing_needs_a_confirmation_before_anything_is_sent(
        client, group_a, manager_a, contact_a, mailoutbox, no_throttle,
        django_capture_on_commit_callbacks):
    page = client.get(reverse("notifications:subscribe", args=["working_group", group_a.pk]))
    assert page.status_code == 200 and "Souhlasím" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _subscribe(client, "working_group", group_a.pk)
    assert response.status_code == 302 and response["Location"].endswith("?sent=1")
    assert "Zkontrolujte" in client.get(response["Location"]).content.decode()
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is None and subscription.consented_at
    assert "Skupina A" in subscription.consent_text and "smaže" in subscription.consent_text
    assert mailoutbox[-1].to == ["obcan@example.org"]
    assert "Potvrďte" in mailoutbox[-1].subject
    # the audit trail keeps that it happened, never the address
    entries = AuditEntry.objects.filter(object_id=str(subscription.pk))
    assert entries.count() == 1
    assert "obcan@example.org" not in str(list(entries.values()))

    # Unconfirmed: minutes published, digests run, nothing goes to the address.
    with django_capture_on_commit_callbacks(execute=True):
        published_minutes(manager_a, contact_a, group_a)
        assert subscriptions.digests_send(now=timezone.now() + LATER) == 0
    assert not OutboxMail.objects.filter(kind="public_digest").exists()


def test_a_confirmed_subscription_gets_a_digest_and_its_link_removes_the_address(
        client, group_a, manager_a, contact_a, mailoutbox, no_throttle,
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client, "working_group", group_a.pk)
        _subscribe(client, "reports", 0, frequency="weekly")
    for _mail in list(mailoutbox):
        mailoutbox[:] = [_mail]
        _confirm(client, mailoutbox)
    assert Subscription.objects.filter(confirmed_at__isnull=False).count() == 2

    meeting = published_minutes(manager_a, contact_a, group_a)
    with django_capture_on_commit_callbacks(execute=True):
        assert subscriptions.digests_send(now=timezone.now() + datetime.timedelta(days=1)) == 1
    digest = mailoutbox[-1]
    assert digest.subject == "Novinky: Skupina A"
    assert f"Zápis zveřejněn: {meeting}" in digest.body
    assert group_a.get_absolute_url() in digest.body
    # nothing new since: no second digest; the weekly one waits for its week
    with django_capture_on_commit_callbacks(execute=True):
        assert subscriptions.digests_send(now=timezone.now() + datetime.timedelta(days=2)) == 0

    remove = _path(digest.extra_headers["List-Unsubscribe"].strip("<>"))
    one_click = Client(enforce_csrf_checks=True)
    assert one_click.get(remove).status_code == 200
    assert one_click.post(remove, {"List-Unsubscribe": "One-Click"}).status_code == 302
    assert not Subscription.objects.exists()  # both, with the address
    assert "Hotovo" in one_click.get(remove + "?done=1").content.decode()


def test_a_weekly_digest_waits_for_its_week():
    subscription = Subscription.objects.create(
        email="a@example.org", topic="reports", target_id=0, target_title="Zprávy",
        frequency=DigestFrequency.WEEKLY, consent_text="Souhlas",
        confirmed_at=timezone.now())
    subscriptions.digests_send(now=timezone.now() + datetime.timedelta(days=3))
    subscription.refresh_from_db()
    assert subscription.last_digest_at is None
    subscriptions.digests_send(now=timezone.now() + LATER)
    subscription.refresh_from_db()
    assert subscription.last_digest_at is not None


def test_an_indicator_digest_lists_its_new_values_in_czech_numbers():
    indicator = IndicatorFactory()
    subscription = Subscription.objects.create(
        email="a@example.org", topic="indicator", target_id=indicator.pk,
        target_title=indicator.name, consent_text="Souhlas",
        frequency=DigestFrequency.DAILY, confirmed_at=timezone.now())
    value = IndicatorValueFactory(indicator=indicator, value="12345.5000", period_text="2025")
    other = IndicatorValueFactory(value="1")  # another indicator's
    with transaction.atomic():
        audit_record(actor=None, action=AuditAction.CREATE, instance=value)
        audit_record(actor=None, action=AuditAction.CREATE, instance=other)
    assert subscriptions.digests_send(now=timezone.now() + LATER) == 1
    body = OutboxMail.objects.get(kind="public_digest", recipient=subscription.email).body
    assert "2025" in body and "12\xa0345,5" in body and "E+" not in body


def test_a_plan_digest_names_the_comment_period():
    plan = PlanFactory(status="public_comment", comments_open_to=datetime.date(2031, 3, 31))
    Subscription.objects.create(
        email="a@example.org", topic="plan", target_id=plan.pk, target_title=str(plan),
        consent_text="Souhlas", frequency=DigestFrequency.DAILY, confirmed_at=timezone.now())
    with transaction.atomic():
        audit_record(actor=None, action=AuditAction.UPDATE, instance=plan)
    subscriptions.digests_send(now=timezone.now() + LATER)
    assert "31. 3. 2031" in OutboxMail.objects.get(kind="public_digest").body


def test_nothing_private_can_be_followed(client):
    draft = PlanFactory(status="draft")
    assert client.get(reverse("notifications:subscribe", args=["plan", draft.pk])) \
        .status_code == 404
    assert client.get(reverse("notifications:subscribe", args=["nope", 1])).status_code == 404
    assert client.get(reverse("notifications:subscribe", args=["reports", 5])).status_code == 404


def test_the_honeypot_refuses_and_saves_nothing(client, group_a, no_throttle):
    response = _subscribe(client, "working_group", group_a.pk, website="http://spam.example")
    assert response.status_code == 200 and not Subscription.objects.exists()


def test_a_missing_consent_is_refused_with_a_czech_message(client, group_a, no_throttle):
    response = client.post(reverse("notifications:subscribe", args=["working_group", group_a.pk]),
                           {"email": "a@example.org", "frequency": "daily"})
    assert response.status_code == 200 and "Toto pole je třeba vyplnit" in \
        response.content.decode()
    assert not Subscription.objects.exists()


def test_requests_are_throttled_per_address_and_per_client(client, group_a):
    for _attempt in range(3):
        assert _subscribe(client, "working_group", group_a.pk).status_code == 302
    assert _subscribe(client, "working_group", group_a.pk).status_code == 429
    for index in range(1):
        assert _subscribe(client, "working_group", group_a.pk,
                          email=f"jiny{index}@example.org").status_code == 302
    throttled = _subscribe(client, "working_group", group_a.pk, email="dalsi@example.org")
    assert throttled.status_code == 429 and "Příliš" in throttled.content.decode()
    assert Subscription.objects.count() == 2


def test_asking_again_for_a_confirmed_subscription_changes_nothing(mailoutbox):
    subscription = Subscription.objects.create(
        email="a@example.org", topic="reports", target_id=0, target_title="Zprávy",
        consent_text="Souhlas", frequency=DigestFrequency.WEEKLY, confirmed_at=timezone.now())
    again = subscriptions.subscription_request(
        email="A@example.org", topic="reports", target_id=0, frequency="daily",
        consent_text="Jiný souhlas")
    assert again.pk == subscription.pk
    subscription.refresh_from_db()
    assert (subscription.frequency, subscription.consent_text) == ("weekly", "Souhlas")
    assert not OutboxMail.objects.exists()


def test_tampered_or_foreign_links_do_nothing(client):
    subscription = Subscription.objects.create(
        email="a@example.org", topic="reports", target_id=0, target_title="Zprávy",
        consent_text="Souhlas")
    confirm = _path(tokens.confirm_url(subscription))
    assert client.post(confirm[:-4] + "abc/").status_code == 400
    # a removal token is no confirmation token, nor the other way round
    remove_token = _path(tokens.remove_url("a@example.org")).rstrip("/").rsplit("/", 1)[1]
    assert client.post(reverse("notifications:subscription_confirm",
                               args=[remove_token])).status_code == 400
    confirm_token = confirm.rstrip("/").rsplit("/", 1)[1]
    assert client.post(reverse("notifications:subscription_remove",
                               args=[confirm_token])).status_code == 400
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None


def test_the_public_pages_link_the_subscription_and_stay_cacheable(client, group_a):
    response = client.get(group_a.get_absolute_url())
    assert reverse("notifications:subscribe", args=["working_group", group_a.pk]) in \
        response.content.decode()
    assert not response.cookies  # no CSRF token, no session: the page cache may keep it
    reports = client.get(reverse("reports:list"))
    assert reverse("notifications:subscribe", args=["reports", 0]) in reports.content.decode()
    assert not reports.cookies


def test_unconfirmed_subscriptions_are_deleted_after_a_week():
    from core import retention

    Subscription.objects.create(email="stary@example.org", topic="reports", target_id=0,
                                target_title="Zprávy", consent_text="Souhlas",
                                consented_at=timezone.now() - LATER)
    Subscription.objects.create(email="novy@example.org", topic="reports", target_id=0,
                                target_title="Zprávy", consent_text="Souhlas")
    retention.enforce()
    assert list(Subscription.objects.values_list("email", flat=True)) == ["novy@example.org"]


def test_a_group_digest_names_a_planned_meeting_and_a_reports_digest_a_published_report(
        group_a, manager_a):
    """The other two topics' news: a working group's planned meeting, a report
    just published (an unpublished one is no news)."""
    from meetings import services as meeting_services
    from tests.reports.factories import ReportJobFactory

    since = timezone.now()
    for topic, target, title in (("working_group", group_a.pk, group_a.name),
                                 ("reports", 0, "Zprávy")):
        Subscription.objects.create(
            email=f"{topic}@example.org", topic=topic, target_id=target, target_title=title,
            consent_text="Souhlas", frequency=DigestFrequency.DAILY,
            confirmed_at=since - datetime.timedelta(days=2))
    meeting = meeting_services.meeting_create(
        actor=manager_a, body=group_a, days=[(datetime.date(2031, 5, 20), None, None)],
        place_name="Nová radnice")
    published = ReportJobFactory.finished(published=True, title="Vyhodnocení 2030")
    unpublished = ReportJobFactory.finished(title="Rozpracované vyhodnocení")
    with transaction.atomic():
        for job in (published, unpublished):
            audit_record(actor=None, action=AuditAction.UPDATE, instance=job)
    assert subscriptions.digests_send(now=timezone.now() + datetime.timedelta(days=1)) == 2
    group = OutboxMail.objects.get(recipient="working_group@example.org").body
    assert f"Plánované jednání: {meeting}" in group
    reports = OutboxMail.objects.get(recipient="reports@example.org").body
    assert "Zveřejněna zpráva: Vyhodnocení 2030" in reports
    assert "Rozpracované" not in reports
