"""Rounds on the desk (submissions to approve, deadlines, what is owed) and
the reminder mails of a round's deadline, through the outbox."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from core.desk import desk_for
from notifications.models import OutboxMail
from rounds import services
from tests.rounds.helpers import record_first_half

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _czech():
    with translation.override("cs"):
        yield


def _items(user, today):
    return {panel["key"]: panel["items"] for panel in desk_for(user, today=today)}


def test_the_officer_sees_submissions_per_round_and_the_near_deadline(
        reporting, implementer_x, officer):
    round_ = reporting["round"]
    record_first_half(implementer_x, reporting["impact"], "7")
    items = _items(officer, today=round_.deadline - timedelta(days=3))
    [submitted] = items["rounds_submissions"]
    assert submitted.count == 1 and round_.title in submitted.label
    assert submitted.url == f"{reverse('rounds:detail', args=[round_.pk])}?state=submitted"
    [deadline] = items["rounds_deadlines"]
    assert deadline.urgency == "normal"
    assert deadline.label == "Termín kola Pololetí 1/2025: 31. 7. 2025"
    overdue = _items(officer, today=round_.deadline + timedelta(days=1))["rounds_deadlines"]
    assert overdue[0].urgency == "urgent"
    assert "rounds_deadlines" not in _items(officer, today=date(2025, 1, 2))
    assert "rounds_owed" not in _items(officer, today=date(2025, 7, 1))


def test_the_implementer_sees_what_it_owes_until_it_is_submitted(
        reporting, implementer_x, officer):
    round_ = reporting["round"]
    [owed] = _items(implementer_x, today=date(2025, 7, 1))["rounds_owed"]
    assert owed.count == 3 and owed.url == reverse("rounds:mine")
    assert "rounds_submissions" not in _items(implementer_x, today=date(2025, 7, 1))
    record_first_half(implementer_x, reporting["impact"], "7")
    [owed] = _items(implementer_x, today=round_.deadline - timedelta(days=2))["rounds_owed"]
    assert owed.count == 2 and owed.urgency == "urgent"


def test_reminders_go_to_who_owes_once_a_day_with_what_is_owed(reporting, implementer_x):
    round_ = reporting["round"]
    week_before = round_.deadline - timedelta(days=7)
    assert services.round_reminders_send(today=week_before) == 1
    assert services.round_reminders_send(today=week_before) == 0  # once per day and round
    mail = OutboxMail.objects.get(kind="round_deadline")
    assert mail.recipient == implementer_x.email
    assert mail.subject == "Kolo vykazování Pololetí 1/2025: termín je 31. 7. 2025"
    assert f"- {reporting['impact']}" in mail.body and f"- {reporting['project']}" in mail.body
    assert mail.link.endswith(reverse("rounds:mine"))
    assert services.round_reminders_send(today=round_.deadline - timedelta(days=3)) == 0
    assert services.round_reminders_send(today=round_.deadline + timedelta(days=1)) == 1
    assert OutboxMail.objects.filter(kind="round_deadline").latest("pk").subject == (
        "Kolo vykazování Pololetí 1/2025: termín 31. 7. 2025 uplynul")


def test_a_user_who_turned_the_reminders_off_gets_none(reporting, implementer_x):
    from notifications.services import notification_unsubscribe

    notification_unsubscribe(kind="round_deadline", user_id=implementer_x.pk)
    assert services.round_reminders_send(today=reporting["round"].deadline
                                         - timedelta(days=7)) == 0
