"""Who may see meetings and minutes and take them through their workflow.
Each rule is written once and serves both the object check and the queryset
filter; a meeting's rules read only its own fields, so asking about a meeting
already fetched costs no query."""

from django.db.models import Q

from accounts.permissions import is_authenticated, is_city_officer
from core import rules
from directory.permissions import contact_group_ids, internal_group_ids, managed_group_ids

from .models import EDITABLE_MINUTES_STATUSES, MeetingStatus, MinutesStatus

_PUBLISHED = Q(minutes_status=MinutesStatus.PUBLISHED)


@rules.rule()
def can_view_meeting(user):
    """A meeting's date, place and programme are public once announced (planned
    or cancelled) or when its minutes are published; otherwise only officers and
    the group's manager, contact person and members see it (others get 404)."""
    if is_city_officer(user):
        return rules.ALL
    return (_PUBLISHED | Q(status__in=[MeetingStatus.PLANNED, MeetingStatus.CANCELLED])
            | Q(body_id__in=internal_group_ids(user)))


@rules.rule()
def can_view_minutes(user):
    """The minutes (attendance, items, tasks, the attendance scan, earlier
    versions): public once published; before that the group's own people."""
    if is_city_officer(user):
        return rules.ALL
    return _PUBLISHED | Q(body_id__in=internal_group_ids(user))


@rules.rule()
def can_view_meeting_internals(user):
    """Workflow details: the return comment, the audit trail, unpublished tasks."""
    if is_city_officer(user):
        return rules.ALL
    return Q(body_id__in=internal_group_ids(user))


@rules.rule()
def can_edit_meeting(user):
    """The group's manager while the minutes are a draft or returned; officers
    also then and, with an amendment opened (reason recorded), once published.
    Nobody edits minutes waiting for verification."""
    editable = Q(minutes_status__in=EDITABLE_MINUTES_STATUSES)
    if is_city_officer(user):
        return editable | (_PUBLISHED & Q(amendment_open=True))
    return editable & Q(body_id__in=managed_group_ids(user))


@rules.rule()
def can_submit_minutes(user):
    editable = Q(minutes_status__in=EDITABLE_MINUTES_STATUSES)
    if is_city_officer(user):
        return editable
    return editable & Q(body_id__in=managed_group_ids(user))


@rules.rule()
def can_verify_minutes(user):
    """Verify and publish, or return with a comment: the group's contact person
    (and officers) while the minutes are submitted."""
    submitted = Q(minutes_status=MinutesStatus.SUBMITTED)
    if is_city_officer(user):
        return submitted
    return submitted & Q(body_id__in=contact_group_ids(user))


@rules.rule()
def can_amend_minutes(user):
    """Published minutes change only by an officer, with a recorded reason."""
    return _PUBLISHED if is_city_officer(user) else rules.NONE


def can_update_task(user, meeting):
    """Mark open tasks (of this and earlier meetings) done at `meeting`: those
    who may edit it."""
    return can_edit_meeting.allows(user, meeting)


def can_create_meeting(user, group=None):
    """Officers for any body; a group's manager for the groups they manage."""
    if is_city_officer(user):
        return True
    managed = managed_group_ids(user)
    return bool(managed) if group is None else group.pk in managed


def can_view_meeting_dashboard(user):
    return is_authenticated(user)


def can_manage_events(user, event=None):
    return is_city_officer(user)


@rules.rule()
def can_view_participation(user):
    """A body's participation (attendance per member organisation, absence
    alerts): officers, and the body's manager and contact person."""
    if is_city_officer(user):
        return rules.ALL
    groups = managed_group_ids(user) | contact_group_ids(user)
    return Q(pk__in=groups) if groups else rules.NONE


def can_view_participation_overview(user):
    """The list of bodies whose participation the user sees."""
    return is_city_officer(user) or bool(managed_group_ids(user) | contact_group_ids(user))


def register():
    rules.register(
        view_participation=can_view_participation,
        view_participation_overview=can_view_participation_overview,
        view_meeting=can_view_meeting,
        view_minutes=can_view_minutes,
        view_meeting_internals=can_view_meeting_internals,
        create_meeting=can_create_meeting,
        edit_meeting=can_edit_meeting,
        submit_minutes=can_submit_minutes,
        verify_minutes=can_verify_minutes,
        amend_minutes=can_amend_minutes,
        update_task=can_update_task,
        manage_events=can_manage_events,
        view_meeting_dashboard=can_view_meeting_dashboard,
    )
