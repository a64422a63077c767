"""Every change to meetings and minutes goes through these functions:
validated, atomic, audited with the acting user. They also enforce the minutes
workflow (which status may follow which, what may change when); who may call
them is decided in meetings.permissions and checked by the views."""

import datetime
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import AuditAction, audit_entries_for, audit_record
from core.sanitize import sanitize_html
from core.services import UNSET, StaleEditError, given, model_create, model_update
from core.uploads import MiB, read_upload, sniff_type
from directory import services as directory_services
from directory.models import Membership
from notifications.services import mail_enqueue

from . import mail_kinds, participation
from .documents import minutes_document, search_display_of
from .models import (
    EDITABLE_MINUTES_STATUSES,
    MINUTES_TRANSITIONS,
    Attendance,
    Event,
    Meeting,
    MeetingDay,
    MeetingKind,
    MeetingStatus,
    MembershipChange,
    MinutesItem,
    MinutesStatus,
    MinutesVersion,
    ProgrammeItem,
    Task,
    TaskStatus,
)
from .search import normalise

SCAN_MAX_BYTES = 10 * MiB
SCAN_TYPES = ("pdf", "png", "jpeg")
SCAN_EXTENSIONS = {"pdf": "pdf", "png": "png", "jpeg": "jpg"}


# --- Helpers ---------------------------------------------------------------------


def check_content_editable(meeting):
    """Minutes content changes while draft or returned, or during an officer's
    amendment of published minutes; never while waiting for verification."""
    meeting = Meeting.objects.only("minutes_status", "amendment_open").get(pk=meeting.pk)
    if meeting.minutes_status in EDITABLE_MINUTES_STATUSES:
        return
    if meeting.minutes_status == MinutesStatus.PUBLISHED and meeting.amendment_open:
        return
    if meeting.minutes_status == MinutesStatus.SUBMITTED:
        raise ValidationError(_("The minutes are waiting for verification and cannot change "
                                "now; the contact person may return them for corrections."))
    raise ValidationError(_("Published minutes change only in an officer's amendment, "
                            "with a recorded reason."))


# Meetings whose refresh waits for the end of `refreshed_once` (None: none waits).
_pending_refresh = ContextVar("pending_meeting_refresh", default=None)


@contextmanager
def refreshed_once():
    """Within it, `refresh_meeting` runs once per meeting, at the end, instead
    of once per part: filling a whole set of minutes part by part would render
    its document again after every part."""
    if _pending_refresh.get() is not None:  # an outer block refreshes
        yield
        return
    pending = {}
    token = _pending_refresh.set(pending)
    try:
        yield
    finally:
        _pending_refresh.reset(token)
    for meeting in pending.values():
        refresh_meeting(meeting)


def refresh_meeting(meeting):
    """Recompute the denormalised first day and search texts (no audit: they
    follow from audited rows)."""
    pending = _pending_refresh.get()
    if pending is not None:
        pending[meeting.pk] = meeting
        return
    first = meeting.days.order_by("date").values_list("date", flat=True).first()
    meeting = Meeting.objects.get(pk=meeting.pk)
    document = minutes_document(meeting, include_minutes=True)
    display = search_display_of(document)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_on=first, search_text=normalise(display), search_display=display
    )


def _transition(*, actor, meeting, to, changes=None, message=""):
    allowed = MINUTES_TRANSITIONS.get(MinutesStatus(meeting.minutes_status), ())
    if to not in allowed:
        raise ValidationError(
            _("The minutes cannot go from “%(old)s” to “%(new)s”.") % {
                "old": MinutesStatus(meeting.minutes_status).label,
                "new": MinutesStatus(to).label}
        )
    old = meeting.minutes_status
    meeting.minutes_status = to
    meeting.full_clean()
    meeting.version += 1
    meeting.save()
    audit_record(
        actor=actor, action=AuditAction.TRANSITION, instance=meeting,
        changes={"minutes_status": [old, to], **(changes or {})}, message=message,
    )


def _notify(*, kind, meeting, recipients, subject, body, params):
    """Queue the mail in the outbox (notifications), with the meeting's link."""
    mail_enqueue(kind=kind, recipients=recipients, subject=subject, body=body,
                 params=params, link=_meeting_url(meeting))


def _meeting_url(meeting):
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    return f"{base}{meeting.get_absolute_url()}"


def _locked(meeting):
    return Meeting.objects.select_for_update(of=("self",)).select_related(
        "body__manager", "body__contact_person").get(pk=meeting.pk)


# --- Meetings --------------------------------------------------------------------

def _save_days(meeting, days):
    """`days`: [(date, start_time, end_time)]; replaces the meeting's days."""
    seen = set()
    for day, _start, _end in days:
        if day in seen:
            raise ValidationError({"days": _("The day %(day)s is given twice.")
                                   % {"day": day.strftime("%-d. %-m. %Y")}})
        seen.add(day)
    meeting.days.all().delete()
    for day, start, end in days:
        row = MeetingDay(meeting=meeting, date=day, start_time=start, end_time=end)
        row.full_clean()
        row.save()


def _days_of(meeting):
    return [[d.date.isoformat(), d.start_time and d.start_time.isoformat(),
             d.end_time and d.end_time.isoformat()] for d in meeting.days.all()]


def meeting_create(
    *, actor, body, days, source="", kind=UNSET, title=UNSET, status=UNSET, place_name=UNSET,
    place_address=UNSET, place_room=UNSET, latitude=UNSET, longitude=UNSET, recorded_by=UNSET,
    recorded_by_text=UNSET, recorded_on=UNSET, funding_project=UNSET, place_published=UNSET,
) -> Meeting:
    """A meeting of `body` on `days` ([(date, start_time, end_time)]).
    `place_published`: the place as the published minutes print it."""
    data = given(kind=kind, title=title, status=status, place_name=place_name,
                 place_published=place_published,
                 place_address=place_address, place_room=place_room, latitude=latitude,
                 longitude=longitude, recorded_by=recorded_by, recorded_by_text=recorded_by_text,
                 recorded_on=recorded_on, funding_project=funding_project)
    if not days:
        raise ValidationError({"days": _("Give at least one day of the meeting.")})
    with transaction.atomic():
        meeting = model_create(
            actor=actor, model=Meeting, data={"body": body, "source": source, **data},
            after_save=lambda m: _save_days(m, days),
        )
        refresh_meeting(meeting)
    return Meeting.objects.get(pk=meeting.pk)


def meeting_update(
    *, actor, meeting, expected_version=None, days=None, kind=UNSET, title=UNSET, status=UNSET,
    place_name=UNSET, place_address=UNSET, place_room=UNSET, latitude=UNSET, longitude=UNSET,
    recorded_by=UNSET, recorded_by_text=UNSET, recorded_on=UNSET, funding_project=UNSET,
) -> Meeting:
    """Change the given fields; `days` None keeps them. The body, the minutes
    and the workflow change only through their own services."""
    data = given(kind=kind, title=title, status=status, place_name=place_name,
                 place_address=place_address, place_room=place_room, latitude=latitude,
                 longitude=longitude, recorded_by=recorded_by, recorded_by_text=recorded_by_text,
                 recorded_on=recorded_on, funding_project=funding_project)
    place = ("place_name", "place_address", "place_room")
    if meeting.place_published and any(
            name in data and data[name] != getattr(meeting, name) for name in place):
        data["place_published"] = ""  # the place as published no longer holds
    with transaction.atomic():
        check_content_editable(meeting)
        extra = None
        if days is not None:
            if not days:
                raise ValidationError({"days": _("Give at least one day of the meeting.")})
            old = _days_of(meeting)
            new = [[d.isoformat(), s and s.isoformat(), e and e.isoformat()]
                   for d, s, e in sorted(days)]
            if old != new:
                extra = {"days": [old, new]}
        meeting = model_update(
            actor=actor, instance=meeting, data=data, expected_version=expected_version,
            extra_changes=extra,
            after_save=(lambda m: _save_days(m, sorted(days))) if extra else None,
        )
        refresh_meeting(meeting)
    return Meeting.objects.get(pk=meeting.pk)


# --- Parts of the minutes ----------------------------------------------------------

def _check_belongs(meeting, data):
    for name in ("parent", "day", "item"):
        related = data.get(name)
        if related is not None and related.meeting_id != meeting.pk:
            raise ValidationError({name: _("Choose one from this meeting.")})


def _part_create(*, actor, meeting, model, data):
    """A part of the minutes, numbered after the last one unless `data` has a
    position; only while the content may change, and only with a parent, day
    or item of the same meeting."""
    with transaction.atomic():
        check_content_editable(meeting)
        _check_belongs(meeting, data)
        if data.get("position") is None:
            last = model.objects.filter(meeting=meeting).order_by("-position").first()
            data["position"] = (last.position + 1) if last else 1
        instance = model_create(actor=actor, model=model, data={"meeting": meeting, **data})
        refresh_meeting(meeting)
    return instance


def _part_update(*, actor, instance, data, expected_version=None):
    with transaction.atomic():
        check_content_editable(instance.meeting)
        _check_belongs(instance.meeting, data)
        instance = model_update(actor=actor, instance=instance, data=data,
                                expected_version=expected_version)
        refresh_meeting(instance.meeting)
    return instance


def programme_item_create(
    *, actor, meeting, title, position=None, parent=UNSET, day=UNSET, presenter=UNSET,
    presenter_text=UNSET,
) -> ProgrammeItem:
    """A point of the programme; with `parent`, a sub-point. `position` None:
    after the last one."""
    return _part_create(actor=actor, meeting=meeting, model=ProgrammeItem, data=given(
        title=title, position=position, parent=parent, day=day, presenter=presenter,
        presenter_text=presenter_text))


def programme_item_update(
    *, actor, programme_item, title=UNSET, position=UNSET, parent=UNSET, day=UNSET,
    presenter=UNSET, presenter_text=UNSET,
) -> ProgrammeItem:
    return _part_update(actor=actor, instance=programme_item, data=given(
        title=title, position=position, parent=parent, day=day, presenter=presenter,
        presenter_text=presenter_text))


def attendance_create(
    *, actor, meeting, position=None, presence=UNSET, role=UNSET, person=UNSET,
    organisation=UNSET, name_text=UNSET,
) -> Attendance:
    """Someone present at or excused from the meeting: a person, an
    organisation or a name as published."""
    return _part_create(actor=actor, meeting=meeting, model=Attendance, data=given(
        position=position, presence=presence, role=role, person=person,
        organisation=organisation, name_text=name_text))


def attendance_update(
    *, actor, attendance, position=UNSET, presence=UNSET, role=UNSET, person=UNSET,
    organisation=UNSET, name_text=UNSET,
) -> Attendance:
    return _part_update(actor=actor, instance=attendance, data=given(
        position=position, presence=presence, role=role, person=person,
        organisation=organisation, name_text=name_text))


def minutes_item_create(
    *, actor, meeting, title, position=None, text_html=UNSET, decisions=UNSET,
    moved_to_next=UNSET,
) -> MinutesItem:
    """A numbered item of the minutes; `text_html` is sanitised."""
    return _part_create(actor=actor, meeting=meeting, model=MinutesItem, data=given(
        title=title, position=position,
        text_html=text_html if text_html is UNSET else sanitize_html(text_html),
        decisions=decisions, moved_to_next=moved_to_next))


def minutes_item_update(
    *, actor, minutes_item, title=UNSET, position=UNSET, text_html=UNSET, decisions=UNSET,
    moved_to_next=UNSET,
) -> MinutesItem:
    return _part_update(actor=actor, instance=minutes_item, data=given(
        title=title, position=position,
        text_html=text_html if text_html is UNSET else sanitize_html(text_html),
        decisions=decisions, moved_to_next=moved_to_next))


def task_create(
    *, actor, meeting, description, position=None, item=UNSET, owner_person=UNSET,
    owner_organisation=UNSET, owner_text=UNSET, deadline=UNSET, status=UNSET,
) -> Task:
    """A task agreed at the meeting, under its minutes `item` if given."""
    return _part_create(actor=actor, meeting=meeting, model=Task, data=given(
        description=description, position=position, item=item, owner_person=owner_person,
        owner_organisation=owner_organisation, owner_text=owner_text, deadline=deadline,
        status=status))


def task_update(
    *, actor, task, expected_version=None, description=UNSET, position=UNSET, item=UNSET,
    owner_person=UNSET, owner_organisation=UNSET, owner_text=UNSET, deadline=UNSET,
    status=UNSET,
) -> Task:
    data = given(description=description, position=position, item=item,
                 owner_person=owner_person, owner_organisation=owner_organisation,
                 owner_text=owner_text, deadline=deadline, status=status)
    # The owner's name as published (kept when they were anonymised) belongs to
    # the person it named: another owner is shown by their own name.
    if owner_person is not UNSET and getattr(owner_person, "pk", None) != task.owner_person_id:
        data["owner_person_text"] = ""
    return _part_update(actor=actor, instance=task, expected_version=expected_version,
                        data=data)


def part_delete(*, actor, instance):
    with transaction.atomic():
        meeting = instance.meeting
        check_content_editable(meeting)
        audit_record(actor=actor, action=AuditAction.DELETE, instance=instance,
                     changes={"meeting": [str(meeting), None]})
        instance.delete()
        refresh_meeting(meeting)


def attendance_sheet_set(*, actor, meeting, attendance_sheet, scan=None, remove_scan=False):
    """'See the attendance sheet' and its scan, checked by content (PDF, PNG,
    JPEG), at most SCAN_MAX_BYTES. A refused file saves nothing."""
    data = read_upload(scan, allowed=SCAN_TYPES, max_bytes=SCAN_MAX_BYTES) if scan else None
    with transaction.atomic():
        check_content_editable(meeting)
        current = _locked(meeting)
        old = {"attendance_sheet": current.attendance_sheet,
               "attendance_scan": current.attendance_scan.name or ""}
        current.attendance_sheet = attendance_sheet
        old_file = current.attendance_scan.name if (data is not None or remove_scan) else None
        if data is not None:
            kind = sniff_type(data)
            name = f"meeting-{current.pk}-{uuid.uuid4().hex}.{SCAN_EXTENSIONS[kind]}"
            current.attendance_scan.save(name, ContentFile(data), save=False)
            current.attendance_scan_type = kind
        elif remove_scan:
            current.attendance_scan = ""
            current.attendance_scan_type = ""
        new = {"attendance_sheet": current.attendance_sheet,
               "attendance_scan": current.attendance_scan.name or ""}
        changes = {k: [old[k], new[k]] for k in new if old[k] != new[k]}
        if changes:
            current.version += 1
            current.save()
            audit_record(actor=actor, action=AuditAction.UPDATE, instance=current,
                         changes=changes)
            if old_file:
                transaction.on_commit(lambda: current.attendance_scan.storage.delete(old_file))
    return current


def membership_change_record(*, actor, meeting, organisation, effective_on, member=None,
                             substitute=None, published_text="", item=None):
    """Record a change announced at the meeting and apply it to the group's
    membership history: the organisation's open seat ends on `effective_on`
    and a new one starts (empty member or substitute = unchanged); an
    organisation without a seat gets one."""
    with transaction.atomic():
        check_content_editable(meeting)
        source = _("Minutes of %(meeting)s") % {"meeting": meeting}
        seat = Membership.objects.filter(body=meeting.body, organisation=organisation,
                                         valid_to__isnull=True).first()
        if seat is None:
            if member is None:
                raise ValidationError({"member": _(
                    "%(org)s has no seat in this group yet: name its member.") % {
                        "org": organisation}})
            result = directory_services.membership_start(
                actor=actor, body=meeting.body, organisation=organisation, member=member,
                substitute=substitute, valid_from=effective_on, source=source)
        else:
            result = directory_services.membership_change(
                actor=actor, membership=seat, on=effective_on, source=source,
                member=UNSET if member is None else member,
                substitute=UNSET if substitute is None else substitute)
        change = model_create(actor=actor, model=MembershipChange, data={
            "meeting": meeting, "organisation": organisation, "member": member,
            "substitute": substitute, "effective_on": effective_on,
            "published_text": published_text, "item": item,
        })
        MembershipChange.objects.filter(pk=change.pk).update(membership=result)
        change.membership = result
    return change


def membership_change_link(*, actor, meeting, organisation, effective_on, membership, member=None,
                           substitute=None, published_text="", item=None):
    """Record an announced change that the membership history already holds
    (e.g. entered by the planning seed): only the link is written."""
    with transaction.atomic():
        change = model_create(actor=actor, model=MembershipChange, data={
            "meeting": meeting, "organisation": organisation, "member": member,
            "substitute": substitute, "effective_on": effective_on,
            "published_text": published_text, "item": item,
        })
        MembershipChange.objects.filter(pk=change.pk).update(membership=membership)
    return change


# --- Tasks across meetings ------------------------------------------------------------


def task_set_status(*, actor, task, status, at_meeting=None):
    """Tasks live on after their meeting: the group marks them done (or
    cancelled) at a later meeting, whatever the state of the first minutes."""
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    with transaction.atomic():
        data = {"status": status}
        current = Task.objects.select_for_update().get(pk=task.pk)
        if current.status == status:
            return current
        task = model_update(actor=actor, instance=current, data=data,
                            message=str(at_meeting) if at_meeting else "")
        Task.objects.filter(pk=task.pk).update(
            closed_at_meeting=at_meeting if status != TaskStatus.OPEN else None)
    return Task.objects.get(pk=task.pk)


# --- Next meeting ------------------------------------------------------------------


def next_meeting_plan(*, actor, meeting, date, start_time=None, end_time=None, place_name="",
                      place_address="", place_room="", latitude=None, longitude=None,
                      kind=MeetingKind.REGULAR, source=""):
    """'The next meeting will be on …': creates the planned meeting of the same
    body and links it as the next one."""
    with transaction.atomic():
        check_content_editable(meeting)
        current = _locked(meeting)
        if current.starts_on and date <= current.starts_on:
            raise ValidationError({"date": _("The next meeting must come after this one "
                                             "(%(day)s).") % {
                "day": current.starts_on.strftime("%-d. %-m. %Y")}})
        if current.next_meeting_id:
            raise ValidationError(_("The next meeting is already planned; edit it there."))
        planned = meeting_create(
            actor=actor, body=current.body, days=[(date, start_time, end_time)], kind=kind,
            status=MeetingStatus.PLANNED, place_name=place_name, place_address=place_address,
            place_room=place_room, latitude=latitude, longitude=longitude, source=source,
        )
        model_update(actor=actor, instance=current, data={"next_meeting": planned})
        refresh_meeting(current)
    return planned


# --- Workflow -------------------------------------------------------------------------


def minutes_submit(*, actor, meeting) -> Meeting:
    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.starts_on and meeting.starts_on > timezone.localdate():
            raise ValidationError(_(
                "The meeting has not taken place yet (it is on %(date)s): its minutes can "
                "be submitted from that day.")
                % {"date": meeting.starts_on.strftime("%-d. %-m. %Y")})
        if meeting.status == MeetingStatus.CANCELLED:
            raise ValidationError(_("The meeting was cancelled: it has no minutes to submit."))
        if not meeting.items.exists():
            raise ValidationError(_("Write at least one item of the minutes before "
                                    "submitting them."))
        meeting.submitted_at = timezone.now()
        meeting.return_comment = ""
        if meeting.status == MeetingStatus.PLANNED:
            meeting.status = MeetingStatus.HELD
        _transition(actor=actor, meeting=meeting, to=MinutesStatus.SUBMITTED)
        _notify(
            kind=mail_kinds.MINUTES_SUBMITTED, meeting=meeting,
            recipients=mail_kinds.emails_of(meeting.body.contact_person),
            subject=gettext_lazy("Minutes to verify: %(meeting)s"),
            body=gettext_lazy("The minutes of %(meeting)s were submitted for verification by "
                              "%(who)s."),
            params={"meeting": meeting, "who": actor},
        )
    return meeting


def minutes_return(*, actor, meeting, comment) -> Meeting:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what should be corrected.")})
    with transaction.atomic():
        meeting = _locked(meeting)
        meeting.return_comment = comment
        _transition(actor=actor, meeting=meeting, to=MinutesStatus.RETURNED, message=comment)
        _notify(
            kind=mail_kinds.MINUTES_RETURNED, meeting=meeting,
            recipients=mail_kinds.emails_of(meeting.body.manager),
            subject=gettext_lazy("Minutes returned for corrections: %(meeting)s"),
            body=gettext_lazy("%(who)s returned the minutes of %(meeting)s with this "
                              "comment:\n\n%(comment)s"),
            params={"who": actor, "meeting": meeting, "comment": comment},
        )
    return meeting


_ACTOR = object()


def minutes_publish(*, actor, meeting, verified_by=_ACTOR, verified_by_text=None) -> Meeting:
    """Verified ("Ověřil") by the acting contact person or officer, and public.
    The demo seed passes who verified the published minutes (`verified_by`,
    `verified_by_text` as printed); nobody else can name someone else."""
    with transaction.atomic():
        meeting = _locked(meeting)
        person = getattr(actor, "person", None) if verified_by is _ACTOR else verified_by
        meeting.verified_by = person
        if verified_by_text is None:
            verified_by_text = person.full_name if person else str(actor or "")
        meeting.verified_by_text = verified_by_text
        meeting.published_at = timezone.now()
        meeting.return_comment = ""
        if meeting.status == MeetingStatus.PLANNED:
            meeting.status = MeetingStatus.HELD
        _transition(actor=actor, meeting=meeting, to=MinutesStatus.PUBLISHED, changes={
            "verified_by": [None, meeting.verified_by_text]})
        refresh_meeting(meeting)
        participation.absence_alerts_refresh(actor=actor, body=meeting.body)
        _notify(
            kind=mail_kinds.MINUTES_PUBLISHED, meeting=meeting,
            recipients=mail_kinds.emails_of(meeting.body.manager),
            subject=gettext_lazy("Minutes published: %(meeting)s"),
            body=gettext_lazy("%(who)s verified and published the minutes of "
                              "%(meeting)s."),
            params={"who": actor, "meeting": meeting},
        )
    return meeting


def minutes_amend_open(*, actor, meeting, reason) -> MinutesVersion:
    """An officer opens published minutes for an amendment: the minutes as
    published so far are kept as a numbered version, with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the amendment.")})
    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.minutes_status != MinutesStatus.PUBLISHED:
            raise ValidationError(_("Only published minutes are amended; others are edited."))
        if meeting.amendment_open:
            raise ValidationError(_("An amendment is already in progress."))
        number = (meeting.versions.order_by("-number").values_list("number", flat=True)
                  .first() or 0) + 1
        version = MinutesVersion.objects.create(
            meeting=meeting, number=number, reason=reason, created_by=actor,
            document=minutes_document(meeting, include_minutes=True),
        )
        meeting.amendment_open = True
        meeting.version += 1
        meeting.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, instance=meeting,
                     changes={"amendment_open": [False, True]}, message=reason)
    return version


def minutes_amend_close(*, actor, meeting) -> Meeting:
    with transaction.atomic():
        meeting = _locked(meeting)
        if not meeting.amendment_open:
            raise ValidationError(_("No amendment is in progress."))
        meeting.amendment_open = False
        meeting.published_at = timezone.now()
        meeting.version += 1
        meeting.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, instance=meeting,
                     changes={"amendment_open": [True, False]})
        refresh_meeting(meeting)
        # The amendment may have corrected the attendance.
        participation.absence_alerts_refresh(actor=actor, body=meeting.body)
    return meeting


# --- Events ---------------------------------------------------------------------------


EVENT_FIELDS = ("title", "kind", "starts_on", "ends_on", "month_only", "start_time", "end_time",
                "place", "link", "organiser", "plan_area", "plan", "description", "source")


def _plain(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _event_state(event):
    return {name: _plain(getattr(event, name)) for name in EVENT_FIELDS}


def event_create(*, actor, title, starts_on, kind=UNSET, ends_on=UNSET, month_only=UNSET,
                 start_time=UNSET, end_time=UNSET, place=UNSET, link=UNSET, organiser=UNSET,
                 plan_area=UNSET, plan=UNSET, description=UNSET, source=UNSET) -> Event:
    """Audited like model_create; written out because core.audit does not turn
    times of day into JSON (see Event.audit_snapshot_extra)."""
    data = given(title=title, kind=kind, starts_on=starts_on, ends_on=ends_on,
                 month_only=month_only, start_time=start_time, end_time=end_time, place=place,
                 link=link, organiser=organiser, plan_area=plan_area, plan=plan,
                 description=description, source=source)
    with transaction.atomic():
        event = Event(**data)
        event.full_clean()
        event.save()
        audit_record(actor=actor, action=AuditAction.CREATE, instance=event,
                     changes={k: [None, v] for k, v in _event_state(event).items()
                              if v not in (None, "", False)})
    return event


def event_update(*, actor, event, expected_version=None, title=UNSET, kind=UNSET,
                 starts_on=UNSET, ends_on=UNSET, month_only=UNSET, start_time=UNSET,
                 end_time=UNSET, place=UNSET, link=UNSET, organiser=UNSET, plan_area=UNSET,
                 plan=UNSET, description=UNSET, source=UNSET) -> Event:
    data = given(title=title, kind=kind, starts_on=starts_on, ends_on=ends_on,
                 month_only=month_only, start_time=start_time, end_time=end_time, place=place,
                 link=link, organiser=organiser, plan_area=plan_area, plan=plan,
                 description=description, source=source)
    with transaction.atomic():
        current = Event.objects.select_for_update().get(pk=event.pk)
        if expected_version is not None and current.version != expected_version:
            newer = audit_entries_for(current)[: max(current.version - expected_version, 1)]
            raise StaleEditError(current, newer)
        before = _event_state(current)
        for name, value in data.items():
            setattr(current, name, value)
        current.full_clean()
        after = _event_state(current)
        changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if changes:
            current.version += 1
            current.save()
            audit_record(actor=actor, action=AuditAction.UPDATE, instance=current,
                         changes=changes)
    return current


__all__ = [
    "SCAN_MAX_BYTES", "attendance_create", "attendance_sheet_set", "attendance_update",
    "event_create", "event_update", "meeting_create", "meeting_update",
    "membership_change_record", "minutes_amend_close", "minutes_amend_open",
    "minutes_item_create", "minutes_item_update", "minutes_publish", "minutes_return",
    "minutes_submit", "next_meeting_plan", "normalise", "part_delete",
    "programme_item_create", "programme_item_update", "task_create", "task_set_status",
    "task_update",
]


def event_delete(*, actor, event):
    """Delete an event; the audit trail keeps what it was."""
    with transaction.atomic():
        current = Event.objects.select_for_update().get(pk=event.pk)
        audit_record(actor=actor, action=AuditAction.DELETE, instance=current,
                     changes={"title": [current.title, None],
                              "starts_on": [current.starts_on.isoformat(), None]})
        current.delete()


# --- Reminders ------------------------------------------------------------------------


def task_deadline_reminders_send(*, today=None) -> int:
    """Remind the owner of every open task whose deadline is within
    TASK_REMINDER_DAYS (daily, by beat). Each task is reminded once per
    deadline: a moved deadline is reminded again. Returns the mails queued."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=settings.TASK_REMINDER_DAYS)
    tasks = (Task.objects.filter(status=TaskStatus.OPEN, deadline__gte=today,
                                 deadline__lte=horizon, owner_person__isnull=False)
             .select_related("owner_person__user", "meeting__body").order_by("deadline", "pk"))
    queued = 0
    with transaction.atomic():
        for task in tasks:
            queued += len(mail_enqueue(
                kind=mail_kinds.TASK_DEADLINE,
                recipients=mail_kinds.emails_of(task.owner_person),
                subject=gettext_lazy("Task due on %(deadline)s: %(meeting)s"),
                body=gettext_lazy("Your task from %(meeting)s is due on %(deadline)s:\n\n"
                                  "%(task)s"),
                params={"deadline": task.deadline.strftime("%-d. %-m. %Y"),
                        "meeting": task.meeting, "task": task.description},
                link=_meeting_url(task.meeting),
                occasion=f"task:{task.pk}:{task.deadline.isoformat()}",
            ))
    return queued
