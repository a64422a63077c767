"""Meetings: published minutes are public; draft, submitted and returned minutes
are seen by officers and the group's own people only (others get 404); the
group's manager edits, its contact person verifies, officers amend."""

import datetime

from django.core.files.base import ContentFile

from . import LOGIN, ROLES, everyone, officers_and_manager_of_a, officers_only, signed_in

INSIDERS_A = ("administrator", "city_officer", "manager_a", "contact_a", "member_a")


def hidden_unless(allowed, *, insiders=INSIDERS_A, forbidden=403):
    """Outsiders of the group get 404 (the draft does not leak); insiders
    without the right get `forbidden`; `allowed` get 200."""
    return {role: 200 if role in allowed else forbidden if role in insiders else 404
            for role in ROLES}


def seen_by_insiders_of_a():
    return hidden_unless(INSIDERS_A)


def edit_draft_a():
    return hidden_unless(("administrator", "city_officer", "manager_a"))


def officers_only_hidden():
    """Group B's draft: only officers see it; everyone else 404."""
    return {role: 200 if role in ("administrator", "city_officer") else 404 for role in ROLES}


def insiders_only_of_published_a():
    return {"anonymous": LOGIN,
            **{role: 200 if role in INSIDERS_A else 403 for role in ROLES[1:]}}


def public_but_forbidden():
    return {"anonymous": LOGIN, **{r: 403 for r in ROLES[1:]}}


def extend_world(world):
    from django.core.files.storage import default_storage

    from meetings.models import MinutesVersion
    from tests.meetings.factories import MeetingFactory

    published = MeetingFactory.with_minutes(body=world["group_a"], minutes_status="published",
                                            day=datetime.date(2024, 10, 24))
    draft = MeetingFactory.with_minutes(body=world["group_a"], day=datetime.date(2025, 1, 16))
    submitted = MeetingFactory.with_minutes(body=world["group_a"], minutes_status="submitted",
                                            day=datetime.date(2025, 2, 20))
    draft_b = MeetingFactory.with_minutes(body=world["group_b"])
    # Two fixed names, overwritten on every run, so that MEDIA_ROOT does not fill up.
    for label, meeting in (("published", published), ("draft", draft)):
        name = f"meetings/attendance/role-matrix-{label}.pdf"
        if default_storage.exists(name):
            default_storage.delete(name)
        meeting.attendance_scan.save(name.rsplit("/", 1)[1], ContentFile(b"%PDF-1.4\n%%EOF\n"))
        meeting.attendance_scan_type = "pdf"
        meeting.save()
    MinutesVersion.objects.create(meeting=published, number=1, reason="Překlep",
                                  document={**_doc_stub(published)})
    from meetings.models import Event

    event = Event.objects.create(title="Kulatý stůl k předluženým rodinám",
                                 starts_on=datetime.date(2023, 11, 1), month_only=True)
    return {
        "meeting_published": published,
        "meeting_draft": draft,
        "meeting_submitted": submitted,
        "meeting_draft_b": draft_b,
        "event": event,
    }


def _doc_stub(meeting):
    from meetings.documents import minutes_document

    return minutes_document(meeting)


def _item(w, key="meeting_draft"):
    return w[key].items.first().pk


def _task(w, key="meeting_draft"):
    return w[key].tasks.first().pk


MATRIX = {
    "meetings:list": [("", lambda w: [], everyone())],
    "meetings:dashboard": [("", lambda w: [], signed_in())],
    "meetings:calendar": [("", lambda w: [], everyone())],
    "meetings:group_calendar": [("A", lambda w: [w["group_a"].code], everyone())],
    "meetings:create": [("", lambda w: [], officers_and_manager_of_a())],
    "meetings:events": [("", lambda w: [], everyone())],
    "meetings:event_create": [("", lambda w: [], officers_only())],
    "meetings:event_update": [("", lambda w: [w["event"].pk], officers_only())],
    "meetings:event_delete": [("", lambda w: [w["event"].pk], officers_only())],
    "meetings:detail": [
        ("published A", lambda w: [w["meeting_published"].pk], everyone()),
        ("draft A", lambda w: [w["meeting_draft"].pk], seen_by_insiders_of_a()),
        ("draft B", lambda w: [w["meeting_draft_b"].pk], officers_only_hidden()),
    ],
    "meetings:update": [
        ("draft A", lambda w: [w["meeting_draft"].pk], edit_draft_a()),
        ("published A", lambda w: [w["meeting_published"].pk], public_but_forbidden()),
        ("draft B", lambda w: [w["meeting_draft_b"].pk], officers_only_hidden()),
    ],
    "meetings:ics": [
        ("published A", lambda w: [w["meeting_published"].pk], everyone()),
        ("draft A", lambda w: [w["meeting_draft"].pk], seen_by_insiders_of_a()),
    ],
    "meetings:pdf": [
        ("published A", lambda w: [w["meeting_published"].pk], everyone()),
        ("draft A", lambda w: [w["meeting_draft"].pk], seen_by_insiders_of_a()),
    ],
    "meetings:attendance_sheet": [
        ("draft A", lambda w: [w["meeting_draft"].pk], edit_draft_a()),
        ("published A", lambda w: [w["meeting_published"].pk], public_but_forbidden()),
    ],
    # Signatures: never public, even when the minutes are.
    "meetings:scan": [
        ("published A", lambda w: [w["meeting_published"].pk], insiders_only_of_published_a()),
        ("draft A", lambda w: [w["meeting_draft"].pk], seen_by_insiders_of_a()),
    ],
    "meetings:membership_change": [
        ("draft A", lambda w: [w["meeting_draft"].pk], edit_draft_a()),
        ("draft B", lambda w: [w["meeting_draft_b"].pk], officers_only_hidden()),
    ],
    "meetings:next": [("draft A", lambda w: [w["meeting_draft"].pk], edit_draft_a())],
    "meetings:task_status": [
        ("draft A", lambda w: [w["meeting_draft"].pk, _task(w)], edit_draft_a()),
    ],
    "meetings:submit": [
        ("draft A", lambda w: [w["meeting_draft"].pk], edit_draft_a()),
        ("submitted A", lambda w: [w["meeting_submitted"].pk],
         hidden_unless(())),
    ],
    "meetings:review": [
        ("submitted A", lambda w: [w["meeting_submitted"].pk],
         hidden_unless(("administrator", "city_officer", "contact_a"))),
        ("draft A", lambda w: [w["meeting_draft"].pk], hidden_unless(())),
    ],
    "meetings:amend": [
        ("published A", lambda w: [w["meeting_published"].pk],
         {**public_but_forbidden(), "administrator": 200, "city_officer": 200}),
    ],
    "meetings:version": [
        ("published A", lambda w: [w["meeting_published"].pk, 1], everyone()),
    ],
    "meetings:part_create": [
        ("draft A item", lambda w: [w["meeting_draft"].pk, "item"], edit_draft_a()),
        ("draft A task", lambda w: [w["meeting_draft"].pk, "task"], edit_draft_a()),
        ("draft B programme", lambda w: [w["meeting_draft_b"].pk, "programme"],
         officers_only_hidden()),
    ],
    "meetings:part_update": [
        ("draft A item", lambda w: [w["meeting_draft"].pk, "item", _item(w)], edit_draft_a()),
        ("published A item", lambda w: [w["meeting_published"].pk, "item",
                                        _item(w, "meeting_published")], public_but_forbidden()),
    ],
    "meetings:part_delete": [
        ("draft A task", lambda w: [w["meeting_draft"].pk, "task", _task(w)], edit_draft_a()),
    ],
}
