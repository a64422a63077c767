"""Numbers written as text, in the two number formats (core.imports.numbers):
each format reads its own spellings back, a text the formats read
differently is always reported as ambiguous, and a text neither reads is
refused."""

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core.imports.columns import CellError, number
from core.imports.numbers import (
    NumberError,
    NumberFormat,
    ambiguity_label,
    ambiguity_message,
    read_in,
    read_number,
    stated_format,
    write_number,
)

CS, EN = NumberFormat.CZECH, NumberFormat.ENGLISH


@pytest.fixture(autouse=True)
def czech():
    with translation.override("cs"):
        yield


@pytest.mark.parametrize(("text", "czech", "english"), [
    ("12", "12", "12"),
    ("1 234", "1234", "1234"),
    ("1\u00a0234,5", "1234.5", None),  # no-break space
    ("1\u202f234\u202f567", "1234567", "1234567"),  # narrow no-break spaces
    ("1 234,5", "1234.5", None),
    ("1.234,5", "1234.5", None),
    ("1.234.567", "1234567", None),
    ("1,234.5", None, "1234.5"),
    ("1,234,567", None, "1234567"),
    ("1 234.5", None, "1234.5"),
    ("1,5", "1.5", None),
    ("1.5", None, "1.5"),
    ("0,500", "0.500", None),  # a grouped number does not start with 0
    ("−2,5", "-2.5", None),  # the typographic minus
    ("83,511", "83.511", "83511"),
    ("1.234", "1234", "1.234"),
    ("12 34", None, None), ("1,2,3", None, None), ("1e5", None, None), (",5", None, None),
    ("1 234,5,6", None, None), ("1.234.5", None, None), ("", None, None), ("abc", None, None),
])
def test_each_format_reads_its_own_spellings(text, czech, english):
    assert read_in(text, CS) == (None if czech is None else Decimal(czech))
    assert read_in(text, EN) == (None if english is None else Decimal(english))


@pytest.mark.parametrize(("text", "number_format", "value", "other"), [
    ("83,511", CS, "83.511", "83511"),
    ("83,511", EN, "83511", "83.511"),
    ("1.234", CS, "1234", "1.234"),
    ("1.234", EN, "1.234", "1234"),
    ("-12,000", EN, "-12000", "-12.000"),
])
def test_a_text_the_formats_read_differently_is_ambiguous(text, number_format, value, other):
    read, ambiguity = read_number(text, number_format)
    assert read == Decimal(value)
    assert (ambiguity.text, ambiguity.value, ambiguity.other) == (text, read, Decimal(other))
    assert ambiguity.number_format == number_format


@pytest.mark.parametrize(("text", "number_format"), [
    ("1 234", CS), ("1 234", EN), ("12", EN), ("1,5", CS), ("1.5", EN), ("1 234,5", CS),
    ("1,234.5", EN), ("12,000", CS),  # Czech-only? no: see below
])
def test_texts_one_reading_fits_are_not_ambiguous(text, number_format):
    value, ambiguity = read_number(text, number_format)
    if text == "12,000":  # 12 in Czech, 12 000 in English: different, so ambiguous
        assert ambiguity is not None and value == Decimal("12.000")
    else:
        assert ambiguity is None


def test_a_text_of_the_other_format_is_refused_saying_so():
    with pytest.raises(NumberError) as error:
        read_number("1,234.5", CS)
    assert str(error.value) == (
        "„1,234.5“ není číslo v číselném formátu tohoto sešitu, český (1 234,5). Napište je "
        "v tomto formátu (např. 1 234,5), nebo uveďte druhý číselný formát.")
    with pytest.raises(NumberError) as error:
        read_number("dvanáct", EN)
    assert str(error.value) == "„dvanáct“ není číslo."


def test_the_confirmation_and_the_refusal_say_both_readings():
    _value, ambiguity = read_number("83,511", EN)
    assert ambiguity_label(ambiguity) == (
        "Potvrzuji, že „83,511“ znamená 83\u00a0511 (ne 83,511).")
    message = ambiguity_message(ambiguity)
    assert "83\u00a0511" in message and "anglický (1,234.5)" in message
    assert "83 511" in message  # grouped by spaces it reads the same in both formats


@pytest.mark.parametrize(("text", "expected"), [
    ("český (1 234,5)", CS), ("Český", CS), ("cs", CS), ("Czech (1 234,5)", CS),
    ("1 234,5", CS), ("anglický (1,234.5)", EN), ("English", EN), ("en", EN), ("EN-GB", EN),
    ("", None), ("německý", None), ("enigma", None), ("český nebo anglický", None),
])
def test_a_stated_format_is_read_in_either_language(text, expected):
    assert stated_format(text) == expected


# --- The number column ------------------------------------------------------------------------


def test_the_number_column_takes_typed_numbers_as_they_are():
    parse = number()
    assert parse.read(83511, EN) == (Decimal(83511), None)
    assert parse.read(83.511, CS) == (Decimal("83.511"), None)
    assert parse.read(None, CS) == (None, None)
    assert parse.read("  ", CS) == (None, None)
    for bad in (True, float("nan"), float("inf"), 10.0**20):
        with pytest.raises(CellError):
            parse.read(bad, CS)


def test_the_number_column_limits_places_and_range():
    whole = number(places=0, minimum=0, maximum=1000)
    assert whole.read("1 000", CS) == (1000, None)
    for bad in ("1,5", "-1", "1 001"):
        with pytest.raises(CellError):
            whole.read(bad, CS)
    with pytest.raises(CellError):
        number().read("1,23456", CS)
    # Called plainly (not through the reader), an ambiguous text is refused.
    with pytest.raises(CellError):
        number()("83,511")
    assert number()("83 511") == Decimal(83511)


# --- Properties ---------------------------------------------------------------------------------

DECIMALS = st.decimals(min_value=Decimal("-99999999999999"), max_value=Decimal("99999999999999"),
                       places=4, allow_nan=False, allow_infinity=False)
SPACES = {CS: [" ", "\u00a0", "\u202f", "."], EN: [" ", "\u00a0", "\u202f", ","]}


@st.composite
def written(draw):
    """(number, format, its text in that format, grouped or not)."""
    value = draw(DECIMALS).normalize()
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    number_format = draw(st.sampled_from([CS, EN]))
    grouping = draw(st.booleans())
    space = draw(st.sampled_from(SPACES[number_format]))
    return value, number_format, write_number(value, number_format, grouping=grouping,
                                              space=space)


@given(written())
def test_a_number_written_in_a_format_reads_back_in_that_format(case):
    value, number_format, text = case
    read, ambiguity = read_number(text, number_format)
    assert read == value
    if ambiguity is not None:  # then the other format reads it as another number
        assert ambiguity.other != value


NUMBERISH = st.text(alphabet="0123456789 ,.-\u00a0", min_size=1, max_size=16)


@given(st.one_of(NUMBERISH, written().map(lambda case: case[2])),
       st.sampled_from([CS, EN]))
def test_a_text_the_formats_read_differently_is_never_read_silently(text, number_format):
    czech, english = read_in(text, CS), read_in(text, EN)
    try:
        value, ambiguity = read_number(text, number_format)
    except NumberError:
        assert read_in(text, number_format) is None
        return
    assert value == (czech if number_format == CS else english)
    if czech is not None and english is not None and czech != english:
        assert ambiguity is not None and {ambiguity.value, ambiguity.other} == {czech, english}
    else:
        assert ambiguity is None
