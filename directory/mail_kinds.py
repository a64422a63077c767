"""The e-mails of the directory (notifications)."""

from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_administrator
from notifications import registry

ACCESSIBILITY_REQUEST = "accessibility_request"


def register():
    registry.register(ACCESSIBILITY_REQUEST, label=_("Request to fix accessibility"),
                      may_receive=is_administrator)
