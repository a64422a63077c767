"""Property-based posts to every indicator form: never a 500, and a refused
form saves nothing (examples per form: the Hypothesis profile)."""


import pytest
from django.urls import reverse
from hypothesis import strategies as st

from tests import roles
from tests.clients import SignedIn
from tests.directory.factories import the_city
from tests.fuzz import fuzz_form
from tests.indicators.factories import IndicatorFactory, region, year_value
from tests.planning.factories import PlanFactory
from tests.shared_db import module_rows

pytestmark = pytest.mark.fuzz

# url name -> args builder; the fields come from the rendered form (tests/fuzz.py)
FORMS = {
    "create": lambda w: [],
    "update": lambda w: [w["indicator"].code],
    "value_create": lambda w: [w["indicator"].code],
    "value_update": lambda w: [w["indicator"].code, w["value"].pk],
}

PLAUSIBLE = [
    "", "0", "1", "2", "-1", "99999999999999999999", "1,5", "1.5", "global", "impact",
    "project", "count", "percent", "below", "at_least", "decrease_by", "below_comparison",
    "lower_in_ranking", "2021", "12/2021", "13/2021", "1. pol. 2021", "2022/23", "2022/25",
    "k 30. 4. 2024", "31. 2. 2024", "cca 3 100", "n. a.", "-", "174,1, 2. v ČR",
    "12/12/4/22", "1/2", "3,01 %", "Méně než 16", "G01", "new", "report", "a b", "=1+1",
    "<script>alert(1)</script>", "\x00", "ž" * 400, "9999-12-31", "on",
]
values = st.one_of(
    st.sampled_from(PLAUSIBLE),
    st.text(max_size=60),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


def _build_world():
    """The indicator the forms are posted to and the officer posting, built
    once for the module (tests/shared_db.py): each test runs in a savepoint
    inside these rows."""
    the_city()
    msk = region()
    indicator = IndicatorFactory(code="G01", plans=[PlanFactory()], comparison_territory=msk,
                                 part_labels=[])
    return {"officer": SignedIn(roles.make_officer()),
            "indicator": indicator, "value": year_value(indicator, 2021, 21)}


world = module_rows(_build_world)


@pytest.mark.django_db
@pytest.mark.parametrize("form", sorted(FORMS))
def test_no_input_makes_an_indicator_form_fail_or_half_save(client, world, form):
    url = reverse(f"indicators:{form}", args=FORMS[form](world))
    world["officer"].sign_in(client)

    fuzz_form(client, url, values, app_labels={"indicators"}, label=form)
