"""Mails produced by the real Celery worker (file backend), with working
unsubscribe links. The reminder test runs the task that beat's schedule names
(CELERY_BEAT_SCHEDULE) through the worker, as beat would send it."""

import datetime
import re
import time

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from meetings.models import Task
from meetings.tasks import send_task_deadline_reminders
from notifications import services
from notifications.models import MailState, OutboxMail
from notifications.tasks import deliver_due_mails
from tests.directory.factories import PersonFactory
from tests.meetings.factories import MeetingFactory

from .helpers import published_minutes, submitted_minutes
from .mail_files import mails_to, sent_row

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.mail_queue]


def _text(message):
    return message.get_content()


def _unsubscribe(message, kind):
    header = str(message["List-Unsubscribe"]).strip().strip("<>")
    assert str(message["List-Unsubscribe-Post"]).strip() == "List-Unsubscribe=One-Click"
    assert header in _text(message).replace("\n", "")
    path = header.removeprefix(settings.PORTAL_BASE_URL.rstrip("/"))
    client = Client(enforce_csrf_checks=True)  # a mail client: no session, no token
    assert client.get(path).status_code == 200
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 302
    return path


def test_the_worker_sends_the_minutes_mail_and_its_link_unsubscribes(
        celery_worker_process, manager_a, group_a):
    group_a.contact_person.email = "kontakt-worker@example.org"
    group_a.contact_person.save()
    meeting = submitted_minutes(manager_a, group_a)  # commits: the worker sends

    [message] = mails_to(celery_worker_process.mail_dir, "kontakt-worker@example.org")
    assert str(message["Subject"]).strip().startswith("Zápis k ověření")
    assert meeting.get_absolute_url() in _text(message)
    _unsubscribe(message, "minutes_submitted")
    assert not services.receives(kind="minutes_submitted", email="kontakt-worker@example.org")
    row = sent_row("kontakt-worker@example.org")
    assert (row.state, row.attempts) == (MailState.SENT, 1)


def test_beats_reminder_task_run_by_the_worker_mails_the_task_owner(celery_worker_process):
    entry = settings.CELERY_BEAT_SCHEDULE["task-deadline-reminders"]
    assert entry["task"] == send_task_deadline_reminders.name
    assert settings.CELERY_BEAT_SCHEDULE["outbox"]["task"] == deliver_due_mails.name
    owner = PersonFactory(email="ukol-worker@example.org")
    task = Task.objects.create(
        meeting=MeetingFactory(), description="Připravit podklady", owner_person=owner,
        deadline=timezone.localdate() + datetime.timedelta(days=settings.TASK_REMINDER_DAYS))
    # The worker serves the whole session: only what it logs from here on is this test's.
    log_start = celery_worker_process.log_path.stat().st_size

    send_task_deadline_reminders.delay()  # as beat sends it

    [message] = mails_to(celery_worker_process.mail_dir, "ukol-worker@example.org")
    assert "Připravit podklady" in _text(message)
    assert OutboxMail.objects.get(recipient="ukol-worker@example.org").occasion == \
        f"task:{task.pk}:{task.deadline.isoformat()}"
    _unsubscribe(message, "task_deadline")
    assert not services.receives(kind="task_deadline", email="ukol-worker@example.org")
    # once per deadline: the next day's run sends nothing new
    send_task_deadline_reminders.delay()
    time.sleep(2)
    assert OutboxMail.objects.filter(recipient="ukol-worker@example.org").count() == 1
    log = celery_worker_process.log_path.read_bytes()[log_start:].decode(errors="replace")
    assert not re.search(r"Traceback", log)


def test_beats_digest_task_run_by_the_worker_mails_confirmed_subscribers_only(
        celery_worker_process, manager_a, contact_a, group_a):
    from notifications.models import DigestFrequency, Subscription
    from notifications.tasks import send_digests

    assert settings.CELERY_BEAT_SCHEDULE["public-digests"]["task"] == send_digests.name
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    for address, confirmed in (("potvrzeno-worker@example.org", two_days_ago),
                               ("nepotvrzeno-worker@example.org", None)):
        Subscription.objects.create(
            email=address, topic="working_group", target_id=group_a.pk,
            target_title=group_a.name, frequency=DigestFrequency.DAILY, consent_text="Souhlas",
            consented_at=two_days_ago, confirmed_at=confirmed)
    meeting = published_minutes(manager_a, contact_a, group_a)

    send_digests.delay()  # as beat sends it

    [message] = mails_to(celery_worker_process.mail_dir, "potvrzeno-worker@example.org")
    assert f"Zápis zveřejněn: {meeting}" in _text(message)
    assert not OutboxMail.objects.filter(recipient="nepotvrzeno-worker@example.org",
                                         kind="public_digest").exists()
    _unsubscribe(message, "public_digest")  # the one-click link removes the address
    assert not Subscription.objects.filter(email="potvrzeno-worker@example.org").exists()
    assert Subscription.objects.filter(email="nepotvrzeno-worker@example.org").exists()
