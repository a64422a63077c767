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


def register():
    rules.register(
        edit_network=can_edit_network,
        see_own_services=can_see_own_services,
        list_own_services=can_list_own_services,
        see_update_request=can_see_own_services,
        file_update_request=can_file_update_request,
        decide_update_requests=can_decide_update_requests,
    )
