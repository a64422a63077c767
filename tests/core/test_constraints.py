"""core.constraints.ChecksInOneQuery: a model's check constraints validated in
one query, with Django's outcome for any values - the same refusals, the same
messages in the same order, the same checks skipped for excluded fields."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection, models
from django.db.models import CheckConstraint
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from core.constraints import ChecksInOneQuery
from meetings.models import Meeting
from planning.models import Plan, PlanItem
from tests.validation import refusal

pytestmark = pytest.mark.django_db

PLAN_ITEM_VALUES = st.fixed_dictionaries({
    "reports_done": st.none() | st.integers(-1, 5),
    "reports_total": st.none() | st.integers(-1, 5),
    "period_start": st.none() | st.dates(date(2025, 12, 30), date(2026, 1, 2)),
    "period_end": st.none() | st.dates(date(2025, 12, 30), date(2026, 1, 2)),
    "id": st.none() | st.integers(1, 3),
    "parent_id": st.none() | st.integers(1, 3),
    "costs_currency": st.sampled_from(["", "CZK", "czk", "EURO"]),
    "costs_amount": st.none() | st.sampled_from([Decimal("-0.01"), Decimal(0), Decimal(7)]),
})
MEETING_VALUES = st.fixed_dictionaries({
    "minutes_status": st.sampled_from(["draft", "published", "x", ""]),
    "status": st.sampled_from(["planned", "held", "gone"]),
    "published_at": st.none() | st.just(date(2026, 1, 1)),
    "latitude": st.none() | st.sampled_from([Decimal(-91), Decimal(0), Decimal(90)]),
    "longitude": st.none() | st.sampled_from([Decimal(180), Decimal("180.5")]),
    "id": st.none() | st.integers(1, 2),
    "next_meeting_id": st.none() | st.integers(1, 2),
})
EXCLUDED = st.sets(st.sampled_from(
    ["reports_done", "period_end", "parent", "costs_currency", "id", "pk", "status",
     "published_at", "latitude", "next_meeting"]))


@pytest.mark.parametrize(("model", "values"), [(PlanItem, PLAN_ITEM_VALUES),
                                               (Meeting, MEETING_VALUES)])
def test_refusals_and_messages_are_djangos(model, values):
    @given(values=values, exclude=EXCLUDED)
    def same(values, exclude):
        instance = model(**values)
        djangos = refusal(lambda: models.Model.validate_constraints(instance, exclude))
        assert refusal(lambda: instance.validate_constraints(exclude)) == djangos

    same()


def test_all_checks_of_an_object_cost_one_query_in_one_savepoint():
    plan = Plan(period_start=2027, period_end=2022, status="gone", language="cs",
                currency="CZK")
    with CaptureQueriesContext(connection) as djangos:
        djangos_error = refusal(lambda: models.Model.validate_constraints(plan))
    with CaptureQueriesContext(connection) as ours:
        our_error = refusal(plan.validate_constraints)
    assert our_error == djangos_error
    assert len(our_error["__all__"]) == 2
    checks = sum(type(c) is CheckConstraint for c in Plan._meta.constraints)
    assert len(djangos) == 3 * checks  # savepoint, select, release for each
    assert [q["sql"].split()[0] for q in ours] == ["SAVEPOINT", "SELECT", "RELEASE"]


def test_a_database_error_in_one_check_lets_it_pass_as_django_does():
    # PostgreSQL takes no NUL in a text: the currency check fails in the
    # database, and Django lets that check pass (logged). The other checks are
    # still asked, each alone.
    plan = Plan(period_start=2027, period_end=2022, status="gone", language="cs",
                currency="C\x00K")
    error = refusal(plan.validate_constraints)
    assert error == refusal(lambda: models.Model.validate_constraints(plan))
    assert len(error["__all__"]) == 2


def test_every_model_with_several_checks_asks_them_in_one_query():
    several = [model._meta.label for model in apps.get_models()
               if sum(type(c) is CheckConstraint for c in model._meta.constraints) > 1]
    assert several, "no model has several check constraints"
    assert [label for label in several
            if not issubclass(apps.get_model(label), ChecksInOneQuery)] == []
