"""The value workbook: a template to fill in, and the value import declared on
core.imports.

Template (`template_xlsx_bytes(indicators)`): sheet "Hodnoty" with one row per
indicator the user may report - code, name, unit, the labels of a composite
value's parts, territory, the last period and value as context - and empty
columns to fill: period, value, reason when not available, note. Sheet
"Návod" documents every column with examples, the limits, and states the
workbook's number format (cell B4 „Formát čísel“: „český (1 234,5)“ or
„anglický (1,234.5)“), prefilled with the format of the downloader's language
and read back by core.imports.reader. Every text written is formula-
neutralised (core.exports.neutralise): an indicator named "=1+1" stays text.
The workbook is always in Czech (its headers are the format).

Import: each filled row's period and value are parsed (indicators.parsing), in
the workbook's number format (an ambiguous number, e.g. „83,511“, is kept on
its row for the preview to have confirmed), then looked up: unknown code, an
indicator the user may not report, the territory, composite part counts,
duplicate (indicator, territory, period) rows, and the value already saved.
Each row's outcome is "new", "changed", "unchanged" or "error"; every error
names the row and the column (letter and header). `apply` records the rows
at once through `indicators.services.indicator_values_import` (set-based, a
constant number of queries per batch), checking permissions and the saved
values' versions again.
"""

import io
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.permissions import is_city_officer
from core.bulk import prefetch_children
from core.exports import XLSX_CONTENT_TYPE, download, neutralise
from core.imports.base import CHANGED, ERROR, NEW, UNCHANGED, Importer, ImportRefused
from core.imports.columns import Column, RowError, normal, undo_neutralise
from core.imports.numbers import NumberFormat, language_format
from core.imports.reader import drain
from core.review import ReviewState
from core.uploads import MiB

from .models import Indicator, IndicatorValue, Territory, Unit
from .parsing import ParseError, parse_period, parse_value
from .permissions import can_report_indicator
from .services import indicator_values_import
from .status import display_value

SHEET_TITLE = "Hodnoty"
HELP_TITLE = "Návod"
EXTRA_ROWS = 200  # empty, text-formatted rows below the indicators for added periods
MAX_NOTE = 2000
MAX_VALUE, MAX_PERIOD, MAX_REASON = 100, 100, 300
LIMITS = {"value": MAX_VALUE, "period": MAX_PERIOD, "reason": MAX_REASON, "note": MAX_NOTE}


def _cut(text, limit):
    return text if len(text) <= limit else text[:limit] + "…"
FORMAT_CELL = "B4"  # on the sheet "Návod": the workbook's number format
INPUT_KEYS = ("period", "value", "reason", "note")


def cell_text(value):
    """The cell as the user typed it: spaces squeezed, dates as 1. 7. 2024."""
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
    # Runs of any spaces (no-break, narrow, thin: str.split's whitespace) as one.
    return undo_neutralise(" ".join(str(value).split()))


def _col(key, header, filled, help, examples="", width=14, required=False):
    return Column(key, header, cell_text, help, required=required, filled=filled,
                  examples=examples, width=width)


COLUMNS = (
    _col("code", "Kód", True, gettext_lazy(
        "Code of the indicator in the portal. Required in every row you fill in; do not "
        "change it. To enter more periods of one indicator, copy its row."), "G01, 1.1.1-a",
         12, required=True),
    _col("name", "Ukazatel", False, gettext_lazy("Name of the indicator (only for orientation; "
                                                 "not imported)."), "", 50),
    _col("unit", "Jednotka", False, gettext_lazy("Unit of the value (not imported)."),
         "%, Kč, počet", 12),
    _col("parts", "Části hodnoty", False, gettext_lazy(
        "For a composite value: what each part counts, in the order you write them "
        "(not imported)."), "muži / ženy / děti / celkem", 30),
    _col("territory", "Území", True, gettext_lazy(
        "Where the value was measured: the indicator's territory, or its comparison "
        "territory. Empty means the indicator's own territory."), "ČR", 14),
    _col("last_period", "Poslední období", False, gettext_lazy(
        "Period of the last value in the portal (not imported)."), "", 16),
    _col("last_value", "Poslední hodnota", False, gettext_lazy(
        "The last value in the portal (not imported)."), "", 16),
    _col("period", "Období", True, gettext_lazy(
        "Period of the value, as it is published: a year, a month, a half-year, a school "
        "year or a date."), "2024; 12/2024; 1. pol. 2024; 2023/24; k 30. 4. 2024", 16,
         required=True),
    _col("value", "Hodnota", True, gettext_lazy(
        "The value as it is published, its numbers in the number format stated on the sheet "
        "“Návod” (Czech: spaces group thousands, a comma is the decimal mark; English: "
        "1,234.5); “cca” marks an estimate; “n. a.” a value that is not available; a rank "
        "follows the number after a comma; the parts of a composite value are separated by "
        "slashes."),
         "1 190; cca 3 100; n. a.; 174,1; 174,1, 2. v ČR; 3,01 %; 12/12/4/22", 16,
         required=True),
    _col("reason", "Důvod nedostupnosti", True, gettext_lazy(
        "Only with “n. a.”: why the value is not available."),
         "Data za rok 2024 ČSÚ zveřejní v červnu.", 30),
    _col("note", "Poznámka", True, gettext_lazy("A note to the value (optional)."), "", 30),
    # Last, so that the columns of older templates keep their letters.
    _col("key", "Klíč ukazatele", False, gettext_lazy(
        "The indicator's key in the portal (its address), written by the portal: it tells "
        "apart indicators printed with the same code. Keep it as it is; a row without it "
        "is matched by the code, which must then belong to one indicator only."),
         "g01, 1.2-2", 14),
)
BY_KEY = {c.name: c for c in COLUMNS}
HEADERS = [c.header for c in COLUMNS]


# --- Template --------------------------------------------------------------------------------


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
        "key": indicator.slug,
        "name": indicator.name,
        "unit": indicator.unit_display or Unit(indicator.unit).label,
        "parts": " / ".join(str(label) for label in indicator.part_labels or []),
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


def template_xlsx_bytes(indicators, number_format=None):
    """The template for `indicators` (with home_territory and values
    prefetched, e.g. selectors.reportable_indicators), stating
    `number_format` (default: the format of the current language)."""
    stated = NumberFormat(number_format or language_format())
    with translation.override("cs"):
        return _template(list(indicators), stated)


def _template(indicators, stated):
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
        sheet.append([_text_cell(row[c.name]) for c in COLUMNS])
    last_row = len(indicators) + 1 + EXTRA_ROWS
    # Typed text stays text: Excel would read 12/2024 or 12/12/4/22 as a date.
    for index, column in enumerate(COLUMNS, start=1):
        if column.filled:
            for (cell,) in sheet.iter_rows(min_row=2, max_row=last_row, min_col=index,
                                           max_col=index):
                cell.number_format = "@"
    sheet.freeze_panes = "C2"
    _validations(sheet, last_row)
    _help_sheet(workbook, stated)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _letter(key):
    return get_column_letter(HEADERS.index(BY_KEY[key].header) + 1)


def _validations(sheet, last_row):
    limits = (("period", MAX_PERIOD, _("Period")), ("value", MAX_VALUE, _("Value")),
              ("reason", MAX_REASON, _("Reason")), ("note", MAX_NOTE, _("Note")))
    for key, limit, title in limits:
        rule = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(limit),
                              allow_blank=True, showErrorMessage=True, showInputMessage=True)
        rule.promptTitle = str(title)[:32]
        examples = BY_KEY[key].examples
        rule.prompt = (_("E.g. %(examples)s") % {"examples": examples} if examples
                       else str(BY_KEY[key].help))[:255]
        rule.errorTitle = str(title)[:32]
        rule.error = (_("At most %(max)d characters.") % {"max": limit})[:255]
        rule.add(f"{_letter(key)}2:{_letter(key)}{last_row}")
        sheet.add_data_validation(rule)


def _help_sheet(workbook, stated):
    sheet = workbook.create_sheet(HELP_TITLE)
    rows = [
        [_("How to fill in the values")],
        [_("Fill in the yellow columns of the sheet “%(sheet)s”: one row for each value. "
           "Rows you leave empty are skipped. To enter several periods of one indicator, "
           "copy its row. Upload the file on the portal: you will see what each row does "
           "and every error (with its row and column) before anything is saved; nothing is "
           "saved while any row has an error.") % {"sheet": SHEET_TITLE}],
        [_("Limits: at most %(rows)d filled rows and %(sheet_rows)d rows in all; a file of "
           "at most %(size)s; a period and a value of at most %(value)d characters, a reason "
           "of at most %(reason)d and a note of at most %(note)d. Formulas are not accepted, "
           "type the values. A file over a limit is refused whole, with the reason.") % {
               "rows": ValueImporter.max_rows, "sheet_rows": ValueImporter.max_sheet_rows,
               "size": filesizeformat(ValueImporter.max_bytes), "value": MAX_VALUE,
               "reason": MAX_REASON, "note": MAX_NOTE}],
        [_("Number format"), stated.label, _(
            "How the numbers you type are read; write “%(czech)s” (a comma is the decimal "
            "mark, spaces or dots group thousands: 1 234,5) or “%(english)s” (a dot is the "
            "decimal mark, commas or spaces group thousands: 1,234.5). A number that reads "
            "differently in the two formats (e.g. 83,511 or 1.234) is shown in the preview "
            "for you to confirm, row by row, or to correct here. Numbers typed as numbers, "
            "not text, are read as they are.") % {
                "czech": NumberFormat.CZECH.label, "english": NumberFormat.ENGLISH.label}],
        [_("Column"), _("Filled in by"), _("Description"), _("Examples")],
    ]
    for column in COLUMNS:
        rows.append([column.header, _("you") if column.filled else _("the portal"),
                     str(column.help), column.examples])
    for row in rows:
        sheet.append([_text_cell(v) for v in row])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A4"].font = Font(bold=True)
    sheet[FORMAT_CELL].font = Font(bold=True)
    sheet[FORMAT_CELL].fill = PatternFill("solid", fgColor="FFF2CC")
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


# --- Import ----------------------------------------------------------------------------------


def _decimal_text(number):
    return None if number is None else format(Decimal(number).normalize(), "f")


def _locked_for(value, *, officer):
    """Why the import may not change a saved value (core.review), or None: a
    value of a closed round is corrected in the portal with a reason; an
    approved one is changed by an officer only."""
    if value.closed:
        return _("The value belongs to a closed reporting round: a city officer corrects it "
                 "in the portal, with a reason.")
    if not officer and value.review_state == ReviewState.APPROVED:
        return _("This has been approved already; only a city officer can change it now.")
    return None


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
                    self.by_name.setdefault(normal(name), territory)

    def find(self, text):
        return self.by_name.get(normal(text))


class _Indicators:
    """The indicators an upload names, by key and by code, among those the
    actor may report (`allowed`: ids, or None for all)."""

    def __init__(self, indicators, allowed):
        reportable = [i for i in indicators if allowed is None or i.pk in allowed]
        self._by_key = {i.slug: i for i in reportable}
        self._by_code = {}
        for indicator in reportable:
            self._by_code.setdefault(indicator.code, []).append(indicator)

    def by_key(self, key):
        return self._by_key.get(key)

    def by_code(self, code):
        return self._by_code.get(code, [])


class ValueImporter(Importer):
    name = "indicators.values"
    columns = COLUMNS
    sheet = SHEET_TITLE
    # A region's ten years of monthly values: the limits are the file's size
    # (core.uploads) and memory, the confirm is saved by a worker.
    max_rows = 100_000
    max_sheet_rows = 110_000
    max_columns = 30
    # 100,000 rows of the template as the portal writes it, every context
    # column filled in, are 6.2 MB and inflate to 63 MB; the body of the
    # request (MAX_REQUEST_BODY_BYTES, 12 MiB) still has room for the form.
    # The sheet is read as a stream, so what it inflates to costs time, not memory.
    max_bytes = 10 * MiB
    max_uncompressed = 100 * MiB
    column_letters = True
    reads_numbers = True  # the value column, through indicators.parsing
    presence_columns = ("code", "territory", *INPUT_KEYS)
    input_columns = INPUT_KEYS
    keep_per_user = 5
    rows_template = "indicators/_import_preview.html"
    unknown_column_message = gettext_lazy("Unknown column; use the columns of the template.")
    missing_column_message = gettext_lazy(
        "The column “%(column)s” is missing; use the template.")
    unreadable_message = gettext_lazy(
        "The file could not be read as a value workbook. Download the template again and fill "
        "in that file.")

    def parse_row(self, row, read):
        """The period and the value; the text rules of the other input columns."""
        def error(key, message):
            row.errors.append(read.error(self, row.number, key, message))

        cells = row.values
        if not cells.get("code") and "code" not in row.failed:
            error("code", _("The code of the indicator is missing."))
        row.period = row.value = None
        if "period" not in row.failed:
            raw = row.raw.get("period")
            if isinstance(raw, datetime):
                raw = raw.date()
            if len(cells["period"]) > MAX_PERIOD:  # not read at all: it may be megabytes
                error("period", _("At most %(max)d characters.") % {"max": MAX_PERIOD})
            else:
                try:
                    row.period = parse_period(raw if isinstance(raw, date) else cells["period"])
                except ParseError as failure:
                    error("period", str(failure))
        if "value" not in row.failed:
            raw = row.raw.get("value")
            if isinstance(raw, datetime | date):
                error("value", _("The cell holds a date, not a value; format the column as "
                                 "text and type the value again."))
            elif len(cells["value"]) > MAX_VALUE:
                error("value", _("At most %(max)d characters.") % {"max": MAX_VALUE})
            else:
                # A number typed as a number is taken as it is; text in the
                # workbook's number format, an ambiguous number kept to confirm.
                typed = isinstance(raw, int | float | Decimal) and not isinstance(raw, bool)
                try:
                    row.value = parse_value(raw if typed else cells["value"],
                                            number_format=read.number_format)
                except ParseError as failure:
                    error("value", str(failure))
                else:
                    row.ambiguous.extend(read.ambiguity(self, row.number, "value", ambiguity)
                                         for ambiguity in row.value.ambiguities)
        reason = cells.get("reason", "")
        if reason and row.value is not None and row.value.available:
            error("reason", _("Fill in the reason only when the value is not available "
                              "(“n. a.”)."))
        if len(reason) > MAX_REASON:
            error("reason", _("At most %(max)d characters.") % {"max": MAX_REASON})
        if len(cells.get("note", "")) > MAX_NOTE:
            error("note", _("At most %(max)d characters.") % {"max": MAX_NOTE})

    def check(self, read, *, actor, target):
        codes = {row.values.get("code") for row in read.rows if row.values.get("code")}
        keys = {row.values.get("key") for row in read.rows if row.values.get("key")}
        found = list(Indicator.objects.filter(Q(code__in=codes) | Q(slug__in=keys))
                     .select_related("home_territory", "comparison_territory"))
        allowed = (None if is_city_officer(actor)
                   else can_report_indicator.allowed_ids(actor, Indicator))
        # A code the documents print for several indicators does not say which
        # one a row means; the key (the indicator's address) does.
        indicators = _Indicators(found, allowed)
        territories = _Territories()
        existing = {}
        saved = list(IndicatorValue.objects.filter(indicator__in=found).select_related("territory"))
        prefetch_children(saved, "parts")
        for value in saved:
            existing[(value.indicator_id, value.territory_id, value.period_start,
                      value.period_end)] = value
        seen = {}
        return [self._check_row(row, read, indicators, allowed, territories, existing, seen)
                for row in drain(read.rows)]

    def _check_row(self, sheet_row, read, indicators, allowed, territories, existing, seen):
        errors = list(sheet_row.errors)
        number = sheet_row.number
        # A cell over its limit is an error; the row keeps only its start (a
        # cell may hold megabytes), every row within the limits keeps its text.
        cells = {key: _cut(text, LIMITS.get(key, 200)) if isinstance(text, str) else text
                 for key, text in sheet_row.values.items()}

        def error(key, message):
            errors.append(read.error(self, number, key, message))

        code = cells.get("code", "")
        key = cells.get("key", "")
        indicator = None
        if key:
            indicator = indicators.by_key(key)
            if indicator is None:
                error("key", _("There is no indicator with the key “%(key)s” that you may "
                               "report.") % {"key": key[:40]})
            elif code and indicator.code != code:
                error("code", _("The key “%(key)s” belongs to the indicator with the code "
                                "“%(other)s”, not “%(code)s”; keep the code and the key of "
                                "the template together.") % {
                                    "key": key[:40], "other": indicator.code, "code": code[:40]})
                indicator = None
        elif code:
            same = indicators.by_code(code)
            if len(same) > 1:
                error("code", _("The code “%(code)s” belongs to %(count)d indicators you may "
                                "report (%(names)s); fill in the column “%(column)s” from the "
                                "template to say which.") % {
                                    "code": code[:40], "count": len(same),
                                    "names": "; ".join(i.name[:60] for i in same),
                                    "column": BY_KEY["key"].header})
            elif same:
                indicator = same[0]
            elif allowed is None:
                error("code", _("There is no indicator with the code “%(code)s”.") % {
                    "code": code[:40]})
            else:
                error("code", _("There is no indicator with the code “%(code)s” that you may "
                                "report.") % {"code": code[:40]})
        territory = None
        if indicator is not None:
            territory = indicator.home_territory
            territory_text = cells.get("territory", "")
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
                error("value", _("This indicator has %(expected)d parts (%(labels)s); write "
                                 "them separated by slashes, e.g. 12/12/4/22.") % {
                    "expected": len(labels), "labels": " / ".join(labels)})
        key = None
        if indicator is not None and territory is not None and period is not None:
            key = (indicator.pk, territory.pk, period.start, period.end)
            if key in seen:
                error("period", _("Row %(row)d has a value of the same indicator, territory "
                                  "and period already.") % {"row": seen[key]})
            else:
                seen[key] = number
        value_text = cells.get("value", "") if "value" not in sheet_row.failed else "?"
        numeric = isinstance(sheet_row.raw.get("value"), int | float | Decimal) and not \
            isinstance(sheet_row.raw.get("value"), bool)
        row = {
            "row": number,
            "code": code,
            "indicator": indicator.pk if indicator else None,
            "name": indicator.name if indicator else "",
            "territory": territory.pk if territory else None,
            "territory_label": territory.label if territory else cells.get("territory", ""),
            "period_text": cells.get("period", "") if "period" not in sheet_row.failed
            else "?",
            "period_kind": period.kind if period else "",
            "period_start": period.start.isoformat() if period else None,
            "period_end": period.end.isoformat() if period else None,
            "available": parsed.available if parsed else True,
            "value": _decimal_text(parsed.value) if parsed and not parsed.is_composite else None,
            "parts": parts,
            "is_estimate": parsed.is_estimate if parsed else False,
            "rank": parsed.rank if parsed else None,
            "rank_scope": parsed.rank_scope if parsed else "",
            "value_text": "" if numeric else value_text,
            "not_available_reason": cells.get("reason", "")
            if parsed and not parsed.available else "",
            "note": cells.get("note", ""),
            "existing": None,
            "existing_version": None,
            "old": "",
            "new": value_text,
            "errors": errors,
        }
        if errors or parsed is None or key is None:
            row["outcome"] = ERROR
            row["errors"] = errors or [RowError(number, None, _("The row cannot be read."))]
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
            refusal = _locked_for(before, officer=allowed is None)
            if row["outcome"] == CHANGED and refusal:
                error("value", refusal)
                row["outcome"], row["errors"] = ERROR, errors
        return row

    def apply(self, rows, *, actor, target, pending):
        # By indicator: the service writes a slice of indicators at a time,
        # each indicator's rows together (its status recomputed once).
        rows = sorted((row for row in rows if row["outcome"] in (NEW, CHANGED)),
                      key=lambda row: row["indicator"])
        indicators = {i.pk: i for i in Indicator.objects.filter(
            pk__in={row["indicator"] for row in rows}).select_related(
                "home_territory", "comparison_territory")}
        territories = Territory.objects.in_bulk({row["territory"] for row in rows})
        message = _("Import of values from “%(file)s” (%(batch)s)") % {
            "file": pending.file_name, "batch": str(pending.pk)[:8]} if pending else ""
        errors = []
        reportable = {pk: can_report_indicator(actor, indicator)
                      for pk, indicator in indicators.items()}

        def values():
            # One row at a time, as the service reads them: the whole file's
            # values are never held at once.
            for row in rows:
                indicator = indicators.get(row["indicator"])
                territory = territories.get(row["territory"])
                if indicator is None or territory is None or not reportable[indicator.pk]:
                    errors.append(RowError(row["row"], None, _(
                        "You may no longer report this indicator.")))
                    continue
                yield {
                    "row": row["row"], "indicator": indicator, "territory": territory,
                    "period_kind": row["period_kind"],
                    "period_start": date.fromisoformat(row["period_start"]),
                    "period_end": date.fromisoformat(row["period_end"]),
                    "period_text": row["period_text"],
                    "value": None if row["value"] is None else Decimal(row["value"]),
                    "available": row["available"],
                    "not_available_reason": row["not_available_reason"],
                    "is_estimate": row["is_estimate"], "rank": row["rank"],
                    "rank_scope": row["rank_scope"], "value_text": row["value_text"],
                    "note": row["note"],
                    "parts": [(label, Decimal(amount)) for label, amount in row["parts"]],
                    "existing_version": row["existing_version"],
                }

        self.progress(pending, 30, ngettext("Writing %(count)d value", "Writing %(count)d values",
                                            len(rows)) % {"count": len(rows)})
        # Refused rows are all listed; the caller's transaction undoes any write.
        errors += [RowError(number, None, text) for number, text in
                   indicator_values_import(actor=actor, rows=values(), message=message)]
        errors.sort(key=lambda error: error.row or 0)
        if errors:
            raise ImportRefused(errors)
        return len(rows)

    def confirm_label(self, count):
        return ngettext("Confirm and save %(counter)s value", "Confirm and save %(counter)s values",
                        count) % {"counter": count}

    def saved_message(self, count, pending):
        return ngettext(
            "The import “%(file)s” was saved: %(count)d value recorded.",
            "The import “%(file)s” was saved: %(count)d values recorded.", count) % {
                "file": pending.file_name, "count": count}


VALUE_IMPORTER = ValueImporter()


def preview_value_workbook(content, user):
    """Read and check an uploaded workbook (bytes) for `user`."""
    return VALUE_IMPORTER.preview(content, actor=user)
