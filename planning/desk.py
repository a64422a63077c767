"""The plans' panels of the desk (core/desk.py): proposals to decide and
public comments to moderate for officers, their proposals an officer turned
down for group managers. Each panel is one query, one item per plan."""

import datetime
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import is_authenticated
from core.desk import DeskItem, Urgency, register_panel
from directory.permissions import managed_group_ids

from . import permissions
from .models import ChangeProposal, CommentModeration, PlanComment, ProposalStatus

# How long a manager's desk keeps showing a proposal an officer rejected.
REJECTED_SHOWN_DAYS = 30


def _per_plan(queryset):
    return (queryset.values("plan__code", "plan__title").annotate(count=Count("pk"))
            .order_by("plan__title", "plan__code"))


def _url(name, code, **query):
    return f"{reverse(name, args=[code])}?{urlencode(query)}"


def proposals_to_decide(user, *, today):
    if not permissions.can_decide_proposal(user):
        return []
    rows = _per_plan(ChangeProposal.objects.filter(status=ProposalStatus.PENDING))
    return [DeskItem(
        label=_("Change proposals to decide: %(plan)s") % {"plan": row["plan__title"]},
        url=_url("planning:proposal_list", row["plan__code"], status=ProposalStatus.PENDING),
        count=row["count"]) for row in rows]


def comments_to_moderate(user, *, today):
    if not permissions.can_moderate_comments(user):
        return []
    rows = _per_plan(PlanComment.objects.filter(moderation=CommentModeration.PENDING))
    return [DeskItem(
        label=_("Public comments to moderate: %(plan)s") % {"plan": row["plan__title"]},
        url=_url("planning:comment_moderation", row["plan__code"],
                 moderation=CommentModeration.PENDING),
        count=row["count"]) for row in rows]


def proposals_rejected(user, *, today):
    """A manager's own proposals rejected lately, with the officer's comment
    on the proposals page."""
    if not is_authenticated(user) or not managed_group_ids(user):
        return []
    since = today - datetime.timedelta(days=REJECTED_SHOWN_DAYS)
    rows = _per_plan(ChangeProposal.objects.filter(
        proposed_by=user, status=ProposalStatus.REJECTED, decided_at__date__gte=since))
    return [DeskItem(
        label=_("Your change proposals rejected in the last %(days)s days: %(plan)s")
        % {"days": REJECTED_SHOWN_DAYS, "plan": row["plan__title"]},
        url=_url("planning:proposal_list", row["plan__code"], status=ProposalStatus.REJECTED),
        count=row["count"], urgency=Urgency.INFO) for row in rows]


def register_desk():
    register_panel("planning_proposals", order=20, function=proposals_to_decide,
                   title=gettext_lazy("Change proposals"))
    register_panel("planning_comments", order=30, function=comments_to_moderate,
                   title=gettext_lazy("Public comment"))
    register_panel("planning_proposals_rejected", order=60, function=proposals_rejected,
                   title=gettext_lazy("Your change proposals"))
