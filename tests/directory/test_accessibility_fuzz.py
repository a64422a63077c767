"""Property-based posts to the forms of the accessibility statement (the
public request to fix, the administrator's statement and answer, the officers'
gaps) and of the privacy notice. Never a 500; a refused form saves nothing; a
save is audited."""

import pytest
from django.urls import reverse
from hypothesis import strategies as st

from tests import roles
from tests.clients import SignedIn
from tests.directory.factories import (
    AccessibilityGapFactory,
    AccessibilityRequestFactory,
    AccessibilityStatementFactory,
    PersonFactory,
    PrivacyDataKindFactory,
    PrivacyNoticeFactory,
    the_city,
)
from tests.fuzz import fuzz_form
from tests.shared_db import module_rows

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

PLAUSIBLE = [
    "", "0", "1", "-1", "full", "partial", "none", "self", "third_party", "non_compliance",
    "disproportionate_burden", "out_of_scope", "2026-12-05", "5. 12. 2026", "2026-02-30",
    "0000-00-00", "9999-12-31", "a@example.org", "not-an-address", "/indicators/",
    "javascript:alert(1)", "<script>alert(1)</script>", "\x00", "ž" * 600, "1.3.1",
]
values = st.one_of(st.sampled_from(PLAUSIBLE), st.text(max_size=60))

# url name -> (role: a user of the world, or anonymous; args builder)
FORMS = {
    "accessibility_request": ("anonymous", lambda w: []),
    "accessibility_edit": ("administrator", lambda w: []),
    "accessibility_gap_create": ("officer", lambda w: []),
    "accessibility_gap_update": ("officer", lambda w: [w["gap"].pk]),
    "accessibility_request_answer": ("administrator", lambda w: [w["request"].pk]),
    "privacy_edit": ("administrator", lambda w: []),
    "privacy_data_kind_create": ("administrator", lambda w: []),
    "privacy_data_kind_update": ("administrator", lambda w: [w["data_kind"].pk]),
    # The confirmation of anonymising a person who left: one button, no fields; whatever
    # else is posted, the person is anonymised once, audited, or nothing changes.
    "person_anonymise": ("administrator", lambda w: [w["person"].pk]),
}
# Keys a hand-made post might add to a form of one button.
EXTRA_FIELDS = {"person_anonymise": ("id", "person", "name", "email", "label", "confirm")}


def _build_world():
    """The rows the forms are posted to and the users posting, built once for
    the module (tests/shared_db.py): each test runs in a savepoint inside
    them."""
    the_city()
    return {"administrator": SignedIn(roles.make_administrator()),
            "officer": SignedIn(roles.make_officer()),
            "statement": AccessibilityStatementFactory(), "gap": AccessibilityGapFactory(),
            "request": AccessibilityRequestFactory(), "notice": PrivacyNoticeFactory(),
            "data_kind": PrivacyDataKindFactory(), "person": PersonFactory()}


world = module_rows(_build_world)


@pytest.fixture
def no_throttle(monkeypatch):
    """The throttle has its own test; here every post reaches the form."""
    monkeypatch.setattr("directory.views_accessibility.throttle_hit", lambda *a, **k: True)


@pytest.mark.parametrize("form", sorted(FORMS))
def test_no_input_makes_an_accessibility_form_fail_or_half_save(client, world, no_throttle, form):
    role, args = FORMS[form]
    if role != "anonymous":
        world[role].sign_in(client)
    url = reverse(f"directory:{form}", args=args(world))

    fuzz_form(client, url, values, app_labels={"directory"}, label=form,
              extra_fields=EXTRA_FIELDS.get(form, ()),
              save_must_change=form not in ("accessibility_edit", "privacy_edit"))
