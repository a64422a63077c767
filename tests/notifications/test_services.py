import datetime
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.db import transaction
from django.utils import timezone

from core.audit import AuditEntry, audit_entries_for
from meetings import services as meeting_services
from meetings.models import Task, TaskStatus
from notifications import services
from notifications.models import MailState, NotificationPreference, OutboxMail
from notifications.tasks import deliver_mail
from tests.directory.factories import PersonFactory
from tests.meetings.factories import MeetingFactory

from .backends import FlakyBackend

pytestmark = pytest.mark.django_db

KIND = "minutes_submitted"
LINK = "http://127.0.0.1:8000/meetings/1/"


def _enqueue(recipients, **extra):
    return services.mail_enqueue(
        kind=KIND, recipients=recipients, subject="Zápis k ověření: %(what)s",
        body="Text %(what)s", params={"what": "PS A"}, link=LINK, **extra)


def test_a_mail_is_queued_per_recipient_and_sent_once_the_transaction_commits(
        mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rows = _enqueue(["a@example.org", "B@example.org", "b@example.org", ""])
        assert mailoutbox == [] and len(rows) == 2
    assert sorted(mail.to[0] for mail in mailoutbox) == ["B@example.org", "a@example.org"]
    mail = mailoutbox[0]
    assert mail.subject == "Zápis k ověření: PS A"
    assert LINK in mail.body
    unsubscribe = OutboxMail.objects.get(recipient=mail.to[0]).unsubscribe_url
    assert unsubscribe in mail.body
    assert mail.extra_headers == {"List-Unsubscribe": f"<{unsubscribe}>",
                                  "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    assert set(OutboxMail.objects.values_list("state", "attempts")) == {(MailState.SENT, 1)}


def test_a_rolled_back_transaction_queues_and_sends_nothing(
        mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), \
            pytest.raises(RuntimeError), transaction.atomic():
        _enqueue(["a@example.org"])
        raise RuntimeError("the caller fails after queueing")
    assert not OutboxMail.objects.exists() and mailoutbox == []


def test_the_request_never_waits_for_the_broker(django_capture_on_commit_callbacks):
    with mock.patch.object(deliver_mail, "delay", side_effect=ConnectionError("down")), \
            django_capture_on_commit_callbacks(execute=True):
        _enqueue(["a@example.org"])
    assert OutboxMail.objects.get().state == MailState.QUEUED


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown notification kind"):
        services.mail_enqueue(kind="nope", recipients=["a@example.org"], subject="S", body="B",
                              link=LINK)


def test_preferences_are_respected(contact_a, manager_a, mailoutbox):
    services.preferences_set(actor=contact_a, user=contact_a, enabled_kinds=[])
    NotificationPreference.objects.create(email="off@example.org", kind=KIND, enabled=False)
    rows = _enqueue([contact_a.email.upper(), manager_a.email, "Off@example.org",
                     "other@example.org"])
    assert sorted(row.recipient for row in rows) == [manager_a.email, "other@example.org"]
    assert rows[0].user == manager_a  # an account's address: its link names the account
    assert not services.receives(kind=KIND, user=contact_a)
    assert services.receives(kind=KIND, user=manager_a)
    assert not services.receives(kind=KIND, email="OFF@example.org")


def test_preferences_are_saved_with_an_audit_entry(contact_a):
    changed = services.preferences_set(actor=contact_a, user=contact_a,
                                       enabled_kinds=["task_deadline"])
    assert KIND in changed and "task_deadline" not in changed
    entry = audit_entries_for(contact_a).get()
    assert entry.actor == contact_a and entry.changes["notifications"][KIND] == [True, False]
    with pytest.raises(Exception, match="Vyberte z nabízených"):
        services.preferences_set(actor=contact_a, user=contact_a, enabled_kinds=["report_failed"])


def test_a_failing_mail_server_is_retried_with_growing_waits(settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    FlakyBackend.failures_left = 2
    mail = _enqueue(["a@example.org"])[0]
    start = timezone.now()

    first = services.mail_deliver(mail_id=mail.pk, now=start)
    assert (first.state, first.attempts) == (MailState.QUEUED, 1)
    assert first.next_attempt_at == start + datetime.timedelta(minutes=1)
    assert "ConnectionRefusedError" in first.last_error
    # not due yet: nothing is tried
    assert services.mail_deliver(mail_id=mail.pk, now=start + datetime.timedelta(seconds=30)) \
        is None
    second = services.mail_deliver(mail_id=mail.pk, now=start + datetime.timedelta(minutes=1))
    assert (second.state, second.attempts) == (MailState.QUEUED, 2)
    assert second.next_attempt_at == start + datetime.timedelta(minutes=3)
    # beat picks up what is due
    assert services.mail_deliver_due(now=start + datetime.timedelta(minutes=2)) == 0
    assert services.mail_deliver_due(now=start + datetime.timedelta(minutes=3)) == 1
    mail.refresh_from_db()
    assert (mail.state, mail.attempts, mail.last_error) == (MailState.SENT, 3, "")
    assert [m.to for m in mailoutbox] == [["a@example.org"]]
    # a sent mail is never sent again
    assert services.mail_deliver(mail_id=mail.pk, now=start + datetime.timedelta(hours=1)) is None


def test_the_task_retries_itself_when_the_attempt_failed(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    FlakyBackend.failures_left = 1
    mail = _enqueue(["a@example.org"])[0]
    with mock.patch.object(deliver_mail, "retry", side_effect=Retry()) as retry, \
            pytest.raises(Retry):
        deliver_mail.run(mail.pk)
    assert 50 <= retry.call_args.kwargs["countdown"] <= 60


def test_a_mail_is_given_up_after_the_last_attempt_and_an_administrator_retries_it(
        settings, administrator, mailoutbox, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    FlakyBackend.failures_left = services.MAX_ATTEMPTS
    mail = _enqueue(["a@example.org"])[0]
    now = timezone.now()
    for _attempt in range(services.MAX_ATTEMPTS):
        now += datetime.timedelta(days=1)
        services.mail_deliver(mail_id=mail.pk, now=now)
    mail.refresh_from_db()
    assert (mail.state, mail.attempts) == (MailState.FAILED, services.MAX_ATTEMPTS)
    assert services.mail_deliver_due(now=now + datetime.timedelta(days=1)) == 0

    with django_capture_on_commit_callbacks(execute=True):
        services.mail_retry(actor=administrator, mail=mail)
    mail.refresh_from_db()
    assert mail.state == MailState.SENT
    entry = audit_entries_for(mail).get()
    assert entry.actor == administrator and entry.changes == {"state": ["failed", "queued"]}
    with pytest.raises(Exception, match="již byl odeslán"):
        services.mail_retry(actor=administrator, mail=mail)


def _task(*, deadline, owner, status=TaskStatus.OPEN):
    return Task.objects.create(meeting=MeetingFactory(), description="Připravit podklady",
                               owner_person=owner, deadline=deadline, status=status)


def test_a_task_owner_is_reminded_once_per_deadline(settings, mailoutbox):
    settings.TASK_REMINDER_DAYS = 7
    today = datetime.date(2026, 3, 2)
    owner = PersonFactory(email="vlastnik@example.org")
    task = _task(deadline=today + datetime.timedelta(days=7), owner=owner)
    _task(deadline=today + datetime.timedelta(days=9), owner=owner)  # not yet
    _task(deadline=today - datetime.timedelta(days=1), owner=owner)  # past
    _task(deadline=today, owner=owner, status=TaskStatus.DONE)
    _task(deadline=today, owner=None)

    assert meeting_services.task_deadline_reminders_send(today=today) == 1
    row = OutboxMail.objects.get()
    assert (row.kind, row.recipient, row.occasion) == (
        "task_deadline", "vlastnik@example.org", f"task:{task.pk}:2026-03-09")
    assert "9. 3. 2026" in row.subject and "Připravit podklady" in row.body
    assert meeting_services.task_deadline_reminders_send(
        today=today + datetime.timedelta(days=1)) == 0
    task.deadline = today + datetime.timedelta(days=5)  # moved: reminded again
    task.save()
    assert meeting_services.task_deadline_reminders_send(today=today) == 1


def test_officers_are_told_when_a_report_run_fails(officer, administrator, manager_a):
    from reports import services as report_services
    from tests.reports.factories import ReportJobFactory

    job = ReportJobFactory()
    report_services.report_job_failed(job_id=job.pk, error="WeasyPrint crashed")
    rows = OutboxMail.objects.filter(kind="report_failed")
    assert sorted(rows.values_list("recipient", flat=True)) == sorted(
        [officer.email, administrator.email])
    assert "WeasyPrint crashed" in rows[0].body


def test_enqueue_writes_no_audit_entry_of_its_own():
    """The action that causes a mail is audited by its own service; the
    outbox row is the record of the mail."""
    before = AuditEntry.objects.count()
    _enqueue(["a@example.org"])
    assert AuditEntry.objects.count() == before
