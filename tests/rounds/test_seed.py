"""The reporting rounds of seed_demo: a closed round with a correction after
closing, and an open one in which implementers' values wait in every review
state and the network's services owe their indicators, one having submitted
them."""

import pytest

from core.review import ReviewState
from network.indicator_selectors import services_reporting_in
from rounds.models import ObligationKind, ReportingRound, RoundStatus
from rounds.selectors import with_state
from tests.shared_db import DEMO, module_rows, seed_demo

pytestmark = pytest.mark.django_db

_seeded_once = module_rows(lambda: seed_demo(*DEMO))


def test_the_demo_closed_round(_seeded_once):
    closed = ReportingRound.objects.get(status=RoundStatus.CLOSED)
    assert "ilustrativní" in closed.title and not closed.service_indicators
    assert closed.obligations.filter(kind=ObligationKind.VALUE).exists()


def test_the_demo_open_round_waits_in_every_state_and_asks_the_services(_seeded_once):
    open_ = ReportingRound.objects.get(status=RoundStatus.OPEN)
    assert open_.service_indicators and (open_.service_year, open_.service_period) == (
        2026, "year")
    states = list(with_state(open_.obligations.filter(kind=ObligationKind.VALUE))
                  .values_list("state", flat=True))
    assert {ReviewState.SUBMITTED, ReviewState.RETURNED, ReviewState.DRAFT} <= set(states)
    owing = open_.obligations.filter(kind=ObligationKind.SERVICE)
    assert set(owing.values_list("service_id", flat=True)) == set(
        services_reporting_in(open_.period_start, open_.period_end)
        .values_list("pk", flat=True))
    assert owing.count() >= 30
    service_states = list(with_state(owing).values_list("state", flat=True))
    assert service_states.count(ReviewState.SUBMITTED) == 1
    assert service_states.count("missing") == len(service_states) - 1
