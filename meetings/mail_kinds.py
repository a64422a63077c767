"""The e-mails of the minutes workflow and of meeting tasks (notifications)."""

from django.utils.translation import gettext_lazy as _

from accounts.permissions import Role, is_authenticated, is_city_officer, roles_of
from notifications import registry

MINUTES_SUBMITTED = "minutes_submitted"
MINUTES_RETURNED = "minutes_returned"
MINUTES_PUBLISHED = "minutes_published"
TASK_DEADLINE = "task_deadline"


def _holds(*roles):
    def may_receive(user):
        return is_city_officer(user) or bool(set(roles) & set(roles_of(user)))
    return may_receive


def register():
    registry.register(MINUTES_SUBMITTED, label=_("Minutes submitted for verification"),
                      may_receive=_holds(Role.CONTACT_PERSON))
    registry.register(MINUTES_RETURNED, label=_("Minutes returned for corrections"),
                      may_receive=_holds(Role.GROUP_MANAGER))
    registry.register(MINUTES_PUBLISHED, label=_("Minutes published"),
                      may_receive=_holds(Role.GROUP_MANAGER))
    registry.register(TASK_DEADLINE, label=_("Deadline of my task from a meeting"),
                      may_receive=is_authenticated)
