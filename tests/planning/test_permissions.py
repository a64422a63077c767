"""The plans' permission functions; the role matrix checks the views."""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser

from planning import permissions as perms
from planning.models import Plan, PlanStatus
from tests.planning.factories import PlanFactory

pytestmark = pytest.mark.django_db


def test_view_plan_agrees_with_its_filter(users_by_role, group_a, group_b):
    for status, group in itertools.product(
            (PlanStatus.DRAFT, PlanStatus.PUBLIC_COMMENT, PlanStatus.IN_FORCE),
            (None, group_a, group_b)):
        PlanFactory(status=status, working_group=group)
    users = {**users_by_role, "anonymous": AnonymousUser()}
    for (role, user), plan in itertools.product(users.items(), Plan.objects.all()):
        visible = set(perms.plans_visible_to(user).values_list("pk", flat=True))
        assert perms.can_view_plan(user, plan) == (plan.pk in visible), (role, plan.status)


def test_drafts_are_seen_by_officers_and_their_group_only(
        officer, manager_a, contact_a, member_a, implementer_x, group_a, group_b):
    draft = PlanFactory(status=PlanStatus.DRAFT, working_group=group_a)
    for user in (officer, manager_a, contact_a, member_a):
        assert perms.can_view_plan(user, draft)
    assert not perms.can_view_plan(implementer_x, draft)
    assert not perms.can_view_plan(AnonymousUser(), draft)
    other = PlanFactory(status=PlanStatus.DRAFT, working_group=group_b)
    assert not perms.can_view_plan(manager_a, other)


def test_a_plan_already_fetched_is_checked_without_a_query(django_assert_num_queries):
    public = PlanFactory(status=PlanStatus.IN_FORCE)
    draft = PlanFactory(status=PlanStatus.DRAFT)
    with django_assert_num_queries(0):
        assert perms.can_view_plan(AnonymousUser(), public)
        assert not perms.can_view_plan(AnonymousUser(), draft)
        assert perms.can_comment_on_plan(AnonymousUser(), public) is False
