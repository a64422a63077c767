"""The automatic status, one rule per target shape."""

from decimal import Decimal

import pytest

from indicators.models import Status, TargetKind
from indicators.services import indicator_refresh_status
from indicators.status import assess, next_target
from tests.indicators.factories import IndicatorFactory, region, year_value

pytestmark = pytest.mark.django_db


def _status(target_kind, baseline, latest, target_value=None, **kwargs):
    indicator = IndicatorFactory(target_kind=target_kind, target_value=target_value, **kwargs)
    if baseline is not None:
        year_value(indicator, 2021, baseline, is_baseline=True)
    if latest is not None:
        year_value(indicator, 2023, latest)
    return indicator_refresh_status(indicator=indicator)


@pytest.mark.parametrize(("kind", "baseline", "latest", "target", "expected"), [
    (TargetKind.BELOW, 21, 15, 16, Status.ON_TRACK),
    (TargetKind.BELOW, 21, 20, 16, Status.IMPROVING),
    (TargetKind.BELOW, 21, 22, 16, Status.OFF_TRACK),
    (TargetKind.BELOW, 21, 16, 16, Status.IMPROVING),
    (TargetKind.AT_MOST, 21, 16, 16, Status.ON_TRACK),
    (TargetKind.AT_LEAST, 589, 700, 700, Status.ON_TRACK),
    (TargetKind.AT_LEAST, 589, 650, 700, Status.IMPROVING),
    (TargetKind.AT_LEAST, 589, 310, 700, Status.OFF_TRACK),
    (TargetKind.DECREASE, 244, 200, None, Status.ON_TRACK),
    (TargetKind.DECREASE, 244, 328, None, Status.OFF_TRACK),
    (TargetKind.DECREASE, 244, 244, None, Status.OFF_TRACK),
    (TargetKind.INCREASE, 10, 11, None, Status.ON_TRACK),
    (TargetKind.DECREASE_BY, 3100, 2600, 500, Status.ON_TRACK),
    (TargetKind.DECREASE_BY, 3100, 3000, 500, Status.IMPROVING),
    (TargetKind.DECREASE_BY, 3100, 3200, 500, Status.OFF_TRACK),
    (TargetKind.INCREASE_BY, 4667, 5167, 500, Status.ON_TRACK),
    (TargetKind.INCREASE_BY, 4667, 4800, 500, Status.IMPROVING),
    (TargetKind.INCREASE_BY, 4667, 4239, 500, Status.OFF_TRACK),
    (TargetKind.DECREASE, 11, None, None, Status.NO_DATA),
    (TargetKind.NONE, 11, 12, None, Status.NO_TARGET),
])
def test_status_per_target_shape(kind, baseline, latest, target, expected):
    value = Decimal(target) if target is not None else None
    assert _status(kind, baseline, latest, target_value=value) == expected


def test_not_available_latest_value_means_no_data():
    indicator = IndicatorFactory(target_kind=TargetKind.DECREASE)
    year_value(indicator, 2021, 11, is_baseline=True)
    year_value(indicator, 2023, None, available=False, value_text="n. a.")
    assert indicator_refresh_status(indicator=indicator) == Status.NO_DATA


@pytest.mark.parametrize(("then", "now", "expected"), [
    ((Decimal("3.01"), Decimal("2.28")), (Decimal("2.17"), Decimal("2.07")), Status.IMPROVING),
    ((Decimal("3.01"), Decimal("2.28")), (Decimal("2.00"), Decimal("2.07")), Status.ON_TRACK),
    ((Decimal("3.01"), Decimal("2.28")), (Decimal("3.50"), Decimal("2.07")), Status.OFF_TRACK),
])
def test_below_the_comparison_territory(then, now, expected):
    msk = region()
    indicator = IndicatorFactory(target_kind=TargetKind.BELOW_COMPARISON,
                                 comparison_territory=msk)
    year_value(indicator, 2021, then[0], is_baseline=True)
    year_value(indicator, 2021, then[1], territory=msk, is_baseline=True)
    year_value(indicator, 2023, now[0])
    year_value(indicator, 2023, now[1], territory=msk)
    assert indicator_refresh_status(indicator=indicator) == expected


@pytest.mark.parametrize(("then", "now", "expected"), [
    (2, 2, Status.OFF_TRACK), (2, 5, Status.ON_TRACK), (3, 1, Status.OFF_TRACK)])
def test_lower_in_the_ranking(then, now, expected):
    indicator = IndicatorFactory(target_kind=TargetKind.LOWER_IN_RANKING)
    year_value(indicator, 2021, "174.1", rank=then, is_baseline=True)
    year_value(indicator, 2023, "278.7", rank=now)
    assert indicator_refresh_status(indicator=indicator) == expected


# --- Milestones: the status is judged against the next one ------------------------------


def _milestones(indicator, *targets):
    from indicators.models import IndicatorTarget
    for position, (year, kind, value) in enumerate(targets, start=1):
        IndicatorTarget.objects.create(indicator=indicator, position=position, year=year,
                                       kind=kind, value=value)


def _assessed(indicator):
    indicator = type(indicator).objects.prefetch_related("targets").get(pk=indicator.pk)
    values = list(indicator.values.select_related("territory").prefetch_related("parts"))
    return next_target(indicator, values), assess(indicator, values).status


def test_the_next_milestone_is_the_earliest_not_yet_past_at_the_latest_value():
    indicator = IndicatorFactory()
    # Printed out of date order: the order of dates decides, not the position.
    _milestones(indicator, (2030, TargetKind.AT_MOST, Decimal("10")),
                (2025, TargetKind.AT_MOST, Decimal("20")))
    year_value(indicator, 2020, 30, is_baseline=True)
    year_value(indicator, 2024, 18)
    target, status = _assessed(indicator)
    assert (target.year, status) == (2025, Status.ON_TRACK)
    year_value(indicator, 2026, 18)  # 2025 is past: judged against "at most 10 by 2030"
    target, status = _assessed(indicator)
    assert (target.year, status) == (2030, Status.IMPROVING)
    year_value(indicator, 2031, 12)  # all past: the last one
    target, status = _assessed(indicator)
    assert (target.year, status) == (2030, Status.IMPROVING)


def test_without_milestones_there_is_no_target():
    indicator = IndicatorFactory()
    year_value(indicator, 2024, 18)
    assert _assessed(indicator) == (None, Status.NO_TARGET)
