"""Money as a document in a given language prints it.

`format_money(amount, currency="CZK", language="cs")`:

* Czech: the amount, then the currency's Czech sign — "1 234,50 Kč",
  "1 234,50 €" (no-break spaces, the separators of config/formats/cs);
* English: a sign that English writes before the amount without a space —
  "€1,234.50", "$1,234.50", "£1,234.50" — or else the ISO 4217 code before
  it — "CZK 1,234.50".

The separators come from the portal's format modules for the language asked,
whatever language is active, so a report printed in English inside a Czech
request still writes "1,234.50"."""

import re
from decimal import Decimal, InvalidOperation

from django.utils import formats, numberformat
from django.utils.formats import get_format

NBSP = "\xa0"
DEFAULT_CURRENCY = "CZK"

# How each language writes a currency; a currency not listed is written with
# its ISO 4217 code.
_CS_SIGNS = {"CZK": "Kč", "EUR": "€", "USD": "US$", "GBP": "£"}
_EN_PREFIX_SIGNS = {"EUR": "€", "USD": "$", "GBP": "£"}


def currency_sign(currency=DEFAULT_CURRENCY, language="cs"):
    """"Kč" for CZK in Czech, "€" for EUR, the code itself where the language
    has no sign of its own ("CZK" in English)."""
    code = (currency or DEFAULT_CURRENCY).upper()
    if (language or "cs").startswith("cs"):
        return _CS_SIGNS.get(code, code)
    return _EN_PREFIX_SIGNS.get(code, code)


def format_number(amount, language="cs", decimal_pos=2):
    """Grouped number with the separators of `language`: "1 234,50" / "1,234.50"."""
    lang = "cs" if (language or "cs").startswith("cs") else "en"
    return numberformat.format(
        Decimal(amount), get_format("DECIMAL_SEPARATOR", lang, use_l10n=True),
        decimal_pos=decimal_pos, grouping=get_format("NUMBER_GROUPING", lang, use_l10n=True),
        thousand_sep=get_format("THOUSAND_SEPARATOR", lang, use_l10n=True),
        force_grouping=True, use_l10n=True)


def format_money(amount, currency=DEFAULT_CURRENCY, language="cs", *, signed=False):
    """"1 234,50 Kč" (cs), "CZK 1,234.50" / "€1,234.50" (en); "" for None.
    `signed`: "+1 234,50 Kč", "−0,01 Kč", "±0,00 Kč" for a difference."""
    if amount is None or amount == "":
        return ""
    amount = Decimal(amount)
    sign = ""
    if signed:
        sign = "+" if amount > 0 else "−" if amount < 0 else "±"
        amount = abs(amount)
    number = format_number(amount, language)
    code = (currency or DEFAULT_CURRENCY).upper()
    if (language or "cs").startswith("cs"):
        return f"{sign}{number}{NBSP}{currency_sign(code, 'cs')}"
    if code in _EN_PREFIX_SIGNS:
        return f"{sign}{_EN_PREFIX_SIGNS[code]}{number}"
    return f"{sign}{code}{NBSP}{number}"


def plain_number(value):
    """A decimal as plain digits without trailing zeros, never in exponent
    notation: Decimal("50.0000") -> "50" (not "5E+1"), "3.1000" -> "3.1"."""
    if value is None:
        return None
    return format(Decimal(value).normalize(), "f")


_DECIMAL_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)(E[+-]?\d+)?$", re.IGNORECASE)


def readable_number(value):
    """A decimal for people, in the active language, without trailing zeros and
    never in exponent notation: Decimal("2E+1") -> "20", "12.0000" -> "12",
    "1190.5" -> "1 190,5" (cs). Text that is not a number comes back as given."""
    if value is None or value == "" or isinstance(value, bool):
        return value
    if isinstance(value, str):
        if not _DECIMAL_TEXT.match(value.strip()):
            return value
        value = value.strip()
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    if not number.is_finite():
        return str(value)
    return formats.number_format(Decimal(plain_number(number)), force_grouping=True)
