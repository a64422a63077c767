"""A plan as an XLSX workbook, and the same workbook read back: the export,
and the plan import declared on core.imports.

The workbook: „Plán“ (the plan: title, code, kind, period and the names of
its levels), „items“ (one row per item in printed order), „Poznámky ke
zdroji“ (what the published source got wrong, kept as published) and
„Návod“ (every column, and the limits). Text is formula-neutralised
(core.exports.neutralise), so a title such as "=1+1" or "- jiné" stays text
in a spreadsheet; the import undoes the neutralisation, so an untouched
workbook round-trips to no change at all.

Import into a plan: rows with an `id` are its items; every changed field
goes through `plan_services.plan_item_update` (validated, audited,
versioned), and a row edited in the portal after the export (the `version`
column) is refused rather than overwritten. Rows without an `id` are new
items, placed by the code of their parent (`parent`), or by the codes of
their ancestors (`path`), or - with neither - under the nearest row above of
the level above theirs (`level`), as a printed outline reads; they are
created set-based (`plan_services.plan_items_import`). Existing items are
not moved or deleted by an import.

Import without a plan: the „Plán“ sheet creates the plan with its levels,
and the rows become its items.

Codes are kept as printed: a code printed twice is accepted and shown as a
notice (the data-checks page lists it); implementers are kept as printed and
linked to an organisation only where the name matches one exactly (spaces and
case aside); other names are a notice, never an error.
"""

import copy
import io
import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from core.exports import XLSX_CONTENT_TYPE, download, neutralise
from core.imports import columns as parse
from core.imports.base import (
    CHANGED,
    ERROR,
    NEW,
    UNCHANGED,
    ImportChanged,
    Importer,
    ImportRefused,
)
from core.imports.columns import CELL_MAX, CellError, Column, RowError, limited, normal
from core.imports.numbers import NumberFormat, language_format
from core.services import StaleEditError
from core.uploads import MiB
from directory.models import Organisation, WorkingGroup

from .forms.editor import RESERVED_CODES
from .models import (
    CODE_MAX,
    PUBLISHED_TEXT_MAX,
    ActivityType,
    LevelRole,
    MeasureStatus,
    Plan,
    PlanItem,
    PlanKind,
    PlanLevel,
    PlanSourceNote,
    ServiceType,
)
from .selectors import build_tree, plan_items
from .services import plans as plan_services

SHEET_TITLE = "items"
PLAN_SHEET = "Plán"
NOTES_SHEET = "Poznámky ke zdroji"
HELP_SHEET = "Návod"
LIST_SEPARATOR = "; "
PATH_SEPARATOR = " / "
SHORT_MAX = 200  # choices, numbers, codes of groups: anything longer is a typo
PLAN_SHEET_MAX_ROWS = 200
NOTES_MAX_ROWS = 5_000
CURRENCY = re.compile(r"^[A-Z]{3}$")


# Read in the workbook's number format, an ambiguous text confirmed in the preview.
AMOUNT = parse.number(places=2, minimum=0)


def _currency(value):
    written = parse.text(value).strip().upper()
    if written and not CURRENCY.match(written):
        raise CellError(_("“%(value)s” is not a currency code (e.g. CZK, EUR).") % {
            "value": written})
    return written


def _limit(field):
    if field is None:
        return CELL_MAX
    model_field = PlanItem._meta.get_field(field)
    return getattr(model_field, "max_length", None) or CELL_MAX


def _col(name, parser, help, field=None, width=14, limit=None):
    # The plan sheet's headers are the field names: the export is the format.
    if limit is None:
        limit = _limit(field) if parser is parse.text else SHORT_MAX
    if not hasattr(parser, "read"):  # a number parser limits its own text
        parser = limited(parser, limit)
    return Column(name, name, parser, help, field=field, width=width)


def _text(name, help, field=None, width=14, limit=None):
    return _col(name, parse.text, help, field, width,
                limit if limit is not None else _limit(field))


COLUMNS = (
    _text("path", gettext_lazy(
        "Codes of the ancestors, top level first, separated by “ / ” (places a new item; "
        "informative for existing ones)"), width=16, limit=PUBLISHED_TEXT_MAX),
    _text("parent", gettext_lazy(
        "Code of the parent item (places a new item; wins over path). A code printed "
        "several times means the nearest such row above."), width=10, limit=CODE_MAX),
    _text("level", gettext_lazy(
        "Name (or number) of the item's level, as on the sheet „Plán“. A new row without "
        "parent and path goes under the nearest row above of the level above."),
        limit=SHORT_MAX),
    _text("code", gettext_lazy("Code as published (may be printed more than once)"), "code"),
    _text("title", gettext_lazy("Title"), "title", 60),
    _text("description", gettext_lazy("Description"), "description", 50),
    _text("target_text", gettext_lazy("Quantified target as published"), "target_text", 50),
    _col("target_year", parse.year, gettext_lazy("Target year"), "target_year"),
    _col("status", parse.choice(MeasureStatus), gettext_lazy(
        "Measure status: not_started, in_progress, completed or cancelled"), "status"),
    _text("status_text", gettext_lazy("Status as published"), "status_text"),
    _col("reports_done", parse.integer, gettext_lazy("Implementation reports submitted"),
         "reports_done"),
    _col("reports_total", parse.integer, gettext_lazy("Implementation reports planned"),
         "reports_total"),
    _text("implementers", gettext_lazy(
        "Implementers or responsible bodies as published, separated by semicolons; a name "
        "that matches an organisation of the portal is linked to it"), "implementers_text",
        40),
    _col("activity_type", parse.choice(ActivityType), gettext_lazy("project or non_project"),
         "activity_type"),
    _text("activity_type_text", gettext_lazy("Activity type as published"),
          "activity_type_text"),
    _col("service_type", parse.choice(ServiceType), gettext_lazy(
        "Service type: SAS, OSP, TP, SNP, krizova_pomoc, pecovatelska_sluzba or other"),
        "service_type"),
    _col("period_start", parse.day, gettext_lazy("Start (date)"), "period_start"),
    _col("period_end", parse.day, gettext_lazy("End (date)"), "period_end"),
    _text("period_text", gettext_lazy("Period as published"), "period_text"),
    _col("ongoing", parse.boolean, gettext_lazy("Ongoing (ano/ne)"), "ongoing"),
    _col("cross_cutting_priority", parse.boolean, gettext_lazy(
        "Cross-cutting priority (ano/ne)"), "cross_cutting_priority"),
    _text("costs", gettext_lazy("Costs as published"), "costs_text", 20),
    _col("costs_amount", AMOUNT, gettext_lazy(
        "Costs as a number, when the source gives one: typed as a number, or as text in the "
        "workbook's number format (1 234 567,50 or 1,234,567.50)"), "costs_amount"),
    _col("costs_currency", _currency, gettext_lazy(
        "Currency of the amount: an ISO code such as CZK or EUR"), "costs_currency"),
    _col("working_groups", parse.text_list, gettext_lazy(
        "Codes of working groups, separated by semicolons"), "working_groups",
        limit=PUBLISHED_TEXT_MAX),
    _text("footnote", gettext_lazy("Footnote"), "footnote", 30),
    _text("source_page", gettext_lazy("Page of the published source"), "source_page"),
    _col("id", parse.key, gettext_lazy(
        "Identifier of the item in the portal: do not change; empty for a new item")),
    _col("version", parse.key, gettext_lazy("Version of the item when exported: do not "
                                            "change")),
)
BY_NAME = {c.name: c for c in COLUMNS}
HEADER = [c.name for c in COLUMNS]
LISTS = ("working_groups",)
STRUCTURE = ("path", "parent", "level")
# Column -> model field, and back (for the model's own validation errors).
FIELDS = {c.name: c.field for c in COLUMNS
          if c.field and c.name not in LISTS}
FIELD_COLUMNS = {c.field: c.name for c in COLUMNS if c.field}


def _parser(name):
    return getattr(BY_NAME[name].parser, "inner", BY_NAME[name].parser)


# --- Export ---------------------------------------------------------------------------------


def _ordered(items):
    """Items in the order of the tree (parents before their children)."""
    ordered = [node.item for root in build_tree(items) for node in root.walk()]
    seen = {item.pk for item in ordered}
    return ordered + [item for item in items if item.pk not in seen]


def implementers_printed(item):
    """The implementers as the item keeps them: the text as printed, or else
    the linked organisations by the names they were published under."""
    return item.implementers_text or LIST_SEPARATOR.join(
        str(link) for link in item.implementer_links.all())


def item_row(item, path):
    return {
        "path": path,
        "parent": "",
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
        "implementers": implementers_printed(item),
        "activity_type": item.activity_type,
        "activity_type_text": item.activity_type_text,
        "service_type": item.service_type,
        "period_start": item.period_start,
        "period_end": item.period_end,
        "period_text": item.period_text,
        "ongoing": item.ongoing,
        "cross_cutting_priority": item.cross_cutting_priority,
        "costs": item.costs_text,
        "costs_amount": item.costs_amount,
        "costs_currency": item.costs_currency,
        "working_groups": LIST_SEPARATOR.join(sorted(g.code for g in item.working_groups.all())),
        "footnote": item.footnote,
        "source_page": item.source_page,
        "id": item.pk,
        "version": item.version,
    }


def plan_rows(plan, items=None):
    items = list(items if items is not None else plan_items(plan))
    by_pk = {item.pk: item for item in items}
    for item in _ordered(items):
        yield item_row(item, PATH_SEPARATOR.join(_ancestor_codes(item, by_pk)))


def _ancestor_codes(item, by_pk):
    codes, parent_id, hops = [], item.parent_id, 0
    while parent_id in by_pk and hops < len(by_pk):
        parent = by_pk[parent_id]
        codes.insert(0, parent.code or "–")
        parent_id, hops = parent.parent_id, hops + 1
    return codes


def _export_cell(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "ano" if value else "ne"
    if isinstance(value, int | date | Decimal):
        return value
    return neutralise(str(value))


PLAN_FIELDS = ("title", "subtitle", "code", "kind", "period_start", "period_end")
PLAN_KEYS = {  # what the first column of „Plán“ may say, Czech or English
    "title": ("title", "název"),
    "subtitle": ("subtitle", "podtitul"),
    "code": ("code", "zkratka"),
    "kind": ("kind", "druh"),
    "period_start": ("period_start", "od", "období od", "od roku"),
    "period_end": ("period_end", "do", "období do", "do roku"),
}
LEVEL_KEY = re.compile(r"^(level|úroveň)(\s*\d+)?$")
NOTE_KEYS = {
    "where": ("where", "kde", "kde ve zdroji"),
    "what": ("what", "co nesedí", "co je nekonzistentní"),
    "kept_as": ("kept_as", "jak je uloženo", "jak je zachováno"),
}


def _bold_header(sheet):
    for cell in sheet[1]:
        cell.font = Font(bold=True)


def _plan_sheet(workbook, plan):
    sheet = workbook.active
    sheet.title = PLAN_SHEET
    sheet.append(["pole", "hodnota", "role"])
    _bold_header(sheet)
    values = {"title": plan.title, "subtitle": plan.subtitle, "code": plan.code,
              "kind": plan.kind, "period_start": plan.period_start,
              "period_end": plan.period_end}
    for name in PLAN_FIELDS:
        sheet.append([name, _export_cell(values[name])])
    for level in plan.levels.all():
        sheet.append(["level", neutralise(level.name), level.role])
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 60
    sheet.column_dimensions["C"].width = 16


def _notes_sheet(workbook, plan):
    sheet = workbook.create_sheet(NOTES_SHEET)
    sheet.append(["where", "what", "kept_as"])
    _bold_header(sheet)
    for note in plan.source_notes.all() if plan is not None else ():
        sheet.append([neutralise(note.where), neutralise(note.what), neutralise(note.kept_as)])
    for letter, width in (("A", 40), ("B", 60), ("C", 60)):
        sheet.column_dimensions[letter].width = width


def _help_sheet(workbook, stated):
    sheet = workbook.create_sheet(HELP_SHEET)
    sheet.append(["column", "description"])
    _bold_header(sheet)
    # The reader looks for this label to learn how numbers typed as text are
    # read (core.imports.reader).
    sheet.append([_("Number format"), str(stated.label), _(
        "How numbers typed as text (costs_amount) are read: “%(czech)s” (1 234,5) or "
        "“%(english)s” (1,234.5). A number that reads differently in the two (e.g. 83,511) is "
        "shown in the preview to confirm, row by row, or to correct here. Numbers typed as "
        "numbers are read as they are.") % {
            "czech": NumberFormat.CZECH.label, "english": NumberFormat.ENGLISH.label}])
    for line in _limits_help():
        sheet.append(["", neutralise(str(line))])
    for column in COLUMNS:
        sheet.append([column.name, neutralise(str(column.help))])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 90
    sheet.column_dimensions["C"].width = 90
    for row in sheet.iter_rows(min_row=2, min_col=2, max_col=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True)


def _limits_help():
    return (
        _("Sheets: „%(plan)s“ (the plan and its levels), „%(items)s“ (the items), "
          "„%(notes)s“ (what the published source got wrong, kept as published).") % {
            "plan": PLAN_SHEET, "items": SHEET_TITLE, "notes": NOTES_SHEET},
        _("Limits: a file of at most %(size)s MB, at most %(rows)s rows of items, a text of "
          "at most %(cell)s characters in a cell (texts as published: %(published)s); "
          "anything over a limit is refused with the row and the column, nothing is cut.") % {
            "size": PLAN_IMPORTER.max_bytes // MiB,
            "rows": number_format(PLAN_IMPORTER.max_rows, force_grouping=True),
            "cell": number_format(CELL_MAX, force_grouping=True),
            "published": number_format(PUBLISHED_TEXT_MAX, force_grouping=True)},
    )


def plan_xlsx_bytes(plan, items=None, number_format=None):
    """The plan's workbook, stating `number_format` (default: the format of
    the plan's language)."""
    stated = NumberFormat(number_format or language_format(plan.language))
    workbook = Workbook()
    _plan_sheet(workbook, plan)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.append(HEADER)
    _bold_header(sheet)
    for row in plan_rows(plan, items):
        sheet.append([_export_cell(row[name]) for name in HEADER])
    for index, column in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        if _parser(column.name) is parse.day:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "d. m. yyyy"
        sheet.column_dimensions[letter].width = column.width
    sheet.freeze_panes = "E2"
    _notes_sheet(workbook, plan)
    _help_sheet(workbook, stated)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def plan_xlsx_response(plan):
    return download(plan_xlsx_bytes(plan), f"{plan.code}.xlsx", XLSX_CONTENT_TYPE)


def plan_template_bytes(number_format=None):
    """An empty plan workbook: the sheets and their columns, two example levels;
    it states `number_format` (default: the format of the current language)."""
    stated = NumberFormat(number_format or language_format())
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = PLAN_SHEET
    sheet.append(["pole", "hodnota", "role"])
    _bold_header(sheet)
    for name in PLAN_FIELDS:
        sheet.append([name, None])
    sheet.append(["level", None, LevelRole.GOAL.value])
    sheet.append(["level", None, LevelRole.MEASURE.value])
    sheet.column_dimensions["B"].width = 60
    items = workbook.create_sheet(SHEET_TITLE)
    items.append([c for c in HEADER if c not in ("id", "version")])
    _bold_header(items)
    _notes_sheet(workbook, None)
    _help_sheet(workbook, stated)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- Reading the other sheets -------------------------------------------------------------


def _cell_text(value, limit):
    return limited(parse.text, limit)(value).strip()


def _find_sheet(workbook, *names):
    wanted = {normal(n) for n in names}
    for title in workbook.sheetnames:
        if normal(title) in wanted:
            return workbook[title]
    return None


def _sheet_rows(sheet, max_rows):
    """(row number, [cell values]) of a small sheet, after its header; None
    past max_rows."""
    for number, cells in enumerate(sheet.iter_rows(min_row=2, max_col=3), start=2):
        if number > max_rows + 1:
            yield number, None
            return
        values = [getattr(c, "value", None) for c in cells]
        if any(getattr(c, "data_type", None) == "f" for c in cells):
            values = None
        yield number, values


def read_extra_sheets(content):
    """{"plan": {...} or None, "levels": [...], "notes": [...] or None,
    "errors": [...]} from the sheets „Plán“ and „Poznámky ke zdroji“."""
    found = {"plan": None, "levels": [], "notes": None, "errors": []}
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - read_sheet reports an unreadable file
        return found
    try:
        plan_sheet = _find_sheet(workbook, PLAN_SHEET, "plan", "plán")
        if plan_sheet is not None:
            _read_plan_sheet(plan_sheet, found)
        notes_sheet = _find_sheet(workbook, NOTES_SHEET, "notes", "poznámky")
        if notes_sheet is not None:
            _read_notes_sheet(notes_sheet, found)
    except Exception:  # noqa: BLE001 - a sheet whose XML breaks is an error, not a 500
        found["errors"].append(RowError(None, None, _(
            "The sheets „%(plan)s“ and „%(notes)s“ could not be read.") % {
                "plan": PLAN_SHEET, "notes": NOTES_SHEET}))
    finally:
        workbook.close()
    return found


def _sheet_error(sheet, row, column, message):
    return RowError(row, f"{sheet}: {column}", message)


def _read_plan_sheet(sheet, found):
    plan = {}
    keys = {normal(k): name for name, words in PLAN_KEYS.items() for k in words}
    for number, values in _sheet_rows(sheet, PLAN_SHEET_MAX_ROWS):
        if values is None:
            found["errors"].append(_sheet_error(PLAN_SHEET, number, "A", _(
                "Formulas are not accepted, and the sheet has at most %(max)d rows.") % {
                    "max": PLAN_SHEET_MAX_ROWS}))
            break
        values = (values + [None, None, None])[:3]
        try:
            key = normal(_cell_text(values[0], SHORT_MAX))
            value = _cell_text(values[1], PUBLISHED_TEXT_MAX)
            role = _cell_text(values[2], SHORT_MAX)
        except CellError as error:
            found["errors"].append(_sheet_error(PLAN_SHEET, number, "B", str(error)))
            if isinstance(values[0], str) and normal(values[0][:SHORT_MAX]) in keys:
                plan[keys[normal(values[0])]] = (number, None)  # refused: not "missing" too
            continue
        if not key and not value:
            continue
        if LEVEL_KEY.match(key):
            try:
                role = parse.choice(LevelRole)(role) or LevelRole.OTHER
            except CellError as error:
                found["errors"].append(_sheet_error(PLAN_SHEET, number, "C", str(error)))
                continue
            if not value:
                found["errors"].append(_sheet_error(PLAN_SHEET, number, "B", _(
                    "The level has no name.")))
                continue
            found["levels"].append({"row": number, "name": value, "role": role})
        elif key in keys:
            plan[keys[key]] = (number, value)
        else:
            found["errors"].append(_sheet_error(PLAN_SHEET, number, "A", _(
                "Unknown field “%(key)s”; allowed: %(allowed)s, level.") % {
                    "key": key[:40], "allowed": ", ".join(PLAN_FIELDS)}))
    found["plan"] = plan


def _read_notes_sheet(sheet, found):
    notes = []
    limits = {"where": PlanSourceNote._meta.get_field("where").max_length,
              "what": CELL_MAX, "kept_as": CELL_MAX}
    header = next(sheet.iter_rows(max_row=1, max_col=3), ())
    keys = {normal(k): name for name, words in NOTE_KEYS.items() for k in words}
    order = [keys.get(normal(parse.text(getattr(c, "value", None)))) for c in header]
    if "what" not in order:
        found["errors"].append(_sheet_error(NOTES_SHEET, 1, "B", _(
            "The columns must be: where, what, kept_as (kde, co nesedí, jak je uloženo).")))
        return
    for number, values in _sheet_rows(sheet, NOTES_MAX_ROWS):
        if values is None:
            found["errors"].append(_sheet_error(NOTES_SHEET, number, "A", _(
                "Formulas are not accepted, and the sheet has at most %(max)d rows.") % {
                    "max": NOTES_MAX_ROWS}))
            break
        note, bad = {"where": "", "what": "", "kept_as": ""}, False
        for index, name in enumerate(order):
            if name is None or index >= len(values):
                continue
            try:
                note[name] = _cell_text(values[index], limits[name])
            except CellError as error:
                found["errors"].append(_sheet_error(NOTES_SHEET, number, name, str(error)))
                bad = True
        if bad or not any(note.values()):
            continue
        if not note["what"]:
            found["errors"].append(_sheet_error(NOTES_SHEET, number, "what", _(
                "Say what is inconsistent.")))
            continue
        if not note["where"]:
            found["errors"].append(_sheet_error(NOTES_SHEET, number, "where", _(
                "Say where in the source it is.")))
            continue
        notes.append([note["where"], note["what"], note["kept_as"]])
    found["notes"] = notes


# --- Import ---------------------------------------------------------------------------------

INFO = "info"  # a preview row that tells something and saves nothing (not an OUTCOME)


def _to_json(name, value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def _from_json(name, value):
    if value in (None, ""):
        return value
    parser = _parser(name)
    if parser is parse.day:
        return date.fromisoformat(value)
    if name == "costs_amount":
        return Decimal(value)
    return value


class _Resolver:
    """Names of implementers and codes of working groups -> rows. A name is
    linked to an organisation only when it is that organisation's name or
    short name exactly, spaces and case aside, and no other one's - or the
    name the plan already publishes it under (a link of one of its items)."""

    def __init__(self, items=()):
        self.organisations = None
        self.groups = None
        self.published = {}
        for item in items:
            for link in item.implementer_links.all():
                if link.published_name:
                    self.published.setdefault(normal(link.published_name), link.organisation)

    def organisation(self, name):
        if normal(name) in self.published:
            return self.published[normal(name)]
        if self.organisations is None:
            self.organisations = {}
            for org in Organisation.objects.only("pk", "name", "short_name"):
                for written in {org.name, org.short_name} - {"", None}:
                    known = self.organisations.setdefault(normal(written), org)
                    if known.pk != org.pk:
                        self.organisations[normal(written)] = None  # two of them: ambiguous
        return self.organisations.get(normal(name))

    def group(self, code):
        if self.groups is None:
            self.groups = {g.code: g for g in WorkingGroup.objects.all()}
        return self.groups.get(code)


def _split_names(printed):
    return [part.strip() for part in printed.split(";") if part.strip()]


def _implementers_for(printed, resolver):
    """(links [[organisation pk, name as printed]], text to keep, unmatched
    names): the printed text is kept whole when any name is not linked."""
    links, unmatched, linked = [], [], set()
    for name in _split_names(printed):
        organisation = resolver.organisation(name)
        if organisation is None:
            unmatched.append(name)
        elif organisation.pk not in linked:
            linked.add(organisation.pk)
            links.append([organisation.pk, "" if name == organisation.name else name])
        else:
            unmatched.append(name)  # the same organisation printed twice: keep the text
    return links, (printed.strip() if unmatched else ""), unmatched


def _changes(item, values):
    """{column: [old, new]} for the columns whose value differs."""
    current = item_row(item, "")
    changes = {}
    for name, new in values.items():
        if BY_NAME[name].field is None:
            continue
        old = current[name]
        if name == "working_groups":
            old = parse.text_list(old)
            if sorted(old) != sorted(new):
                changes[name] = [old, new]
        elif name == "implementers":
            if _split_names(old) != _split_names(new):
                changes[name] = [old, new]
        elif old != new:
            changes[name] = [old, new]
    return changes


class PlanImporter(Importer):
    name = "planning.plan"
    columns = COLUMNS
    sheet = SHEET_TITLE
    keep_per_user = 3
    max_rows = 20_000
    max_sheet_rows = 20_000
    rows_template = "planning/editor/import_preview.html"
    unreadable_message = gettext_lazy(
        "The file could not be read as a plan workbook. Export the plan again, or start from "
        "the template, and edit that file.")
    changed_message = gettext_lazy(
        "The plan changed after the preview: the import would now change something other "
        "than what you confirmed. Nothing was saved. Upload the file again to see the current "
        "preview.")
    stale_hint = gettext_lazy(
        "Items edited in the portal since the export are refused rather than overwritten: "
        "export the plan again and redo your changes of those rows.")

    def scope(self, target):
        return "new-plan" if target is None else str(target.pk)

    def target_for(self, scope):
        if scope in ("", "new-plan"):
            return None
        is_id = scope.isascii() and scope.isdigit()
        plan = Plan.objects.filter(pk=int(scope)).first() if is_id else None
        if plan is None:
            raise ImportRefused([_("The plan of this import no longer exists.")])
        return plan

    def read_other_sheets(self, read, content):
        read.extra = read_extra_sheets(content)
        return read.extra["errors"]

    # --- check --------------------------------------------------------------------------

    def check(self, read, *, actor, target):
        extra = getattr(read, "extra", None) or {"plan": None, "levels": [], "notes": None,
                                                 "errors": []}
        plan_row = self._check_plan(extra, target)
        if target is not None:
            levels = [(level.name, level.role) for level in target.levels.all()]
            items = list(plan_items(target))
        else:
            levels = [(level["name"], level["role"]) for level in extra["levels"]]
            items = []
        by_pk = {item.pk: item for item in items}
        resolver = _Resolver(items)
        seen = {}
        rows = [self._check_row(row, by_pk, resolver, seen, target) for row in read.rows]
        _Placer(rows, read.rows, items, levels).place()
        _code_notices(rows, items)
        out = [plan_row] if plan_row else []
        out += rows
        notes_row = self._check_notes(extra, target)
        if notes_row:
            out.append(notes_row)
        return out

    def _check_plan(self, extra, target):
        found, errors, notices = extra["plan"], [], []
        if target is not None:
            if found is not None and extra["levels"]:
                printed = [level["name"] for level in extra["levels"]]
                current = [level.name for level in target.levels.all()]
                if printed != current:
                    notices.append(_(
                        "The sheet „%(sheet)s“ names the levels %(printed)s; the plan keeps "
                        "its levels %(current)s (change them in the plan's form).") % {
                        "sheet": PLAN_SHEET, "printed": ", ".join(printed),
                        "current": ", ".join(current)})
            if not notices:
                return None
            return {"row": 0, "kind": "plan", "outcome": INFO, "errors": [],
                    "notices": notices, "plan": None, "levels": []}
        if found is None:
            errors.append(RowError(None, None, _(
                "A new plan needs the sheet „%(sheet)s“ with its title, code, kind, period and "
                "levels.") % {"sheet": PLAN_SHEET}))
            return {"row": 0, "kind": "plan", "outcome": ERROR, "errors": errors,
                    "notices": [], "plan": None, "levels": []}
        data = {}
        unread = [name for name, (_number, value) in found.items() if value is None]
        for name in PLAN_FIELDS:
            number, value = found.get(name, (None, ""))
            if name in unread:
                continue
            if name in ("period_start", "period_end"):
                try:
                    value = parse.year(value)
                except CellError as error:
                    errors.append(_sheet_error(PLAN_SHEET, number, name, str(error)))
                    continue
            elif name == "kind":
                try:
                    value = parse.choice(PlanKind)(value)
                except CellError as error:
                    errors.append(_sheet_error(PLAN_SHEET, number, name, str(error)))
                    continue
            data[name] = value
        if not extra["levels"]:
            errors.append(_sheet_error(PLAN_SHEET, None, "level", _(
                "Name the plan's levels, top level first: one row “level” each.")))
        if data.get("code") in RESERVED_CODES:
            errors.append(_sheet_error(PLAN_SHEET, found["code"][0], "code", _(
                "“%(code)s” is reserved for the portal's own pages; choose another code.") % {
                    "code": data["code"]}))
        if not errors:
            candidate = Plan(**data)
            try:
                candidate.full_clean(exclude=["working_group", *unread])
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    number = found.get(name, (None, ""))[0]
                    for message in messages:
                        errors.append(_sheet_error(PLAN_SHEET, number, name, message))
            for level in extra["levels"]:
                if len(level["name"]) > PlanLevel._meta.get_field("name").max_length:
                    errors.append(_sheet_error(PLAN_SHEET, level["row"], "level", _(
                        "The name of a level has at most %(max)d characters.") % {
                            "max": PlanLevel._meta.get_field("name").max_length}))
        return {"row": 0, "kind": "plan", "outcome": ERROR if errors else NEW,
                "errors": errors, "notices": [],
                "plan": {k: v for k, v in data.items() if v not in (None, "")},
                "levels": [[level["name"], level["role"]] for level in extra["levels"]]}

    def _check_notes(self, extra, target):
        notes = extra["notes"]
        if notes is None:
            return None
        old = ([[n.where, n.what, n.kept_as] for n in target.source_notes.all()]
               if target is not None else [])
        if notes == old:
            return None
        return {"row": 0, "kind": "notes", "outcome": CHANGED if target is not None else NEW,
                "errors": [], "notices": [], "notes": notes, "old_count": len(old)}

    def _check_row(self, sheet_row, by_pk, resolver, seen, target):
        number = sheet_row.number
        errors = list(sheet_row.errors)
        values = dict(sheet_row.values)
        item_id = values.pop("id", None)
        version = values.pop("version", None)
        structure = {name: values.pop(name, "") for name in STRUCTURE}
        result = {"kind": "item", "row": number, "item": None, "version": version,
                  "seen_version": None, "code": values.get("code", ""),
                  "title": values.get("title", ""), "changes": {}, "implementers": None,
                  "implementers_text": None, "working_groups": None, "notices": [],
                  "structure": structure, "failed": sorted(sheet_row.failed)}

        def done(outcome):
            result["errors"] = errors
            result["outcome"] = ERROR if errors else outcome
            return result

        def error(column, message):
            errors.append(RowError(number, column, message))

        if item_id is None:
            if "id" in sheet_row.failed:
                return done(ERROR)
            result["is_new"] = True
            return self._check_new(result, values, resolver, errors, done)
        if item_id in seen:
            error("id", _("Item %(id)d is already in row %(row)d.") % {
                "id": item_id, "row": seen[item_id]})
            return done(ERROR)
        seen[item_id] = number
        item = by_pk.get(item_id)
        if item is None:
            error("id", _("There is no item %(id)d in this plan.") % {"id": item_id})
            return done(ERROR)
        changes = _changes(item, values)
        result.update(item=item.pk, seen_version=item.version, code=item.code,
                      title=item.title, depth=item.level.depth)
        result["changes"] = {name: [_to_json(name, old), _to_json(name, new)]
                             for name, (old, new) in changes.items()}
        if not changes:
            return done(UNCHANGED)
        if "implementers" in changes:
            self._implementers(result, changes["implementers"][1], resolver)
        if "working_groups" in changes:
            result["working_groups"] = self._groups(changes["working_groups"][1], resolver,
                                                    error)
        data = {FIELDS[name]: new for name, (_old, new) in changes.items()
                if name in FIELDS and name != "implementers"}
        if not errors and _consistent(number, item, data, errors):
            if version is not None and version != item.version:
                error("version", _stale_message())
            else:
                _validate(number, item, data, errors)
        return done(CHANGED)

    def _check_new(self, result, values, resolver, errors, done):
        number = result["row"]
        if not values.get("title") and "title" not in result["failed"]:
            errors.append(RowError(number, "title", _("A new item needs a title.")))
        printed = values.get("implementers", "")
        if printed:
            self._implementers(result, printed, resolver)
        groups = values.get("working_groups") or []
        result["working_groups"] = self._groups(
            groups, resolver, lambda column, message: errors.append(
                RowError(number, column, message)))
        data = {FIELDS[name]: value for name, value in values.items()
                if name in FIELDS and name != "implementers"}
        data["implementers_text"] = result["implementers_text"] or ""
        result["values"] = {name: _to_json(name, value) for name, value in data.items()}
        candidate = PlanItem(**{k: v for k, v in data.items() if v is not None})
        if _consistent(number, candidate, {}, errors):
            _validate(number, candidate, {}, errors, new=True,
                      failed=set(result["failed"]) | {"title"} if not data.get("title")
                      else set(result["failed"]))
        return done(NEW)

    @staticmethod
    def _implementers(result, printed, resolver):
        links, text, unmatched = _implementers_for(printed, resolver)
        result["implementers"] = links
        result["implementers_text"] = text
        if unmatched:
            result["notices"].append(RowError(result["row"], "implementers", ngettext(
                "%(names)s is not an organisation of the portal; the item keeps the name as "
                "printed.",
                "%(names)s are not organisations of the portal; the item keeps the names as "
                "printed.", len(unmatched)) % {
                "names": ", ".join(f"„{name[:80]}“" for name in unmatched)}))

    @staticmethod
    def _groups(codes, resolver, error):
        found = []
        for code in codes:
            group = resolver.group(code)
            if group is None:
                error("working_groups", _(
                    "There is no working group with the code “%(code)s”.") % {"code": code[:40]})
            else:
                found.append(group.pk)
        return found

    # --- apply --------------------------------------------------------------------------

    def apply(self, rows, *, actor, target, pending):
        """Create the plan (a workbook without one), lock the items the sheet
        changes (any edited since the preview refuses the import), save each
        changed row, create the new items set-based, and the notes."""
        items_rows = [row for row in rows if row.get("kind", "item") == "item"]
        plan_row = next((row for row in rows if row.get("kind") == "plan"), None)
        notes_row = next((row for row in rows if row.get("kind") == "notes"), None)
        saved = 0
        with transaction.atomic():
            if target is None:
                if plan_row is None or plan_row["outcome"] != NEW:
                    raise ImportChanged()
                data = {k: v for k, v in plan_row["plan"].items()}
                if Plan.objects.filter(code=data.get("code")).exists():
                    raise ImportRefused([RowError(None, f"{PLAN_SHEET}: code", _(
                        "A plan with this code was created meanwhile."))])
                target = plan_services.plan_create(
                    actor=actor, levels=[tuple(level) for level in plan_row["levels"]], **data)
                saved += 1
            else:
                Plan.objects.select_for_update().filter(pk=target.pk).first()
            saved += self._apply_changes(items_rows, actor=actor, target=target)
            saved += self._apply_new(items_rows, actor=actor, target=target)
            if notes_row is not None:
                plan_services.plan_source_notes_replace(
                    actor=actor, plan=target, notes=[tuple(n) for n in notes_row["notes"]])
                saved += 1
        return saved

    def _apply_changes(self, rows, *, actor, target):
        versions = dict(PlanItem.objects.select_for_update().filter(
            plan=target, pk__in=[row["item"] for row in rows if row["item"]])
            .values_list("pk", "version"))
        items = {item.pk: item for item in plan_items(target).filter(pk__in=versions)}
        errors, changed_meanwhile, saved = [], False, 0
        for row in rows:
            if not row["item"] or versions.get(row["item"]) == row["seen_version"]:
                continue
            if row["outcome"] == CHANGED and row["version"] is not None:
                errors.append(RowError(row["row"], "version", _stale_message()))
            else:
                changed_meanwhile = True
        for row in rows:
            if row["outcome"] != CHANGED or versions.get(row["item"]) != row["seen_version"]:
                continue
            try:
                plan_services.plan_item_update(
                    actor=actor, item=items[row["item"]], expected_version=row["seen_version"],
                    **self._write_arguments(row))
            except ValidationError as error:
                errors.extend(_validation_errors(row["row"], error))
                continue
            except (StaleEditError, Organisation.DoesNotExist, WorkingGroup.DoesNotExist):
                changed_meanwhile = True
                continue
            saved += 1
        if errors:
            raise ImportRefused(errors)
        if changed_meanwhile:
            raise ImportChanged()
        return saved

    def _apply_new(self, rows, *, actor, target):
        new = [row for row in rows if row["outcome"] == NEW]
        if not new:
            return 0
        parents = {row["parent_item"] for row in new if row.get("parent_item")}
        existing = PlanItem.objects.filter(plan=target, pk__in=parents).in_bulk()
        depths = set(target.levels.values_list("depth", flat=True))
        org_ids = {pk for row in new for pk, _name in row["implementers"] or ()}
        group_ids = {pk for row in new for pk in row["working_groups"] or ()}
        organisations = Organisation.objects.in_bulk(org_ids)
        groups = WorkingGroup.objects.in_bulk(group_ids)
        if (len(existing) != len(parents) or len(organisations) != len(org_ids)
                or len(groups) != len(group_ids)
                or any(row["depth"] not in depths for row in new)):
            raise ImportChanged()
        specs = []
        for row in new:
            fields = {name: _from_json(column_of(name), value)
                      for name, value in row["values"].items()}
            fields = {k: ("" if v is None and _is_text(k) else v) for k, v in fields.items()}
            specs.append({
                "key": row["row"], "parent_key": row.get("parent_row"),
                "parent": existing.get(row.get("parent_item")), "depth": row["depth"],
                "fields": fields,
                "implementers": [(organisations[pk], name) for pk, name in
                                 row["implementers"] or ()],
                "working_groups": [groups[pk] for pk in row["working_groups"] or ()],
            })
        return plan_services.plan_items_import(actor=actor, plan=target, new_items=specs,
                                               message=_("imported from a workbook"))

    @staticmethod
    def _write_arguments(row):
        arguments = {FIELDS[name]: _from_json(name, new)
                     for name, (_old, new) in row["changes"].items()
                     if name in FIELDS and name != "implementers"}
        if row["implementers"] is not None:
            organisations = Organisation.objects.in_bulk([pk for pk, _name in
                                                          row["implementers"]])
            arguments["implementers"] = [
                (organisations.get(pk) or _missing(Organisation), name)
                for pk, name in row["implementers"]]
            arguments["implementers_text"] = row["implementers_text"] or ""
        if row["working_groups"] is not None:
            groups = WorkingGroup.objects.in_bulk(row["working_groups"])
            arguments["working_groups"] = [groups.get(pk) or _missing(WorkingGroup)
                                           for pk in row["working_groups"]]
        return arguments

    # --- display ------------------------------------------------------------------------

    def display_rows(self, preview):
        shown = []
        for row in sorted(preview.to_apply, key=lambda r: r["row"]):
            if row.get("kind", "item") != "item":
                continue
            if row["outcome"] == NEW:
                shown.append({"row": row["row"], "new": True, "code": row["code"],
                              "title": row["title"], "level": row.get("level_name", ""),
                              "parent": row.get("parent_code", ""), "fields": []})
                continue
            shown.append({
                "row": row["row"], "new": False,
                "code": row["changes"]["code"][0] if "code" in row["changes"] else row["code"],
                "title": row["changes"]["title"][0] if "title" in row["changes"]
                else row["title"],
                "fields": [{"column": name, "description": BY_NAME[name].help,
                            "old": _show(_from_json(name, old)),
                            "new": _show(_from_json(name, new))}
                           for name, (old, new) in row["changes"].items()],
            })
        return shown

    def confirm_label(self, count):
        return ngettext("Confirm and save %(counter)s row",
                        "Confirm and save %(counter)s rows", count) % {"counter": count}

    def saved_message(self, count, pending):
        return _("The import was saved: %(count)d items and notes created or changed.") % {
            "count": count}


def column_of(field):
    return FIELD_COLUMNS.get(field, field)


def _is_text(field):
    return isinstance(PlanItem._meta.get_field(field), (
        type(PlanItem._meta.get_field("code")), type(PlanItem._meta.get_field("title"))))


class _Placer:
    """Where each new row goes: its parent (a new row or an item of the
    plan) and its depth; wrong levels, unknown parents and cycles of parent
    codes are errors of the row, on the column to fix."""

    def __init__(self, rows, sheet_rows, items, levels):
        self.rows = rows
        self.levels = levels  # [(name, role)] by depth
        self.by_pk = {item.pk: item for item in items}
        self.level_names = {}
        for depth, (name, _role) in enumerate(levels, start=1):
            self.level_names.setdefault(normal(name), depth)
        # code -> [(sheet index or None, ("row", index) | ("item", pk), ancestor codes)]
        self.index = {}
        in_sheet = {row["item"] for row in rows if row["item"]}
        for i, row in enumerate(rows):
            code = row["code"]
            if not code or not (row.get("is_new") or row["item"] in self.by_pk):
                continue
            ref = ("row", i) if row.get("is_new") else ("item", row["item"])
            self.index.setdefault(code, []).append((i, ref, self._path_of(row)))
        for item in items:
            if item.pk not in in_sheet and item.code:
                self.index.setdefault(item.code, []).append(
                    (None, ("item", item.pk), _ancestor_codes(item, self.by_pk)))

    def _path_of(self, row):
        if row["item"] is not None and row["item"] in self.by_pk:
            return _ancestor_codes(self.by_pk[row["item"]], self.by_pk)
        path = row["structure"].get("path") or ""
        return [part.strip() for part in path.split(PATH_SEPARATOR.strip())] if path.strip() \
            else None

    def _level_depth(self, row):
        written = (row["structure"].get("level") or "").strip()
        if not written:
            return None
        if written.isascii() and written.isdigit():
            depth = int(written)
            return depth if 1 <= depth <= len(self.levels) else False
        return self.level_names.get(normal(written), False)

    def _resolve(self, i, code, ancestors):
        candidates = [c for c in self.index.get(code, []) if c[0] != i]
        if ancestors is not None:
            fitting = [c for c in candidates if c[2] == ancestors]
            candidates = fitting or candidates
        above = [c for c in candidates if c[0] is not None and c[0] < i]
        if above:
            return above[-1][1]
        outside = [c for c in candidates if c[0] is None]
        if outside:
            return outside[-1][1]
        below = [c for c in candidates if c[0] is not None and c[0] > i]
        return below[0][1] if below else None

    def place(self):
        rows = self.rows
        declared = {}  # sheet index -> depth known before placing (for outline order)
        for i, row in enumerate(rows):
            if row["item"] is not None and row["item"] in self.by_pk:
                declared[i] = self.by_pk[row["item"]].level.depth
            elif row.get("is_new"):
                depth = self._level_depth(row)
                if depth:
                    declared[i] = depth
        parent_of = {}  # new row index -> ("row", j) | ("item", pk) | None
        for i, row in enumerate(rows):
            if not row.get("is_new"):
                continue
            number = row["row"]
            structure = row["structure"]
            depth = self._level_depth(row)
            if depth is False:
                row["errors"].append(RowError(number, "level", _(
                    "Unknown level “%(level)s”; the levels of the plan are: %(levels)s.") % {
                        "level": structure["level"][:80],
                        "levels": ", ".join(name for name, _role in self.levels) or "–"}))
                continue
            path = self._path_of(row)
            parent_code = (structure.get("parent") or "").strip()
            column = "parent" if parent_code else "path"
            if parent_code:
                ancestors = path[:-1] if path and path[-1] == parent_code else None
            elif path:
                parent_code, ancestors = path[-1], path[:-1]
            else:
                ancestors = None
            if parent_code:
                ref = self._resolve(i, parent_code, ancestors)
                if ref is None:
                    row["errors"].append(RowError(number, column, _(
                        "There is no item with the code “%(code)s” to place this row under.")
                        % {"code": parent_code[:80]}))
                    continue
                parent_of[i] = ref
            elif depth and depth > 1:
                # The nearest row above of the level above, within the branch
                # this row is printed in: a row of a higher level above closes
                # the branches before it (an outline reads so).
                j = closed = None
                for k in range(i - 1, -1, -1):
                    if declared.get(k) == depth - 1:
                        j = k
                        break
                    if declared.get(k) is not None and declared[k] < depth - 1:
                        closed = k
                        break
                if closed is not None:
                    row["errors"].append(RowError(number, "level", _(
                        "“%(level)s” is printed under „%(code)s“ (%(higher)s) with no "
                        "“%(parent)s” between them to place it under; fill in the column "
                        "parent or path.") % {
                            "level": self.levels[depth - 1][0],
                            "code": rows[closed]["code"] or "–",
                            "higher": self.levels[declared[closed] - 1][0],
                            "parent": self.levels[depth - 2][0]}))
                    continue
                if j is None:
                    row["errors"].append(RowError(number, "level", _(
                        "“%(level)s” is not a top level, and no row above is a “%(parent)s” "
                        "to place it under; fill in the column parent.") % {
                            "level": self.levels[depth - 1][0],
                            "parent": self.levels[depth - 2][0]}))
                    continue
                parent_of[i] = ("row", j) if rows[j]["item"] is None else ("item",
                                                                            rows[j]["item"])
            else:
                parent_of[i] = None
        self._depths(parent_of)
        for row in rows:
            if row["errors"]:
                row["outcome"] = ERROR

    def _depths(self, parent_of):
        rows, depth_of = self.rows, {}
        for start in parent_of:
            chain, i = [], start
            while True:
                if i in depth_of:
                    base = depth_of[i]
                    break
                if i in chain:
                    cycle = chain[chain.index(i):] + [i]
                    text = " → ".join(f"{rows[k]['code'] or '–'} ({_('row')} {rows[k]['row']})"
                                      for k in cycle)
                    for k in set(cycle):
                        if depth_of.get(k) is None:
                            rows[k]["errors"].append(RowError(
                                rows[k]["row"], "parent" if rows[k]["structure"].get("parent")
                                else "path", _("The parent codes go round in a circle: "
                                               "%(cycle)s.") % {"cycle": text}))
                            depth_of[k] = False
                    base = False
                    break
                if i not in parent_of:  # an error of its own: cannot be placed
                    base = False
                    break
                chain.append(i)
                ref = parent_of[i]
                if ref is None:
                    base = 0
                    break
                if ref[0] == "item":
                    base = self.by_pk[ref[1]].level.depth
                    break
                i = ref[1]
                if rows[i]["item"] is not None:
                    base = self.by_pk[rows[i]["item"]].level.depth
                    break
            for k in reversed(chain):
                if base is False:
                    if depth_of.get(k) is None and not rows[k]["errors"]:
                        parent = parent_of[k]
                        rows[k]["errors"].append(RowError(rows[k]["row"], "parent", _(
                            "Its parent (row %(row)d) cannot be placed.") % {
                                "row": rows[parent[1]]["row"]}))
                    depth_of[k] = False
                    continue
                base += 1
                depth_of[k] = base
        for i, depth in depth_of.items():
            row = self._finish(i, depth, parent_of)
            if row["errors"]:
                row["outcome"] = ERROR

    def _finish(self, i, depth, parent_of):
        row = self.rows[i]
        if depth is False:
            return row
        number = row["row"]
        declared = self._level_depth(row)
        ref = parent_of[i]
        parent_code, parent_level = "", ""
        if ref is not None:
            if ref[0] == "item":
                parent = self.by_pk[ref[1]]
                parent_code, parent_level = parent.code, parent.level.name
            else:
                parent = self.rows[ref[1]]
                parent_code = parent["code"]
                parent_level = parent.get("level_name", "")
        if depth > len(self.levels):
            row["errors"].append(RowError(number, "parent" if row["structure"].get("parent")
                                          else "path" if row["structure"].get("path")
                                          else "level", _(
                "The plan has no level below “%(parent)s” (%(level)s).") % {
                    "parent": parent_code or "–", "level": parent_level}))
            return row
        if declared and declared != depth:
            row["errors"].append(RowError(number, "level", _(
                "“%(level)s” does not fit under “%(parent)s” (%(parent_level)s): the level "
                "below it is “%(expected)s”.") % {
                    "level": self.levels[declared - 1][0], "parent": parent_code or "–",
                    "parent_level": parent_level or "–",
                    "expected": self.levels[depth - 1][0]}))
            return row
        row["depth"] = depth
        row["level_name"] = self.levels[depth - 1][0]
        row["parent_code"] = parent_code
        row["parent_item"] = ref[1] if ref is not None and ref[0] == "item" else None
        row["parent_row"] = None
        if ref is not None and ref[0] == "row":
            parent = self.rows[ref[1]]
            if parent["item"] is not None:
                row["parent_item"] = parent["item"]
            else:
                row["parent_row"] = parent["row"]
        return row


def _code_notices(rows, items):
    """A code printed more than once is kept, and said in the preview."""
    in_sheet = {row["item"] for row in rows if row["item"]}
    first = {item.code: None for item in items if item.pk not in in_sheet and item.code}
    for row in rows:
        code = row["code"]
        if not code:
            continue
        if row.get("is_new") and code in first:
            other = first[code]
            row["notices"].append(RowError(row["row"], "code", (
                _("The code %(code)s is printed also in row %(other)d; both are kept (the "
                  "data checks list it).") % {"code": code[:40], "other": other})
                if other else _("The code %(code)s is already used in the plan; both are "
                                "kept (the data checks list it).") % {"code": code[:40]}))
        first.setdefault(code, row["row"])


def _missing(model):
    raise model.DoesNotExist


def _stale_message():
    return _("The item was changed in the portal after the export; export the plan again and "
             "redo this row.")


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


def _validate(row, item, data, errors, *, new=False, failed=()):
    """The model's own validation of the changed (or new) item, without
    saving it."""
    candidate = copy.copy(item)
    for name, value in data.items():
        setattr(candidate, name, value)
    try:
        if new:
            exclude = ["plan", "parent", "level", *(FIELDS.get(n, n) for n in failed)]
            candidate.full_clean(exclude=exclude, validate_unique=False,
                                 validate_constraints=False)
        else:
            candidate.full_clean()
    except ValidationError as error:
        errors.extend(_validation_errors(row, error))


def _validation_errors(row, error):
    if hasattr(error, "error_dict"):
        out = []
        for name, messages in error.error_dict.items():
            column = FIELD_COLUMNS.get(name)
            for message in messages:
                text = " ".join(message.messages) if hasattr(message, "messages") else str(message)
                out.append(RowError(row, column, text))
        return out
    return [RowError(row, None, " ".join(error.messages))]


def _show(value):
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, date):
        return date_format(value, "j. n. Y")
    if isinstance(value, Decimal):
        return number_format(value, force_grouping=True)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


PLAN_IMPORTER = PlanImporter()
