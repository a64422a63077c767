"""The one sheet reader: openpyxl in read-only mode, formulas refused, every
cell parsed by its column, every error naming its row and column."""

import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .columns import CellError, RowError, is_blank, text


@dataclass
class SheetRow:
    number: int  # as the spreadsheet numbers it: the header is row 1
    values: dict = field(default_factory=dict)  # column name -> parsed value
    raw: dict = field(default_factory=dict)  # column name -> the cell's value as stored
    errors: list = field(default_factory=list)  # RowError
    failed: set = field(default_factory=set)  # names of the columns whose cell was refused


@dataclass
class SheetRead:
    positions: dict = field(default_factory=dict)  # column name -> index in the sheet
    letters: dict = field(default_factory=dict)  # column name -> "I" (when the importer shows them)
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # about the file as a whole
    skipped: int = 0  # rows with context only: template rows nobody filled in

    def error(self, importer, row, name, message):
        """A RowError on the column `name`, labelled the way `importer` names it."""
        column = importer.column(name)
        letter = self.letters.get(name)
        if column is None or (importer.column_letters and letter is None):
            return RowError(row, None, message)
        return RowError(row, column.header, message, letter=letter)


def _header_text(value):
    return " ".join(text(value).split())


def read_sheet(importer, content):
    """Read the upload (bytes) for `importer`. Never raises for a bad file: a
    file that cannot be read is one error."""
    result = SheetRead()
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
    return result


def _read(importer, workbook, result):
    names = workbook.sheetnames
    if not names:
        result.errors.append(RowError(None, None, _("The workbook has no sheet.")))
        return
    sheet = workbook[importer.sheet] if importer.sheet in names else workbook[names[0]]
    header_cells = next(sheet.iter_rows(max_row=1), None)
    if not header_cells:
        result.errors.append(RowError(None, None, _("The sheet is empty.")))
        return
    _read_header(importer, header_cells, result)
    if result.errors:
        return
    filled = 0
    rows = sheet.iter_rows(min_row=2, max_col=max(result.positions.values()) + 1)
    for number, cells in enumerate(rows, start=2):
        if number > importer.max_sheet_rows + 1:
            result.errors.append(RowError(None, None, _(
                "The sheet has more than %(max)d rows.") % {"max": importer.max_sheet_rows}))
            break
        row = _read_row(importer, number, tuple(cells), result)
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


def _read_row(importer, number, cells, result):
    row = SheetRow(number)
    for name, index in result.positions.items():
        cell = cells[index] if index < len(cells) else None
        raw = getattr(cell, "value", None)
        if cell is not None and getattr(cell, "data_type", None) == "f":
            row.errors.append(result.error(importer, number, name, _(
                "Formulas are not accepted; type the value.")))
            row.failed.add(name)
            continue
        row.raw[name] = raw
        try:
            row.values[name] = importer.column(name).parser(raw)
        except CellError as error:
            row.errors.append(result.error(importer, number, name, str(error)))
            row.failed.add(name)
    return row
