"""Property-based posts to every form of the network: never a 500, and a
refused form saves nothing (like tests/test_form_fuzz.py)."""

import pytest
from django.test import override_settings
from django.urls import reverse
from hypothesis import strategies as st

from tests import roles
from tests.clients import SignedIn
from tests.directory.factories import the_city
from tests.fuzz import fuzz_form
from tests.shared_db import module_rows

from .factories import make_indicator_value, make_service
from .requests_factories import file_request

pytestmark = pytest.mark.fuzz

FORMS = {
    "service_create": lambda w: [],
    "service_change": lambda w: [w["service"].pk],
    "service_end": lambda w: [w["service"].pk],
    "manual_create": lambda w: [],
    "manual_update": lambda w: [w["value"].indicator.manual_id],
    "indicator_create": lambda w: [w["value"].indicator.manual_id],
    "indicator_update": lambda w: [w["value"].indicator_id],
    "values_report": lambda w: [w["service"].pk, 2024, "year"],
    "disproportion_query": lambda w: [w["value"].pk],
    "funding": lambda w: [w["service"].pk],
    "request_windows": lambda w: [],
    "request_decide": lambda w: [w["update_request"].pk],
}
# Filed by a provider's user (implementer_x), not by officers.
PROVIDER_FORMS = {
    "request_create": lambda w: [],
    # A provider's values form has its "submit now" box (an officer's has none).
    "values_report": lambda w: [w["service"].pk, 2024, "year"],
}

PLAUSIBLE = [
    "", "0", "1", "2", "-1", "99999999999999999999", "1.5", "2,5", "1e5", "NaN", "Infinity",
    "service", "activity", "residential", "outpatient", "field", "1234567", "123456",
    "12345678", "increase", "decrease", "entry", "exit", "commission", "council", "assembly",
    "approved", "rejected", "modified", "2025", "2026", "pilot", "in_force", "superseded",
    "city", "eu", "intervence", "2024-01-01", "2023-12-31",
    "2030-01-01", "31.02.2025", "0000-00-00",
    "9999-12-31", "=1+1", "<script>alert(1)</script>", "\x00", "ž" * 400,
]
values = st.one_of(
    st.sampled_from(PLAUSIBLE),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


@pytest.fixture(scope="module", autouse=True)
def _media(tmp_path_factory):
    """The module's files (the request's attachments among the world's rows)
    in a folder of its own, set before the world is built."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("network-fuzz") / "media"):
        yield


def _build_world():
    """The service, request and value the forms are posted to and the users
    posting, built once for the module (tests/shared_db.py): each test runs in
    a savepoint inside these rows."""
    the_city()
    implementer_x = roles.make_implementer_x(roles.make_organisation_x())
    service = make_service(provider=implementer_x.implementer_organisation)
    return {"officer": SignedIn(roles.make_officer()), "implementer_x": SignedIn(implementer_x),
            "service": service, "update_request": file_request(actor=None, service=service),
            "value": make_indicator_value(service=service)}


world = module_rows(_build_world)


@pytest.mark.django_db
@pytest.mark.parametrize("form", sorted(FORMS))
def test_no_input_makes_a_network_form_fail_or_half_save(client, world, form):
    url = reverse(f"network:{form}", args=FORMS[form](world))
    world["officer"].sign_in(client)
    fuzz_form(client, url, values, app_labels={"network", "directory"}, label=form)


@pytest.mark.django_db
@pytest.mark.parametrize("form", sorted(PROVIDER_FORMS))
def test_no_input_makes_a_provider_form_fail_or_half_save(client, world, form):
    url = reverse(f"network:{form}", args=PROVIDER_FORMS[form](world))
    world["implementer_x"].sign_in(client)
    fuzz_form(client, url, values, app_labels={"network", "directory"}, label=form)


# Forms posted as uploads: tests/test_upload_fuzz.py fuzzes their files.
UPLOAD_FORMS = {"import", "import_confirm"}


def test_every_form_of_the_network_is_fuzzed():
    """A new form page of the network (any view with a form) must be added
    to FORMS or PROVIDER_FORMS above."""
    from django.views.generic.edit import FormMixin

    from network.urls import urlpatterns

    forms = set()
    for pattern in urlpatterns:
        # Public pages are wrapped by the page cache; their view is inside.
        callback = getattr(pattern.callback, "__wrapped__", pattern.callback)
        view = getattr(callback, "view_class", None)
        if view is not None and issubclass(view, FormMixin):
            forms.add(pattern.name)
    assert forms, "no form view found: the check itself is broken"
    assert forms - UPLOAD_FORMS == set(FORMS) | set(PROVIDER_FORMS)
