"""Property-based posts to the plan editor's forms (a new plan with its
levels, the plan's settings, an item new and edited, codes as printed among
them): never a 500, a refused form saves nothing, a save is audited
(tests/fuzz.py)."""

import pytest
from django.urls import reverse
from hypothesis import strategies as st

from planning.models import LevelRole, PlanStatus
from tests.fuzz import fuzz_form
from tests.planning.factories import PlanFactory, PlanItemFactory

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

PLAUSIBLE = ["", "0", "1", "-1", "99999999999999999999", "1.1", "2.1.10", "Cíl 1.", "kp", "psz",
             "draft", "goal", "measure", "not_started", "in_progress", "2025", "2031", "CZK",
             "EUR", "czk", "cs", "en", "de", "new", "import", "1 234,50", "1,234.50", "83,511",
             "=1+1", "<script>alert(1)</script>", "\x00", "ž" * 400, "x" * 2001]
values = st.one_of(st.sampled_from(PLAUSIBLE), st.text(max_size=40),
                   st.integers(min_value=-(2**70), max_value=2**70).map(str))

FORMS = {
    "plan_create": lambda w: [],
    "plan_settings": lambda w: [w["plan"].code],
    "plan_item_create": lambda w: [w["plan"].code],
    "plan_item_update": lambda w: [w["plan"].code, w["item"].pk],
}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_no_input_makes_an_editor_form_fail_or_half_save(client, officer, form):
    plan = PlanFactory(code="editor-fuzz", status=PlanStatus.DRAFT,
                       levels=[("Cíl", LevelRole.GOAL), ("Opatření", LevelRole.MEASURE)])
    item = PlanItemFactory(plan=plan, code="1", title="Bydlení")
    client.force_login(officer)
    url = reverse(f"planning:{form}", args=FORMS[form]({"plan": plan, "item": item}))
    fuzz_form(client, url, values, app_labels={"planning"}, label=form)
