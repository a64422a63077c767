"""The minutes as one plain document (a JSON-friendly dict): the detail page,
the PDF and the kept versions of amended minutes all render from it, so what
was published once can be shown again exactly, whatever changed later."""

import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from directory.models import BodyKind
from directory.selectors import document_language

from .models import (
    AttendanceRole,
    Meeting,
    MinutesStatus,
    Presence,
    Task,
    TaskStatus,
)
from .participation import year_tables
from .search import normalise, plain_text

DOCUMENT_FORMAT = 1


def _d(value):
    return f"{value.day}. {value.month}. {value.year}"


def _t(value):
    return f"{value.hour}:{value.minute:02d}"


def format_days(days):
    """'8. 3. 2018 od 13:00 hod.', '19. 4. 2018 (13:00–15:00)', '24.–25. 10. 2024',
    '30. 9. – 1. 10. 2024' from [(date, start, end)]."""
    days = sorted(days, key=lambda d: d[0])
    if not days:
        return ""
    first, last = days[0][0], days[-1][0]
    if len(days) == 1:
        text = _d(first)
        start, end = days[0][1], days[0][2]
        if start and end:
            text += f" ({_t(start)}–{_t(end)})"
        elif start:
            text += " " + _("from %(time)s") % {"time": _t(start)}
        return text
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}.–{last.day}. {last.month}. {last.year}"
    if first.year == last.year:
        return f"{first.day}. {first.month}. – {last.day}. {last.month}. {last.year}"
    return f"{_d(first)} – {_d(last)}"


def heading_of(body):
    if body.kind == BodyKind.MANAGERIAL_TEAM:
        return body.name.upper()
    if body.kind == BodyKind.PLATFORM:
        return _("platform %(name)s") % {"name": body.name.upper()}
    return _("working group %(name)s") % {"name": body.name.upper()}


def _role_label(role):
    return {
        AttendanceRole.MEMBER: "",
        AttendanceRole.GROUP_MANAGER: _("Group managers"),
        AttendanceRole.CONTACT_PERSON: _("Group contact persons"),
        AttendanceRole.GUEST: _("Guests"),
    }[AttendanceRole(role)]


def _task(task):
    return {
        "id": task.pk,
        "description": task.description,
        "owner": task.owner_display,
        "deadline": task.deadline.isoformat() if task.deadline else None,
        "deadline_text": _d(task.deadline) if task.deadline else "",
        "status": task.status,
        "status_label": str(TaskStatus(task.status).label),
        "meeting_id": task.meeting_id,
    }


def minutes_document(meeting, *, include_minutes=True, internal=False):
    """Everything the minutes show, in a fixed number of queries.

    `include_minutes` False leaves out the minutes proper (attendance, items,
    tasks): what the public sees of a planned meeting. `internal` adds open
    tasks and moved items of earlier meetings whose minutes are not published
    (for the group's own people)."""
    body = meeting.body
    days = list(meeting.days.all())
    doc = {
        "format": DOCUMENT_FORMAT,
        "meeting_id": meeting.pk,
        "body": {"name": body.name, "code": body.code, "kind": body.kind},
        "heading": heading_of(body),
        "kind": meeting.kind,
        "kind_label": str(meeting.get_kind_display()),
        "title": meeting.title,
        "status": meeting.status,
        "status_label": str(meeting.get_status_display()),
        "minutes_status": meeting.minutes_status,
        "days": [{"date": d.date.isoformat(),
                  "start": d.start_time.isoformat() if d.start_time else None,
                  "end": d.end_time.isoformat() if d.end_time else None} for d in days],
        "dates_text": format_days([(d.date, d.start_time, d.end_time) for d in days]),
        "place": {
            "name": meeting.place_name, "address": meeting.place_address,
            "room": meeting.place_room,
            "latitude": str(meeting.latitude) if meeting.latitude is not None else None,
            "longitude": str(meeting.longitude) if meeting.longitude is not None else None,
            "text": meeting.place_text,
        },
        "eu": None,
        "programme_days": [],
    }
    project = meeting.funding_project
    if project is not None:
        programme = project.call.programme
        doc["eu"] = {
            "programme": programme.name,
            "fund": str(programme.get_eu_fund_display()),
            "project_title": project.title,
            "registration_number": project.registration_number,
        }
    # Programme: top-level points with their sub-points, per day when several.
    programme = list(meeting.programme.select_related("presenter", "day"))
    children = {}
    for point in programme:
        children.setdefault(point.parent_id, []).append(point)

    def point_dict(point):
        presenter = point.presenter_text or (point.presenter.full_name if point.presenter_id
                                             else "")
        return {"title": point.title, "presenter": presenter,
                "children": [point_dict(c) for c in children.get(point.pk, [])]}

    day_index = {d.pk: i for i, d in enumerate(days, start=1)}
    groups = {}
    for point in children.get(None, []):
        number = day_index.get(point.day_id) if len(days) > 1 else None
        groups.setdefault(number, []).append(point_dict(point))
    for number in sorted(groups, key=lambda n: (n is not None, n or 0)):
        label = _("Day %(n)s") % {"n": number} if number else ""
        doc["programme_days"].append({"label": label, "items": groups[number]})
    # Carried over from the group's earlier meetings, within the carry-over
    # window (settings.MEETINGS_TASK_CARRY_OVER_DAYS): a task agreed years ago
    # is not what the group's minutes of today list.
    earlier = Task.objects.open().filter(meeting__body_id=meeting.body_id).exclude(
        meeting_id=meeting.pk).select_related("owner_person", "owner_organisation", "meeting")
    if meeting.starts_on:
        window = datetime.timedelta(days=settings.MEETINGS_TASK_CARRY_OVER_DAYS)
        earlier = earlier.filter(meeting__starts_on__lt=meeting.starts_on,
                                 meeting__starts_on__gte=meeting.starts_on - window)
    if not internal:
        earlier = earlier.filter(meeting__minutes_status=MinutesStatus.PUBLISHED)
    doc["carried_tasks"] = [
        {**_task(t), "from": _d(t.meeting.starts_on) if t.meeting.starts_on else ""}
        for t in earlier.order_by("meeting__starts_on", "position", "pk")
    ]
    previous = getattr(meeting, "_previous", None)
    doc["moved_items"] = []
    if previous is not None and (internal or previous.minutes_status
                                 == MinutesStatus.PUBLISHED):
        doc["moved_items"] = [
            {"number": i.position, "title": i.title, "from": _d(previous.starts_on)
             if previous.starts_on else ""}
            for i in previous.items.all() if i.moved_to_next
        ]
    if not include_minutes:
        doc["minutes_included"] = False
        return doc
    doc["minutes_included"] = True
    # Attendance.
    present, excused = {}, []
    for row in meeting.attendance.select_related("person", "organisation"):
        name = row.display_name
        if row.person_id and row.organisation_id and not row.name_text:
            name = f"{name} ({row.organisation.short_name or row.organisation.name})"
        if row.presence == Presence.EXCUSED:
            excused.append(name)
        else:
            present.setdefault(row.role, []).append(name)
    doc["attendance_sheet"] = meeting.attendance_sheet
    doc["has_scan"] = bool(meeting.attendance_scan)
    doc["present_groups"] = [
        {"role": role, "label": _role_label(role), "names": present[role]}
        for role in AttendanceRole.values if role in present
    ]
    doc["excused"] = excused
    # Items with their tasks.
    tasks = list(meeting.tasks.select_related("owner_person", "owner_organisation"))
    by_item = {}
    for task in tasks:
        by_item.setdefault(task.item_id, []).append(_task(task))
    doc["items"] = [
        {"id": item.pk, "number": item.position, "title": item.title,
         "text_html": item.text_html, "decisions": item.decisions,
         "moved_to_next": item.moved_to_next, "tasks": by_item.get(item.pk, [])}
        for item in meeting.items.all()
    ]
    doc["other_tasks"] = by_item.get(None, [])
    doc["membership_changes"] = [
        {"organisation": str(c.organisation),
         "member": c.member_display, "substitute": c.substitute_display,
         "effective_on": c.effective_on.isoformat(), "effective_text": _d(c.effective_on),
         "published_text": c.published_text}
        for c in meeting.membership_changes.select_related("organisation", "member",
                                                            "substitute")
    ]
    doc["recorded_by"] = meeting.recorded_by_text or (
        meeting.recorded_by.full_name if meeting.recorded_by_id else "")
    doc["recorded_on"] = _d(meeting.recorded_on) if meeting.recorded_on else ""
    doc["verified_by"] = meeting.verified_by_text or (
        meeting.verified_by.full_name if meeting.verified_by_id else "")
    nxt = meeting.next_meeting
    doc["next_meeting"] = None
    if nxt is not None:
        nxt_days = list(nxt.days.all())
        doc["next_meeting"] = {
            "id": nxt.pk,
            "dates_text": format_days([(d.date, d.start_time, d.end_time) for d in nxt_days]),
            "place": nxt.place_text,
            "latitude": str(nxt.latitude) if nxt.latitude is not None else None,
            "longitude": str(nxt.longitude) if nxt.longitude is not None else None,
        }
    return doc


def with_previous(meeting):
    """Attach the meeting whose `next_meeting` this is (for moved items)."""
    try:
        meeting._previous = meeting.previous_meeting
    except Meeting.DoesNotExist:
        meeting._previous = None
    return meeting


def search_text_of(doc):
    """Plain, accent-free, lower-case text of everything published (matched)."""
    return normalise(search_display_of(doc))


def search_display_of(doc):
    """The same words as `search_text_of`, as printed (the passage shown)."""
    parts = [doc["body"]["name"], doc["body"]["code"], doc["title"], doc["kind_label"],
             doc["dates_text"], doc["place"]["text"]]
    for day in doc["programme_days"]:
        stack = list(day["items"])
        while stack:
            point = stack.pop()
            parts += [point["title"], point["presenter"]]
            stack += point["children"]
    for item in doc.get("items", []):
        parts += [item["title"], plain_text(item["text_html"]), item["decisions"]]
        parts += [t["description"] for t in item["tasks"]]
    parts += [t["description"] for t in doc.get("other_tasks", [])]
    for group in doc.get("present_groups", []):
        parts += group["names"]
    parts += doc.get("excused", [])
    parts += [doc.get("recorded_by", ""), doc.get("verified_by", "")]
    return " ".join(" ".join(p.split()) for p in parts if p and p.strip())


def minutes_pdf_html(meeting, *, internal=False):
    """The minutes' HTML, for the meeting's PDF download and the report runs,
    in the city's language of published documents (not the reader's)."""
    language = document_language()
    with translation.override(language):
        with_previous(meeting)
        doc = minutes_document(meeting, include_minutes=True, internal=internal)
        return render_to_string("meetings/minutes_pdf.html",
                                {"doc": doc, "language": language})


def participation_chapter_html(year):
    """The chapter of the yearly evaluation on the participation of member
    organisations in the bodies' meetings of `year` (organisations × meetings
    per body), in the language of published documents."""
    with translation.override(document_language()):
        return render_to_string("meetings/participation/chapter_pdf.html",
                                {"year": year, "tables": year_tables(year)})
