"""Property-based posts to the report texts' forms: a plan's own texts and
the abbreviations. Never a 500; a refused form saves nothing, a save is
audited."""

import pytest
from django.urls import reverse
from hypothesis import strategies as st

from tests.fuzz import fuzz_form
from tests.planning.factories import PlanFactory

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

FORMS = {
    "plan_texts": lambda plan: [plan.code],
    "glossary_create": lambda plan: [],
}
PLAUSIBLE = ["", "Spolupráce v roce {year}", "{year}", "{", "}", "{rok}", "%(year)s", "%s",
             "OSPOD", "<script>alert(1)</script>", "=1+1", "\x00", "ž" * 400, "1", "-1"]
values = st.one_of(st.sampled_from(PLAUSIBLE), st.text(max_size=60))


@pytest.mark.parametrize("form", sorted(FORMS))
def test_no_input_makes_a_report_text_form_fail_or_half_save(client, officer, form):
    plan = PlanFactory(code="fuzz-plan")
    client.force_login(officer)
    fuzz_form(client, reverse(f"reports:{form}", args=FORMS[form](plan)), values,
              app_labels={"reports"}, label=form)
