"""The one sheet reader: openpyxl in read-only mode, formulas refused, every
cell parsed by its column, every error naming its row and column.

Numbers written as text are read in one number format per workbook
(core.imports.numbers): the one chosen on the upload form, else the one the
workbook states (a cell labelled "Formát čísel" / "Number format" on any
other sheet, e.g. "Návod", with the format in the cell to its right), else the one of
the uploader's language. A text the two formats read differently is kept on
its row as an ambiguity (`SheetRow.ambiguous`) that the preview has confirmed."""

import io
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import (
    FORMULA_TAG,
    INLINE_STRING,
    VALUE_TAG,
    WorkSheetParser,
)
from openpyxl.xml.constants import SHEET_MAIN_NS

from .columns import CellError, RowError, is_blank, normal, text
from .numbers import (
    FORMAT_LABELS,
    NumberFormat,
    ambiguity_label,
    ambiguity_message,
    language_format,
    stated_format,
)

# Where a workbook's number format is looked for: the first rows and columns
# of at most this many sheets besides the one imported.
FORMAT_SHEETS, FORMAT_ROWS, FORMAT_COLUMNS = 10, 40, 6

FROM_FORM, FROM_WORKBOOK, FROM_LANGUAGE = "form", "workbook", "language"


@dataclass
class SheetRow:
    number: int  # as the spreadsheet numbers it: the header is row 1
    values: dict = field(default_factory=dict)  # column name -> parsed value
    raw: dict = field(default_factory=dict)  # column name -> the cell's value as stored
    errors: list = field(default_factory=list)  # RowError
    failed: set = field(default_factory=set)  # names of the columns whose cell was refused
    ambiguous: list = field(default_factory=list)  # dicts: numbers to confirm (SheetRead.ambiguity)


@dataclass
class SheetRead:
    positions: dict = field(default_factory=dict)  # column name -> index in the sheet
    letters: dict = field(default_factory=dict)  # column name -> "I" (when the importer shows them)
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # about the file as a whole
    skipped: int = 0  # rows with context only: template rows nobody filled in
    number_format: str = NumberFormat.CZECH  # how numbers written as text are read
    number_format_source: str = FROM_LANGUAGE  # FROM_FORM, FROM_WORKBOOK or FROM_LANGUAGE
    # One object for each text that recurs: the rows of a template repeat its
    # context (names, units, territories) and periods on every row, and a
    # sheet of 100,000 rows would otherwise hold each of them 100,000 times.
    _texts: dict = field(default_factory=dict, repr=False)

    def shared(self, value):
        if isinstance(value, str):
            return self._texts.setdefault(value, value)
        return value

    def error(self, importer, row, name, message):
        """A RowError on the column `name`, labelled the way `importer` names it."""
        column = importer.column(name)
        letter = self.letters.get(name)
        if column is None or (importer.column_letters and letter is None):
            return RowError(row, None, message)
        return RowError(row, column.header, message, letter=letter)

    def ambiguity(self, importer, row, name, ambiguity):
        """A JSON-ready record of an ambiguous number in column `name` of `row`:
        what the preview asks to confirm, and the confirm's refusal without it."""
        return {
            "column": name,
            "text": ambiguity.text,
            "value": str(ambiguity.value),
            "other": str(ambiguity.other),
            "number_format": ambiguity.number_format,
            "label": ambiguity_label(ambiguity),
            "message": str(self.error(importer, row, name, ambiguity_message(ambiguity))),
        }


def _header_text(value):
    return " ".join(text(value).split())


# Who wants to know how far the reading got (the check of an upload, core.
# imports.services): called with (rows read, rows the sheet says it has or
# None) every REPORT_EVERY rows.
read_progress = ContextVar("read_progress", default=None)
REPORT_EVERY = 1000


def read_sheet(importer, content, number_format=None):
    """Read the upload (bytes) for `importer`, numbers in `number_format` when
    given (the upload form's choice). Never raises for a bad file: a file that
    cannot be read is one error."""
    result = SheetRead()
    if number_format:
        result.number_format, result.number_format_source = (
            NumberFormat(number_format), FROM_FORM)
    else:
        result.number_format = language_format()
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - any unreadable upload is the same answer
        result.errors.append(RowError(None, None, _("The file is not an XLSX workbook.")))
        return result
    try:
        _read(importer, workbook, result)
    except Exception:  # noqa: BLE001 - a sheet whose XML breaks mid-way is unreadable too
        result.rows.clear()
        result.errors.append(RowError(None, None, importer.unreadable_message))
    finally:
        workbook.close()
        result._texts.clear()
    return result


def drain(rows):
    """The rows of `rows`, first to last, each let go of as it is handed out
    (the list ends empty): a check that turns each sheet row into its preview
    row holds one of the two at a time, not both for the whole sheet."""
    rows.reverse()
    while rows:
        yield rows.pop()


def _read(importer, workbook, result):
    names = workbook.sheetnames
    if not names:
        result.errors.append(RowError(None, None, _("The workbook has no sheet.")))
        return
    sheet = workbook[importer.sheet] if importer.sheet in names else workbook[names[0]]
    if result.number_format_source != FROM_FORM and importer.reads_numbers:
        _read_stated_format(workbook, sheet.title, result)
        if result.errors:
            return
    header_cells = next(sheet.iter_rows(max_row=1), None)
    if not header_cells:
        result.errors.append(RowError(None, None, _("The sheet is empty.")))
        return
    _read_header(importer, header_cells, result)
    if result.errors:
        return
    filled = 0
    report = read_progress.get()
    total = getattr(sheet, "max_row", None) if report else None
    rows = sheet_rows(sheet, min_row=2, max_col=max(result.positions.values()) + 1)
    readers = _readers(importer, result)
    for number, cells in enumerate(rows, start=2):
        if report and number % REPORT_EVERY == 0:
            report(number - 1, total)
        if number > importer.max_sheet_rows + 1:
            result.errors.append(RowError(None, None, _(
                "The sheet has more than %(max)d rows.") % {"max": importer.max_sheet_rows}))
            break
        row = _read_row(importer, number, cells, result, readers)
        if not any(name in row.failed or not is_blank(row.raw.get(name))
                   for name in importer.presence_columns or result.positions):
            continue  # an empty row
        if importer.input_columns and not row.errors and all(
                is_blank(row.raw.get(name)) for name in importer.input_columns):
            result.skipped += 1
            continue
        filled += 1
        if filled > importer.max_rows:
            result.rows.clear()
            result.errors.append(RowError(None, None, _(
                "The sheet has more than %(max)d filled rows; split it into several "
                "files.") % {"max": importer.max_rows}))
            break
        result.rows.append(row)


def _read_stated_format(workbook, data_sheet, result):
    """The number format the workbook states, if it states one."""
    titles = [title for title in workbook.sheetnames if title != data_sheet][:FORMAT_SHEETS]
    for title in titles:
        rows = workbook[title].iter_rows(max_row=FORMAT_ROWS, max_col=FORMAT_COLUMNS)
        for number, cells in enumerate(rows, start=1):
            values = [getattr(cell, "value", None) for cell in cells]
            for index, value in enumerate(values[:-1]):
                if not isinstance(value, str) or normal(value).rstrip(":") not in FORMAT_LABELS:
                    continue
                at, stated = index + 1, values[index + 1]
                if is_blank(stated):
                    return  # stated nothing: the language decides
                found = stated_format(text(stated))
                if found is None:
                    result.errors.append(RowError(None, None, _(
                        "Sheet “%(sheet)s”, cell %(cell)s: “%(text)s” is not a number format; "
                        "write “%(czech)s” or “%(english)s”.") % {
                            "sheet": title[:40],
                            "cell": f"{get_column_letter(at + 1)}{number}",
                            "text": text(stated)[:40],
                            "czech": NumberFormat.CZECH.label,
                            "english": NumberFormat.ENGLISH.label}))
                    return
                result.number_format, result.number_format_source = found, FROM_WORKBOOK
                return


def _read_header(importer, cells, result):
    letters = importer.column_letters
    for index, cell in enumerate(cells):
        written = _header_text(cell.value)
        if not written:
            continue
        letter = get_column_letter(index + 1) if letters else None
        if importer.max_columns and index >= importer.max_columns:
            result.errors.append(RowError(1, None, _(
                "The sheet has more than %(max)d columns; use the template.") % {
                    "max": importer.max_columns}))
            break
        column = importer.column_for_header(written)
        if column is None:
            result.errors.append(RowError(1, written, importer.unknown_column_message,
                                          letter=letter))
        elif column.name in result.positions:
            result.errors.append(RowError(1, written, _("The column is there twice."),
                                          letter=letter))
        else:
            result.positions[column.name] = index
            if letter:
                result.letters[column.name] = letter
    for column in importer.columns:
        if column.required and column.name not in result.positions:
            message = importer.missing_column_message % {"column": column.header}
            # Without a letter to name it by, the message names the column itself.
            result.errors.append(RowError(1, None if letters else column.header, message))


# A column's cells are read once per distinct text (or empty cell): a template
# repeats its context (code, name, unit, territory) on every row, and a
# parser reads the same text the same way. Only values nobody can change are
# kept; at most this many texts per column, to bound the memory.
_READ_ONCE = (str, int, Decimal, date, bool, type(None))
READ_CACHE = 20_000


def _read_row(importer, number, cells, result, readers=None):
    """The SheetRow of `cells`, (value, data type) pairs (sheet_rows).
    `readers`: (name, index, column, cache) of each column (_readers)."""
    row = SheetRow(number)
    width = len(cells)
    number_format = result.number_format
    for name, index, column, cache in readers or _readers(importer, result):
        raw, data_type = cells[index] if index < width else _EMPTY
        if data_type == "f":
            row.errors.append(result.error(importer, number, name, _(
                "Formulas are not accepted; type the value.")))
            row.failed.add(name)
            continue
        row.raw[name] = raw = result.shared(raw)
        plain = raw is None or raw.__class__ is str
        read = cache.get(raw) if plain else None
        if read is None:
            try:
                value, ambiguity = column.read(raw, number_format)
            except CellError as error:
                row.errors.append(result.error(importer, number, name, str(error)))
                row.failed.add(name)
                continue
            read = (result.shared(value), ambiguity)
            if plain and isinstance(value, _READ_ONCE) and len(cache) < READ_CACHE:
                cache[raw] = read
        value, ambiguity = read
        row.values[name] = value
        if ambiguity is not None:
            row.ambiguous.append(result.ambiguity(importer, number, name, ambiguity))
    return row


def _readers(importer, result):
    return [(name, index, importer.column(name), {})
            for name, index in result.positions.items()]


# --- The cells of a sheet, read fast ----------------------------------------------------------
#
# openpyxl's read-only worksheet makes a ReadOnlyCell of every cell, and reads
# an inline string (what openpyxl itself writes, so the portal's templates and
# exports) through its object model (Text.from_tree: several objects per
# cell): two thirds of the time of reading a template of 10,000 values. The
# reader needs each cell's value and data type only.

_EMPTY = (None, "n")  # as openpyxl's EMPTY_CELL: no value, numeric
_T = f"{{{SHEET_MAIN_NS}}}t"
_R = f"{{{SHEET_MAIN_NS}}}r"


def inline_text(element):
    """The text of an inline string (<is>), as openpyxl's Text.from_tree(
    element).content: the plain text (the last <t> when there are several),
    then every rich run's text; phonetic runs left out."""
    plain, runs = None, []
    for child in element:
        if child.tag == _T:
            plain = child.text
        elif child.tag == _R:
            text = None
            for part in child:
                if part.tag == _T:
                    text = part.text
            if text is not None:
                runs.append(text)
    return "".join(runs) if plain is None else plain + "".join(runs)


class _FastParser(WorkSheetParser):
    """openpyxl's sheet parser, with text cells (inline, shared and formula
    result strings) read without its object model; every other cell (numbers,
    dates, booleans, errors, formulas) as openpyxl reads it."""

    def parse_cell(self, element):
        data_type = element.get("t", "n")
        if (data_type not in ("inlineStr", "s", "str") or self.rich_text
                or (not self.data_only and element.find(FORMULA_TAG) is not None)):
            return super().parse_cell(element)
        coordinate = element.get("r")
        style_id = element.get("s", 0)
        if style_id:
            style_id = int(style_id)
        if coordinate:
            row, column = coordinate_to_tuple(coordinate)
            self.col_counter = column
        else:
            self.col_counter += 1
            row, column = self.row_counter, self.col_counter
        if data_type == "inlineStr":
            value = None
            child = element.find(INLINE_STRING)
            if child is not None:
                data_type, value = "s", inline_text(child)
        else:
            value = element.findtext(VALUE_TAG, None) or None
            if value is not None:
                value = self.shared_strings[int(value)] if data_type == "s" else value
                data_type = "s"
        return {"row": row, "column": column, "value": value, "data_type": data_type,
                "style_id": style_id}


def sheet_rows(sheet, *, min_row, max_col):
    """The rows of `sheet` from `min_row` on, each a sequence of `max_col`
    (value, data type) pairs: what `sheet.iter_rows(min_row=min_row,
    max_col=max_col)` gives as cells, missing rows and cells filled in the
    same way, but without a cell object per cell on a read-only sheet."""
    if not isinstance(sheet, ReadOnlyWorksheet):
        for cells in sheet.iter_rows(min_row=min_row, max_col=max_col):
            yield [(getattr(cell, "value", None), getattr(cell, "data_type", None))
                   for cell in cells]
        return
    # As ReadOnlyWorksheet._cells_by_row (min_col 1).
    max_row = sheet.max_row
    empty = (_EMPTY,) * max_col
    counter, index = min_row, 1
    workbook = sheet.parent
    with sheet._get_source() as source:
        parser = _FastParser(source, sheet._shared_strings, data_only=workbook.data_only,
                             epoch=workbook.epoch, date_formats=workbook._date_formats,
                             timedelta_formats=workbook._timedelta_formats)
        for index, cells in parser.parse():
            if max_row is not None and index > max_row:
                break
            for _missing in range(counter, index):
                counter += 1
                yield empty
            if counter <= index:
                row = list(empty)
                for cell in cells:
                    column = cell["column"]
                    if 1 <= column <= max_col:
                        row[column - 1] = (cell["value"], cell["data_type"])
                counter += 1
                yield row
    if max_row is not None and max_row < index:
        for _missing in range(counter, max_row + 1):
            yield empty
