"""The value workbook: a template to fill in and the same workbook read back.

Template (`template_xlsx_bytes(indicators)`): sheet "Hodnoty" with one row per
indicator the user may report - code, name, unit, the labels of a composite
value's parts, territory, the last period and value as context - and empty
columns to fill: period, value, reason when not available, note. Sheet
"Návod" documents every column with examples. Every text written is formula-
neutralised (core.exports.neutralise): an indicator named "=1+1" stays text.
The workbook is always in Czech (its headers are the format).

Reading happens in two steps:

* `read_value_workbook(content)` - pure (no database): opens the workbook,
  checks its columns and size, and parses every filled row's period and value
  (indicators.parsing). Returns a `SheetRead`.
* `check_rows(read, user)` - looks the rows up: unknown code, an indicator the
  user may not report, the territory, composite part counts, duplicate
  (indicator, territory, period) rows, and compares each row with the value
  already saved. Returns a `Preview` whose rows are JSON-ready dicts (kept in
  an ImportBatch between preview and confirm) with an outcome each: "new",
  "changed", "unchanged" or "error".

Every error names the row and the column (letter and header). Nothing here
writes to the database; `indicators.views_import` saves a confirmed batch
through `indicators.services.indicator_value_record` in one transaction.
"""

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.permissions import is_city_officer
from core.exports import FORMULA_TRIGGERS, XLSX_CONTENT_TYPE, download, neutralise

from .models import Indicator, IndicatorValue, Territory, Unit
from .parsing import ParseError, parse_period, parse_value
from .permissions import can_report_indicator
from .status import display_value

SHEET_TITLE = "Hodnoty"
HELP_TITLE = "Návod"
MAX_ROWS = 2000  # filled data rows
MAX_SHEET_ROWS = 20_000  # rows of any kind (empty ones too) read before giving up
MAX_COLUMNS = 30
EXTRA_ROWS = 200  # empty, text-formatted rows below the indicators for added periods
MAX_NOTE = 2000

NEW, CHANGED, UNCHANGED, ERROR = "new", "changed", "unchanged", "error"


@dataclass(frozen=True)
class Col:
    key: str
    header: str  # as written in the sheet (Czech: the workbook is the format)
    filled: bool  # True: the user fills it in; False: context from the portal
    description: object
    examples: str = ""
    width: int = 14


COLUMNS = (
    Col("code", "Kód", True, gettext_lazy(
        "Code of the indicator in the portal. Required in every row you fill in; do not "
        "change it. To enter more periods of one indicator, copy its row."), "G01, 1.1.1-a",
        12),
    Col("name", "Ukazatel", False, gettext_lazy("Name of the indicator (only for orientation; "
                                                "not imported)."), "", 50),
    Col("unit", "Jednotka", False, gettext_lazy("Unit of the value (not imported)."),
        "%, Kč, počet", 12),
    Col("parts", "Části hodnoty", False, gettext_lazy(
        "For a composite value: what each part counts, in the order you write them "
        "(not imported)."), "muži / ženy / děti / celkem", 30),
    Col("territory", "Území", True, gettext_lazy(
        "Where the value was measured: the indicator's territory, or its comparison "
        "territory. Empty means the indicator's own territory."), "Ostrava, MSK", 14),
    Col("last_period", "Poslední období", False, gettext_lazy(
        "Period of the last value in the portal (not imported)."), "", 16),
    Col("last_value", "Poslední hodnota", False, gettext_lazy(
        "The last value in the portal (not imported)."), "", 16),
    Col("period", "Období", True, gettext_lazy(
        "Period of the value, as it is published: a year, a month, a half-year, a school "
        "year or a date."), "2024; 12/2024; 1. pol. 2024; 2023/24; k 30. 4. 2024", 16),
    Col("value", "Hodnota", True, gettext_lazy(
        "The value as it is published. Spaces group thousands, a comma is the decimal mark; "
        "“cca” marks an estimate; “n. a.” a value that is not available; a rank follows the "
        "number after a comma; the parts of a composite value are separated by slashes."),
        "1 190; cca 3 100; n. a.; 174,1; 174,1, 2. v ČR; 3,01 %; 12/12/4/22", 16),
    Col("reason", "Důvod nedostupnosti", True, gettext_lazy(
        "Only with “n. a.”: why the value is not available."),
        "Data za rok 2024 ČSÚ zveřejní v červnu.", 30),
    Col("note", "Poznámka", True, gettext_lazy("A note to the value (optional)."), "", 30),
)
BY_KEY = {c.key: c for c in COLUMNS}
HEADERS = [c.header for c in COLUMNS]
INPUT_KEYS = ("period", "value", "reason", "note")
REQUIRED_KEYS = ("code", "period", "value")


def _normal(text):
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


HEADER_KEYS = {_normal(c.header): c.key for c in COLUMNS} | {c.key: c.key for c in COLUMNS}


# --- Template --------------------------------------------------------------------------------


def _part_labels(indicator):
    return " / ".join(str(label) for label in indicator.part_labels or [])


def _home_values(indicator):
    """The prefetched values of the home territory, oldest first."""
    values = [v for v in indicator.values.all() if v.territory_id == indicator.home_territory_id]
    return sorted(values, key=lambda v: (v.period_end, v.period_start))


def latest_value(indicator):
    values = _home_values(indicator)
    return values[-1] if values else None


def template_row(indicator):
    last = latest_value(indicator)
    return {
        "code": indicator.code,
        "name": indicator.name,
        "unit": indicator.unit_display or Unit(indicator.unit).label,
        "parts": _part_labels(indicator),
        "territory": indicator.home_territory.label,
        "last_period": last.period_text if last else "",
        "last_value": display_value(last, indicator) if last else "",
        "period": None,
        "value": None,
        "reason": None,
        "note": None,
    }


def _text_cell(value):
    if value is None or value == "":
        return None
    return neutralise(str(value))


def template_xlsx_bytes(indicators):
    """The template for `indicators` (with home_territory and values
    prefetched, e.g. selectors.reportable_indicators)."""
    with translation.override("cs"):
        return _template(list(indicators))


def _template(indicators):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append(HEADERS)
    filled_fill = PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if column.filled:
            cell.fill = filled_fill
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for indicator in indicators:
        row = template_row(indicator)
        sheet.append([_text_cell(row[c.key]) for c in COLUMNS])
    last_row = len(indicators) + 1 + EXTRA_ROWS
    # Typed text stays text: Excel would read 12/2024 or 12/12/4/22 as a date.
    for index, column in enumerate(COLUMNS, start=1):
        if column.filled:
            for (cell,) in sheet.iter_rows(min_row=2, max_row=last_row, min_col=index,
                                           max_col=index):
                cell.number_format = "@"
    sheet.freeze_panes = "C2"
    _validations(sheet, last_row)
    _help_sheet(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _letter(key):
    return get_column_letter(HEADERS.index(BY_KEY[key].header) + 1)


def _validations(sheet, last_row):
    limits = (("period", 100, _("Period")), ("value", 100, _("Value")),
              ("reason", 300, _("Reason")), ("note", MAX_NOTE, _("Note")))
    for key, limit, title in limits:
        rule = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(limit),
                              allow_blank=True, showErrorMessage=True, showInputMessage=True)
        rule.promptTitle = str(title)[:32]
        examples = BY_KEY[key].examples
        rule.prompt = (_("E.g. %(examples)s") % {"examples": examples} if examples
                       else str(BY_KEY[key].description))[:255]
        rule.errorTitle = str(title)[:32]
        rule.error = (_("At most %(max)d characters.") % {"max": limit})[:255]
        rule.add(f"{_letter(key)}2:{_letter(key)}{last_row}")
        sheet.add_data_validation(rule)


def _help_sheet(workbook):
    sheet = workbook.create_sheet(HELP_TITLE)
    rows = [
        [_("How to fill in the values")],
        [_("Fill in the yellow columns of the sheet “%(sheet)s”: one row for each value. "
           "Rows you leave empty are skipped. To enter several periods of one indicator, "
           "copy its row. Upload the file on the portal: you will see what each row does "
           "and every error (with its row and column) before anything is saved; nothing is "
           "saved while any row has an error.") % {"sheet": SHEET_TITLE}],
        [_("At most %(rows)d filled rows; formulas are not accepted, type the values.")
         % {"rows": MAX_ROWS}],
        [],
        [_("Column"), _("Filled in by"), _("Description"), _("Examples")],
    ]
    for column in COLUMNS:
        rows.append([column.header, _("you") if column.filled else _("the portal"),
                     str(column.description), column.examples])
    for row in rows:
        sheet.append([_text_cell(v) for v in row])
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[5]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (22, 14, 80, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A6"


def template_response(indicators, filename="hodnoty-ukazatelu.xlsx"):
    return download(template_xlsx_bytes(indicators), filename, XLSX_CONTENT_TYPE)


# --- Reading (pure) --------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str | None  # "I (Hodnota)"
    message: str

    def __str__(self):
        if self.row is not None and self.column:
            return _("Row %(row)d, column %(column)s: %(message)s") % {
                "row": self.row, "column": self.column, "message": self.message}
        if self.row is not None:
            return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        if self.column:
            return _("Column %(column)s: %(message)s") % {
                "column": self.column, "message": self.message}
        return self.message


@dataclass
class SheetRow:
    number: int
    cells: dict  # key -> text as written (neutralisation undone), "" when empty
    numeric: set = field(default_factory=set)  # keys whose cell was a number
    period: object = None  # ParsedPeriod
    value: object = None  # ParsedValue
    errors: list = field(default_factory=list)


@dataclass
class SheetRead:
    columns: dict = field(default_factory=dict)  # key -> "I (Hodnota)"
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # file-level errors
    skipped: int = 0  # template rows left unfilled


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ano" if value else "ne"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.day}. {value.month}. {value.year}"
    text = re.sub(r"[\s\u00a0\u202f\u2009]+", " ", str(value)).strip()
    # Undo core.exports.neutralise: "'=x" was written for "=x".
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def read_value_workbook(content):
    """Parse the uploaded workbook (bytes). Never raises for a bad file: a
    file that cannot be read is one file-level error."""
    result = SheetRead()
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - any unreadable upload is the same answer
        result.errors.append(RowError(None, None, _("The file is not an XLSX workbook.")))
        return result
    try:
        _read_sheet(workbook, result)
    except Exception:  # noqa: BLE001 - a sheet whose XML breaks mid-way is unreadable too
        result.rows.clear()
        result.errors.append(RowError(None, None, _(
            "The file could not be read as a value workbook. Download the template again "
            "and fill in that file.")))
    finally:
        workbook.close()
    return result


def _read_sheet(workbook, result):
    names = workbook.sheetnames
    if not names:
        result.errors.append(RowError(None, None, _("The workbook has no sheet.")))
        return
    sheet = workbook[SHEET_TITLE] if SHEET_TITLE in names else workbook[names[0]]
    header_cells = next(sheet.iter_rows(max_row=1), None)
    if not header_cells:
        result.errors.append(RowError(None, None, _("The sheet is empty.")))
        return
    positions = {}
    for index, cell in enumerate(header_cells):
        text = _cell_text(cell.value)
        if not text:
            continue
        letter = get_column_letter(index + 1)
        label = f"{letter} ({text[:40]})"
        if index >= MAX_COLUMNS:
            result.errors.append(RowError(1, None, _(
                "The sheet has more than %(max)d columns; use the template.") % {
                    "max": MAX_COLUMNS}))
            break
        key = HEADER_KEYS.get(_normal(text))
        if key is None:
            result.errors.append(RowError(1, label, _(
                "Unknown column; use the columns of the template.")))
        elif key in positions:
            result.errors.append(RowError(1, label, _("The column is there twice.")))
        else:
            positions[key] = index
            result.columns[key] = label
    for key in REQUIRED_KEYS:
        if key not in positions:
            result.errors.append(RowError(1, None, _(
                "The column “%(column)s” is missing; use the template.") % {
                    "column": BY_KEY[key].header}))
    if result.errors:
        return
    filled = 0
    rows = sheet.iter_rows(min_row=2, max_col=max(positions.values()) + 1)
    for number, cells in enumerate(rows, start=2):
        if number > MAX_SHEET_ROWS:
            result.errors.append(RowError(None, None, _(
                "The sheet has more than %(max)d rows.") % {"max": MAX_SHEET_ROWS}))
            break
        cells = tuple(cells)
        row = SheetRow(number, {})
        for key, index in positions.items():
            cell = cells[index] if index < len(cells) else None
            raw = cell.value if cell is not None else None
            if cell is not None and getattr(cell, "data_type", None) == "f":
                row.errors.append(RowError(number, result.columns[key], _(
                    "Formulas are not accepted; type the value.")))
                row.cells[key] = "?"
                continue
            if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
                row.numeric.add(key)
            row.cells[key] = _cell_text(raw)
        if not any(row.cells.get(key) for key in (*INPUT_KEYS, "code", "territory")):
            continue  # an empty row
        if not any(row.cells.get(key) for key in INPUT_KEYS) and not row.errors:
            result.skipped += 1  # a template row nobody filled in
            continue
        filled += 1
        if filled > MAX_ROWS:
            result.rows.clear()
            result.errors.append(RowError(None, None, _(
                "The sheet has more than %(max)d filled rows; split it into several "
                "files.") % {"max": MAX_ROWS}))
            break
        _parse_row(row, result.columns, cells, positions)
        result.rows.append(row)


def _parse_row(row, columns, cells, positions):
    def error(key, message):
        row.errors.append(RowError(row.number, columns.get(key), message))

    if not row.cells.get("code"):
        error("code", _("The code of the indicator is missing."))
    def raw(key):
        index = positions.get(key)
        cell = cells[index] if index is not None and index < len(cells) else None
        return getattr(cell, "value", None)

    period_raw = raw("period")
    if row.cells["period"] != "?":
        try:
            if isinstance(period_raw, datetime):
                period_raw = period_raw.date()
            row.period = parse_period(period_raw if isinstance(period_raw, date)
                                      else row.cells["period"])
        except ParseError as failure:
            error("period", str(failure))
        if len(row.cells["period"]) > 100:
            error("period", _("At most %(max)d characters.") % {"max": 100})
    value_text = row.cells["value"]
    if value_text != "?":
        if isinstance(raw("value"), datetime | date):
            error("value", _("The cell holds a date, not a value; format the column as text "
                             "and type the value again."))
        else:
            try:
                row.value = parse_value(value_text)
            except ParseError as failure:
                error("value", str(failure))
            if len(value_text) > 100:
                error("value", _("At most %(max)d characters.") % {"max": 100})
    reason = row.cells.get("reason", "")
    if reason and row.value is not None and row.value.available:
        error("reason", _("Fill in the reason only when the value is not available (“n. a.”)."))
    if len(reason) > 300:
        error("reason", _("At most %(max)d characters.") % {"max": 300})
    if len(row.cells.get("note", "")) > MAX_NOTE:
        error("note", _("At most %(max)d characters.") % {"max": MAX_NOTE})


# --- Checking against the portal -------------------------------------------------------------


@dataclass
class Preview:
    rows: list = field(default_factory=list)  # JSON-ready dicts, one per filled row
    errors: list = field(default_factory=list)  # every error, as text, in row order
    skipped: int = 0

    def count(self, outcome):
        return sum(1 for row in self.rows if row["outcome"] == outcome)

    @property
    def to_save(self):
        return [row for row in self.rows if row["outcome"] in (NEW, CHANGED)]

    @property
    def can_confirm(self):
        return not self.errors and bool(self.to_save)


def _decimal_text(number):
    return None if number is None else format(Decimal(number).normalize(), "f")


def _display(row):
    """The new value as the preview shows it."""
    if row["value_text"]:
        return row["value_text"]
    if not row["available"]:
        return _("n. a.")
    if row["parts"]:
        return "/".join(number_format(Decimal(a), force_grouping=True) for _l, a in row["parts"])
    return number_format(Decimal(row["value"]), force_grouping=True)


def _comparable(available, value, parts, is_estimate, rank, rank_scope, reason, note):
    return (available, _decimal_text(value) if value is not None else None,
            [_decimal_text(a) for a in parts], is_estimate, rank, rank_scope or "",
            reason or "", note or "")


def _existing_comparable(existing):
    return _comparable(existing.available, existing.value,
                       [p.amount for p in existing.parts.all()], existing.is_estimate,
                       existing.rank, existing.rank_scope, existing.not_available_reason,
                       existing.note)


def _row_comparable(row):
    return _comparable(row["available"], row["value"], [a for _l, a in row["parts"]],
                       row["is_estimate"], row["rank"], row["rank_scope"],
                       row["not_available_reason"], row["note"])


class _Territories:
    def __init__(self):
        self.by_name = {}
        for territory in Territory.objects.all():
            for name in (territory.code, territory.name, territory.short_name):
                if name:
                    self.by_name.setdefault(_normal(name), territory)

    def find(self, text):
        return self.by_name.get(_normal(text))


def check_rows(read, user):
    """Look up every parsed row for `user`. Reads only."""
    preview = Preview(skipped=read.skipped)
    preview.errors = [str(e) for e in read.errors]
    if read.errors:
        return preview
    codes = {row.cells.get("code") for row in read.rows if row.cells.get("code")}
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)
                  .select_related("home_territory", "comparison_territory")}
    officer = is_city_officer(user)
    allowed = None if officer else can_report_indicator.allowed_ids(user, Indicator)
    territories = _Territories()
    existing = {}
    for value in (IndicatorValue.objects.filter(indicator__in=list(indicators.values()))
                  .select_related("territory").prefetch_related("parts")):
        existing[(value.indicator_id, value.territory_id, value.period_start,
                  value.period_end)] = value
    seen = {}
    for sheet_row in read.rows:
        row = _check_row(sheet_row, read.columns, indicators, allowed, territories, existing,
                         seen)
        preview.rows.append(row)
        preview.errors.extend(row["errors"])
    return preview


def _check_row(sheet_row, columns, indicators, allowed, territories, existing, seen):
    errors = list(sheet_row.errors)
    number = sheet_row.number

    def error(key, message):
        errors.append(RowError(number, columns.get(key), message))

    code = sheet_row.cells.get("code", "")
    indicator = indicators.get(code)
    if code and (indicator is None or (allowed is not None and indicator.pk not in allowed)):
        indicator = None
        if allowed is None:
            error("code", _("There is no indicator with the code “%(code)s”.") % {
                "code": code[:40]})
        else:
            error("code", _("There is no indicator with the code “%(code)s” that you may "
                            "report.") % {"code": code[:40]})
    territory = None
    if indicator is not None:
        territory = indicator.home_territory
        territory_text = sheet_row.cells.get("territory", "")
        if territory_text:
            territory = territories.find(territory_text)
            followed = (indicator.home_territory_id, indicator.comparison_territory_id)
            if territory is None or territory.pk not in followed:
                names = ", ".join(t.label for t in (indicator.home_territory,
                                                    indicator.comparison_territory) if t)
                error("territory", _("“%(text)s” is not a territory of this indicator "
                                     "(%(territories)s).") % {
                    "text": territory_text[:40], "territories": names})
                territory = None
    parsed, period = sheet_row.value, sheet_row.period
    parts = []
    if indicator is not None and parsed is not None:
        labels = list(indicator.part_labels or [])
        if parsed.is_composite:
            if not labels:
                error("value", _("This indicator has a single number, not parts separated "
                                 "by slashes."))
            elif len(parsed.parts) != len(labels):
                error("value", _("This indicator has %(expected)d parts (%(labels)s); the "
                                 "value has %(got)d.") % {
                    "expected": len(labels), "labels": " / ".join(labels),
                    "got": len(parsed.parts)})
            else:
                parts = [[label, _decimal_text(amount)]
                         for label, amount in zip(labels, parsed.parts, strict=True)]
        elif labels and parsed.available:
            error("value", _("This indicator has %(expected)d parts (%(labels)s); write them "
                             "separated by slashes, e.g. 12/12/4/22.") % {
                "expected": len(labels), "labels": " / ".join(labels)})
    key = None
    if indicator is not None and territory is not None and period is not None:
        key = (indicator.pk, territory.pk, period.start, period.end)
        if key in seen:
            error("period", _("Row %(row)d has a value of the same indicator, territory and "
                              "period already.") % {"row": seen[key]})
        else:
            seen[key] = number
    value_text = sheet_row.cells.get("value", "")
    row = {
        "row": number,
        "code": code,
        "indicator": indicator.pk if indicator else None,
        "name": indicator.name if indicator else "",
        "territory": territory.pk if territory else None,
        "territory_label": territory.label if territory else sheet_row.cells.get("territory",
                                                                                   ""),
        "period_text": sheet_row.cells.get("period", ""),
        "period_kind": period.kind if period else "",
        "period_start": period.start.isoformat() if period else None,
        "period_end": period.end.isoformat() if period else None,
        "available": parsed.available if parsed else True,
        "value": _decimal_text(parsed.value) if parsed and not parsed.is_composite else None,
        "parts": parts,
        "is_estimate": parsed.is_estimate if parsed else False,
        "rank": parsed.rank if parsed else None,
        "rank_scope": parsed.rank_scope if parsed else "",
        "value_text": "" if "value" in sheet_row.numeric else value_text,
        "not_available_reason": sheet_row.cells.get("reason", "")
        if parsed and not parsed.available else "",
        "note": sheet_row.cells.get("note", ""),
        "existing": None,
        "existing_version": None,
        "old": "",
        "new": value_text,
        "errors": [str(e) for e in errors],
    }
    if errors or parsed is None or key is None:
        row["outcome"] = ERROR
        row["errors"] = row["errors"] or [str(RowError(number, None, _(
            "The row cannot be read.")))]
        return row
    row["new"] = _display(row)
    before = existing.get(key)
    if before is None:
        row["outcome"] = NEW
    else:
        row["existing"] = before.pk
        row["existing_version"] = before.version
        row["old"] = display_value(before, indicator)
        row["outcome"] = (UNCHANGED if _existing_comparable(before) == _row_comparable(row)
                          else CHANGED)
    return row


def preview_value_workbook(content, user):
    """Read and check an uploaded workbook (bytes) for `user`."""
    return check_rows(read_value_workbook(content), user)
