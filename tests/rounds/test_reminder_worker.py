"""The round reminders as beat sends them: the task that the "round-reminders"
entry names, run by the real Celery worker, mails the implementer who still
owes (file backend); the mail's one-click link turns that kind off, and the
next run sends nothing more to that user."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications import services as notification_services
from notifications.models import MailState, OutboxMail
from rounds import services
from rounds.tasks import send_round_reminders
from tests.notifications.mail_files import mails_to, sent_row

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.mail_queue]


def test_beats_round_reminder_run_by_the_worker_mails_who_owes_and_unsubscribes(
        celery_worker_process, reporting, officer, implementer_x):
    entry = settings.CELERY_BEAT_SCHEDULE["round-reminders"]
    assert entry["task"] == send_round_reminders.name
    today = timezone.localdate()
    # A round due in a week: the first reminder before the deadline is today's.
    round_ = services.round_open(
        actor=officer, title="Kolo s termínem za týden", kind="half_year",
        period_start=today - timedelta(days=180), period_end=today,
        deadline=today + timedelta(days=7), plans=[reporting["plan"]])
    log_start = celery_worker_process.log_path.stat().st_size

    send_round_reminders.delay()  # as beat sends it

    [message] = mails_to(celery_worker_process.mail_dir, implementer_x.email)
    text = message.get_content()
    assert "Kolo s termínem za týden" in str(message["Subject"])
    assert f"- {reporting['impact']}" in text and f"- {reporting['project']}" in text
    assert f"{settings.PORTAL_BASE_URL.rstrip('/')}{reverse('rounds:mine')}" in text
    row = sent_row(implementer_x.email, kind="round_deadline")
    assert row.occasion == f"round:{round_.pk}:{today.isoformat()}"
    assert (row.state, row.attempts) == (MailState.SENT, 1)

    # The one-click link, followed as a mail client does (no session, no token).
    header = str(message["List-Unsubscribe"]).strip().strip("<>")
    assert str(message["List-Unsubscribe-Post"]).strip() == "List-Unsubscribe=One-Click"
    assert header in text.replace("\n", "")
    path = header.removeprefix(settings.PORTAL_BASE_URL.rstrip("/"))
    client = Client(enforce_csrf_checks=True)
    assert client.get(path).status_code == 200
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 302
    assert not notification_services.receives(kind="round_deadline", user=implementer_x)

    # Turned off: a later run queues nothing more for this user.
    OutboxMail.objects.filter(kind="round_deadline").delete()
    assert send_round_reminders.delay().get(timeout=30) == 0  # the worker's own count
    assert not OutboxMail.objects.filter(recipient=implementer_x.email).exists()
    log = celery_worker_process.log_path.read_bytes()[log_start:].decode(errors="replace")
    assert not re.search(r"Traceback", log)
