"""Columns of an import sheet, the parsers of their cells, and the error that
names a sheet row and a column header."""

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core.exports import FORMULA_TRIGGERS, neutralise

from .numbers import NumberError, NumberFormat, language_format, read_number

TRUE_WORDS = {"ano", "a", "yes", "y", "true", "pravda", "1", "x"}
FALSE_WORDS = {"ne", "n", "no", "false", "nepravda", "0", ""}
CZECH_DATE = re.compile(r"^\s*(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})\s*$")
# A cell of a workbook holds at most 32,767 characters (Excel's own limit),
# and openpyxl reads a longer cell cut to that length - so a cell read at
# full length may have been cut, and is refused: long texts (titles,
# descriptions, definitions) have at most 32,766 characters, shorter
# texts as many as their field holds; a longer cell is a row error, never cut.
CELL_MAX = 32_766
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

    @property
    def reads_numbers(self):
        """Whether its cells are read in the workbook's number format."""
        return hasattr(self.parser, "read")

    def read(self, raw, number_format=NumberFormat.CZECH):
        """(value, Ambiguity or None): the parser's value; a number parser
        (`number()`) reads text in `number_format` and tells an ambiguity."""
        if self.reads_numbers:
            return self.parser.read(raw, number_format)
        return self.parser(raw), None


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


def limited(parser, limit):
    """`parser`, after refusing a text longer than `limit` - before reading
    it, so a huge cell costs no more than its length check and its error
    never repeats it."""
    def parse_cell(value):
        if isinstance(value, str) and len(value) > limit:
            raise CellError(_("The text has %(length)s characters; at most %(limit)s fit here. "
                              "Nothing is cut: shorten it.") % {
                "length": number_format(len(value), force_grouping=True),
                "limit": number_format(limit, force_grouping=True)})
        return parser(value)
    parse_cell.inner = parser
    return parse_cell


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
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
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


class number:  # noqa: N801 - a parser factory, used like the functions above
    """A parser of numbers: cells typed as numbers are taken as they are; text
    is read in the workbook's number format (core.imports.numbers), and a text
    the two formats read differently is returned with its Ambiguity, for the
    preview to have confirmed. `places` limits the decimal places (0: whole
    numbers); `minimum`/`maximum` the value. An empty cell is None.

    Used as a column's parser, the reader calls `read(raw, number_format)`;
    called plainly it reads Czech and refuses an ambiguous text."""

    def __init__(self, *, places=4, minimum=None, maximum=Decimal("99999999999999")):
        self.places = places
        self.minimum = None if minimum is None else Decimal(minimum)
        self.maximum = None if maximum is None else Decimal(maximum)

    def __call__(self, raw):
        value, ambiguity = self.read(raw, NumberFormat.CZECH)
        if ambiguity is not None:
            raise CellError(_("“%(value)s” reads differently in the Czech and the English "
                              "number format.") % {"value": ambiguity.text})
        return value

    def read(self, raw, number_format):
        if is_blank(raw):
            return None, None
        ambiguity = None
        if isinstance(raw, bool | date | datetime):
            raise CellError(_("“%(value)s” is not a number.") % {"value": text(raw)[:40]})
        if isinstance(raw, int):
            value = Decimal(raw)
        elif isinstance(raw, float):
            value = Decimal(repr(raw))
        elif isinstance(raw, Decimal):
            value = raw
        else:
            try:
                value, ambiguity = read_number(undo_neutralise(str(raw))[:200], number_format)
            except NumberError as error:
                raise CellError(str(error)) from None
        self.check(value)
        return (int(value) if self.places == 0 else value), ambiguity

    def check(self, value):
        if not value.is_finite():
            raise CellError(_("“%(value)s” is not a number.") % {"value": value})
        if self.maximum is not None and abs(value) > self.maximum:
            raise CellError(_("%(value)s is too large.") % {"value": value})
        if self.minimum is not None and value < self.minimum:
            raise CellError(_("%(value)s is less than %(minimum)s.") % {
                "value": value, "minimum": self.minimum})
        if value.as_tuple().exponent < -self.places:
            if self.places == 0:
                raise CellError(_("“%(value)s” is not a whole number.") % {"value": value})
            raise CellError(_("Use at most %(places)d decimal places.") % {
                "places": self.places})


# --- Writing a sheet the importer reads back ---------------------------------------------


def cell_value(value):
    """A value as an export writes it: numbers and dates as they are (so that
    they read back whatever the number format), text neutralised against
    formulas, nothing for an empty value."""
    if value is None or value == "":
        return None
    if isinstance(value, int | Decimal | date) and not isinstance(value, bool):
        return value
    return neutralise(str(value))


def write_sheet(sheet, columns, rows, *, freeze="C2"):
    """The header of `columns` in bold at their widths, then `rows` (dicts
    keyed by column name); the cells of date columns shown as 1. 7. 2023."""
    sheet.append([c.header for c in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[cell.column_letter].width = column.width
    for row in rows:
        sheet.append([cell_value(row[c.name]) for c in columns])
    for index, column in enumerate(columns, start=1):
        if column.parser is day:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "d. m. yyyy"
    sheet.freeze_panes = freeze


def workbook_bytes(*, title, columns, rows, freeze="C2"):
    """An importer's workbook of one sheet (`write_sheet`) and its "Návod":
    the number format the reader takes the file in, then every column with its
    description; in Czech, as the city's staff reads it."""
    with translation.override("cs"):
        stated = NumberFormat(language_format())
        workbook = Workbook()
        workbook.active.title = title
        write_sheet(workbook.active, columns, rows, freeze=freeze)
        help_sheet = workbook.create_sheet("Návod")
        # The reader looks for this label to learn how numbers typed as text are read.
        help_sheet.append([_("Number format"), str(stated.label)])
        help_sheet.append([_("Column"), _("Description")])
        for column in columns:
            help_sheet.append([column.header, str(column.help)])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
