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


def _per_plan(queryset, *, label, url_name, urgency=Urgency.NORMAL, values=None, **query):
    """One item per plan of `queryset`'s rows, `label` % {"plan": its title,
    **values}, linking `url_name` filtered by `query`."""
    rows = (queryset.values("plan__code", "plan__title").annotate(count=Count("pk"))
            .order_by("plan__title", "plan__code"))
    return [DeskItem(label=label % {"plan": row["plan__title"], **(values or {})},
                     url=f"{reverse(url_name, args=[row['plan__code']])}?{urlencode(query)}",
                     count=row["count"], urgency=urgency) for row in rows]


def proposals_to_decide(user, *, today):
    if not permissions.can_decide_proposal(user):
        return []
    return _per_plan(ChangeProposal.objects.filter(status=ProposalStatus.PENDING),
                     label=_("Change proposals to decide: %(plan)s"),
                     url_name="planning:proposal_list", status=ProposalStatus.PENDING)


def comments_to_moderate(user, *, today):
    if not permissions.can_moderate_comments(user):
        return []
    return _per_plan(PlanComment.objects.filter(moderation=CommentModeration.PENDING),
                     label=_("Public comments to moderate: %(plan)s"),
                     url_name="planning:comment_moderation",
                     moderation=CommentModeration.PENDING)


def proposals_rejected(user, *, today):
    """A manager's own proposals rejected lately, with the officer's comment
    on the proposals page."""
    if not is_authenticated(user) or not managed_group_ids(user):
        return []
    since = today - datetime.timedelta(days=REJECTED_SHOWN_DAYS)
    return _per_plan(
        ChangeProposal.objects.filter(proposed_by=user, status=ProposalStatus.REJECTED,
                                      decided_at__date__gte=since),
        label=_("Your change proposals rejected in the last %(days)s days: %(plan)s"),
        values={"days": REJECTED_SHOWN_DAYS},
        url_name="planning:proposal_list", urgency=Urgency.INFO,
        status=ProposalStatus.REJECTED)


def register_desk():
    register_panel("planning_proposals", order=20, function=proposals_to_decide,
                   title=gettext_lazy("Change proposals"))
    register_panel("planning_comments", order=30, function=comments_to_moderate,
                   title=gettext_lazy("Public comment"))
    register_panel("planning_proposals_rejected", order=60, function=proposals_rejected,
                   title=gettext_lazy("Your change proposals"))
