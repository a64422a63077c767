"""The directory's panel of the desk (core/desk.py): requests to fix
accessibility for those who answer them."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.desk import DeskItem, Urgency, register_panel

from . import accessibility, permissions, selectors


def accessibility_requests(user, *, today):
    """Waiting requests, or a link to the answered ones when none waits."""
    if not permissions.can_handle_accessibility_requests(user):
        return []
    waiting = accessibility.waiting_count(selectors.current_city())
    url = reverse("directory:accessibility_request_list")
    if not waiting:
        return [DeskItem(label=_("Requests to fix accessibility (none waits for an answer)"),
                         url=url, urgency=Urgency.INFO)]
    return [DeskItem(label=_("Requests to fix accessibility waiting for an answer"),
                     url=url, count=waiting, urgency=Urgency.URGENT)]


def register_desk():
    register_panel("accessibility_requests", order=90, function=accessibility_requests,
                   title=gettext_lazy("Accessibility"))
