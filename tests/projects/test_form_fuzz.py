"""Property-based posts to every form of the projects app: never a 500, and a
refused form saves nothing (like tests/test_form_fuzz.py)."""


import pytest
from django.urls import reverse
from hypothesis import strategies as st

from indicators.models import Indicator, IndicatorKind, Territory
from projects.models import KeyActivity, ProjectIndicator
from tests import roles
from tests.clients import SignedIn
from tests.directory.factories import the_city
from tests.fuzz import fuzz_form
from tests.shared_db import module_rows

from .factories import CallFactory, ProjectFactory

pytestmark = pytest.mark.fuzz

# url name -> args builder; the fields (the funding formset's too) come from the
# rendered form (tests/fuzz.py)
FORMS = {
    "project_create": lambda w: [],
    "project_update": lambda w: [w["project"].pk],
    "key_activity_create": lambda w: [w["project"].pk],
    "key_activity_update": lambda w: [w["project"].pk, w["activity"].pk],
    "report_create": lambda w: [w["project"].pk],
    "programme_create": lambda w: [],
    "programme_update": lambda w: [w["call"].programme.pk],
    "call_create": lambda w: [],
    "call_update": lambda w: [w["call"].pk],
    "project_actuals": lambda w: [w["project"].pk],
}
# Keys a form does not know, sent anyway: the project's own status and budget
# posted with one of its half-year reports.
EXTRA_FIELDS = {"report_create": ("status", "total_budget")}

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


def _build_world():
    """The project the forms are posted to and the officer posting, built
    once for the module (tests/shared_db.py): each test runs in a savepoint
    inside these rows."""
    the_city()
    call = CallFactory()
    project = ProjectFactory(call=call, reports_total=6)
    activity = KeyActivity.objects.create(project=project, code="KA1", title="Koordinace")
    indicator = Indicator.objects.create(
        code="p-60000", slug="p-60000", name="Celkový počet účastníků", national_code="60000",
        kind=IndicatorKind.PROJECT, home_territory=Territory.objects.create(code="m", name="M"))
    ProjectIndicator.objects.create(project=project, indicator=indicator)
    return {"officer": SignedIn(roles.make_officer()),
            "call": call, "project": project, "activity": activity}


world = module_rows(_build_world)


@pytest.mark.django_db
@pytest.mark.parametrize("form", sorted(FORMS))
def test_no_input_makes_a_project_form_fail_or_half_save(client, world, form):
    url = reverse(f"projects:{form}", args=FORMS[form](world))
    world["officer"].sign_in(client)

    fuzz_form(client, url, values, app_labels={"projects", "directory", "planning", "indicators"},
              label=form, extra_fields=EXTRA_FIELDS.get(form, ()))
