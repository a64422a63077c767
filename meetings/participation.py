"""Participation of member organisations in their body's meetings: who was
present, excused or absent at each meeting, and the alert when an organisation
misses meetings without excuse several times in a row.

Which meetings count: those held with published minutes (verified
attendance); a cancelled meeting or unpublished minutes say nothing yet.
Which organisations: the body's seats valid on the meeting's day. What each
mark means:

* present / excused: the minutes list the organisation (or a person of it)
  as present / excused;
* absent: a member organisation the minutes list neither way, when the
  minutes list who was present;
* not recorded: the minutes list nobody present (some published minutes do
  not say) or point to a paper attendance sheet. Such a meeting neither
  extends nor breaks a streak of absences.

An excuse breaks a streak: the rule is about absence *without* excuse."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.audit import AuditAction, audit_record
from directory.models import Membership, WorkingGroup
from notifications.services import mail_enqueue

from . import mail_kinds
from .models import AbsenceAlert, Attendance, Meeting, MeetingStatus, MinutesStatus, Presence

# Absences without excuse in a row that raise an alert.
ALERT_STREAK = 3
# The choices of "the last N meetings" on the group's page.
LAST_MEETINGS_CHOICES = (3, 6, 12, 24)
LAST_MEETINGS_DEFAULT = 6


class Mark:
    PRESENT = "present"
    EXCUSED = "excused"
    ABSENT = "absent"
    UNKNOWN = "unknown"


MARK_LABELS = {
    Mark.PRESENT: _("present"),
    Mark.EXCUSED: _("excused"),
    Mark.ABSENT: _("absent without excuse"),
    Mark.UNKNOWN: _("not recorded"),
}


# --- Reads ----------------------------------------------------------------------


def counted_meetings(body):
    """The body's meetings that count for participation, oldest first, each
    with its first day as `held_on` (read from its days: the denormalised
    `starts_on` may not be refreshed yet while minutes are filled in one block,
    meetings.services.refreshed_once)."""
    return (Meeting.objects.filter(body=body, minutes_status=MinutesStatus.PUBLISHED)
            .exclude(status=MeetingStatus.CANCELLED)
            .annotate(held_on=Min("days__date")).filter(held_on__isnull=False)
            .order_by("held_on", "pk"))


def last_meetings(body, count):
    return list(reversed(counted_meetings(body).reverse()[:count]))


def years_of(body):
    return sorted({day.year for day in counted_meetings(body).values_list("held_on", flat=True)},
                  reverse=True)


@dataclass
class OrganisationRow:
    organisation: object
    marks: list = field(default_factory=list)

    def count(self, mark):
        return sum(1 for m in self.marks if m == mark)

    @property
    def present(self):
        return self.count(Mark.PRESENT)

    @property
    def excused(self):
        return self.count(Mark.EXCUSED)

    @property
    def absent(self):
        return self.count(Mark.ABSENT)

    @property
    def cells(self):
        return [(mark, MARK_LABELS.get(mark, "")) for mark in self.marks]


@dataclass
class ParticipationTable:
    body: WorkingGroup
    meetings: list
    rows: list


def _seats_by_organisation(body):
    seats = {}
    for seat in (Membership.objects.filter(body=body, organisation__isnull=False)
                 .select_related("organisation").order_by("organisation__name", "valid_from")):
        seats.setdefault(seat.organisation_id, (seat.organisation, []))[1].append(seat)
    return seats


def _seated_on(seats, day):
    return any((seat.valid_from is None or seat.valid_from <= day)
               and (seat.valid_to is None or seat.valid_to > day) for seat in seats)


def participation_table(body, meetings):
    """Organisations × `meetings` (a list, in order): three queries, whatever
    the number of meetings and organisations."""
    meetings = list(meetings)
    presence = {}
    listed = set()
    rows = (Attendance.objects.filter(meeting__in=meetings)
            .annotate(seat=Coalesce("organisation_id", "person__organisation_id"))
            .values_list("meeting_id", "seat", "presence"))
    for meeting_id, organisation_id, state in rows:
        if state == Presence.PRESENT:
            listed.add(meeting_id)
        if organisation_id is None:
            continue
        key = (meeting_id, organisation_id)
        # Present wins over an excuse sent by another person of the organisation.
        if presence.get(key) != Presence.PRESENT:
            presence[key] = state
    recorded = {m.pk for m in meetings if m.pk in listed and not m.attendance_sheet}
    table_rows = []
    for organisation_id, (organisation, seats) in _seats_by_organisation(body).items():
        marks = []
        for meeting in meetings:
            if not _seated_on(seats, meeting.held_on):
                marks.append(None)
                continue
            state = presence.get((meeting.pk, organisation_id))
            if state == Presence.PRESENT:
                marks.append(Mark.PRESENT)
            elif state == Presence.EXCUSED:
                marks.append(Mark.EXCUSED)
            else:
                marks.append(Mark.ABSENT if meeting.pk in recorded else Mark.UNKNOWN)
        if any(mark is not None for mark in marks):
            table_rows.append(OrganisationRow(organisation=organisation, marks=marks))
    table_rows.sort(key=lambda row: row.organisation.name.casefold())
    return ParticipationTable(body=body, meetings=meetings, rows=table_rows)


@dataclass
class Streak:
    organisation: object
    meetings: list
    ended_at: Meeting | None = None


def absence_streaks(table):
    """Every run of absences without excuse in `table`, per organisation: a
    meeting not recorded or before the seat is skipped; presence or an excuse
    ends the run."""
    streaks = []
    for row in table.rows:
        current = None
        for meeting, mark in zip(table.meetings, row.marks, strict=True):
            if mark == Mark.ABSENT:
                if current is None:
                    current = Streak(organisation=row.organisation, meetings=[])
                    streaks.append(current)
                current.meetings.append(meeting)
            elif mark in (Mark.PRESENT, Mark.EXCUSED) and current is not None:
                current.ended_at = meeting
                current = None
    return streaks


def alerts_of(body):
    return (AbsenceAlert.objects.filter(body=body)
            .select_related("organisation", "first_meeting", "raised_at_meeting",
                            "ended_at_meeting"))


def open_alert_counts(group_ids):
    """{"body__code", "body__name", "count"} of open alerts per body, one query."""
    return (AbsenceAlert.objects.filter(body_id__in=group_ids, ended_at_meeting__isnull=True)
            .values("body__code", "body__name").annotate(count=Count("pk"))
            .order_by("body__name"))


def groups_with_seats(groups):
    """The bodies of `groups` with organisations' seats, for the index page."""
    return (groups.annotate(seat_count=Count("memberships",
                                             filter=Q(memberships__organisation__isnull=False)))
            .filter(seat_count__gt=0).order_by("kind", "name"))


# --- The alert -----------------------------------------------------------------


def absence_alert_raised(alert):
    """Queue the mail telling the body's manager and contact person about a
    new alert, in the transaction that raised it (notifications sends it after
    the commit); the alert shows on their desks too (meetings.desk)."""
    body = alert.body
    link = reverse("meetings:participation", args=[body.code])
    # The counted meetings carry their first day (counted_meetings); a seed
    # may publish minutes before the meeting's denormalised date is written.
    day = getattr(alert.raised_at_meeting, "held_on", None) or alert.raised_at_meeting.starts_on
    mail_enqueue(
        kind=mail_kinds.ABSENCE_ALERT,
        recipients=[*mail_kinds.emails_of(body.manager),
                    *mail_kinds.emails_of(body.contact_person)],
        subject=_("%(organisation)s missed three meetings of %(body)s in a row"),
        body=_("%(organisation)s was absent without excuse from %(count)s meetings of "
               "%(body)s in a row, the last on %(day)s. Its attendance over the last "
               "meetings is on the body's participation page."),
        params={"organisation": alert.organisation.name, "body": body.name,
                "count": ALERT_STREAK,
                "day": day.strftime("%-d. %-m. %Y")},
        link=f"{getattr(settings, 'PORTAL_BASE_URL', '').rstrip('/')}{link}",
        occasion=f"absence-alert:{alert.pk}")


def absence_alerts_refresh(*, actor, body):
    """Raise an alert for every streak of ALERT_STREAK or more absences without
    excuse that has none yet (one per streak, however long it grows), mark
    the alerts whose streak ended, and remove those whose streak corrected
    attendance undid. Called when a body's published attendance changes
    (minutes published, an amendment closed). Returns the new alerts."""
    with transaction.atomic():
        # One refresh of a body at a time, so two publications never raise the
        # same alert twice.
        WorkingGroup.objects.select_for_update().filter(pk=body.pk).first()
        table = participation_table(body, counted_meetings(body))
        existing = {(a.organisation_id, a.first_meeting_id): a
                    for a in AbsenceAlert.objects.filter(body=body)}
        raised = []
        for streak in absence_streaks(table):
            if len(streak.meetings) < ALERT_STREAK:
                continue
            key = (streak.organisation.pk, streak.meetings[0].pk)
            alert = existing.pop(key, None)
            ended_id = streak.ended_at.pk if streak.ended_at else None
            if alert is None:
                alert = AbsenceAlert(
                    body=body, organisation=streak.organisation,
                    first_meeting=streak.meetings[0],
                    raised_at_meeting=streak.meetings[ALERT_STREAK - 1],
                    ended_at_meeting=streak.ended_at)
                alert.full_clean()
                alert.save()
                audit_record(actor=actor, action=AuditAction.CREATE, instance=alert)
                raised.append(alert)
            elif alert.ended_at_meeting_id != ended_id:
                before = alert.ended_at_meeting_id
                alert.ended_at_meeting_id = ended_id
                alert.full_clean()
                alert.save(update_fields=["ended_at_meeting"])
                audit_record(actor=actor, action=AuditAction.UPDATE, instance=alert,
                             changes={"ended_at_meeting": [before, ended_id]})
        # What is left was raised on attendance an amendment has corrected since:
        # the series it named is gone.
        for alert in existing.values():
            audit_record(actor=actor, action=AuditAction.DELETE, instance=alert,
                         message=_("The attendance was corrected: the series of absences is gone."))
            alert.delete()
        for alert in raised:
            if alert.ended_at_meeting_id is None:
                absence_alert_raised(alert)
    return raised


def year_tables(year):
    """The participation table of every body for `year`: the bodies whose
    published minutes of that year list member organisations, by name."""
    tables = []
    for body in WorkingGroup.objects.order_by("name", "pk"):
        meetings = list(counted_meetings(body).filter(held_on__year=year))
        if meetings:
            table = participation_table(body, meetings)
            if table.rows:
                tables.append(table)
    return tables


def table_rows(table):
    """(header, rows) of `table` for a spreadsheet: an organisation a line, a
    meeting a column (its date), then the counts; empty where the
    organisation held no seat."""
    header = [str(_("Organisation")),
              *[meeting.held_on.strftime("%-d. %-m. %Y") for meeting in table.meetings],
              str(_("present")), str(_("excused")), str(_("absent without excuse"))]
    rows = [[row.organisation.name, *[str(MARK_LABELS[m]) if m else "" for m in row.marks],
             row.present, row.excused, row.absent] for row in table.rows]
    return header, rows
