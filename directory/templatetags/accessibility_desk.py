"""The administrator's desk of requests to fix accessibility on the account
page (templates/accounts/profile.html), which accounts, knowing no app above
it, does not read itself."""

from django import template

from .. import accessibility, permissions, selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def accessibility_desk(context):
    """{"waiting": how many requests wait for an answer} for a user who
    answers them, else None (no query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not permissions.can_handle_accessibility_requests(user):
        return None
    return {"waiting": accessibility.waiting_count(selectors.current_city(request=request))}
