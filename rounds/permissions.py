"""Who may see and run reporting rounds. Each rule is written once and serves
both the object check and the queryset filter."""

from django.db.models import Q

from accounts.permissions import implementer_organisation_id, is_city_officer
from core import rules


def can_manage_rounds(user):
    """Open, refresh and close rounds, read the overview, approve or return
    submissions, correct after closing: city officers."""
    return is_city_officer(user)


def can_view_own_obligations(user):
    """The list of what one owes: implementers (officers see the overview)."""
    return bool(implementer_organisation_id(user))


@rules.rule()
def can_see_obligation(user):
    """Officers see every obligation; an implementer its organisation's."""
    if is_city_officer(user):
        return rules.ALL
    organisation_id = implementer_organisation_id(user)
    return Q(organisation_id=organisation_id) if organisation_id else rules.NONE


def register():
    rules.register(
        manage_rounds=can_manage_rounds,
        view_own_obligations=can_view_own_obligations,
        see_obligation=can_see_obligation,
    )
