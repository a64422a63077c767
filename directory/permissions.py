"""Who may see and edit organisations, people and working groups, and the
roles a person holds through the groups (manager, contact person, member),
which the rules of the apps above read through the helpers below."""

from django.db.models import Q
from django.utils import timezone

from accounts.permissions import (
    Role,
    is_administrator,
    is_authenticated,
    is_city_officer,
    register_role,
)
from core import rules

from .models import Membership, WorkingGroup


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
    return frozenset(WorkingGroup.objects.filter(manager_id=person_id).values_list("id", flat=True))


def _contact(person_id):
    return frozenset(
        WorkingGroup.objects.filter(contact_person_id=person_id).values_list("id", flat=True)
    )


def _member(person_id):
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


def _holds_group_manager(user):
    return bool(managed_group_ids(user))


def _holds_contact_person(user):
    return bool(contact_group_ids(user))


def _holds_group_member(user):
    return bool(member_group_ids(user))


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


# --- Territories and the city -----------------------------------------------------

def can_edit_territories(user):
    return is_city_officer(user)


def can_edit_city(user):
    """The city's settings (name, department, logo, home territory, language,
    currency): officers and administrators."""
    return is_city_officer(user)


# --- The accessibility statement ----------------------------------------------------

def can_edit_accessibility_statement(user):
    """The statement's texts are the city's legal statement: administrators."""
    return is_administrator(user)


def can_edit_accessibility_gaps(user):
    """Officers keep the list of known gaps current."""
    return is_city_officer(user)


def can_handle_accessibility_requests(user):
    """Requests to fix go to the administrator's desk until answered."""
    return is_administrator(user)


def can_edit_privacy_notice(user):
    """The privacy notice is the controller's statement: administrators."""
    return is_administrator(user)


def can_export_personal_data(user):
    """A person's whole data (GDPR art. 15): administrators."""
    return is_administrator(user)


def can_anonymise_personal_data(user):
    """Anonymising a person who left (GDPR art. 17): administrators."""
    return is_administrator(user)


def register():
    register_role(Role.GROUP_MANAGER, _holds_group_manager)
    register_role(Role.CONTACT_PERSON, _holds_contact_person)
    register_role(Role.GROUP_MEMBER, _holds_group_member)
    rules.register(
        view_people=can_view_people,
        edit_person=can_edit_person,
        edit_organisation=can_edit_organisation,
        create_working_group=can_create_working_group,
        edit_working_group=can_edit_working_group,
        manage_membership=can_manage_membership,
        view_group_internals=can_view_group_internals,
        edit_territories=can_edit_territories,
        edit_city=can_edit_city,
        edit_accessibility_statement=can_edit_accessibility_statement,
        edit_accessibility_gaps=can_edit_accessibility_gaps,
        handle_accessibility_requests=can_handle_accessibility_requests,
        edit_privacy_notice=can_edit_privacy_notice,
        export_personal_data=can_export_personal_data,
        anonymise_personal_data=can_anonymise_personal_data,
    )
