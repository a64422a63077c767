"""Property-based posts to the new-item proposal form (parent, code and the
fields of every level): never a 500, a refused form saves nothing, a saved
proposal is audited (tests/fuzz.py)."""

import pytest
from django.urls import reverse
from hypothesis import strategies as st

from planning.models import LevelRole, PlanStatus
from tests.fuzz import fuzz_form
from tests.planning.factories import PlanFactory, PlanItemFactory

pytestmark = pytest.mark.fuzz

PLAUSIBLE = ["", "top", "0", "1", "-1", "99999999999999999999", "Cíl 1.", "Opatření 1.1.",
             "Opatření 1.1. Opatření 1.1. Podpora", "1.2", "2025", "not_started", "=1+1",
             "<script>alert(1)</script>", "\x00", "ž" * 400]
values = st.one_of(st.sampled_from(PLAUSIBLE), st.text(max_size=40),
                   st.integers(min_value=-(2**70), max_value=2**70).map(str))


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["top", "child"])
def test_no_input_makes_the_new_item_proposal_fail_or_half_save(client, manager_a, group_a,
                                                                 where):
    plan = PlanFactory(code="kp-fuzz", status=PlanStatus.DRAFT, working_group=group_a,
                       levels=[("Cíl", LevelRole.GOAL), ("Opatření", LevelRole.MEASURE)])
    goal = PlanItemFactory(plan=plan, code="Cíl 1.", title="Prevence")
    url = (reverse("planning:proposal_create_top", args=[plan.code]) if where == "top"
           else reverse("planning:proposal_create_child", args=[plan.code, goal.pk]))
    client.force_login(manager_a)
    fuzz_form(client, url, values, app_labels={"planning"}, label=f"proposal {where}")
