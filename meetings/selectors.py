"""Reads for meeting pages, feeds and datasets. Each returns a QuerySet (or a
fixed number of them) whose number of SQL queries does not grow with the rows."""

import datetime

from django.db.models import Prefetch, Q
from django.utils import timezone

from accounts.permissions import implementer_organisation_id, is_city_officer
from directory.models import Person, WorkingGroup
from directory.permissions import contact_group_ids, managed_group_ids, member_group_ids

from . import permissions
from .models import Event, EventKind, Meeting, MeetingDay, MeetingStatus, Task


def published_minutes():
    return Meeting.objects.published().select_related("body").order_by("-starts_on", "-pk")


def meeting_detail():
    return Meeting.objects.select_related(
        "body__manager", "body__contact_person", "recorded_by", "verified_by",
        "funding_project__call__programme",
    )


def calendar_meetings(*, group=None):
    """Announced and published meetings with their days, for iCalendar feeds."""
    qs = Meeting.objects.announced().select_related("body").prefetch_related(
        Prefetch("days", queryset=MeetingDay.objects.order_by("date"))
    ).filter(starts_on__isnull=False)
    if group is not None:
        qs = qs.filter(body=group)
    return qs.order_by("starts_on", "pk")


def calendar_events():
    """Events of the calendar feed: a timeline note is not an event to attend."""
    return Event.objects.exclude(kind=EventKind.NOTE).order_by("starts_on", "pk")


def event_list():
    return Event.objects.select_related("plan_area").order_by("-starts_on", "-pk")


def meeting_years():
    return sorted({d.year for d in Meeting.objects.published().filter(
        starts_on__isnull=False).dates("starts_on", "year")}, reverse=True)


def own_tasks_condition(user):
    """The tasks a user owns: by their person, their person's organisation,
    or the organisation they report for as an implementer; None when none can
    be theirs."""
    conditions = Q()
    person_id = getattr(user, "person_id", None) if user.is_authenticated else None
    if person_id:
        conditions |= Q(owner_person_id=person_id) | Q(
            owner_organisation_id__in=Person.objects.filter(
                pk=person_id, organisation_id__isnull=False).values("organisation_id"))
    organisation_id = implementer_organisation_id(user)
    if organisation_id:
        conditions |= Q(owner_organisation_id=organisation_id)
    return conditions or None


def open_tasks(user):
    """The open tasks the user follows: officers every one; others those of
    their groups (managed, contact person, member) and their own."""
    if is_city_officer(user):
        return Task.objects.open()
    groups = managed_group_ids(user) | contact_group_ids(user) | member_group_ids(user)
    return Task.objects.open().filter(Q(meeting__body_id__in=groups)
                                      | (own_tasks_condition(user) or Q(pk__isnull=True)))


def minutes_to_finish(user, *, today):
    """Minutes the user may still write or correct (draft or returned) of
    meetings held, or held tomorrow, and not cancelled."""
    return (permissions.can_submit_minutes.filter(user, Meeting.objects.all())
            .filter(starts_on__lte=today + datetime.timedelta(days=1))
            .exclude(status=MeetingStatus.CANCELLED))


def minutes_to_verify(user):
    return permissions.can_verify_minutes.filter(user, Meeting.objects.all())


def _unfiltered(queryset):
    return queryset


def dashboard(user, *, filter_tasks=_unfiltered, filter_minutes=_unfiltered):
    """What a manager or contact person needs first: their groups, upcoming
    meetings, open tasks, minutes to finish, minutes to verify. `filter_tasks`
    and `filter_minutes` narrow the open tasks and the minutes to finish (the
    dashboard's FilterSets, which the desk's counts link to)."""
    managed = managed_group_ids(user)
    contact = contact_group_ids(user)
    member = member_group_ids(user)
    everything = is_city_officer(user)
    groups_q = Q(pk__in=managed | contact | member)
    groups = WorkingGroup.objects.all() if everything else WorkingGroup.objects.filter(groups_q)
    today = timezone.localdate()
    meetings = Meeting.objects.select_related("body")
    return {
        "groups": list(groups.order_by("kind", "name")) if not everything else [],
        "upcoming": list(permissions.can_view_meeting_internals.filter(user, meetings).filter(
            starts_on__gte=today).exclude(status="cancelled").order_by("starts_on")[:20]),
        "open_tasks": list(filter_tasks(open_tasks(user))
                           .select_related("meeting__body", "owner_person", "owner_organisation")
                           .order_by("deadline", "pk")[:50]),
        "to_finish": list(filter_minutes(minutes_to_finish(user, today=today))
                          .select_related("body").order_by("-starts_on")[:50])
        if (managed or everything) else [],
        "to_verify": list(minutes_to_verify(user).select_related("body")
                          .order_by("submitted_at")[:50]) if (contact or everything) else [],
    }


def timeline_events(*, year=None, date_from=None, date_to=None):
    """Events in date order, for the report's month-by-month timeline."""
    qs = Event.objects.select_related("plan_area").order_by("starts_on", "pk")
    if year is not None:
        qs = qs.filter(starts_on__year=year)
    if date_from is not None:
        qs = qs.filter(starts_on__gte=date_from)
    if date_to is not None:
        qs = qs.filter(starts_on__lte=date_to)
    return qs
