"""Who may see the outbox and set their own e-mail preferences."""

from accounts.permissions import is_administrator, is_authenticated
from core import rules


def can_view_outbox(user):
    """The outbox holds every recipient's address: administrators."""
    return is_administrator(user)


def can_set_own_notifications(user):
    return is_authenticated(user)


def register():
    rules.register(view_outbox=can_view_outbox,
                   set_own_notifications=can_set_own_notifications)
