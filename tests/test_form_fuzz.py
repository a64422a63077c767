"""Property-based posts to every form of the portal: whatever a browser (or an
attacker) sends, the answer is never a 500, and a refused form saves nothing."""


import pytest
from django.urls import reverse
from hypothesis import strategies as st

from tests import roles
from tests.clients import SignedIn
from tests.directory.factories import (
    MembershipFactory,
    OrganisationFactory,
    TerritoryFactory,
    the_city,
)
from tests.fuzz import fuzz_form
from tests.shared_db import module_rows

pytestmark = pytest.mark.fuzz

# url name -> args builder; the fields come from the rendered form (tests/fuzz.py)
FORMS = {
    "organisation_create": lambda w: [],
    "organisation_update": lambda w: [w["org"].pk],
    "person_create": lambda w: [],
    "group_create": lambda w: [],
    "group_update": lambda w: [w["group"].code],
    "membership_start": lambda w: [w["group"].code],
    "membership_change": lambda w: [w["group"].code, w["seat"].pk],
    "membership_end": lambda w: [w["group"].code, w["seat"].pk],
    # The city settings: IČO, RÚIAN code and licence of the open-data catalogue among them.
    "city_settings": lambda w: [],
    # Territories of any city: kind, official code, parent (no cycle).
    "territory_create": lambda w: [],
    "territory_update": lambda w: [w["territory"].pk],
}

PLAUSIBLE = [
    "", "0", "1", "2", "-1", "99999999999999999999", "1.5", "ngo", "city_district",
    "working_group", "platform", "active", "archived", "member", "group_manager",
    "2025-01-16", "16. 1. 2025", "31.02.2025", "0000-00-00", "9999-12-31", "00845451",
    "12345678", "municipality", "orp", "region", "country", "554821", "CZ080",
    "https://example.org", "javascript:alert(1)", "DaR", "a b", "=1+1",
    "<script>alert(1)</script>", "\x00", "ž" * 400,
]
values = st.one_of(
    st.sampled_from(PLAUSIBLE),
    st.text(max_size=60),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


def _build_world():
    """The rows the forms are posted to and the officer posting, built once
    for the module (tests/shared_db.py): each test runs in a savepoint inside
    them."""
    the_city()
    group_a = roles.make_group_a()
    region = TerritoryFactory(code="fuzz-region", kind="region")
    return {"officer": SignedIn(roles.make_officer()),
            "group": group_a, "org": OrganisationFactory(), "seat": MembershipFactory(body=group_a),
            "territory": TerritoryFactory(code="fuzz-town", kind="municipality", parent=region)}


world = module_rows(_build_world)


@pytest.mark.django_db
@pytest.mark.parametrize("form", sorted(FORMS))
def test_no_input_makes_a_form_fail_or_half_save(client, world, form):
    url = reverse(f"directory:{form}", args=FORMS[form](world))
    world["officer"].sign_in(client)

    fuzz_form(client, url, values, app_labels={"directory"}, label=form)
