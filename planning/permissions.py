"""Who may see and edit plans, propose changes to them, decide proposals and
comment in the public comment period."""

from django.db.models import Q

from accounts.permissions import is_city_officer
from core import rules
from directory.permissions import internal_group_ids, managed_group_ids

from .models import PUBLIC_PLAN_STATUSES, Plan, PlanItem, PlanStatus


@rules.rule()
def _view_plan(user):
    """Published plans are public (`Plan.objects.public()`). A draft is seen
    by officers and, for a community plan drafted by a working group, by that
    group's manager, contact person and members. Both conditions read the
    plan's own fields, so asking about a plan already fetched costs no query."""
    if is_city_officer(user):
        return rules.ALL
    return Q(status__in=PUBLIC_PLAN_STATUSES) | Q(working_group__in=internal_group_ids(user))


def can_view_plan(user, plan):
    # A published plan is answered before the rule: building the rule's
    # condition looks up the user's groups, which a public plan never needs.
    return plan.is_public or _view_plan.allows(user, plan)


def plans_visible_to(user, queryset=None):
    """The plans of `queryset` (all plans by default) the user may see."""
    return _view_plan.filter(user, Plan.objects.all() if queryset is None else queryset)


def _plan_group_ids(plan):
    return {plan.working_group_id} if plan.working_group_id else set()


def _item_group_ids(plan):
    cache_name = "_plan_item_group_ids"
    if not hasattr(plan, cache_name):
        ids = set(PlanItem.working_groups.through.objects.filter(planitem__plan=plan)
                  .values_list("workinggroup_id", flat=True))
        setattr(plan, cache_name, ids)
    return getattr(plan, cache_name)


def can_edit_plan(user, plan=None):
    return is_city_officer(user)


def can_create_plan(user):
    return is_city_officer(user)


def can_view_data_checks(user, plan=None):
    return is_city_officer(user)


def can_propose_change(user, plan):
    """Group managers propose changes to the goals and measures of a plan their
    group drafts or is linked to; officers edit directly instead."""
    if not can_view_plan(user, plan):
        return False
    return bool(managed_group_ids(user) & (_plan_group_ids(plan) | _item_group_ids(plan)))


def can_propose_change_to_item(user, plan, item):
    """Within a plan the manager may propose for: any item of a plan their
    group drafts, otherwise the items linked to a group they manage. `item`
    None means the top level of the plan."""
    if not can_propose_change(user, plan):
        return False
    managed = managed_group_ids(user)
    if plan.working_group_id and plan.working_group_id in managed:
        return True
    if item is None:
        return False
    return bool({g.pk for g in item.working_groups.all()} & managed)


def can_decide_proposal(user, plan=None):
    return is_city_officer(user)


def can_comment_on_plan(user, plan):
    """Anyone, signed in or not, while the plan is in public comment and
    today is within its comment period (when the plan gives one)."""
    return plan.status == PlanStatus.PUBLIC_COMMENT and plan.comment_period_state() == "open"


def can_moderate_comments(user, plan=None):
    return is_city_officer(user)


def register():
    rules.register(
        view_plan=can_view_plan,
        edit_plan=can_edit_plan,
        create_plan=can_create_plan,
        view_data_checks=can_view_data_checks,
        propose_change=can_propose_change,
        decide_proposal=can_decide_proposal,
        comment_on_plan=can_comment_on_plan,
        moderate_comments=can_moderate_comments,
    )
