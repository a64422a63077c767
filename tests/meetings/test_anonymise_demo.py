"""Anonymising a demo group member whom the demo's published minutes name
through the directory (a task's owner, a seat's new member): every published
minutes renders as before, the groups' membership history counts the same, and
their groups' pages show the label instead of the name."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import translation

from directory.models import Membership, Person
from meetings.documents import minutes_pdf_html
from meetings.models import Meeting, MembershipChange, Task
from tests.shared_db import DEMO, module_rows, seed_demo

pytestmark = pytest.mark.django_db


def seed():
    """The demo's directory, plans, projects and meetings, loaded once per
    session and copied (tests/meetings/test_seed.py loads the same)."""
    seed_demo(*DEMO)


_seeded_once = module_rows(seed)


def _published_minutes():
    with translation.override("cs"):
        return {m.pk: minutes_pdf_html(m)
                for m in Meeting.objects.published().select_related("body").order_by("pk")}


def _membership_counts():
    return dict(Membership.objects.values_list("body__code").annotate(n=Count("pk")))


def test_a_demo_member_named_in_published_minutes_is_anonymised(_seeded_once, db, client,
                                                               officer):
    # The demo's published minutes print most names as text; these people
    # they name through the directory (a task's owner, a seat's new member).
    published = Q(meeting__minutes_status="published")
    linked = {*Task.objects.filter(published, owner_person__isnull=False)
              .values_list("owner_person", flat=True),
              *MembershipChange.objects.filter(published, member__isnull=False)
              .values_list("member", flat=True)}
    person = (Person.objects.filter(pk__in=linked, memberships__isnull=False)
              .order_by("pk").first())
    assert person is not None, "the demo names a member in its published minutes"
    name = person.full_name
    minutes_before = _published_minutes()
    assert any(name in html for html in minutes_before.values())
    counts_before = _membership_counts()

    call_command("anonymise_person", str(person.pk), stdout=io.StringIO())

    assert _published_minutes() == minutes_before
    assert _membership_counts() == counts_before
    person.refresh_from_db()
    assert (person.email, person.phone, person.family_name) == ("", "", "")
    client.force_login(officer)
    for seat in Membership.objects.filter(member=person).select_related("body")[:3]:
        page = client.get(reverse("directory:group_detail", args=[seat.body.code]),
                          HTTP_ACCEPT_LANGUAGE="cs").content.decode()
        assert name not in page and "bývalý člen" in page
