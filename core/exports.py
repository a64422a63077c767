"""CSV and XLSX downloads. Every text cell that a spreadsheet would read as a
formula is neutralised, so an exported name like "=HYPERLINK(...)" stays text."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ano" if value else "ne"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | int | float):
        return value
    return neutralise(str(value))


def csv_bytes(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


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
