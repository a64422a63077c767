"""Property-based posts to every form of the rounds app: never a 500, and a
refused form saves nothing (like tests/test_form_fuzz.py)."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests import roles
from tests.clients import SignedIn
from tests.directory.factories import the_city
from tests.fuzz import fuzz_form
from tests.rounds.helpers import build_reporting, record_first_half, reports_in_review
from tests.shared_db import module_rows

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


def _build_world():
    """The values and reports the forms are posted to and the officer
    posting, built once for the module (tests/shared_db.py): each test runs in
    a savepoint inside these rows."""
    the_city()
    organisation_x, officer = roles.make_organisation_x(), roles.make_officer()
    reporting = build_reporting(organisation_x, officer)
    value = record_first_half(roles.make_implementer_x(organisation_x), reporting["impact"], "5")
    report, closed = reports_in_review(reporting["project"])
    return {"officer": SignedIn(officer), "value": value, "report": report, "closed": closed}


world = module_rows(_build_world)


@pytest.mark.django_db
@pytest.mark.parametrize("form", sorted(FORMS))
def test_no_input_makes_a_rounds_form_fail_or_half_save(client, world, form):
    url = reverse(f"rounds:{form}", args=FORMS[form](world))
    world["officer"].sign_in(client)

    fuzz_form(client, url, values, app_labels={"rounds", "projects", "indicators", "planning",
                                               "directory"}, label=form)


QUERY_KEYS = ["state", "kind", "organisation", "organisation__text", "q", "page"]
QUERY_VALUES = st.one_of(
    st.sampled_from(["missing", "draft", "submitted", "returned", "approved", "value", "report",
                     "", "0", "-1", "99999999999999999999", "\x00", "ž" * 200]),
    st.text(max_size=30))


@pytest.mark.django_db
@given(query=st.dictionaries(st.sampled_from(QUERY_KEYS), QUERY_VALUES))
def test_no_filter_value_breaks_the_overview_or_its_export(client, officer, reporting, query):
    """The overview's filter (a GET form) and the export that reads it: a
    value that does not fit is the form's error, never a 500."""
    client.force_login(officer)
    round_ = reporting["round"]
    assert client.get(round_.get_absolute_url(), query).status_code == 200
    assert client.get(reverse("rounds:export", args=[round_.pk]), query).status_code == 200
