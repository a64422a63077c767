"""Property-based posts to every form of the projects app: never a 500, and a
refused form saves nothing (like tests/test_form_fuzz.py)."""


import pytest
from django.urls import reverse
from hypothesis import strategies as st

from projects.models import KeyActivity
from tests.fuzz import fuzz_form

from .factories import CallFactory, ProjectFactory

FUNDING = [f"funding-{i}-{f}" for i in range(2) for f in ("source", "label", "percent",
                                                          "amount", "DELETE")]
MANAGEMENT = ["funding-TOTAL_FORMS", "funding-INITIAL_FORMS", "funding-MAX_NUM_FORMS"]
PROJECT = ["registration_number", "title", "call", "implementer", "implementer_text",
           "measures", "thematic_area", "period_start", "period_end", "status", "total_budget",
           "funding_note", "reports_total", "is_published", *FUNDING, *MANAGEMENT]
ACTIVITY = ["code", "position", "title", "period_start", "period_end", "period_text", "goal",
            "planned_outputs", "done"]
REPORT = ["number", "total", "period_start", "period_end", "submitted_on", "narrative",
          "total_budget", "status"]

FORMS = {
    "project_create": (lambda w: [], PROJECT),
    "project_update": (lambda w: [w["project"].pk], ["version", *PROJECT]),
    "key_activity_create": (lambda w: [w["project"].pk], ACTIVITY),
    "key_activity_update": (lambda w: [w["project"].pk, w["activity"].pk],
                            ["version", *ACTIVITY]),
    "report_create": (lambda w: [w["project"].pk], REPORT),
}

PLAUSIBLE = [
    "", "0", "1", "2", "3", "-1", "99999999999999999999", "1.5", "5", "85", "10", "100",
    "182421.25", "3648425.00", "1e5", "NaN", "Infinity", "city", "esf", "state", "in_progress",
    "completed", "on", "CZ.03.02.01/00/22_018/0001145", "CZ.03.02.01/00/22_018/000114",
    "2024-01-01", "2023-12-31", "31.02.2025", "0000-00-00", "9999-12-31", "=1+1",
    "<script>alert(1)</script>", "\x00", "ž" * 400, "1000", "-5",
]
values = st.one_of(
    st.sampled_from(PLAUSIBLE),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)




@pytest.fixture
def world(db):
    call = CallFactory()
    project = ProjectFactory(call=call, reports_total=6)
    activity = KeyActivity.objects.create(project=project, code="KA1", title="Koordinace")
    return {"call": call, "project": project, "activity": activity}


@pytest.mark.django_db
@pytest.mark.parametrize("form", sorted(FORMS))
def test_no_input_makes_a_project_form_fail_or_half_save(client, officer, world, form):
    args, fields = FORMS[form]
    url = reverse(f"projects:{form}", args=args(world))
    client.force_login(officer)

    fuzz_form(client, url, fields, values,
              app_labels={"projects", "directory", "planning", "indicators"}, label=form)
