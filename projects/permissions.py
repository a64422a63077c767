"""Who may see and change projects and their half-year reports. Each rule is
written once and serves both the object check and the queryset filter."""

from django.db.models import Q

from accounts.permissions import implementer_organisation_id, is_city_officer
from core import rules


@rules.rule()
def can_view_project(user):
    """Published projects are public; a project not yet published is seen by
    officers and by its implementer's users."""
    if is_city_officer(user):
        return rules.ALL
    organisation_id = implementer_organisation_id(user)
    if organisation_id:
        return Q(is_published=True) | Q(implementer_id=organisation_id)
    return Q(is_published=True)


@rules.rule()
def can_submit_project_report(user):
    """Half-year reports: officers, and the users of the implementer
    organisation for their own projects only."""
    if is_city_officer(user):
        return rules.ALL
    organisation_id = implementer_organisation_id(user)
    return Q(implementer_id=organisation_id) if organisation_id else rules.NONE


def can_create_project(user):
    return is_city_officer(user)


def can_edit_project(user, project=None):
    """Officers edit everything of a project (budget, status, key activities)."""
    return is_city_officer(user)


def can_edit_programmes(user):
    """Funding programmes and their calls (registration-number formats): officers."""
    return is_city_officer(user)


def register():
    rules.register(
        view_project=can_view_project,
        create_project=can_create_project,
        edit_project=can_edit_project,
        edit_programmes=can_edit_programmes,
        submit_project_report=can_submit_project_report,
    )
