"""The outbox and the unsubscribes are personal data: in the person's export,
erased by their anonymisation, removed after the retention period."""

import datetime
import io
import json
import zipfile

import pytest
from django.utils import timezone

from core import retention
from directory import personal_data
from notifications import services
from notifications.models import MailState, NotificationPreference, OutboxMail
from tests.accounts.factories import UserFactory
from tests.directory.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _mail(recipient, **fields):
    return OutboxMail.objects.create(
        recipient=recipient, kind="task_deadline", subject="Úkol", body="Text",
        link="http://127.0.0.1:8000/", unsubscribe_url="http://127.0.0.1:8000/", **fields)


@pytest.fixture
def person():
    person = PersonFactory(email="osoba@example.org")
    user = UserFactory(username="osoba", email="ucet@example.org", person=person)
    _mail("Osoba@example.org")
    _mail("ucet@example.org", user=user)
    _mail("jiny@example.org")
    services.notification_unsubscribe(kind="task_deadline", email="osoba@example.org")
    services.notification_unsubscribe(kind="task_deadline", email="jiny@example.org")
    services.preferences_set(actor=user, user=user, enabled_kinds=[])
    return person, user


def test_the_export_holds_the_mails_and_unsubscribes_of_the_person(person):
    person, user = person
    data = personal_data.person_export_bytes(actor=None, person=person, user=user)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        records = json.loads(archive.read("person.json"))["records"]
    assert sorted(r["fields"]["recipient"] for r in records["notifications.OutboxMail"]) == [
        "Osoba@example.org", "ucet@example.org"]
    assert {r["fields"]["email"] for r in records["notifications.NotificationPreference"]} == {
        "osoba@example.org", ""}


def test_anonymising_the_person_erases_them(person):
    person, user = person
    personal_data.person_anonymise(actor=None, person=person)
    assert list(OutboxMail.objects.values_list("recipient", flat=True)) == ["jiny@example.org"]
    assert list(NotificationPreference.objects.exclude(user=user)
                .values_list("email", flat=True)) == ["jiny@example.org"]


def test_sent_and_failed_mails_go_after_the_retention_period():
    old = timezone.now() - datetime.timedelta(days=91)
    _mail("stary@example.org", state=MailState.SENT, sent_at=old)
    _mail("novy@example.org", state=MailState.SENT, sent_at=timezone.now())
    failed = _mail("selhal@example.org", state=MailState.FAILED)
    OutboxMail.objects.filter(pk=failed.pk).update(updated_at=old)
    _mail("ceka@example.org", created_at=old)  # still to be sent: kept
    retention.enforce()
    assert sorted(OutboxMail.objects.values_list("recipient", flat=True)) == [
        "ceka@example.org", "novy@example.org"]
