"""The minutes workflow: draft → submitted → returned → submitted → published,
audited at every step, with e-mails, field-level protection and versions."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from core.models import AuditAction, AuditEntry
from core.services import StaleEditError
from meetings import services
from meetings.models import Meeting, MinutesStatus, Task, TaskStatus

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db


def _transitions(meeting):
    return list(AuditEntry.objects.filter(object_id=str(meeting.pk),
                                          action=AuditAction.TRANSITION)
                .order_by("id").values_list("changes", "actor__username"))


def test_mails_are_written_in_the_portals_language_whatever_the_actor_reads(
        manager_a, group_a, mailoutbox, django_capture_on_commit_callbacks):
    group_a.contact_person.email = "kontakt@example.org"
    group_a.contact_person.save()
    meeting = services.meeting_create(actor=manager_a, body=group_a,
                                      days=[(datetime.date(2025, 1, 16), None, None)],
                                      place_name="Nová radnice")
    services.minutes_item_create(actor=manager_a, meeting=meeting,
                                 title="Různé", text_html="<p>Text</p>")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.minutes_submit(actor=manager_a, meeting=meeting)
    assert mailoutbox[-1].subject.startswith("Zápis k ověření"), mailoutbox[-1].subject


def test_full_flow_is_audited_and_notifies(manager_a, contact_a, group_a, mailoutbox,
                                           django_capture_on_commit_callbacks):
    group_a.contact_person.email = "kontakt@example.org"
    group_a.contact_person.save()
    group_a.manager.email = "manazer@example.org"
    group_a.manager.save()
    meeting = services.meeting_create(actor=manager_a, body=group_a,
                                      days=[(datetime.date(2025, 1, 16), None, None)],
                                      place_name="Nová radnice")
    services.minutes_item_create(actor=manager_a, meeting=meeting,
                                 title="Různé", text_html="<p>Text</p>")
    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_submit(actor=manager_a, meeting=meeting)
    assert "kontakt@example.org" in mailoutbox[-1].to
    with pytest.raises(ValidationError):
        services.minutes_item_create(actor=manager_a, meeting=meeting, title="X")
    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_return(actor=contact_a, meeting=meeting, comment="Doplňte úkoly.")
    assert "manazer@example.org" in mailoutbox[-1].to
    assert "Doplňte úkoly." in mailoutbox[-1].body
    services.minutes_submit(actor=manager_a, meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.minutes_publish(actor=contact_a, meeting=meeting)
    assert meeting.minutes_status == MinutesStatus.PUBLISHED
    assert meeting.verified_by == group_a.contact_person
    assert meeting.published_at is not None
    assert mailoutbox[-1].subject.startswith("Zápis zveřejněn")
    steps = _transitions(meeting)
    assert [c["minutes_status"] for c, _ in steps] == [
        ["draft", "submitted"], ["submitted", "returned"], ["returned", "submitted"],
        ["submitted", "published"]]
    assert [who for _, who in steps] == ["manager_a", "contact_a", "manager_a", "contact_a"]


def test_return_needs_a_comment(contact_a, group_a):
    meeting = MeetingFactory.with_minutes(body=group_a, minutes_status="submitted")
    with pytest.raises(ValidationError):
        services.minutes_return(actor=contact_a, meeting=meeting, comment="  ")
    assert Meeting.objects.get(pk=meeting.pk).minutes_status == "submitted"


def test_publishing_a_draft_is_refused(contact_a, group_a):
    meeting = MeetingFactory.with_minutes(body=group_a)
    with pytest.raises(ValidationError):
        services.minutes_publish(actor=contact_a, meeting=meeting)


def test_rich_text_is_sanitised_on_save(manager_a, group_a):
    meeting = MeetingFactory(body=group_a)
    item = services.minutes_item_create(
        actor=manager_a, meeting=meeting, title="Bod",
        text_html='<p onclick="x()">A <strong>b</strong> <script>alert(1)</script>'
                  '<a href="javascript:alert(1)">odkaz</a> <a href="https://ostrava.cz">web</a>'
                  '<style>p{}</style></p>')
    assert "<script" not in item.text_html and "alert" not in item.text_html
    assert "javascript:" not in item.text_html and "onclick" not in item.text_html
    assert "<style" not in item.text_html
    assert "<strong>b</strong>" in item.text_html
    assert 'href="https://ostrava.cz"' in item.text_html


def test_amending_published_minutes_keeps_the_earlier_version(officer, group_a, client):
    meeting = MeetingFactory.with_minutes(body=group_a, minutes_status="published")
    item = meeting.items.get()
    with pytest.raises(ValidationError):
        services.minutes_item_update(actor=officer, minutes_item=item, title="Nový název")
    services.minutes_amend_open(actor=officer, meeting=meeting, reason="Překlep v názvu")
    services.minutes_item_update(actor=officer, minutes_item=item, title="Nový název")
    services.minutes_amend_close(actor=officer, meeting=meeting)
    version = meeting.versions.get()
    assert version.number == 1 and version.reason == "Překlep v názvu"
    assert version.document["items"][0]["title"] == "Organizační záležitosti"
    # Both readable by the public.
    detail = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Nový název" in detail
    old = client.get(reverse("meetings:version", args=[meeting.pk, 1])).content.decode()
    assert "Organizační záležitosti" in old and "Překlep v názvu" in old


def test_unfinished_tasks_appear_at_the_next_meeting(manager_a, group_a, client):
    first = MeetingFactory.with_minutes(body=group_a, minutes_status="published")
    first.items.update(moved_to_next=True)
    # The next meeting is planned from the minutes (draft minutes of the first one).
    draft = MeetingFactory.with_minutes(body=group_a, day=datetime.date(2025, 2, 1))
    nxt = services.next_meeting_plan(actor=manager_a, meeting=draft,
                                     date=datetime.date(2025, 2, 20), place_name="Nová radnice",
                                     place_room="504/5p.")
    assert Meeting.objects.get(pk=draft.pk).next_meeting == nxt
    assert nxt.status == "planned" and nxt.starts_on == datetime.date(2025, 2, 20)
    client.force_login(manager_a)
    page = client.get(reverse("meetings:detail", args=[nxt.pk])).content.decode()
    assert page.count("Zpracovat tabulku – potenciální nositel") == 2  # from both earlier meetings
    task = Task.objects.filter(meeting=first).get()
    services.task_set_status(actor=manager_a, task=task, status=TaskStatus.DONE,
                             at_meeting=nxt)
    page = client.get(reverse("meetings:detail", args=[nxt.pk])).content.decode()
    assert page.count("Zpracovat tabulku – potenciální nositel") == 1


def test_next_meeting_must_come_later(manager_a, group_a):
    meeting = MeetingFactory.with_minutes(body=group_a)
    with pytest.raises(ValidationError):
        services.next_meeting_plan(actor=manager_a, meeting=meeting,
                                   date=datetime.date(2025, 1, 1))


def test_parts_are_numbered_kept_to_their_meeting_and_tasks_locked(manager_a, officer, group_a):
    meeting = MeetingFactory.with_minutes(body=group_a)
    other = MeetingFactory.with_minutes(body=group_a, day=datetime.date(2025, 2, 1))
    point = services.programme_item_create(actor=manager_a, meeting=meeting, title="Různé")
    assert point.position == 2  # after the factory's one
    with pytest.raises(ValidationError) as wrong:
        services.programme_item_create(actor=manager_a, meeting=meeting, title="Pod bod",
                                       parent=other.programme.get())
    assert "parent" in wrong.value.message_dict
    task = meeting.tasks.get()
    with pytest.raises(ValidationError):
        services.task_update(actor=manager_a, task=task, item=other.items.get())
    services.task_update(actor=officer, task=task, expected_version=1, owner_text="KC")
    with pytest.raises(StaleEditError):
        services.task_update(actor=manager_a, task=task, expected_version=1, owner_text="Adra")
    task.refresh_from_db()
    assert (task.owner_text, task.version) == ("KC", 2)
    assert AuditEntry.objects.filter(object_id=str(task.pk), action=AuditAction.UPDATE,
                                     actor=officer).count() == 1


def test_minutes_cannot_be_submitted_before_the_meeting_takes_place(manager_a, group_a, client):
    """#15: the minutes of a meeting still to come are refused with a clear
    message, by the service and on the page; from its day on they go."""
    from django.utils import timezone

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    meeting = services.meeting_create(actor=manager_a, body=group_a,
                                      days=[(tomorrow, None, None)], place_name="Nová radnice")
    services.minutes_item_create(actor=manager_a, meeting=meeting,
                                 title="Různé", text_html="<p>Text</p>")
    with pytest.raises(ValidationError, match="se ještě nekonalo"):
        services.minutes_submit(actor=manager_a, meeting=meeting)
    client.force_login(manager_a)
    response = client.post(reverse("meetings:submit", args=[meeting.pk]), follow=True)
    assert response.status_code == 200
    assert "se ještě nekonalo" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).minutes_status == MinutesStatus.DRAFT
    services.meeting_update(actor=manager_a, meeting=meeting,
                            days=[(timezone.localdate(), None, None)])
    meeting = services.minutes_submit(actor=manager_a, meeting=meeting)
    assert meeting.minutes_status == MinutesStatus.SUBMITTED
