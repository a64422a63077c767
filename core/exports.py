"""CSV and XLSX downloads. Every text cell that a spreadsheet would read as a
formula is neutralised, so an exported name like "=HYPERLINK(...)" stays text.

A CSV file is opened by spreadsheets with whatever separator the reader's
locale uses (Czech Excel splits on ";", LibreOffice may choose "," or tab), and
a separator inside a quoted field starts a new cell when the file is split on
another one. So every text field is quoted, and every piece of it that a
split on "," ";" or tab would turn into a cell of its own is neutralised too."""

import io
import re
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


CSV_SEPARATORS = ",;\t"
# A separator, optional blanks (spreadsheets trim them) and a formula trigger.
_TRIGGER_AFTER_SEPARATOR = re.compile(r"([,;\t][ \u00a0]*)(?=[=+\-@\t\r])")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralise_csv(value):
    """`neutralise`, and also every piece after a separator, as each spreadsheet
    would split the line."""
    value = neutralise(value)
    if isinstance(value, str):
        value = _TRIGGER_AFTER_SEPARATOR.sub(r"\1'", value)
    return value


# How the CSV is written: the open-data descriptions (CSV on the Web, the
# Data Package) state the same.
CSV_DELIMITER, CSV_QUOTE = ",", '"'
TRUE_TEXT, FALSE_TEXT = "ano", "ne"


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return TRUE_TEXT if value else FALSE_TEXT
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | int | float):
        return value
    return neutralise(str(value))


def _csv_field(value):
    value = _cell(value)
    if isinstance(value, Decimal):
        # The digits as recorded, never in exponent notation ("20", not "2E+1").
        return format(value, "f")
    if isinstance(value, int | float):
        return str(value)
    # Every text field quoted (Python 3.11's csv has no QUOTE_STRINGS, and
    # QUOTE_NONNUMERIC would quote a Decimal as text), so no reader splits
    # inside it on its own separator.
    return CSV_QUOTE + neutralise_csv(value).replace(CSV_QUOTE, CSV_QUOTE * 2) + CSV_QUOTE


def csv_line(values):
    """One line of CSV, its newline included."""
    return CSV_DELIMITER.join(_csv_field(v) for v in values) + "\n"


def csv_bytes(header, rows):
    lines = [csv_line(str(h) for h in header)]
    lines.extend(csv_line(row) for row in rows)
    return "".join(lines).encode("utf-8")


def xlsx_bytes(header, rows, sheet_title="data"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append([neutralise(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def download(content, filename, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename, header, rows):
    return download(csv_bytes(header, rows), filename, "text/csv; charset=utf-8")


def xlsx_response(filename, header, rows, sheet_title="data"):
    return download(xlsx_bytes(header, rows, sheet_title), filename, XLSX_CONTENT_TYPE)


EXPORT_FORMATS = ("csv", "xlsx")


def table_response(table, fmt, basename):
    """Export a django-tables2 table (all rows, not one page) as CSV or XLSX."""
    exclude = tuple(getattr(table, "export_exclude", ()))
    values = list(table.as_values(exclude_columns=exclude))
    header, rows = values[0], values[1:]
    if fmt == "xlsx":
        return xlsx_response(f"{basename}.xlsx", header, rows, sheet_title=basename)
    return csv_response(f"{basename}.csv", header, rows)
