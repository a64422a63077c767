import contextlib
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.models import PeriodKind, TargetKind
from indicators.parsing import ParseError, parse_decimal, parse_period, parse_target, parse_value


@pytest.mark.parametrize(("text", "expected"), [
    ("39", Decimal("39")), ("1 190", Decimal("1190")), ("3,01", Decimal("3.01")),
    ("1\u00a0190", Decimal("1190")), ("-2,5", Decimal("-2.5")), ("278,7", Decimal("278.7")),
])
def test_czech_numbers(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "12 34", "1e5", "NaN", "1.23456",
                                  "9" * 20])
def test_not_numbers_are_refused(text):
    with pytest.raises(ParseError):
        parse_decimal(text)


def test_every_value_shape_of_the_evaluation():
    assert parse_value("39").value == Decimal("39")
    estimate = parse_value("cca 3 100")
    assert (estimate.value, estimate.is_estimate) == (Decimal("3100"), True)
    for text in ("n. a.", "-"):
        missing = parse_value(text)
        assert missing.available is False and missing.value is None
    ranked = parse_value("174,1, 2. v ČR")
    assert (ranked.value, ranked.rank, ranked.rank_scope) == (Decimal("174.1"), 2, "v ČR")
    share = parse_value("3,01 %")
    assert (share.value, share.percent) == (Decimal("3.01"), True)
    composite = parse_value("12/12/4/22")
    assert composite.is_composite and composite.parts == [12, 12, 4, 22]
    assert composite.value is None


@pytest.mark.parametrize(("text", "kind", "start", "end"), [
    ("2021", PeriodKind.YEAR, date(2021, 1, 1), date(2021, 12, 31)),
    ("12/2021", PeriodKind.MONTH, date(2021, 12, 1), date(2021, 12, 31)),
    ("2/2024", PeriodKind.MONTH, date(2024, 2, 1), date(2024, 2, 29)),
    ("1. pol. 2021", PeriodKind.HALF_YEAR, date(2021, 1, 1), date(2021, 6, 30)),
    ("školní rok 2020/21", PeriodKind.SCHOOL_YEAR, date(2020, 9, 1), date(2021, 8, 31)),
    ("2022/23", PeriodKind.SCHOOL_YEAR, date(2022, 9, 1), date(2023, 8, 31)),
    ("Data dostupná k 30. 4. 2024", PeriodKind.AS_OF, date(2024, 4, 30), date(2024, 4, 30)),
    ("Stav k 31. 12. 2023", PeriodKind.AS_OF, date(2023, 12, 31), date(2023, 12, 31)),
    ("k 30. 4. 2024", PeriodKind.AS_OF, date(2024, 4, 30), date(2024, 4, 30)),
])
def test_periods_as_published(text, kind, start, end):
    period = parse_period(text)
    assert (period.kind, period.start, period.end) == (kind, start, end)


@pytest.mark.parametrize("text", ["", "13/2021", "2021/23", "31. 2. 2024", "k 30. 4.",
                                  "loni", "0001"])
def test_impossible_periods_are_refused_with_a_message(text):
    with pytest.raises(ParseError) as error:
        parse_period(text)
    assert str(error.value)


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("Méně než 16", TargetKind.BELOW, Decimal(16)),
    ("Minimálně 700", TargetKind.AT_LEAST, Decimal(700)),
    ("Pokles", TargetKind.DECREASE, None),
    ("Pokles o 500", TargetKind.DECREASE_BY, Decimal(500)),
    ("Zvýšit o 500", TargetKind.INCREASE_BY, Decimal(500)),
    ("Pokles pod krajskou hodnotu", TargetKind.BELOW_COMPARISON, None),
    ("Pokles v pořadí krajských měst", TargetKind.LOWER_IN_RANKING, None),
])
def test_every_target_of_the_evaluation(text, kind, value):
    target = parse_target(text)
    assert (target.kind, target.value) == (kind, value)


@given(st.text(max_size=40))
def test_parsers_never_fail_other_than_with_a_parse_error(text):
    for parse in (parse_value, parse_period, parse_target, parse_decimal):
        with contextlib.suppress(ParseError):
            parse(text)
