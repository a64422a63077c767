"""The e-mails of reporting rounds (notifications): reminders of a round's
deadline to the implementers who still owe something."""

from django.utils.translation import gettext_lazy as _

from accounts.permissions import implementer_organisation_id, is_city_officer
from notifications import registry

ROUND_DEADLINE = "round_deadline"


def _implements(user):
    return is_city_officer(user) or bool(implementer_organisation_id(user))


def register():
    registry.register(ROUND_DEADLINE,
                      label=_("Deadline of a reporting round in which my organisation owes "
                              "values or reports"),
                      may_receive=_implements)
