"""Property-based posts to every form of the rounds app: never a 500, and a
refused form saves nothing (like tests/test_form_fuzz.py)."""

from datetime import date

import pytest
from django.urls import reverse
from hypothesis import strategies as st

from projects.models import HalfYearReport
from tests.fuzz import fuzz_form

pytestmark = pytest.mark.fuzz

FORMS = {
    "create": lambda w: [],
    "value_decide": lambda w: [w["value"].pk],
    "report_decide": lambda w: [w["report"].pk],
    "report_correct": lambda w: [w["closed"].pk],
}

PLAUSIBLE = [
    "", "0", "1", "-1", "99999999999999999999", "half_year", "year", "approve", "return",
    "2025-01-01", "2025-06-30", "2024-12-31", "31. 7. 2025", "2025-02-29", "0000-00-00",
    "9999-12-31", "=1+1", "<script>alert(1)</script>", "\x00", "ž" * 400, " ",
]
values = st.one_of(
    st.sampled_from(PLAUSIBLE),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


@pytest.fixture
def world(reporting, implementer_x):
    from tests.rounds.test_review import _record

    value = _record(implementer_x, reporting["impact"], "5")
    project = reporting["project"]
    report = HalfYearReport.objects.create(
        project=project, number=1, total=6, period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30), submitted_on=date(2025, 7, 1), narrative="Text.",
        review_state="submitted")
    closed = HalfYearReport.objects.create(
        project=project, number=2, total=6, period_start=date(2024, 7, 1),
        period_end=date(2024, 12, 31), submitted_on=date(2025, 1, 10), narrative="Text.",
        closed=True)
    return {"value": value, "report": report, "closed": closed}


@pytest.mark.django_db
@pytest.mark.parametrize("form", sorted(FORMS))
def test_no_input_makes_a_rounds_form_fail_or_half_save(client, officer, world, form):
    url = reverse(f"rounds:{form}", args=FORMS[form](world))
    client.force_login(officer)

    fuzz_form(client, url, values, app_labels={"rounds", "projects", "indicators", "planning",
                                               "directory"}, label=form)
