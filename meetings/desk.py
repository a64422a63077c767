"""The meetings' panels of the desk (core/desk.py), one query each: minutes
to verify (contact person, officers); the next meeting and the minutes to
write of the groups a manager runs; open tasks (a manager's groups', and
one's own or one's organisation's); absence alerts (manager, contact person)."""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import is_authenticated, is_city_officer
from core.desk import DeskItem, Urgency, register_panel
from directory.permissions import contact_group_ids, managed_group_ids

from . import participation, selectors
from .filters import OpenTaskFilter
from .models import Meeting, MeetingStatus, MinutesStatus, Task

DASHBOARD = "meetings:dashboard"
NOTHING = Q(pk__isnull=True)
# How far ahead a manager's desk shows the next meeting.
NEXT_MEETING_DAYS = 90


def _dashboard(section, **query):
    """The dashboard's list `section`, filtered by its FilterSets (`query`)."""
    return f"{reverse(DASHBOARD)}{'?' + urlencode(query) if query else ''}#{section}"


def minutes_to_verify(user, *, today):
    if not (is_city_officer(user) or contact_group_ids(user)):
        return []
    count = selectors.minutes_to_verify(user).count()
    return [DeskItem(label=_("Minutes to verify"), url=_dashboard("verify-heading"),
                     count=count)]


def next_meetings(user, *, today):
    """The next planned meeting of each group the user manages."""
    managed = managed_group_ids(user)
    if not managed:
        return []
    first_of_each_group = Window(RowNumber(), partition_by=F("body_id"),
                                 order_by=(F("starts_on").asc(), F("pk").asc()))
    upcoming = (Meeting.objects.filter(body_id__in=managed, status=MeetingStatus.PLANNED,
                                       starts_on__gte=today,
                                       starts_on__lte=today + datetime.timedelta(
                                           days=NEXT_MEETING_DAYS))
                .annotate(rank=first_of_each_group).filter(rank=1)
                .select_related("body").order_by("starts_on", "pk"))
    return [DeskItem(
        label=_("Next meeting of %(group)s: %(date)s") % {
            "group": meeting.body.name, "date": date_format(meeting.starts_on,
                                                            "SHORT_DATE_FORMAT")},
        url=meeting.get_absolute_url(),
        urgency=Urgency.NORMAL if meeting.starts_on <= today + datetime.timedelta(days=7)
        else Urgency.INFO) for meeting in upcoming]


def minutes_to_write(user, *, today):
    """Minutes of the manager's groups still to be written, and minutes
    returned for corrections (the dashboard's list, filtered)."""
    if not managed_group_ids(user):
        return []
    counts = selectors.minutes_to_finish(user, today=today).aggregate(
        to_write=Count("pk", filter=Q(minutes_status=MinutesStatus.DRAFT)),
        returned=Count("pk", filter=Q(minutes_status=MinutesStatus.RETURNED)),
    )
    return [
        DeskItem(label=_("Returned minutes to correct"),
                 url=_dashboard("finish-heading", minutes_status=MinutesStatus.RETURNED),
                 count=counts["returned"], urgency=Urgency.URGENT),
        DeskItem(label=_("Minutes still to be written"),
                 url=_dashboard("finish-heading", minutes_status=MinutesStatus.DRAFT),
                 count=counts["to_write"]),
    ]


def open_tasks(user, *, today):
    if not is_authenticated(user):
        return []
    managed = managed_group_ids(user)
    own = selectors.own_tasks_condition(user)
    if not managed and own is None:
        return []
    own = own or NOTHING
    group = Q(meeting__body_id__in=managed)
    overdue = Q(deadline__lt=today)
    counts = Task.objects.open().filter(group | own).aggregate(
        group=Count("pk", filter=group), group_overdue=Count("pk", filter=group & overdue),
        own=Count("pk", filter=own), own_overdue=Count("pk", filter=own & overdue),
    )
    mine, managed_scope = OpenTaskFilter.MINE, OpenTaskFilter.MANAGED
    items = [
        DeskItem(label=_("Your open tasks past their deadline"),
                 url=_dashboard("tasks-heading", scope=mine, overdue="true"),
                 count=counts["own_overdue"], urgency=Urgency.URGENT),
        DeskItem(label=_("Your open tasks"), url=_dashboard("tasks-heading", scope=mine),
                 count=counts["own"]),
    ]
    if managed:
        items += [
            DeskItem(label=_("Open tasks of your groups past their deadline"),
                     url=_dashboard("tasks-heading", scope=managed_scope, overdue="true"),
                     count=counts["group_overdue"], urgency=Urgency.URGENT),
            DeskItem(label=_("Open tasks of your groups"),
                     url=_dashboard("tasks-heading", scope=managed_scope),
                     count=counts["group"], urgency=Urgency.INFO),
        ]
    return items


def absence_alerts(user, *, today):
    groups = managed_group_ids(user) | contact_group_ids(user) if is_authenticated(user) \
        else frozenset()
    if not groups:
        return []
    return [DeskItem(
        label=_("Member organisations absent without excuse %(n)s times in a row: %(group)s")
        % {"n": participation.ALERT_STREAK, "group": row["body__name"]},
        url=reverse("meetings:participation", args=[row["body__code"]]),
        count=row["count"], urgency=Urgency.URGENT)
        for row in participation.open_alert_counts(groups)]


def register_desk():
    register_panel("meetings_minutes_to_verify", order=10, function=minutes_to_verify,
                   title=gettext_lazy("Minutes to verify"))
    register_panel("meetings_next", order=50, function=next_meetings,
                   title=gettext_lazy("Your groups' meetings"))
    register_panel("meetings_minutes_to_write", order=51, function=minutes_to_write,
                   title=gettext_lazy("Minutes to write"))
    register_panel("meetings_participation", order=52, function=absence_alerts,
                   title=gettext_lazy("Participation"))
    register_panel("meetings_tasks", order=55, function=open_tasks,
                   title=gettext_lazy("Open tasks"))
