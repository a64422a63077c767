"""A person who left is anonymised (GDPR art. 17): `manage.py anonymise_person
ID` and the administrator's action on the person's page. Contact data go, the
name becomes a neutral label outside published minutes, published minutes stay
as published, memberships still count, one audit entry."""

import datetime
import io

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from core.audit import audit_entries_for
from core.models import AuditEntry
from directory import personal_data
from directory import services as directory_services
from directory.models import Membership, Person, WorkingGroup
from meetings.documents import minutes_document, minutes_pdf_html, with_previous
from meetings.models import Attendance, Meeting, MembershipChange, ProgrammeItem, Task
from planning.models import PlanComment
from planning.services import comments as comment_services
from tests.accounts.factories import UserFactory
from tests.directory.factories import MembershipFactory, PersonFactory, WorkingGroupFactory
from tests.meetings.factories import MeetingFactory
from tests.planning.factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaver():
    """A member (with a user account, an e-mail, a phone) named in published
    minutes in every way minutes name people, and in a draft."""
    group = WorkingGroupFactory()
    seat = MembershipFactory(body=group)
    person = seat.member
    directory_services.person_update(actor=None, person=person, title_before="Mgr.",
                                     email="odchazi@example.org", phone="+420 111 222 333")
    person.refresh_from_db()
    user = UserFactory(username="odchazi@example.org", email="odchazi@example.org",
                       first_name=person.given_name, last_name=person.family_name,
                       person=person)
    MembershipFactory(body=group, member=PersonFactory())
    published = MeetingFactory.with_minutes(body=group, minutes_status="published",
                                            recorded_by=person, verified_by=person)
    draft = MeetingFactory.with_minutes(body=group, day=datetime.date(2025, 2, 20))
    for meeting in (published, draft):
        Attendance.objects.create(meeting=meeting, person=person,
                                  organisation=person.organisation)
        ProgrammeItem.objects.create(meeting=meeting, position=2, title="Služby",
                                     presenter=person)
        Task.objects.create(meeting=meeting, description="Poslat leták", owner_person=person,
                            owner_organisation=person.organisation)
        MembershipChange.objects.create(meeting=meeting, organisation=person.organisation,
                                        member=person, substitute=PersonFactory(),
                                        effective_on=datetime.date(2025, 1, 16))
    Meeting.objects.filter(pk=draft.pk).update(recorded_by=person)
    comment = comment_services.comment_create(
        plan=PlanFactory(status="public_comment"), text="Připomínka",
        author_name=person.plain_name, author_email="Odchazi@example.org")
    return {"person": person, "user": user, "group": group, "seat": seat,
            "published": published, "draft": draft, "comment": comment,
            "name": person.full_name, "plain": person.plain_name,
            "label": f"bývalý člen ({person.organisation.short_name})"}


def _published_minutes(meeting):
    meeting = Meeting.objects.get(pk=meeting.pk)
    with translation.override("cs"):
        return minutes_pdf_html(meeting), minutes_document(with_previous(meeting))


def _counts(group):
    return (Membership.objects.filter(body=group).count(),
            WorkingGroup.objects.with_current_member_count().get(pk=group.pk)
            .current_member_count,
            Membership.objects.filter(member__isnull=False, body=group).count())


def _anonymise(person):
    call_command("anonymise_person", str(person.pk), stdout=io.StringIO())


def test_published_minutes_render_exactly_as_before(leaver):
    html_before, doc_before = _published_minutes(leaver["published"])
    assert leaver["name"] in html_before  # the fixture names them in the minutes

    _anonymise(leaver["person"])

    html_after, doc_after = _published_minutes(leaver["published"])
    assert html_after == html_before
    assert doc_after == doc_before
    assert leaver["label"] not in html_after


def test_the_draft_shows_the_label_and_no_name(leaver):
    _anonymise(leaver["person"])

    html, doc = _published_minutes(leaver["draft"])
    label = leaver["label"]
    names = [n for group in doc["present_groups"] for n in group["names"]]
    assert f"{label} (ORG" in " ".join(names)  # attendance: the label, then the suffix
    assert doc["recorded_by"] == label
    assert doc["membership_changes"][0]["member"] == label
    presenters = [p["presenter"] for day in doc["programme_days"] for p in day["items"]]
    assert label in presenters
    assert any(t["owner"].startswith(label) for t in doc["other_tasks"])
    # The only place the name is left: the open task carried over from the
    # published minutes, in the words those minutes printed.
    carried = [t["owner"] for t in doc["carried_tasks"] if leaver["name"] in t["owner"]]
    assert len(carried) == 1
    assert html.count(leaver["name"]) == len(carried)
    assert leaver["plain"] not in html.replace(leaver["name"], "")


def test_contact_data_are_gone_and_the_directory_shows_the_label(leaver):
    _anonymise(leaver["person"])

    person = Person.objects.get(pk=leaver["person"].pk)
    assert (person.title_before, person.given_name, person.family_name, person.email,
            person.phone) == ("", "", "", "", "")
    assert person.anonymised_at is not None
    with translation.override("cs"):
        assert str(person) == leaver["label"]
    with translation.override("en"):
        assert person.full_name.startswith("former member (ORG")


def test_the_user_account_is_deactivated_and_stripped(leaver):
    _anonymise(leaver["person"])

    user = type(leaver["user"]).objects.get(pk=leaver["user"].pk)
    assert not user.is_active and not user.has_usable_password()
    assert (user.email, user.first_name, user.last_name) == ("", "", "")
    assert "odchazi" not in user.username and user.person_id == leaver["person"].pk


def test_comments_lose_the_e_mail_and_an_unpublished_one_the_name(leaver):
    _anonymise(leaver["person"])

    comment = PlanComment.objects.get(pk=leaver["comment"].pk)
    assert comment.author_email == ""
    assert comment.author_name == leaver["label"]  # pending moderation: not published


def test_membership_history_still_counts_them(leaver):
    before = _counts(leaver["group"])

    _anonymise(leaver["person"])

    assert _counts(leaver["group"]) == before
    assert Membership.objects.get(pk=leaver["seat"].pk).member_id == leaver["person"].pk


def test_one_audit_entry_with_the_actor_and_no_personal_data(leaver, administrator):
    from django.db import transaction

    from core.audit import AuditAction, audit_record

    attendance = Attendance.objects.filter(meeting=leaver["draft"],
                                           person=leaver["person"]).get()
    with transaction.atomic():
        titled = audit_record(actor=None, action=AuditAction.CREATE, instance=attendance)
    assert titled.object_repr == leaver["plain"]
    before = AuditEntry.objects.count()

    personal_data.person_anonymise(actor=administrator, person=leaver["person"])

    assert AuditEntry.objects.count() == before + 1
    entry = audit_entries_for(leaver["person"]).first()
    assert entry.actor == administrator and entry.message == "Osobní údaje byly anonymizovány."
    assert entry.changes == {} and entry.snapshot is None
    # Nothing in the trail about the person or the account keeps their name or contacts.
    person_entries = list(audit_entries_for(leaver["person"]))
    user_entries = list(audit_entries_for(leaver["user"]))
    assert person_entries and user_entries is not None
    text = repr([(e.object_repr, e.changes, e.snapshot) for e in person_entries + user_entries])
    for secret in ("odchazi@example.org", "+420 111 222 333", leaver["person"].family_name):
        assert secret not in text
    titled.refresh_from_db()
    assert titled.object_repr == leaver["label"]  # another row's entry named them


def test_anonymising_twice_changes_nothing_and_says_so(leaver):
    _anonymise(leaver["person"])
    entries = AuditEntry.objects.count()
    stamp = Person.objects.get(pk=leaver["person"].pk).anonymised_at
    out = io.StringIO()

    call_command("anonymise_person", str(leaver["person"].pk), stdout=out)

    assert "anonymised before" in out.getvalue()
    assert AuditEntry.objects.count() == entries
    assert Person.objects.get(pk=leaver["person"].pk).anonymised_at == stamp


def test_an_unknown_id_is_refused_and_changes_nothing(leaver):
    before = (AuditEntry.objects.count(),
              list(Person.objects.order_by("pk").values_list("family_name", "email")))

    with pytest.raises(CommandError, match="No person with id 999999. Nothing was changed."):
        call_command("anonymise_person", "999999")

    assert (AuditEntry.objects.count(),
            list(Person.objects.order_by("pk").values_list("family_name", "email"))) == before


def test_the_unknown_id_exits_with_status_1(capsys):
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "anonymise_person", "999999"])

    assert exit_info.value.code == 1
    assert "No person with id 999999. Nothing was changed." in capsys.readouterr().err


def test_an_anonymised_person_cannot_be_given_a_name_again(leaver):
    from django.core.exceptions import ValidationError

    _anonymise(leaver["person"])
    person = Person.objects.get(pk=leaver["person"].pk)

    with pytest.raises(ValidationError, match="Osoba byla při odchodu anonymizována"):
        directory_services.person_update(actor=None, person=person, family_name="Nová")


def test_two_people_of_one_organisation_can_both_be_anonymised(leaver):
    other = PersonFactory(organisation=leaver["person"].organisation)
    _anonymise(leaver["person"])
    _anonymise(other)
    assert Person.objects.filter(anonymised_at__isnull=False).count() == 2


# --- The administrator's action ----------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, leaver):
    url = reverse("directory:person_anonymise", args=[leaver["person"].pk])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302 and "/login" in response["Location"]
    assert not Person.objects.get(pk=leaver["person"].pk).is_anonymised


def test_an_officer_is_refused_and_sees_no_action(client, officer, leaver):
    client.force_login(officer)
    url = reverse("directory:person_anonymise", args=[leaver["person"].pk])
    detail = client.get(reverse("directory:person_detail", args=[leaver["person"].pk]))
    assert url not in detail.content.decode()
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert not Person.objects.get(pk=leaver["person"].pk).is_anonymised


def test_the_administrator_confirms_and_anonymises(client, administrator, leaver):
    client.force_login(administrator)
    url = reverse("directory:person_anonymise", args=[leaver["person"].pk])
    detail = client.get(reverse("directory:person_detail", args=[leaver["person"].pk]))
    assert f'href="{url}"' in detail.content.decode()

    confirm = client.get(url)
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert 'method="post"' in page and leaver["label"] in page
    assert not Person.objects.get(pk=leaver["person"].pk).is_anonymised  # GET changes nothing

    response = client.post(url, follow=True)

    assert response.redirect_chain[-1][0] == leaver["person"].get_absolute_url()
    page = response.content.decode()
    assert "Osoba byla anonymizována" in page
    assert leaver["name"] not in page and "odchazi@example.org" not in page
    assert audit_entries_for(leaver["person"]).first().actor == administrator

    again = client.post(url, follow=True)
    assert "anonymizována už dříve" in again.content.decode()


def test_the_administrator_gets_a_czech_message_for_an_unknown_person(client, administrator):
    client.force_login(administrator)
    before = AuditEntry.objects.count()
    url = reverse("directory:person_anonymise", args=[999999])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 404
        assert "Osoba s číslem 999999 v adresáři není" in response.content.decode()
    assert AuditEntry.objects.count() == before


def test_the_open_data_of_groups_names_an_anonymised_manager_by_the_label():
    from directory.datasets import _group_rows

    group = WorkingGroupFactory()
    manager = group.manager
    personal_data.person_anonymise(actor=None, person=manager)

    with translation.override("cs"):
        row = next(r for r in _group_rows() if r["code"] == group.code)
    assert row["manager"] == f"bývalý člen ({manager.organisation.short_name})"
    assert row["contact_person"] == group.contact_person.full_name


def test_the_public_page_of_the_published_minutes_is_unchanged(client, leaver):
    """(The PDF's HTML is compared in the first test of this module.)"""
    import re

    url = reverse("meetings:detail", args=[leaver["published"].pk])

    def minutes_section():
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="cs").content.decode()
        page = re.sub(r'nonce="[^"]*"', "", page)
        start = page.index("<main")
        return page[start:page.index("</main>")]

    before = minutes_section()
    assert leaver["name"] in before

    _anonymise(leaver["person"])

    assert minutes_section() == before


def test_an_amended_task_with_another_owner_shows_the_new_owners_name(leaver, officer):
    from meetings import services as meeting_services

    _anonymise(leaver["person"])
    meeting = Meeting.objects.get(pk=leaver["published"].pk)
    meeting_services.minutes_amend_open(actor=officer, meeting=meeting, reason="Oprava")
    task = Task.objects.get(meeting=meeting, owner_person=leaver["person"])
    assert task.owner_person_text == leaver["name"]
    successor = PersonFactory(organisation=None)

    meeting_services.task_update(actor=officer, task=task, owner_person=successor)

    task = Task.objects.get(pk=task.pk)
    assert task.owner_person_text == ""
    assert task.owner_display.startswith(successor.full_name)


def test_the_confirmation_page_costs_a_fixed_number_of_queries(client, administrator, leaver,
                                                              django_assert_num_queries):
    client.force_login(administrator)
    url = reverse("directory:person_anonymise", args=[leaver["person"].pk])
    client.get(url)
    with django_assert_num_queries(4):  # session, user, OTP device, the person
        assert client.get(url).status_code == 200


def test_the_edit_form_of_an_anonymised_person_refuses_a_name_in_czech(client, officer,
                                                                       leaver):
    _anonymise(leaver["person"])
    person = Person.objects.get(pk=leaver["person"].pk)
    client.force_login(officer)
    url = reverse("directory:person_update", args=[person.pk])

    response = client.post(url, {"family_name": "Nová", "email": "nova@example.org",
                                 "version": person.version}, HTTP_ACCEPT_LANGUAGE="cs")

    assert response.status_code == 200
    assert "Osoba byla při odchodu anonymizována" in response.content.decode()
    person.refresh_from_db()
    assert (person.family_name, person.email) == ("", "")


def test_requests_to_fix_accessibility_lose_the_address_and_the_name(leaver):
    from directory import accessibility
    from directory.models import AccessibilityRequest, City

    city = City.objects.get()
    sent = accessibility.request_submit(city=city, text="Graf nemá popis",
                                        name=leaver["plain"], email="ODCHAZI@example.org")
    by_account = accessibility.request_submit(actor=leaver["user"], city=city,
                                              text="Tabulka bez záhlaví", name="Přezdívka")
    other = accessibility.request_submit(city=city, text="Cizí podnět", name="Jiný člověk",
                                         email="jiny@example.org")

    _anonymise(leaver["person"])

    for request in (sent, by_account):
        request.refresh_from_db()
        assert (request.email, request.name) == ("", leaver["label"])
        for entry in audit_entries_for(request):
            assert "email" not in (entry.snapshot or {}) and "name" not in (entry.snapshot or {})
            assert "email" not in entry.changes and "name" not in entry.changes
        assert request.text  # the request itself is kept, as written
    other.refresh_from_db()
    assert (other.email, other.name) == ("jiny@example.org", "Jiný člověk")
    assert audit_entries_for(other).get().snapshot["email"] == "jiny@example.org"
    assert AccessibilityRequest.objects.count() == 3
