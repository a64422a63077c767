"""Every permission of the portal is decided here, and only here. Views,
templates (through the `can` template tag) and tests all call these."""

from functools import cache

from django.utils import timezone


class Role:
    ADMINISTRATOR = "administrator"
    CITY_OFFICER = "city_officer"
    GROUP_MANAGER = "group_manager"
    CONTACT_PERSON = "contact_person"
    IMPLEMENTER = "implementer"
    GROUP_MEMBER = "group_member"


def _authenticated(user):
    return user is not None and user.is_authenticated and user.is_active


def is_administrator(user):
    return _authenticated(user) and user.is_superuser


def is_city_officer(user):
    """City officers, and administrators, who can do everything officers can."""
    return _authenticated(user) and (user.is_city_officer or user.is_superuser)


def _person_id(user):
    return getattr(user, "person_id", None) if _authenticated(user) else None


def _group_ids(user, attribute):
    """Cached per user object: one query per request, not one per check."""
    cache_name = f"_perm_{attribute}"
    if not hasattr(user, cache_name):
        person_id = _person_id(user)
        ids = frozenset()
        if person_id:
            ids = _GROUP_LOOKUPS[attribute](person_id)
        setattr(user, cache_name, ids)
    return getattr(user, cache_name)


def _managed(person_id):
    from planning.models import WorkingGroup

    return frozenset(WorkingGroup.objects.filter(manager_id=person_id).values_list("id", flat=True))


def _contact(person_id):
    from planning.models import WorkingGroup

    return frozenset(
        WorkingGroup.objects.filter(contact_person_id=person_id).values_list("id", flat=True)
    )


def _member(person_id):
    from django.db.models import Q

    from planning.models import Membership

    return frozenset(
        Membership.objects.current(on=timezone.localdate())
        .filter(Q(member_id=person_id) | Q(substitute_id=person_id))
        .values_list("body_id", flat=True)
    )


_GROUP_LOOKUPS = {"managed": _managed, "contact": _contact, "member": _member}


def managed_group_ids(user):
    return _group_ids(user, "managed")


def contact_group_ids(user):
    return _group_ids(user, "contact")


def member_group_ids(user):
    return _group_ids(user, "member")


def roles_of(user):
    """The roles a user holds, for display and for the role matrix."""
    if not _authenticated(user):
        return []
    held = [
        (Role.ADMINISTRATOR, user.is_superuser),
        (Role.CITY_OFFICER, user.is_city_officer),
        (Role.GROUP_MANAGER, bool(managed_group_ids(user))),
        (Role.CONTACT_PERSON, bool(contact_group_ids(user))),
        (Role.IMPLEMENTER, bool(user.implementer_organisation_id)),
        (Role.GROUP_MEMBER, bool(member_group_ids(user))),
    ]
    return [role for role, holds in held if holds]


# --- Organisations and people ----------------------------------------------

def can_view_people(user):
    """People's contact data is personal: officers and administrators only."""
    return is_city_officer(user)


def can_edit_person(user, person=None):
    return is_city_officer(user)


def can_edit_organisation(user, organisation=None):
    return is_city_officer(user)


# --- Working groups ----------------------------------------------------------

def can_create_working_group(user):
    return is_city_officer(user)


def can_edit_working_group(user, group):
    """Officers edit every field; the group's own manager edits the description
    of the target group and its needs (see `editable_working_group_fields`)."""
    return is_city_officer(user) or group.pk in managed_group_ids(user)


def editable_working_group_fields(user, group):
    if is_city_officer(user):
        return WORKING_GROUP_OFFICER_FIELDS
    if group.pk in managed_group_ids(user):
        return WORKING_GROUP_MANAGER_FIELDS
    return ()


WORKING_GROUP_MANAGER_FIELDS = ("target_group_description", "needs_text")
WORKING_GROUP_OFFICER_FIELDS = (
    "kind",
    "name",
    "code",
    "support_areas",
    "manager",
    "contact_person",
    "status",
    *WORKING_GROUP_MANAGER_FIELDS,
)


def can_manage_membership(user, group):
    return is_city_officer(user) or group.pk in managed_group_ids(user)


def can_view_group_internals(user, group):
    """Member names with contact data and the membership history."""
    return (
        is_city_officer(user)
        or group.pk in managed_group_ids(user)
        or group.pk in contact_group_ids(user)
        or group.pk in member_group_ids(user)
    )


# --- Plans ------------------------------------------------------------------------

def _plan_group_ids(plan):
    return {plan.working_group_id} if plan.working_group_id else set()


def can_view_plan(user, plan):
    """Published plans are public. A draft is seen by officers and, for a
    community plan drafted by a working group, by that group's manager,
    contact person and members."""
    if plan.is_public or is_city_officer(user):
        return True
    groups = _plan_group_ids(plan)
    return bool(groups & (managed_group_ids(user) | contact_group_ids(user)
                          | member_group_ids(user)))


def can_edit_plan(user, plan=None):
    return is_city_officer(user)


def can_create_plan(user):
    return is_city_officer(user)


def can_view_data_checks(user, plan=None):
    return is_city_officer(user)


def can_propose_change(user, plan):
    """Group managers propose changes to the goals and measures of a plan their
    group drafts or is linked to; officers edit directly instead."""
    if not can_view_plan(user, plan):
        return False
    return bool(managed_group_ids(user) & (_plan_group_ids(plan) | _item_group_ids(plan)))


def can_propose_change_to_item(user, plan, item):
    """Within a plan the manager may propose for: any item of a plan their
    group drafts, otherwise the items linked to a group they manage. `item`
    None means the top level of the plan."""
    if not can_propose_change(user, plan):
        return False
    managed = managed_group_ids(user)
    if plan.working_group_id and plan.working_group_id in managed:
        return True
    if item is None:
        return False
    return bool({g.pk for g in item.working_groups.all()} & managed)


def _item_group_ids(plan):
    cache_name = "_plan_item_group_ids"
    if not hasattr(plan, cache_name):
        from planning.models import PlanItem

        ids = set(PlanItem.working_groups.through.objects.filter(planitem__plan=plan)
                  .values_list("workinggroup_id", flat=True))
        setattr(plan, cache_name, ids)
    return getattr(plan, cache_name)


def can_decide_proposal(user, plan=None):
    return is_city_officer(user)


def can_comment_on_plan(user, plan):
    """Anyone, signed in or not, while the plan is in public comment."""
    from planning.models import PlanStatus

    return plan.status == PlanStatus.PUBLIC_COMMENT


def can_moderate_comments(user, plan=None):
    return is_city_officer(user)


# --- Second factor (TOTP, django-otp) --------------------------------------------

def _has_confirmed_device(user):
    """Cached per user object: at most one query per request."""
    if not hasattr(user, "_perm_otp_device"):
        from django_otp import user_has_device

        user._perm_otp_device = user_has_device(user, confirmed=True)
    return user._perm_otp_device


def _session_verified(user):
    """True once this session passed a code (django-otp's OTPMiddleware sets
    `is_verified` on request.user; a user object without it is unverified)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def needs_second_factor(user):
    """A signed-in user with a confirmed authenticator whose session has not
    yet passed a code: may see nothing but the code page (and log out)."""
    return (_authenticated(user) and not _session_verified(user)
            and _has_confirmed_device(user))


def must_set_up_second_factor(user):
    """An administrator without a confirmed authenticator: may see nothing but
    the set-up page (and log out) until one is confirmed."""
    return (is_administrator(user) and not _session_verified(user)
            and not _has_confirmed_device(user))


# --- Registry for templates ---------------------------------------------------

@cache
def registry():
    return {
        "view_people": can_view_people,
        "edit_person": can_edit_person,
        "edit_organisation": can_edit_organisation,
        "create_working_group": can_create_working_group,
        "edit_working_group": can_edit_working_group,
        "manage_membership": can_manage_membership,
        "view_group_internals": can_view_group_internals,
        "view_plan": can_view_plan,
        "edit_plan": can_edit_plan,
        "create_plan": can_create_plan,
        "view_data_checks": can_view_data_checks,
        "propose_change": can_propose_change,
        "decide_proposal": can_decide_proposal,
        "comment_on_plan": can_comment_on_plan,
        "moderate_comments": can_moderate_comments,
        "view_project": can_view_project,
        "create_project": can_create_project,
        "edit_project": can_edit_project,
        "submit_project_report": can_submit_project_report,
        "view_indicator": can_view_indicator,
        "edit_indicator": can_edit_indicator,
        "report_indicator": can_report_indicator,
        "import_indicator_values": can_import_indicator_values,
        "view_meeting": can_view_meeting,
        "view_minutes": can_view_minutes,
        "view_meeting_internals": can_view_meeting_internals,
        "create_meeting": can_create_meeting,
        "edit_meeting": can_edit_meeting,
        "submit_minutes": can_submit_minutes,
        "verify_minutes": can_verify_minutes,
        "amend_minutes": can_amend_minutes,
        "update_task": can_update_task,
        "manage_events": can_manage_events,
        "view_meeting_dashboard": can_view_meeting_dashboard,
        "manage_reports": can_manage_reports,
        "view_report": can_view_report,
        "is_city_officer": is_city_officer,
        "is_administrator": is_administrator,
    }


def check(name, user, obj=None):
    rule = registry()[name]
    return rule(user) if obj is None else rule(user, obj)


# --- Projects ---------------------------------------------------------------------

def _implements(user, project):
    org_id = getattr(user, "implementer_organisation_id", None) if _authenticated(user) else None
    return bool(org_id) and project.implementer_id == org_id


def can_view_project(user, project):
    """Published projects are public; a project not yet published is seen by
    officers and by its implementer's users."""
    return project.is_published or is_city_officer(user) or _implements(user, project)


def can_create_project(user):
    return is_city_officer(user)


def can_edit_project(user, project=None):
    """Officers edit everything of a project (budget, status, key activities)."""
    return is_city_officer(user)


def can_submit_project_report(user, project):
    """Half-year reports: officers, and the users of the implementer
    organisation for their own projects only."""
    return is_city_officer(user) or _implements(user, project)


# --- Indicators -------------------------------------------------------------------

def can_view_indicator(user, indicator):
    """Indicators of a published plan or project are public; those of drafts
    only for officers (others get 404, so a draft does not leak)."""
    if is_city_officer(user):
        return True
    from indicators.models import Indicator

    return Indicator.objects.public().filter(pk=indicator.pk).exists()


def can_edit_indicator(user, indicator=None):
    """Definitions, targets, commentary and any value: officers."""
    return is_city_officer(user)


def _organisation_id(user):
    return getattr(user, "implementer_organisation_id", None) if _authenticated(user) else None


def can_report_indicator(user, indicator):
    """Values: officers for every indicator; an implementer for the impact
    indicators of the specific goals of its own measures and for the
    indicators of its own projects."""
    if is_city_officer(user):
        return True
    org_id = _organisation_id(user)
    if not org_id:
        return False
    return indicator.pk in reportable_indicator_ids(user)


def reportable_indicator_ids(user):
    """The ids of the indicators an implementer reports; cached on the user
    object, one query per request."""
    if not hasattr(user, "_perm_reportable_indicators"):
        from django.db.models import Q

        from indicators.models import Indicator, IndicatorKind

        org_id = _organisation_id(user)
        ids = frozenset()
        if org_id:
            ids = frozenset(Indicator.objects.filter(
                Q(kind=IndicatorKind.IMPACT, plan_item__children__implementers__id=org_id)
                | Q(kind=IndicatorKind.PROJECT, project_link__project__implementer_id=org_id)
            ).values_list("id", flat=True))
        user._perm_reportable_indicators = ids
    return user._perm_reportable_indicators


def can_import_indicator_values(user):
    """The value workbook: officers and implementers (each for what they may report)."""
    return is_city_officer(user) or bool(_organisation_id(user))


# --- Meetings ---------------------------------------------------------------------

def _meeting_groups(user):
    """Groups whose internals (draft minutes, tasks) the user sees."""
    return managed_group_ids(user) | contact_group_ids(user) | member_group_ids(user)


def can_view_meeting(user, meeting):
    """A meeting's date, place and programme are public once announced (planned
    or cancelled) or when its minutes are published; otherwise only officers and
    the group's manager, contact person and members see it (others get 404)."""
    from meetings.models import MeetingStatus, MinutesStatus

    if meeting.minutes_status == MinutesStatus.PUBLISHED or meeting.status in (
            MeetingStatus.PLANNED, MeetingStatus.CANCELLED):
        return True
    return is_city_officer(user) or meeting.body_id in _meeting_groups(user)


def can_view_minutes(user, meeting):
    """The minutes (attendance, items, tasks, the attendance scan, earlier
    versions): public once published; before that the group's own people."""
    from meetings.models import MinutesStatus

    return (meeting.minutes_status == MinutesStatus.PUBLISHED or is_city_officer(user)
            or meeting.body_id in _meeting_groups(user))


def can_view_meeting_internals(user, meeting):
    """Workflow details: the return comment, the audit trail, unpublished tasks."""
    return is_city_officer(user) or meeting.body_id in _meeting_groups(user)


def can_create_meeting(user, group=None):
    """Officers for any body; a group's manager for the groups they manage."""
    if is_city_officer(user):
        return True
    managed = managed_group_ids(user)
    return bool(managed) if group is None else group.pk in managed


def can_edit_meeting(user, meeting):
    """The group's manager while the minutes are a draft or returned; officers
    also then and, with an amendment opened (reason recorded), once published.
    Nobody edits minutes waiting for verification."""
    from meetings.models import EDITABLE_MINUTES_STATUSES, MinutesStatus

    if meeting.minutes_status in EDITABLE_MINUTES_STATUSES:
        return is_city_officer(user) or meeting.body_id in managed_group_ids(user)
    if meeting.minutes_status == MinutesStatus.PUBLISHED and meeting.amendment_open:
        return is_city_officer(user)
    return False


def can_submit_minutes(user, meeting):
    from meetings.models import EDITABLE_MINUTES_STATUSES

    return meeting.minutes_status in EDITABLE_MINUTES_STATUSES and (
        is_city_officer(user) or meeting.body_id in managed_group_ids(user))


def can_verify_minutes(user, meeting):
    """Verify and publish, or return with a comment: the group's contact person
    (and officers) while the minutes are submitted."""
    from meetings.models import MinutesStatus

    return meeting.minutes_status == MinutesStatus.SUBMITTED and (
        is_city_officer(user) or meeting.body_id in contact_group_ids(user))


def can_amend_minutes(user, meeting):
    """Published minutes change only by an officer, with a recorded reason."""
    from meetings.models import MinutesStatus

    return meeting.minutes_status == MinutesStatus.PUBLISHED and is_city_officer(user)


def can_update_task(user, meeting):
    """Mark open tasks (of this and earlier meetings) done at `meeting`: those
    who may edit it."""
    return can_edit_meeting(user, meeting)


def can_view_meeting_dashboard(user):
    return _authenticated(user)


def can_manage_events(user, event=None):
    return is_city_officer(user)


# --- Reports ----------------------------------------------------------------------

def can_manage_reports(user):
    """Requesting, publishing and scheduling reports, the glossary and the
    evaluation texts: officers."""
    return is_city_officer(user)


def can_view_report(user, job):
    """A published report is public; an unpublished one only for officers
    (others get 404, so it does not leak)."""
    return job.is_published or is_city_officer(user)
