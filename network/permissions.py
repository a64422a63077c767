"""Who may see and change the network. The network itself is public (it is
what the city's bodies approved); officers keep it; a provider's users see
the list of their own organisation's services."""

from django.db.models import Q

from accounts.permissions import implementer_organisation_id, is_city_officer
from core import rules


def can_edit_network(user, service=None):
    """Officers enter services, change them from a date and end them."""
    return is_city_officer(user)


@rules.rule()
def can_see_own_services(user):
    """The services of the user's own organisation, and its update requests
    with their attachments (officers: all)."""
    if is_city_officer(user):
        return rules.ALL
    organisation_id = implementer_organisation_id(user)
    return Q(provider_id=organisation_id) if organisation_id else rules.NONE


def can_list_own_services(user):
    return is_city_officer(user) or bool(implementer_organisation_id(user))


def can_file_update_request(user):
    """A provider's users file requests for their organisation's services."""
    return bool(implementer_organisation_id(user))


def can_decide_update_requests(user, request=None):
    return is_city_officer(user)


def can_edit_indicators(user, obj=None):
    """Officers keep the manual of service indicators and the yearly funding."""
    return is_city_officer(user)


@rules.rule()
def can_see_disproportions(user):
    """The disproportion check's flags and the questions about them are the
    officers' working material: never public, not even to the provider."""
    return rules.ALL if is_city_officer(user) else rules.NONE


def can_check_disproportions(user):
    """The disproportion page: whoever sees every flag."""
    return can_see_disproportions.condition(user) == rules.ALL


@rules.rule()
def can_report_indicator_values(user):
    """A provider's users report the indicators of their own organisation's
    services (officers: of every service)."""
    return can_see_own_services.condition(user)


def register():
    rules.register(
        edit_network=can_edit_network,
        see_own_services=can_see_own_services,
        list_own_services=can_list_own_services,
        see_update_request=can_see_own_services,
        file_update_request=can_file_update_request,
        decide_update_requests=can_decide_update_requests,
        edit_indicators=can_edit_indicators,
        see_disproportions=can_see_disproportions,
        check_disproportions=can_check_disproportions,
        report_indicator_values=can_report_indicator_values,
    )
