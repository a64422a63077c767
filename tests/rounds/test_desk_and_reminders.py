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


def _desk_queries(client, user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    client.get(reverse("core:desk"))  # the process-wide caches (content types, the city)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("core:desk")).status_code == 200
    return len(captured)


# As tests/core/test_desk.py pins them: the officer's 8 hold a query for the
# submissions in rounds and one for the rounds near their deadline; the
# implementer's 6 (session, user, its groups, tasks) one for what it owes.
PINNED = {"officer": 8, "implementer_x": 6}


def test_the_desk_costs_the_same_queries_with_many_rounds_and_submissions(
        client, reporting, officer, implementer_x):
    from tests.directory.factories import OrganisationFactory
    from tests.planning.factories import PlanItemFactory
    from tests.projects.factories import ProjectFactory

    users = {"officer": officer, "implementer_x": implementer_x}
    small = {role: _desk_queries(client, user) for role, user in users.items()}
    plan, measure = reporting["plan"], reporting["measure"]
    for n in range(25):
        organisation = OrganisationFactory(name=f"Organizace {n:03d}")
        ProjectFactory(implementer=organisation,
                       measures=[PlanItemFactory.measure(plan=plan, implementers=[organisation])])
        ProjectFactory(implementer=implementer_x.implementer_organisation, measures=[measure])
    for n in range(5):
        services.round_open(actor=officer, title=f"Kolo {n}", kind="year",
                            period_start=date(2024 - n, 1, 1), period_end=date(2024 - n, 12, 31),
                            deadline=date(2025, 7, 20 + n), plans=[plan])
    record_first_half(implementer_x, reporting["impact"], "7")
    today = reporting["round"].deadline - timedelta(days=3)
    assert _items(officer, today)["rounds_submissions"]
    assert _items(implementer_x, today)["rounds_owed"]
    grown = {role: _desk_queries(client, user) for role, user in users.items()}
    assert grown == small == PINNED
