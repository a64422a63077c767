"""Users and their roles, and the rules of the directory and the plans.

The roles (officer, administrator, group manager, contact person, member,
implementer) are derived here; the apps above ask them through the helpers
below. Each app keeps its own rules in its `permissions.py` and adds them to
the registry of `core.rules`, which views, the `{% can %}` template tag and
tests ask. The directory's and the plans' rules stay here until planning is
split into its two apps."""

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from core import rules


class Role:
    ADMINISTRATOR = "administrator"
    CITY_OFFICER = "city_officer"
    GROUP_MANAGER = "group_manager"
    CONTACT_PERSON = "contact_person"
    IMPLEMENTER = "implementer"
    GROUP_MEMBER = "group_member"


def is_authenticated(user):
    return user is not None and user.is_authenticated and user.is_active


def is_administrator(user):
    return is_authenticated(user) and user.is_superuser


def is_city_officer(user):
    """City officers, and administrators, who can do everything officers can."""
    return is_authenticated(user) and (user.is_city_officer or user.is_superuser)


def _person_id(user):
    return getattr(user, "person_id", None) if is_authenticated(user) else None


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
    from directory.models import WorkingGroup

    return frozenset(WorkingGroup.objects.filter(manager_id=person_id).values_list("id", flat=True))


def _contact(person_id):
    from directory.models import WorkingGroup

    return frozenset(
        WorkingGroup.objects.filter(contact_person_id=person_id).values_list("id", flat=True)
    )


def _member(person_id):
    from directory.models import Membership

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


def internal_group_ids(user):
    """Groups whose internals (drafts, minutes before publication, tasks) the
    user sees: those they manage, are the contact person of, or belong to."""
    return managed_group_ids(user) | contact_group_ids(user) | member_group_ids(user)


def implementer_organisation_id(user):
    """The organisation the user reports for as an implementer, or None."""
    return getattr(user, "implementer_organisation_id", None) if is_authenticated(user) else None


def roles_of(user):
    """The roles a user holds, for display and for the role matrix."""
    if not is_authenticated(user):
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
    return (is_authenticated(user) and not _session_verified(user)
            and _has_confirmed_device(user))


def must_have_second_factor(user):
    """Administrators and every staff account (they reach the admin) always;
    city officers when the city requires it (settings.OTP_REQUIRED_FOR_OFFICERS,
    on by default in production)."""
    if not is_authenticated(user):
        return False
    return (user.is_superuser or user.is_staff
            or (settings.OTP_REQUIRED_FOR_OFFICERS and is_city_officer(user)))


def must_set_up_second_factor(user):
    """A user who must have a second factor but has no confirmed authenticator:
    may see nothing but the set-up page (and log out) until one is confirmed."""
    return (must_have_second_factor(user) and not _session_verified(user)
            and not _has_confirmed_device(user))


def can_unlock_logins(user):
    """See accounts locked after repeated failed logins and unlock them."""
    return is_city_officer(user)


def register():
    rules.register(
        view_people=can_view_people,
        edit_person=can_edit_person,
        edit_organisation=can_edit_organisation,
        create_working_group=can_create_working_group,
        edit_working_group=can_edit_working_group,
        manage_membership=can_manage_membership,
        view_group_internals=can_view_group_internals,
        view_plan=can_view_plan,
        edit_plan=can_edit_plan,
        create_plan=can_create_plan,
        view_data_checks=can_view_data_checks,
        propose_change=can_propose_change,
        decide_proposal=can_decide_proposal,
        comment_on_plan=can_comment_on_plan,
        moderate_comments=can_moderate_comments,
        is_city_officer=is_city_officer,
        is_administrator=is_administrator,
        unlock_logins=can_unlock_logins,
    )
