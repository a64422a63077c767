"""A plan as one flat XLSX sheet, and the same sheet read back.

Export: one row per item in the order of the tree, with the codes of its
ancestors, every field, the item's id and version. Text is formula-
neutralised (core.exports.neutralise), so a title such as "=1+1" or "- jiné"
stays text in a spreadsheet; the import undoes the neutralisation, so an
untouched sheet round-trips to no change at all.

Import (`plan_import_xlsx`): rows are matched to items by the `id` column;
every changed field goes through `plan_services.plan_item_update` (validated,
audited, versioned; with the `version` column a row edited in the portal
after the export is refused rather than overwritten). Structure is not
imported: `path` and `level` are informative, and rows cannot add, move or
delete items. Any error (unknown id, unknown status, a bad date or year, a
value the model refuses) names the row number and the column header, and
nothing at all is saved: the whole import is one transaction.
"""

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from core.exports import FORMULA_TRIGGERS, XLSX_CONTENT_TYPE, download, neutralise
from core.services import StaleEditError
from directory.models import Organisation, WorkingGroup

from .models import ActivityType, MeasureStatus, PlanItem, ServiceType
from .selectors import build_tree, plan_items
from .services import plans as plan_services

SHEET_TITLE = "items"
MAX_ROWS = 20_000
LIST_SEPARATOR = "; "


@dataclass(frozen=True)
class Col:
    name: str
    kind: str  # text, int, year, date, bool, status, activity, service, list, key, info
    description: object
    field: str | None = None  # the PlanItem field it updates


COLUMNS = (
    Col("path", "info", gettext_lazy("Codes of the ancestors, top level first (not imported)")),
    Col("level", "info", gettext_lazy("Name of the item's level (not imported)")),
    Col("code", "text", gettext_lazy("Code as published"), "code"),
    Col("title", "text", gettext_lazy("Title"), "title"),
    Col("description", "text", gettext_lazy("Description"), "description"),
    Col("target_text", "text", gettext_lazy("Quantified target as published"), "target_text"),
    Col("target_year", "year", gettext_lazy("Target year"), "target_year"),
    Col("status", "status", gettext_lazy("Measure status: not_started, in_progress, completed "
                                         "or cancelled"), "status"),
    Col("status_text", "text", gettext_lazy("Status as published"), "status_text"),
    Col("reports_done", "int", gettext_lazy("Implementation reports submitted"), "reports_done"),
    Col("reports_total", "int", gettext_lazy("Implementation reports planned"), "reports_total"),
    Col("implementers", "list", gettext_lazy("Implementers as published, separated by "
                                             "semicolons"), "implementers"),
    Col("activity_type", "activity", gettext_lazy("project or non_project"), "activity_type"),
    Col("activity_type_text", "text", gettext_lazy("Activity type as published"),
        "activity_type_text"),
    Col("service_type", "service", gettext_lazy("Service type: SAS, OSP, TP, SNP, "
                                                "krizova_pomoc, pecovatelska_sluzba or other"),
        "service_type"),
    Col("period_start", "date", gettext_lazy("Start (date)"), "period_start"),
    Col("period_end", "date", gettext_lazy("End (date)"), "period_end"),
    Col("period_text", "text", gettext_lazy("Period as published"), "period_text"),
    Col("ongoing", "bool", gettext_lazy("Ongoing (ano/ne)"), "ongoing"),
    Col("cross_cutting_priority", "bool", gettext_lazy("Cross-cutting priority (ano/ne)"),
        "cross_cutting_priority"),
    Col("working_groups", "list", gettext_lazy("Codes of working groups, separated by "
                                               "semicolons"), "working_groups"),
    Col("footnote", "text", gettext_lazy("Footnote"), "footnote"),
    Col("id", "key", gettext_lazy("Identifier of the item in the portal: do not change")),
    Col("version", "key", gettext_lazy("Version of the item when exported: do not change")),
)
BY_NAME = {c.name: c for c in COLUMNS}
HEADER = [c.name for c in COLUMNS]
TRUE_WORDS = {"ano", "a", "yes", "y", "true", "pravda", "1", "x"}
FALSE_WORDS = {"ne", "n", "no", "false", "nepravda", "0", ""}
CZECH_DATE = re.compile(r"^\s*(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})\s*$")


# --- Export ---------------------------------------------------------------------------------


def _ordered(items):
    """Items in the order of the tree (parents before their children)."""
    ordered = [node.item for root in build_tree(items) for node in root.walk()]
    seen = {item.pk for item in ordered}
    return ordered + [item for item in items if item.pk not in seen]


def _implementer_names(item):
    return [str(link) for link in item.implementer_links.all()]


def _group_codes(item):
    return sorted(g.code for g in item.working_groups.all())


def item_row(item, path):
    return {
        "path": path,
        "level": item.level.name,
        "code": item.code,
        "title": item.title,
        "description": item.description,
        "target_text": item.target_text,
        "target_year": item.target_year,
        "status": item.status,
        "status_text": item.status_text,
        "reports_done": item.reports_done,
        "reports_total": item.reports_total,
        "implementers": LIST_SEPARATOR.join(_implementer_names(item)),
        "activity_type": item.activity_type,
        "activity_type_text": item.activity_type_text,
        "service_type": item.service_type,
        "period_start": item.period_start,
        "period_end": item.period_end,
        "period_text": item.period_text,
        "ongoing": item.ongoing,
        "cross_cutting_priority": item.cross_cutting_priority,
        "working_groups": LIST_SEPARATOR.join(_group_codes(item)),
        "footnote": item.footnote,
        "id": item.pk,
        "version": item.version,
    }


def plan_rows(plan, items=None):
    items = list(items if items is not None else plan_items(plan))
    by_pk = {item.pk: item for item in items}
    for item in _ordered(items):
        codes, parent_id, hops = [], item.parent_id, 0
        while parent_id in by_pk and hops < len(by_pk):
            parent = by_pk[parent_id]
            codes.insert(0, parent.code or "–")
            parent_id, hops = parent.parent_id, hops + 1
        yield item_row(item, " / ".join(codes))


def _export_cell(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "ano" if value else "ne"
    if isinstance(value, int | date):
        return value
    return neutralise(str(value))


def plan_xlsx_bytes(plan, items=None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in plan_rows(plan, items):
        sheet.append([_export_cell(row[name]) for name in HEADER])
    for index, column in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        if column.kind == "date":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "d. m. yyyy"
        width = {"title": 60, "description": 50, "target_text": 50, "implementers": 40,
                 "path": 16, "footnote": 30}.get(column.name, 14)
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "C2"

    help_sheet = workbook.create_sheet("columns")
    help_sheet.append(["column", "description"])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        help_sheet.append([column.name, neutralise(str(column.description))])
    help_sheet.column_dimensions["A"].width = 24
    help_sheet.column_dimensions["B"].width = 90
    for (cell,) in help_sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.alignment = Alignment(wrap_text=True)

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def plan_xlsx_response(plan):
    return download(plan_xlsx_bytes(plan), f"{plan.code}.xlsx", XLSX_CONTENT_TYPE)


# --- Reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str | None
    message: str

    def __str__(self):
        if self.row is not None and self.column:
            return _("Row %(row)d, column “%(column)s”: %(message)s") % {
                "row": self.row, "column": self.column, "message": self.message}
        if self.row is not None:
            return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        if self.column:
            return _("Column “%(column)s”: %(message)s") % {
                "column": self.column, "message": self.message}
        return self.message


@dataclass
class SheetRow:
    number: int  # as the spreadsheet numbers it: the header is row 1
    values: dict  # column name -> parsed value, only for the columns present


@dataclass
class SheetRead:
    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)


class CellError(ValueError):
    pass


def _text(value):
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
    text = str(value)
    # Undo core.exports.neutralise: "'=x" was written for "=x".
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


# Report counts are small integers in the database; ids and versions are not.
SMALL_INT_MAX = 32767
KEY_MAX = 2**63 - 1


def _int(value, *, year=False, maximum=SMALL_INT_MAX):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": value})
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or value < 0:
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": _text(value)})
    if year and not 1900 <= value <= 2100:
        raise CellError(_("“%(value)s” is not a year (1900–2100).") % {"value": value})
    if not year and value > maximum:
        raise CellError(_("%(value)s is too large.") % {"value": value})
    return value


def _date(value):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).strip()
    try:
        match = CZECH_DATE.match(text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        raise CellError(
            _("“%(value)s” is not a valid date (write it as 1. 7. 2023).") % {"value": text}
        ) from None


def _bool(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = _text(value).strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("“%(value)s” is neither “ano” nor “ne”.") % {"value": _text(value)})


def _choice(value, choices):
    text = _text(value).strip()
    if not text:
        return ""
    for choice in choices:
        if text == choice.value or text.casefold() in (str(choice.label).casefold(),
                                                     choice.value.casefold()):
            return choice.value
    raise CellError(_("Unknown value “%(value)s”; allowed: %(allowed)s.") % {
        "value": text, "allowed": ", ".join(c.value for c in choices)})


def _list(value):
    return [part.strip() for part in _text(value).split(";") if part.strip()]


PARSERS = {
    "text": _text,
    "int": _int,
    "year": lambda v: _int(v, year=True),
    "date": _date,
    "bool": _bool,
    "status": lambda v: _choice(v, MeasureStatus),
    "activity": lambda v: _choice(v, ActivityType),
    "service": lambda v: _choice(v, ServiceType),
    "list": _list,
    "key": lambda v: _int(v, maximum=KEY_MAX),
    "info": _text,
}


def read_plan_xlsx(file):
    """Parse the first sheet. Returns a SheetRead with the parsed rows and
    every error found (row number and column header each)."""
    result = SheetRead()
    try:
        if hasattr(file, "seek"):
            file.seek(0)
        workbook = load_workbook(file, read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - any unreadable upload is the same answer
        result.errors.append(RowError(None, None, _("The file is not an XLSX workbook.")))
        return result
    try:
        _read_sheet(workbook, result)
    except Exception:  # noqa: BLE001 - a sheet whose XML breaks mid-way is still just unreadable
        result.rows.clear()
        result.errors.append(RowError(None, None, _("The file is not an XLSX workbook.")))
    finally:
        workbook.close()
    return result


def _read_sheet(workbook, result):
    """Fill `result` with the first sheet's rows and errors."""
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows()
    header_cells = next(rows, None)
    if not header_cells:
        result.errors.append(RowError(None, None, _("The sheet is empty.")))
        return
    header = [_text(c.value).strip() for c in header_cells]
    positions = {}
    for index, name in enumerate(header):
        if not name:
            continue
        if name not in BY_NAME:
            result.errors.append(RowError(1, name, _("Unknown column.")))
        elif name in positions:
            result.errors.append(RowError(1, name, _("The column is there twice.")))
        else:
            positions[name] = index
    if "id" not in positions:
        result.errors.append(RowError(1, "id", _("The column is missing.")))
    result.columns = list(positions)
    if result.errors:
        return
    for number, cells in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            result.errors.append(RowError(number, None, _(
                "The sheet has more than %(max)d rows.") % {"max": MAX_ROWS}))
            break
        cells = list(cells)
        if all(c.value in (None, "") for c in cells):
            continue
        values = {}
        for name, index in positions.items():
            cell = cells[index] if index < len(cells) else None
            raw = cell.value if cell is not None else None
            if cell is not None and getattr(cell, "data_type", None) == "f":
                result.errors.append(RowError(number, name, _(
                    "Formulas are not accepted; type the value.")))
                continue
            try:
                values[name] = PARSERS[BY_NAME[name].kind](raw)
            except CellError as error:
                result.errors.append(RowError(number, name, str(error)))
        result.rows.append(SheetRow(number, values))


# --- Import ---------------------------------------------------------------------------------


@dataclass
class RowChange:
    row: int
    item: PlanItem
    changes: dict  # column name -> [old, new]


@dataclass
class ImportResult:
    dry_run: bool
    changes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    unchanged: int = 0

    @property
    def saved(self):
        return not self.dry_run and not self.errors and bool(self.changes)


# Model field -> column header, for the model's own validation errors.
FIELD_COLUMNS = {c.field: c.name for c in COLUMNS if c.field}


class _Resolver:
    """Names of implementers and codes of working groups -> rows."""

    def __init__(self, items):
        self.organisations = {}
        for item in items:
            for link in item.implementer_links.all():
                self.organisations.setdefault(str(link), link.organisation)
                self.organisations.setdefault(link.organisation.name, link.organisation)
        self.groups = None

    def organisation(self, name):
        if name not in self.organisations:
            found = list(Organisation.objects.filter(name=name)[:2]) or list(
                Organisation.objects.filter(short_name=name)[:2])
            self.organisations[name] = found[0] if len(found) == 1 else None
        return self.organisations[name]

    def group(self, code):
        if self.groups is None:
            self.groups = {g.code: g for g in WorkingGroup.objects.all()}
        return self.groups.get(code)


def _row_changes(item, values):
    """{column: [old, new]} for the columns whose value differs."""
    current = item_row(item, "")
    changes = {}
    for name, new in values.items():
        column = BY_NAME[name]
        if column.field is None:
            continue
        old = current[name]
        if column.kind == "list":
            old = _list(old)
            same = sorted(old) == sorted(new) if name == "working_groups" else old == new
            if not same:
                changes[name] = [old, new]
        elif old != new:
            changes[name] = [old, new]
    return changes


def plan_import_xlsx(*, actor, plan, file, dry_run=False) -> ImportResult:
    """Apply an exported (and edited) sheet back to `plan`. With `dry_run`
    nothing is saved, and the result tells what would change."""
    read = read_plan_xlsx(file)
    result = ImportResult(dry_run=dry_run, errors=list(read.errors))
    if read.errors and not read.rows:
        return result
    items = list(plan_items(plan))
    by_pk = {item.pk: item for item in items}
    resolver = _Resolver(items)
    seen = {}

    with transaction.atomic():
        for row in read.rows:
            values = dict(row.values)
            item_id = values.pop("id", None)
            version = values.pop("version", None)
            if item_id is None:
                if "id" in row.values:
                    result.errors.append(RowError(row.number, "id", _(
                        "The item id is missing; new items cannot be added by import.")))
                continue
            if item_id in seen:
                result.errors.append(RowError(row.number, "id", _(
                    "Item %(id)d is already in row %(row)d.") % {"id": item_id,
                                                                  "row": seen[item_id]}))
                continue
            seen[item_id] = row.number
            item = by_pk.get(item_id)
            if item is None:
                result.errors.append(RowError(row.number, "id", _(
                    "There is no item %(id)d in this plan.") % {"id": item_id}))
                continue
            changes = _row_changes(item, values)
            if not changes:
                result.unchanged += 1
                continue
            data = {name: new for name, (_old, new) in changes.items()
                    if name not in ("implementers", "working_groups")}
            kwargs = {}
            row_ok = True
            if "implementers" in changes:
                implementers = []
                for name in changes["implementers"][1]:
                    organisation = resolver.organisation(name)
                    if organisation is None:
                        row_ok = False
                        result.errors.append(RowError(row.number, "implementers", _(
                            "No organisation is known as “%(name)s”.") % {"name": name}))
                    else:
                        published = "" if name == organisation.name else name
                        implementers.append((organisation, published))
                kwargs["implementers"] = implementers
            if "working_groups" in changes:
                groups = []
                for code in changes["working_groups"][1]:
                    group = resolver.group(code)
                    if group is None:
                        row_ok = False
                        result.errors.append(RowError(row.number, "working_groups", _(
                            "There is no working group with the code “%(code)s”.")
                            % {"code": code}))
                    else:
                        groups.append(group)
                kwargs["working_groups"] = groups
            row_ok = _consistent(row.number, item, data, result.errors) and row_ok
            if not row_ok:
                continue
            try:
                updated = plan_services.plan_item_update(
                    actor=actor, item=item, expected_version=version, **data, **kwargs)
            except StaleEditError:
                result.errors.append(RowError(row.number, "version", _(
                    "The item was changed in the portal after the export; export the plan "
                    "again and redo this row.")))
                continue
            except ValidationError as error:
                result.errors.extend(_validation_errors(row.number, error))
                continue
            result.changes.append(RowChange(row.number, updated, changes))
        if result.errors or dry_run:
            transaction.set_rollback(True)
    return result


def _consistent(row, item, data, errors):
    """The model's cross-field rules, reported on the column to fix."""
    def value(name):
        return data[name] if name in data else getattr(item, name)

    ok = True
    done, total = value("reports_done"), value("reports_total")
    if done is not None and total is not None and done > total:
        errors.append(RowError(row, "reports_done", _(
            "%(done)d reports submitted is more than the %(total)d planned.")
            % {"done": done, "total": total}))
        ok = False
    start, end = value("period_start"), value("period_end")
    if start is not None and end is not None and end < start:
        errors.append(RowError(row, "period_end", _("The end is before the start.")))
        ok = False
    return ok


def _validation_errors(row, error):
    if hasattr(error, "error_dict"):
        out = []
        for name, errors in error.error_dict.items():
            column = FIELD_COLUMNS.get(name)
            for message in errors:
                text = " ".join(message.messages) if hasattr(message, "messages") else str(message)
                out.append(RowError(row, column, text))
        return out
    return [RowError(row, None, " ".join(error.messages))]
