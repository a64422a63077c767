"""Columns of an import sheet, the parsers of their cells, and the error that
names a sheet row and a column header."""

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from core.exports import FORMULA_TRIGGERS

TRUE_WORDS = {"ano", "a", "yes", "y", "true", "pravda", "1", "x"}
FALSE_WORDS = {"ne", "n", "no", "false", "nepravda", "0", ""}
CZECH_DATE = re.compile(r"^\s*(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})\s*$")
# Report counts are small integers in the database; ids and versions are not.
SMALL_INT_MAX = 32767
KEY_MAX = 2**63 - 1


class CellError(ValueError):
    """A parser's refusal of one cell; the reader adds the row and column."""


class RowError(str):
    """An error as the user reads it, naming the sheet row and the column
    header. It is its own text, so a preview stored as JSON keeps it as is,
    and `row`, `column` and `message` stay available for code and tests.

    With `letter` (e.g. "I") the column is named as "I (Hodnota)", the way a
    spreadsheet user finds it; without, the header is quoted."""

    row: int | None
    column: str | None
    message: str

    def __new__(cls, row, column, message, *, letter=None):
        message = str(message)
        if column and letter:
            label = f"{letter} ({column[:40]})"
            if row is not None:
                text = _("Row %(row)d, column %(column)s: %(message)s") % {
                    "row": row, "column": label, "message": message}
            else:
                text = _("Column %(column)s: %(message)s") % {
                    "column": label, "message": message}
        elif column:
            if row is not None:
                text = _("Row %(row)d, column “%(column)s”: %(message)s") % {
                    "row": row, "column": column, "message": message}
            else:
                text = _("Column “%(column)s”: %(message)s") % {
                    "column": column, "message": message}
        elif row is not None:
            text = _("Row %(row)d: %(message)s") % {"row": row, "message": message}
        else:
            text = message
        error = super().__new__(cls, text)
        error.row, error.column, error.message = row, column, message
        return error

    def __reduce__(self):
        return str, (str(self),)


@dataclass(frozen=True)
class Column:
    """One column of an import sheet.

    `header` is the text in the sheet's first row (the format of the file:
    the value workbook's headers are Czech, the plan sheet's are field names);
    `name` is the key the importer uses, also accepted as a header. `parser`
    turns a cell's raw value into the row's value or raises CellError.
    `required` columns must be in the sheet; whether a cell may be empty is
    the importer's rule. `help` documents the column on the upload page and
    in the workbook."""

    name: str
    header: str
    parser: object
    help: object = ""
    required: bool = False
    filled: bool = True  # False: context written by the portal, not imported
    examples: str = ""
    width: int = 14
    field: str | None = None  # the model field it updates, for the model's own errors


def normal(text):
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def undo_neutralise(text):
    """core.exports.neutralise wrote "'=x" for "=x"."""
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def is_blank(raw):
    return raw is None or (isinstance(raw, str) and not raw.strip())


# --- Parsers: raw cell value -> value -----------------------------------------------------


def text(value):
    """The cell as text, spaces kept as typed; dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ano" if value else "ne"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return undo_neutralise(str(value))


def integer(value, *, year=False, maximum=SMALL_INT_MAX):
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": value})
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or value < 0:
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": text(value)})
    if year and not 1900 <= value <= 2100:
        raise CellError(_("“%(value)s” is not a year (1900–2100).") % {"value": value})
    if not year and value > maximum:
        raise CellError(_("%(value)s is too large.") % {"value": value})
    return value


def year(value):
    return integer(value, year=True)


def key(value):
    """An id or a version: a whole number of any size."""
    return integer(value, maximum=KEY_MAX)


def day(value):
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    written = text(value).strip()
    try:
        match = CZECH_DATE.match(written)
        if match:
            d, m, y = (int(g) for g in match.groups())
            return date(y, m, d)
        return date.fromisoformat(written)
    except ValueError:
        raise CellError(
            _("“%(value)s” is not a valid date (write it as 1. 7. 2023).") % {"value": written}
        ) from None


def boolean(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = text(value).strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("“%(value)s” is neither “ano” nor “ne”.") % {"value": text(value)})


def choice(choices):
    """A parser for one of `choices` (TextChoices), by value or label."""
    def parse(value):
        written = text(value).strip()
        if not written:
            return ""
        for option in choices:
            if written == option.value or written.casefold() in (
                    str(option.label).casefold(), option.value.casefold()):
                return option.value
        raise CellError(_("Unknown value “%(value)s”; allowed: %(allowed)s.") % {
            "value": written, "allowed": ", ".join(c.value for c in choices)})
    return parse


def text_list(value):
    """"a; b; c" -> ["a", "b", "c"]."""
    return [part.strip() for part in text(value).split(";") if part.strip()]
