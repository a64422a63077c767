"""Numbers written as text, read in the number format a workbook states.

Two formats, each a fixed set of spellings (after every run of spaces -
ordinary, no-break, narrow, thin, figure - is one space, and "−" is "-"):

* Czech (`cs`), "1 234,5": the decimal mark is a comma; thousands are grouped
  by spaces ("1 234,5") or by dots ("1.234,5"), groups of three.
* English (`en`), "1,234.5": the decimal mark is a dot; thousands are grouped
  by commas ("1,234.5") or by spaces ("1 234.5"), groups of three.

In both a plain "1234" is a number and a grouped number starts with 1-9
("0,500" is no English number). Nothing else is read: "1e5", ",5", "1,2,3".

A text is *ambiguous* when both formats read it, as different numbers:
"83,511" (Czech 83.511, English 83 511), "1.234" (Czech 1 234, English
1.234). Its reading in the workbook's format is used only once a person
confirmed it (the preview's per-row checkbox); "1 234", "12" or "1,5" (only
Czech reads it) are not ambiguous. Numbers typed as numbers in a spreadsheet
(int/float cells) are never ambiguous."""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils.formats import number_format as localized
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _


class NumberFormat(models.TextChoices):
    CZECH = "cs", gettext_lazy("Czech (1 234,5)")
    ENGLISH = "en", gettext_lazy("English (1,234.5)")


EXAMPLES = {NumberFormat.CZECH: "1 234,5", NumberFormat.ENGLISH: "1,234.5"}
# How a workbook may state its format (casefolded beginnings, both languages).
# (format, (whole words..., beginnings...), example): "cs", "cz" and "en" only
# as a whole first word.
_STATED = (
    (NumberFormat.CZECH, ("cs", "cz", "česk", "cesk", "czech"), "1 234,5"),
    (NumberFormat.ENGLISH, ("en", "eng", "anglick", "english"), "1,234.5"),
)
# The label of the cell stating the format, in either language.
FORMAT_LABELS = ("formát čísel", "format cisel", "number format")

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
_SIGN = r"[+-]?"
_PLAIN = r"\d+"


def _grouped(separator):
    return r"[1-9]\d{0,2}(?:" + re.escape(separator) + r"\d{3})+"


def _pattern(integer_forms, decimal_mark):
    return re.compile("^" + _SIGN + "(?:" + "|".join(integer_forms) + ")"
                      + "(?:" + re.escape(decimal_mark) + r"\d+)?$")


_PATTERNS = {
    NumberFormat.CZECH: (_pattern([_grouped(" "), _grouped("."), _PLAIN], ","), ",", " ."),
    NumberFormat.ENGLISH: (_pattern([_grouped(","), _grouped(" "), _PLAIN], "."), ".", ", "),
}


def squeeze(text):
    """Runs of any spaces as one space, the typographic minus as "-", trimmed."""
    return _SPACES.sub(" ", str(text)).replace("\u2212", "-").strip()


def other_format(number_format):
    return (NumberFormat.ENGLISH if number_format == NumberFormat.CZECH
            else NumberFormat.CZECH)


def format_label(number_format):
    return NumberFormat(number_format).label


def read_in(text, number_format):
    """The number `text` is in `number_format`, or None when it is not one."""
    written = squeeze(text)
    pattern, mark, groups = _PATTERNS[NumberFormat(number_format)]
    if not pattern.match(written):
        return None
    for separator in groups:
        written = written.replace(separator, "")
    try:
        return Decimal(written.replace(mark, "."))
    except InvalidOperation:  # pragma: no cover - the pattern excludes it
        return None


@dataclass(frozen=True)
class Ambiguity:
    """`text` is `value` in the workbook's format but `other` in the other one."""

    text: str
    value: Decimal
    other: Decimal
    number_format: str


class NumberError(ValueError):
    """A text that is no number in the workbook's format (a Czech message)."""


def read_number(text, number_format):
    """(Decimal, Ambiguity or None) for a text in `number_format`; raises
    NumberError when the format does not read it, saying when the other
    format would."""
    written = squeeze(text)
    value = read_in(written, number_format)
    other_reading = read_in(written, other_format(number_format))
    if value is None:
        shown = _SPACES.sub(" ", str(text)).strip()[:40]
        if other_reading is not None:
            raise NumberError(_(
                "“%(text)s” is not a number in the number format of this workbook, "
                "%(format)s. Write it in that format (e.g. %(example)s), or state the other "
                "number format.") % {
                    "text": shown, "format": format_label(number_format),
                    "example": EXAMPLES[NumberFormat(number_format)]})
        raise NumberError(_("“%(text)s” is not a number.") % {"text": shown})
    if other_reading is not None and other_reading != value:
        return value, Ambiguity(written, value, other_reading, str(NumberFormat(number_format)))
    return value, None


def write_number(value, number_format, *, grouping=True, space=" "):
    """`value` (a Decimal) as `number_format` writes it: grouped by `space`
    (any space, or "." in Czech, "," in English) or not grouped."""
    sign = "-" if value < 0 else ""
    digits = format(abs(value), "f")
    whole, _dot, fraction = digits.partition(".")
    if grouping:
        parts = []
        while len(whole) > 3:
            whole, tail = whole[:-3], whole[-3:]
            parts.insert(0, tail)
        whole = space.join([whole, *parts])
    mark = "," if number_format == NumberFormat.CZECH else "."
    return sign + whole + (mark + fraction if fraction else "")


def shown(value):
    """A number as the page's language writes it, grouped (for a person)."""
    return localized(value, force_grouping=True)


def ambiguity_label(ambiguity):
    """The preview's checkbox: what the person confirms."""
    return _("I confirm that “%(text)s” means %(value)s (not %(other)s).") % {
        "text": ambiguity.text, "value": shown(ambiguity.value),
        "other": shown(ambiguity.other)}


def ambiguity_message(ambiguity):
    """Why a confirm is refused while the ambiguity is not confirmed."""
    message = _(
        "“%(text)s” reads as %(value)s in the number format of this workbook, %(format)s, but as "
        "%(other)s in the other format. Tick the confirmation in the preview, or correct "
        "the number in the workbook.") % {
            "text": ambiguity.text, "value": shown(ambiguity.value),
            "other": shown(ambiguity.other),
            "format": format_label(ambiguity.number_format)}
    if ambiguity.value == ambiguity.value.to_integral_value():
        message += " " + _("Grouped by spaces, it cannot be misread: %(example)s.") % {
            "example": write_number(ambiguity.value, ambiguity.number_format)}
    return message


def stated_format(text):
    """The format a cell states ("český (1 234,5)", "English", "cs"), or None
    when it states none or both."""
    written = squeeze(text).casefold()
    words = re.findall(r"[^\W\d_]+", written)
    found = {number_format for number_format, names, example in _STATED
             if example in written or any(
                 word in names[:2] or word.startswith(names[2:]) for word in words)}
    return found.pop() if len(found) == 1 else None


def language_format(language=None):
    """The format of a page language: English for English, Czech otherwise."""
    language = (language or get_language() or "cs").lower()
    return NumberFormat.ENGLISH if language.startswith("en") else NumberFormat.CZECH
