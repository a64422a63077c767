"""A plan as one flat XLSX sheet, and the same sheet read back: the export,
and the plan import declared on core.imports.

Export: one row per item in the order of the tree, with the codes of its
ancestors, every field, the item's id and version. Text is formula-
neutralised (core.exports.neutralise), so a title such as "=1+1" or "- jiné"
stays text in a spreadsheet; the import undoes the neutralisation, so an
untouched sheet round-trips to no change at all.

Import: rows are matched to items by the `id` column; every changed field
goes through `plan_services.plan_item_update` (validated, audited,
versioned). A row edited in the portal after the export (the `version`
column) is refused rather than overwritten, and an item edited after the
preview makes the confirm refuse the whole import. Structure is not
imported: `path` and `level` are informative, and rows cannot add, move or
delete items.
"""

import copy
import io
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core.exports import XLSX_CONTENT_TYPE, download, neutralise
from core.imports import columns as parse
from core.imports.base import CHANGED, ERROR, UNCHANGED, ImportChanged, Importer, ImportRefused
from core.imports.columns import Column, RowError
from core.services import StaleEditError
from directory.models import Organisation, WorkingGroup

from .models import ActivityType, MeasureStatus, PlanItem, ServiceType
from .selectors import build_tree, plan_items
from .services import plans as plan_services

SHEET_TITLE = "items"
LIST_SEPARATOR = "; "


def _col(name, parser, help, field=None, width=14):
    # The plan sheet's headers are the field names: the export is the format.
    return Column(name, name, parser, help, required=name == "id", field=field, width=width)


COLUMNS = (
    _col("path", parse.text, gettext_lazy("Codes of the ancestors, top level first (not "
                                          "imported)"), width=16),
    _col("level", parse.text, gettext_lazy("Name of the item's level (not imported)")),
    _col("code", parse.text, gettext_lazy("Code as published"), "code"),
    _col("title", parse.text, gettext_lazy("Title"), "title", 60),
    _col("description", parse.text, gettext_lazy("Description"), "description", 50),
    _col("target_text", parse.text, gettext_lazy("Quantified target as published"),
         "target_text", 50),
    _col("target_year", parse.year, gettext_lazy("Target year"), "target_year"),
    _col("status", parse.choice(MeasureStatus), gettext_lazy(
        "Measure status: not_started, in_progress, completed or cancelled"), "status"),
    _col("status_text", parse.text, gettext_lazy("Status as published"), "status_text"),
    _col("reports_done", parse.integer, gettext_lazy("Implementation reports submitted"),
         "reports_done"),
    _col("reports_total", parse.integer, gettext_lazy("Implementation reports planned"),
         "reports_total"),
    _col("implementers", parse.text_list, gettext_lazy(
        "Implementers as published, separated by semicolons"), "implementers", 40),
    _col("activity_type", parse.choice(ActivityType), gettext_lazy("project or non_project"),
         "activity_type"),
    _col("activity_type_text", parse.text, gettext_lazy("Activity type as published"),
         "activity_type_text"),
    _col("service_type", parse.choice(ServiceType), gettext_lazy(
        "Service type: SAS, OSP, TP, SNP, krizova_pomoc, pecovatelska_sluzba or other"),
        "service_type"),
    _col("period_start", parse.day, gettext_lazy("Start (date)"), "period_start"),
    _col("period_end", parse.day, gettext_lazy("End (date)"), "period_end"),
    _col("period_text", parse.text, gettext_lazy("Period as published"), "period_text"),
    _col("ongoing", parse.boolean, gettext_lazy("Ongoing (ano/ne)"), "ongoing"),
    _col("cross_cutting_priority", parse.boolean, gettext_lazy(
        "Cross-cutting priority (ano/ne)"), "cross_cutting_priority"),
    _col("working_groups", parse.text_list, gettext_lazy(
        "Codes of working groups, separated by semicolons"), "working_groups"),
    _col("footnote", parse.text, gettext_lazy("Footnote"), "footnote", 30),
    _col("id", parse.key, gettext_lazy("Identifier of the item in the portal: do not change")),
    _col("version", parse.key, gettext_lazy("Version of the item when exported: do not "
                                            "change")),
)
BY_NAME = {c.name: c for c in COLUMNS}
HEADER = [c.name for c in COLUMNS]
LISTS = ("implementers", "working_groups")
# Model field -> column header, for the model's own validation errors.
FIELD_COLUMNS = {c.field: c.name for c in COLUMNS if c.field}


# --- Export ---------------------------------------------------------------------------------


def _ordered(items):
    """Items in the order of the tree (parents before their children)."""
    ordered = [node.item for root in build_tree(items) for node in root.walk()]
    seen = {item.pk for item in ordered}
    return ordered + [item for item in items if item.pk not in seen]


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
        "implementers": LIST_SEPARATOR.join(str(link) for link in item.implementer_links.all()),
        "activity_type": item.activity_type,
        "activity_type_text": item.activity_type_text,
        "service_type": item.service_type,
        "period_start": item.period_start,
        "period_end": item.period_end,
        "period_text": item.period_text,
        "ongoing": item.ongoing,
        "cross_cutting_priority": item.cross_cutting_priority,
        "working_groups": LIST_SEPARATOR.join(sorted(g.code for g in item.working_groups.all())),
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
        if column.parser is parse.day:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "d. m. yyyy"
        sheet.column_dimensions[letter].width = column.width
    sheet.freeze_panes = "C2"

    help_sheet = workbook.create_sheet("columns")
    help_sheet.append(["column", "description"])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        help_sheet.append([column.name, neutralise(str(column.help))])
    help_sheet.column_dimensions["A"].width = 24
    help_sheet.column_dimensions["B"].width = 90
    for (cell,) in help_sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.alignment = Alignment(wrap_text=True)

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def plan_xlsx_response(plan):
    return download(plan_xlsx_bytes(plan), f"{plan.code}.xlsx", XLSX_CONTENT_TYPE)


# --- Import ---------------------------------------------------------------------------------


def _to_json(name, value):
    return value.isoformat() if BY_NAME[name].parser is parse.day and value else value


def _from_json(name, value):
    return date.fromisoformat(value) if BY_NAME[name].parser is parse.day and value else value


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


def _changes(item, values):
    """{column: [old, new]} for the columns whose value differs."""
    current = item_row(item, "")
    changes = {}
    for name, new in values.items():
        if BY_NAME[name].field is None:
            continue
        old = current[name]
        if name in LISTS:
            old = parse.text_list(old)
            same = sorted(old) == sorted(new) if name == "working_groups" else old == new
            if not same:
                changes[name] = [old, new]
        elif old != new:
            changes[name] = [old, new]
    return changes


class PlanImporter(Importer):
    name = "planning.plan"
    columns = COLUMNS
    sheet = SHEET_TITLE
    keep_per_user = 3
    rows_template = "planning/editor/import_preview.html"
    unreadable_message = gettext_lazy(
        "The file could not be read as a plan sheet. Export the plan again and edit that file.")
    changed_message = gettext_lazy(
        "The plan changed after the preview: the import would now change something other "
        "than what you confirmed. Nothing was saved. Upload the file again to see the current "
        "preview.")
    stale_hint = gettext_lazy(
        "Items edited in the portal since the export are refused rather than overwritten: "
        "export the plan again and redo your changes of those rows.")

    def check(self, read, *, actor, target):
        items = list(plan_items(target))
        by_pk = {item.pk: item for item in items}
        resolver = _Resolver(items)
        seen = {}
        return [self._check_row(row, by_pk, resolver, seen) for row in read.rows]

    def _check_row(self, sheet_row, by_pk, resolver, seen):
        number = sheet_row.number
        errors = list(sheet_row.errors)
        values = dict(sheet_row.values)
        item_id = values.pop("id", None)
        version = values.pop("version", None)
        result = {"row": number, "item": None, "version": version, "seen_version": None,
                  "code": "", "title": "", "changes": {}, "implementers": None,
                  "working_groups": None}

        def done(outcome):
            result["errors"] = errors
            result["outcome"] = ERROR if errors else outcome
            return result

        def error(column, message):
            errors.append(RowError(number, column, message))

        if item_id is None:
            if "id" not in sheet_row.failed:
                error("id", _("The item id is missing; new items cannot be added by import."))
            return done(ERROR)
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
                      title=item.title)
        result["changes"] = {name: [_to_json(name, old), _to_json(name, new)]
                             for name, (old, new) in changes.items()}
        if not changes:
            return done(UNCHANGED)
        if "implementers" in changes:
            found = []
            for name in changes["implementers"][1]:
                organisation = resolver.organisation(name)
                if organisation is None:
                    error("implementers", _("No organisation is known as “%(name)s”.") % {
                        "name": name})
                else:
                    found.append([organisation.pk, "" if name == organisation.name else name])
            result["implementers"] = found
        if "working_groups" in changes:
            found = []
            for code in changes["working_groups"][1]:
                group = resolver.group(code)
                if group is None:
                    error("working_groups", _(
                        "There is no working group with the code “%(code)s”.") % {"code": code})
                else:
                    found.append(group.pk)
            result["working_groups"] = found
        data = {name: new for name, (_old, new) in changes.items() if name not in LISTS}
        if not errors and _consistent(number, item, data, errors):
            if version is not None and version != item.version:
                error("version", _stale_message())
            else:
                _validate(number, item, data, errors)
        return done(CHANGED)

    def apply(self, rows, *, actor, target, pending):
        """Lock every item the sheet names; any of them edited since the
        preview refuses the import, then each changed row is saved."""
        versions = dict(PlanItem.objects.select_for_update().filter(
            plan=target, pk__in=[row["item"] for row in rows if row["item"]])
            .values_list("pk", "version"))
        items = {item.pk: item for item in plan_items(target).filter(pk__in=versions)}
        errors, changed_meanwhile, saved = [], False, 0
        for row in rows:
            if versions.get(row["item"]) == row["seen_version"]:
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

    @staticmethod
    def _write_arguments(row):
        arguments = {name: _from_json(name, new) for name, (_old, new) in row["changes"].items()
                     if name not in LISTS}
        if row["implementers"] is not None:
            organisations = Organisation.objects.in_bulk([pk for pk, _name in
                                                          row["implementers"]])
            arguments["implementers"] = [
                (organisations.get(pk) or _missing(Organisation), name)
                for pk, name in row["implementers"]]
        if row["working_groups"] is not None:
            groups = WorkingGroup.objects.in_bulk(row["working_groups"])
            arguments["working_groups"] = [groups.get(pk) or _missing(WorkingGroup)
                                           for pk in row["working_groups"]]
        return arguments

    def display_rows(self, preview):
        return [{
            "row": row["row"],
            "code": row["changes"]["code"][0] if "code" in row["changes"] else row["code"],
            "title": row["changes"]["title"][0] if "title" in row["changes"] else row["title"],
            "fields": [{"column": name, "description": BY_NAME[name].help,
                        "old": _show(_from_json(name, old)), "new": _show(_from_json(name, new))}
                       for name, (old, new) in row["changes"].items()],
        } for row in sorted(preview.to_apply, key=lambda r: r["row"])]

    def confirm_label(self, count):
        return ngettext("Confirm and save %(counter)s changed item",
                        "Confirm and save %(counter)s changed items", count) % {"counter": count}

    def saved_message(self, count, pending):
        return _("The import was saved: %(count)d items changed.") % {"count": count}


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


def _validate(row, item, data, errors):
    """The model's own validation of the changed item, without saving it."""
    candidate = copy.copy(item)
    for name, value in data.items():
        setattr(candidate, name, value)
    try:
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
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


PLAN_IMPORTER = PlanImporter()
