"""Template tags of public comment and change proposals, for the slots the
public plan pages include (planning/plans/_item_comments.html and
_plan_comments.html)."""

from django import template

from .. import permissions
from ..forms.comments import CommentForm
from ..models import CommentModeration, PlanComment
from ..services.proposals import level_role_below

register = template.Library()


@register.simple_tag
def published_comments(plan, item=None):
    """Published comments on `item`, or on the plan as a whole: one query."""
    return list(
        PlanComment.objects.filter(plan=plan, item=item, moderation=CommentModeration.PUBLISHED)
        .order_by("created_at", "id")
    )


@register.simple_tag
def comment_form(form_id="comment"):
    """An empty comment form stamped with the time of rendering; `form_id`
    keeps its element ids unique on the page."""
    return CommentForm(auto_id=f"{form_id}-%s")


@register.simple_tag(takes_context=True)
def may_propose(context, plan, item=None):
    """Whether the signed-in group manager may propose for this item
    (planning.permissions.can_propose_change, narrowed to their group's items)."""
    user = context["request"].user
    return permissions.can_propose_change_to_item(user, plan, item)


@register.simple_tag
def has_level_below(plan, item=None):
    return level_role_below(plan, item) is not None
