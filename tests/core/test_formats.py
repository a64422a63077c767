"""Money as documents in each language print it (core/formats.py)."""

from decimal import Decimal

import pytest
from django.utils import translation

from core.formats import currency_sign, format_money, plain_number


@pytest.mark.parametrize(("amount", "currency", "language", "expected"), [
    (Decimal("1234.5"), "CZK", "cs", "1\xa0234,50\xa0Kč"),
    (Decimal("178730828.51"), "CZK", "cs", "178\xa0730\xa0828,51\xa0Kč"),
    (Decimal("1234.5"), "EUR", "cs", "1\xa0234,50\xa0€"),
    (Decimal("1234.5"), "PLN", "cs", "1\xa0234,50\xa0PLN"),
    (Decimal("1234.5"), "CZK", "en", "CZK\xa01,234.50"),
    (Decimal("1234.5"), "EUR", "en", "€1,234.50"),
    (Decimal("1234.5"), "USD", "en", "$1,234.50"),
    (Decimal("0"), "EUR", "en", "€0.00"),
    (None, "CZK", "cs", ""),
])
def test_money_in_each_language(amount, currency, language, expected):
    assert format_money(amount, currency, language) == expected


def test_the_language_asked_wins_over_the_active_one():
    with translation.override("cs"):
        assert format_money(Decimal("1234.5"), "EUR", "en") == "€1,234.50"
    with translation.override("en"):
        assert format_money(Decimal("1234.5"), "CZK", "cs") == "1\xa0234,50\xa0Kč"


@pytest.mark.parametrize(("amount", "expected"), [
    (Decimal("0.04"), "+0,04\xa0Kč"), (Decimal("-0.01"), "−0,01\xa0Kč"),
    (Decimal("0"), "±0,00\xa0Kč"),
])
def test_a_difference_carries_its_sign(amount, expected):
    assert format_money(amount, "CZK", "cs", signed=True) == expected


def test_signs_of_a_currency():
    assert currency_sign("CZK", "cs") == "Kč"
    assert currency_sign("CZK", "en") == "CZK"
    assert currency_sign("EUR", "en") == "€"


@pytest.mark.parametrize(("value", "plain"), [
    (Decimal("50.0000"), "50"), (Decimal("3.1000"), "3.1"), (Decimal("0.0000"), "0"),
    (Decimal("1200"), "1200"), (Decimal("-20.50"), "-20.5"), (None, None)])
def test_plain_number_never_writes_an_exponent(value, plain):
    assert plain_number(value) == plain
