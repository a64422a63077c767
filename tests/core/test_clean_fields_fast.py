"""core.bulk.clean_fields_fast: the same outcome as full_clean (without the
unique and constraint checks) for any values of a model's fields - nothing
passes that full_clean refuses, and a refusal has full_clean's messages."""

from datetime import date, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from core.bulk import clean_fields_fast
from indicators.models import IndicatorValue, IndicatorValuePart, PeriodKind
from tests.validation import refusal

EXCLUDE = ("indicator", "territory", "reviewed_by")


def _texts(longest):
    return (st.sampled_from(["", " ", "a\x00b", "x" * (longest - 1), "x" * longest,
                             "x" * (longest + 1)]) | st.text(max_size=8))


DECIMALS = st.decimals(allow_nan=False, allow_infinity=False, places=5,
                       min_value=Decimal("-1e15"), max_value=Decimal("1e15"))
VALUES = st.fixed_dictionaries({
    "period_kind": st.sampled_from([*PeriodKind.values, "", "week", None]),
    "period_start": st.sampled_from([date(2024, 1, 1), datetime(2024, 1, 1, 12), None,
                                     "2024-01-01"]),
    "period_end": st.just(date(2024, 12, 31)),
    "period_text": _texts(100),
    "value": st.none() | DECIMALS | st.sampled_from([Decimal("NaN"), 1.5, "1,5", 7]),
    "available": st.sampled_from([True, False, None, 1]),
    "not_available_reason": _texts(300),
    "is_estimate": st.booleans(),
    "rank": st.none() | st.integers(-3, 40000) | st.just(True),
    "rank_scope": _texts(60),
    "value_text": _texts(100),
    "note": _texts(5),
    "review_state": st.sampled_from(["approved", "submitted", "draft", "returned", "x", ""]),
    "review_comment": _texts(2000),
    "version": st.sampled_from([1, 0, -1, 2**40]),
})


@given(values=VALUES)
def test_a_value_is_refused_exactly_when_full_clean_refuses_it(values):
    slow, fast = IndicatorValue(**values), IndicatorValue(**values)
    expected = refusal(lambda: slow.full_clean(exclude=list(EXCLUDE), validate_unique=False,
                                                validate_constraints=False))
    assert refusal(lambda: clean_fields_fast(fast, exclude=EXCLUDE)) == expected
    if expected is None:
        assert {k: v for k, v in fast.__dict__.items() if k != "_state"} == {
            k: v for k, v in slow.__dict__.items() if k != "_state"}


@given(position=st.none() | st.integers(-2, 40000), label=_texts(200), amount=st.none() | DECIMALS)
def test_a_part_is_refused_exactly_when_full_clean_refuses_it(position, label, amount):
    slow = IndicatorValuePart(position=position, label=label, amount=amount)
    fast = IndicatorValuePart(position=position, label=label, amount=amount)
    expected = refusal(lambda: slow.full_clean(exclude=["value"], validate_unique=False,
                                                validate_constraints=False))
    assert refusal(lambda: clean_fields_fast(fast, exclude=("value",))) == expected
