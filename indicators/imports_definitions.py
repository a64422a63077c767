"""Indicator definitions as a workbook: the export (and the empty template) and
the import declared on core.imports.

Sheet "Ukazatele", one row per indicator of a plan: the plan's code, the code
as printed, the printed order, name, kind, unit, territory (code or name),
comparison territory, frequency (yearly, every N years, ...), source,
definition, the linked plan item (the specific goal, by code) and the baseline
(value as published, its period and territory). Sheet "Cíle", one row per
milestone: the indicator (plan, code and, when the code is printed twice, the
printed order), year and/or due date, kind, value and the text as published.

A row is matched to an indicator of its plan by the code; when the plan prints
the code more than once, by the code and the printed order. Unmatched rows are
new indicators. Duplicate codes are accepted and kept (indicators.checks flags
them). The milestones of an indicator in the workbook replace its milestones;
without a "Cíle" sheet milestones are kept. Project indicators are defined with
their project, not here.

Export → import changes nothing. `apply` is set-based
(services.indicator_definitions_save): a constant number of queries per batch,
in the confirm's one transaction."""

import io
import re
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook, load_workbook

from core.exports import XLSX_CONTENT_TYPE, download
from core.imports import columns as parse
from core.imports.base import (
    CHANGED,
    ERROR,
    NEW,
    UNCHANGED,
    ImportChanged,
    Importer,
    Preview,
)
from core.imports.columns import CellError, Column, RowError, normal, write_sheet
from core.imports.numbers import NumberFormat, language_format
from core.imports.reader import read_sheet
from planning.models import Plan, PlanItem

from .models import (
    Frequency,
    Indicator,
    IndicatorKind,
    IndicatorTarget,
    IndicatorValue,
    TargetKind,
    Territory,
    Unit,
)
from .parsing import ParseError, parse_period, parse_value
from .services import indicator_definitions_save, target_snapshot
from .status import display_value

SHEET_TITLE = "Ukazatele"
MILESTONE_SHEET = "Cíle"
LIST_SEPARATOR = "; "
EVERY_N = re.compile(
    r"^(?:every|každ[éýáých]*|jednou za)\s*(\d{1,2})\s*(?:years?|let|roky?|roků)$", re.I)


# --- Parsers ---------------------------------------------------------------------------------


def _frequency(value):
    """(frequency, years): a frequency by its value or label, or "every N
    years" in English or Czech ("každé 3 roky")."""
    written = " ".join(parse.text(value).split())
    if not written:
        return ["", None]
    match = EVERY_N.match(written)
    if match:
        years = int(match.group(1))
        if years < 1:
            raise CellError(_("The number of years must be at least 1."))
        return [Frequency.EVERY_N_YEARS.value, years]
    if written.casefold() in (Frequency.EVERY_N_YEARS.value, str(Frequency.EVERY_N_YEARS.label)):
        raise CellError(_("Say every how many years, e.g. “every 3 years”."))
    return [parse.choice(Frequency)(written), None]


def _target_kind(value):
    written = parse.text(value).strip()
    for option in TargetKind:
        if option.value and (written == option.value or written.casefold() in (
                str(option.label).casefold(), option.value.casefold())):
            return option.value
    if not written:
        return ""
    raise CellError(_("Unknown kind of target “%(value)s”; allowed: %(allowed)s.") % {
        "value": written, "allowed": ", ".join(c.value for c in TargetKind if c.value)})


def _col(name, header, parser, help, required=False, width=14):
    return Column(name, header, parser, help, required=required, width=width)


def _text(model, field):
    """Text as long as `field` of `model` holds (a cell's most for a text
    field): a longer cell is an error naming it, never cut or left to fail
    on save."""
    return parse.limited(parse.text, model._meta.get_field(field).max_length or parse.CELL_MAX)


# Codes and names of plans, territories and plan items: looked up, never stored.
LOOKUP = parse.limited(parse.text, 200)
LOOKUP_LIST = parse.limited(parse.text_list, 2000)


COLUMNS = (
    _col("plan", "Plán", LOOKUP, gettext_lazy("Code of the plan the indicator belongs to."),
         True),
    _col("code", "Kód", _text(Indicator, "code"), gettext_lazy(
        "Code of the indicator as the plan prints it (may repeat; repeated codes are flagged)."),
         True),
    _col("position", "Pořadí", parse.integer, gettext_lazy(
        "Printed order in the plan (a whole number); tells apart indicators printed with the "
        "same code.")),
    _col("name", "Název", _text(Indicator, "name"), gettext_lazy("Name of the indicator."), True,
         50),
    _col("kind", "Druh", parse.choice(IndicatorKind), gettext_lazy(
        "global or impact (an impact indicator measures one specific goal).")),
    _col("unit", "Jednotka", parse.choice(Unit), gettext_lazy(
        "count, percent, index, czk, per_10000 or other.")),
    _col("unit_label", "Jednotka v dokumentu", _text(Indicator, "unit_label"), gettext_lazy(
        "The unit as printed, when it differs.")),
    _col("national_code", "Národní kód", _text(Indicator, "national_code"), gettext_lazy(
        "National code, if any.")),
    _col("territory", "Území", LOOKUP, gettext_lazy(
        "Territory of the values, by its code or name."), True),
    _col("comparison_territory", "Srovnávací území", LOOKUP, gettext_lazy(
        "Territory the values are compared with, by its code or name (optional).")),
    _col("frequency", "Četnost", _frequency, gettext_lazy(
        "yearly, half_yearly, quarterly, monthly, school_year, irregular, once, or “every N "
        "years” (also “každé 3 roky”).")),
    _col("source", "Zdroj", _text(Indicator, "data_source"), gettext_lazy(
        "Source of the data."), width=30),
    _col("definition", "Definice", _text(Indicator, "definition"), gettext_lazy("Definition."),
         width=40),
    _col("plan_items", "Položky plánu", LOOKUP_LIST, gettext_lazy(
        "Code of the specific goal the indicator measures (impact indicators).")),
    _col("baseline_value", "Výchozí hodnota", _text(IndicatorValue, "value_text"), gettext_lazy(
        "The baseline as published (1 190; cca 3 100; 174,1, 2. v ČR).")),
    _col("baseline_period", "Období výchozí hodnoty", _text(IndicatorValue, "period_text"),
         gettext_lazy("Period of the baseline as published (2021; 1. pol. 2021; 2020/21).")),
    _col("baseline_territory", "Území výchozí hodnoty", LOOKUP, gettext_lazy(
        "Territory of the baseline; empty means the indicator's territory.")),
)

MILESTONE_COLUMNS = (
    _col("plan", "Plán", LOOKUP, gettext_lazy("Code of the plan."), True),
    _col("code", "Kód", _text(Indicator, "code"), gettext_lazy(
        "Code of the indicator as printed."), True),
    _col("position", "Pořadí", parse.integer, gettext_lazy(
        "Printed order of the indicator; needed when the plan prints its code twice.")),
    _col("year", "Rok", parse.year, gettext_lazy("Year of the milestone.")),
    _col("due", "Termín", parse.day, gettext_lazy("Due date (1. 7. 2027), instead of or "
                                                  "with the year.")),
    _col("kind", "Druh cíle", _target_kind, gettext_lazy(
        "below, at_most, at_least, decrease, increase, decrease_by, increase_by, "
        "below_comparison or lower_in_ranking."), True),
    _col("value", "Hodnota", parse.number(), gettext_lazy("Number of the target, where its kind "
                                                   "needs one.")),
    _col("text", "Cíl v dokumentu", _text(IndicatorTarget, "text"), gettext_lazy(
        "The target as published."), width=40),
)
HEADER = [c.header for c in COLUMNS]
MILESTONE_HEADER = [c.header for c in MILESTONE_COLUMNS]


class MilestoneSheet(Importer):
    """The second sheet's declaration, read by the same reader."""

    name = "indicators.definitions.milestones"
    columns = MILESTONE_COLUMNS
    sheet = MILESTONE_SHEET
    max_rows = 10_000
    missing_column_message = gettext_lazy("The column is missing; use the template.")


MILESTONES = MilestoneSheet()


# --- Export --------------------------------------------------------------------------------


def _owning_plan(indicator, plans_by_pk):
    if indicator.plan_item_id:
        return indicator.plan_item.plan
    plans = sorted((plans_by_pk[p.pk] for p in indicator.plans.all()), key=lambda p: p.code)
    return plans[0] if plans else None


def definition_indicators():
    """Every plan's indicator (not the projects'), with what the export reads."""
    return (Indicator.objects.exclude(kind=IndicatorKind.PROJECT)
            .select_related("home_territory", "comparison_territory", "plan_item__plan")
            .prefetch_related("plans", "targets", "values__territory", "values__parts")
            .order_by("position", "sort_key", "id"))


def _baseline(indicator):
    home = [v for v in indicator.values.all() if v.is_baseline
            and v.territory_id == indicator.home_territory_id]
    return home[0] if home else None


def _baseline_written(baseline, indicator, number_format):
    """The baseline as published when it reads back, in the workbook's stated
    `number_format`, as the same value and unambiguously; otherwise a plain
    number is written as a number cell (read as it is, whatever the format), so
    that an English "1,250" in a workbook stating Czech is not read as 1.25.
    The published text is kept in the portal: the import does not compare it."""
    text = baseline.value_text or display_value(baseline, indicator)
    if number_format is None or not baseline.available or baseline.is_estimate \
            or baseline.rank or baseline.is_composite or baseline.value is None:
        return text
    try:
        parsed = parse_value(text, number_format=number_format)
    except ParseError:
        parsed = None
    if parsed is not None and not parsed.ambiguities and not parsed.is_composite and (
            parsed.available, parsed.value, parsed.is_estimate, parsed.rank) == (
            True, baseline.value, False, None):
        return text
    return Decimal(format(baseline.value.normalize(), "f"))


def definition_rows(indicators, number_format=None):
    """(definition rows, milestone rows) as dicts keyed by column name; the
    baselines as read back in `number_format` (see _baseline_written)."""
    plans_by_pk = {p.pk: p for p in Plan.objects.all()}
    rows, milestones = [], []
    for indicator in indicators:
        plan = _owning_plan(indicator, plans_by_pk)
        if plan is None:
            continue
        baseline = _baseline(indicator)
        frequency = indicator.update_frequency
        if frequency == Frequency.EVERY_N_YEARS:
            frequency = f"every {indicator.frequency_years} years"
        rows.append({
            "plan": plan.code, "code": indicator.code, "position": indicator.position,
            "name": indicator.name, "kind": indicator.kind, "unit": indicator.unit,
            "unit_label": indicator.unit_label, "national_code": indicator.national_code,
            "territory": indicator.home_territory.code,
            "comparison_territory": indicator.comparison_territory.code
            if indicator.comparison_territory else "",
            "frequency": frequency, "source": indicator.data_source,
            "definition": indicator.definition,
            "plan_items": indicator.plan_item.code if indicator.plan_item else "",
            "baseline_value": _baseline_written(baseline, indicator, number_format)
            if baseline else "",
            "baseline_period": baseline.period_text if baseline else "",
            "baseline_territory": baseline.territory.code if baseline else "",
        })
        for target in indicator.milestones:
            milestones.append({
                "plan": plan.code, "code": indicator.code, "position": indicator.position,
                "year": target.year, "due": target.due, "kind": target.kind,
                "value": target.value.normalize() if target.value is not None else None,
                "text": target.text,
            })
    return rows, milestones


def definitions_xlsx_bytes(indicators=None, number_format=None):
    """The workbook of `indicators` (default: every plan's); with an empty
    list, the template. It states `number_format` (default: the format of the
    current language)."""
    stated = NumberFormat(number_format or language_format())
    with translation.override("cs"):
        rows, milestones = definition_rows(
            definition_indicators() if indicators is None else indicators, stated)
        workbook = Workbook()
        write_sheet(workbook.active, COLUMNS, rows)
        workbook.active.title = SHEET_TITLE
        write_sheet(workbook.create_sheet(MILESTONE_SHEET), MILESTONE_COLUMNS, milestones)
        help_sheet = workbook.create_sheet("Návod")
        # The reader looks for this label to learn how the numbers typed as
        # text are read (core.imports.reader).
        help_sheet.append([_("Number format"), str(stated.label), _(
            "How numbers typed as text are read: “%(czech)s” (1 234,5) or “%(english)s” "
            "(1,234.5). A number that reads differently in the two (e.g. 83,511) is shown in "
            "the preview to confirm or correct.") % {
                "czech": NumberFormat.CZECH.label, "english": NumberFormat.ENGLISH.label}])
        help_sheet.append([_("Sheet"), _("Column"), _("Description")])
        for title, columns in ((SHEET_TITLE, COLUMNS), (MILESTONE_SHEET, MILESTONE_COLUMNS)):
            for column in columns:
                help_sheet.append([title, column.header, str(column.help)])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()


def definitions_response(indicators=None, filename="definice-ukazatelu.xlsx"):
    return download(definitions_xlsx_bytes(indicators), filename, XLSX_CONTENT_TYPE)


# --- Import --------------------------------------------------------------------------------


class _Territories:
    def __init__(self):
        self.by_name = {}
        for territory in Territory.objects.all():
            for name in (territory.code, territory.name, territory.short_name):
                if name:
                    self.by_name.setdefault(normal(name), territory)

    def find(self, text):
        return self.by_name.get(normal(text))


def _decimal_text(number):
    return None if number is None else format(Decimal(number).normalize(), "f")


def _baseline_snapshot(value):
    """What the import compares of a baseline value."""
    if value is None:
        return None
    return {
        "territory": value.territory_id, "period_text": value.period_text,
        "period_start": value.period_start.isoformat(), "period_end": value.period_end.isoformat(),
        "available": value.available, "value": _decimal_text(value.value),
        "parts": [_decimal_text(p.amount) for p in value.parts.all()],
        "is_estimate": value.is_estimate, "rank": value.rank, "rank_scope": value.rank_scope,
    }


def _fields_snapshot(indicator):
    return {
        "code": indicator.code, "position": indicator.position, "name": indicator.name,
        "kind": indicator.kind, "unit": indicator.unit, "unit_label": indicator.unit_label,
        "national_code": indicator.national_code, "home_territory": indicator.home_territory_id,
        "comparison_territory": indicator.comparison_territory_id,
        "update_frequency": indicator.update_frequency,
        "frequency_years": indicator.frequency_years, "data_source": indicator.data_source,
        "definition": indicator.definition, "plan_item": indicator.plan_item_id,
    }


class DefinitionImporter(Importer):
    # Baselines are published values read by indicators.parsing, not a number
    # column, so the workbook's stated number format is looked up explicitly.
    reads_numbers = True
    name = "indicators.definitions"
    columns = COLUMNS
    sheet = SHEET_TITLE
    max_rows = 5000
    rows_template = "indicators/_definitions_preview.html"
    unknown_column_message = gettext_lazy("Unknown column; use the columns of the template.")
    missing_column_message = gettext_lazy("The column is missing; use the template.")
    unreadable_message = gettext_lazy(
        "The file could not be read as an indicator definitions workbook. Download the "
        "template and fill in that file.")
    changed_message = gettext_lazy(
        "An indicator was changed in the portal after the preview. Nothing was saved. Upload "
        "the file again to see the current preview.")

    def preview(self, content, *, actor, target=None, number_format=None):
        read = read_sheet(self, content, number_format=number_format)
        formats = {"number_format": str(read.number_format),
                   "number_format_source": read.number_format_source}
        if read.errors:
            return Preview(errors=list(read.errors), skipped=read.skipped, **formats)
        milestone_read = None
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        try:
            has_milestones = MILESTONE_SHEET in workbook.sheetnames
        finally:
            workbook.close()
        if has_milestones:
            # The workbook's one number format, however the main sheet learnt it.
            milestone_read = read_sheet(MILESTONES, content,
                                        number_format=str(read.number_format))
            if milestone_read.errors:
                return Preview(errors=[self._on_milestones(e) for e in milestone_read.errors],
                               **formats)
        rows, orphans = self._check(read, milestone_read)
        ambiguous = {row.number: row.ambiguous for row in read.rows if row.ambiguous}
        for row in rows:
            if row.get("row") in ambiguous:
                row["ambiguous"] = [*ambiguous[row["row"]], *row.get("ambiguous", ())]
        return Preview(rows=rows, errors=[e for row in rows for e in row["errors"]] + orphans,
                       skipped=read.skipped, **formats)

    @staticmethod
    def _on_milestones(error):
        return RowError(None, None, _("Sheet “%(sheet)s”: %(error)s") % {
            "sheet": MILESTONE_SHEET, "error": error})

    def check(self, read, *, actor, target):  # pragma: no cover - preview is overridden
        return self._check(read, None)[0]

    def _check(self, read, milestone_read):
        territories = _Territories()
        plans = {p.code: p for p in Plan.objects.all()}
        items = defaultdict(dict)
        for item in PlanItem.objects.only("pk", "code", "plan_id", "level_id").select_related(
                "level"):
            items[item.plan_id].setdefault(item.code, item)
        existing = defaultdict(list)  # (plan pk, code) -> indicators of that plan
        indicators = list(definition_indicators())
        for indicator in indicators:
            plan_pks = {p.pk for p in indicator.plans.all()}
            if indicator.plan_item_id:
                plan_pks.add(indicator.plan_item.plan_id)
            for pk in plan_pks:
                existing[(pk, indicator.code.strip())].append(indicator)

        rows, keys, claimed = [], {}, {}
        for sheet_row in read.rows:
            row = self._row(read, sheet_row, territories, plans, items, existing, keys, claimed)
            rows.append(row)
        orphans = self._milestones(milestone_read, rows, keys) if milestone_read else []
        by_pk = {i.pk: i for i in indicators}
        for row in rows:
            self._outcome(row, by_pk.get(row["indicator"]))
        return rows, orphans

    def _row(self, read, sheet_row, territories, plans, items, existing, keys, claimed):
        number, cells = sheet_row.number, sheet_row.values
        errors = list(sheet_row.errors)

        def error(name, message):
            errors.append(read.error(self, number, name, message))

        plan = None
        plan_code = cells.get("plan", "").strip()
        code = cells.get("code", "").strip()
        position = cells.get("position") or 0
        if not plan_code and "plan" not in sheet_row.failed:
            error("plan", _("The code of the plan is missing."))
        elif plan_code:
            plan = plans.get(plan_code)
            if plan is None:
                error("plan", _("There is no plan with the code “%(code)s”.") % {
                    "code": plan_code})
        if not code and "code" not in sheet_row.failed:
            error("code", _("The code of the indicator is missing."))
        if not cells.get("name", "").strip() and "name" not in sheet_row.failed:
            error("name", _("The name of the indicator is missing."))
        kind = cells.get("kind") or IndicatorKind.GLOBAL
        if kind == IndicatorKind.PROJECT:
            error("kind", _("Project indicators are defined with their project."))

        def territory(name, required):
            written = cells.get(name, "").strip()
            if not written:
                if required and name not in sheet_row.failed:
                    error(name, _("The territory is missing."))
                return None
            found = territories.find(written)
            if found is None:
                error(name, _("Unknown territory “%(territory)s”.") % {"territory": written})
            return found

        home = territory("territory", True)
        comparison = territory("comparison_territory", False)
        if home is not None and comparison is not None and home == comparison:
            error("comparison_territory", _("The comparison territory must differ from the "
                                            "indicator's territory."))
        plan_item = None
        item_codes = cells.get("plan_items") or []
        if len(item_codes) > 1:
            error("plan_items", _("An indicator measures one specific goal; the row names "
                                  "%(count)d.") % {"count": len(item_codes)})
        elif item_codes and plan is not None:
            plan_item = items[plan.pk].get(item_codes[0])
            if plan_item is None:
                error("plan_items", _("The plan %(plan)s has no item “%(item)s”.") % {
                    "plan": plan.code, "item": item_codes[0]})
        if kind == IndicatorKind.IMPACT and not item_codes and "plan_items" not in \
                sheet_row.failed:
            error("plan_items", _("An impact indicator needs the specific goal it measures."))
        frequency, years = cells.get("frequency") or ["", None]
        baseline = self._baseline_cell(read, sheet_row, cells, error, territories, home,
                                       comparison)
        indicator = None
        if plan is not None and code:
            key = (plan.pk, code, position)
            if key in keys:
                error("code", _("Row %(row)d has the same plan, code and printed order.") % {
                    "row": keys[key]["row"]})
            candidates = existing.get((plan.pk, code), [])
            if len(candidates) == 1:
                indicator = candidates[0]
            elif candidates:
                indicator = next((i for i in candidates if i.position == position), None)
            if indicator is not None:
                if indicator.pk in claimed:
                    error("code", _("Row %(row)d updates the same indicator; tell them apart by "
                                    "the printed order.") % {"row": claimed[indicator.pk]})
                claimed.setdefault(indicator.pk, number)
        row = {
            "row": number, "plan": plan.pk if plan else None, "plan_code": plan_code,
            "code": code, "position": position, "name": cells.get("name", "").strip(),
            "indicator": indicator.pk if indicator else None,
            "version": indicator.version if indicator else None,
            "fields": {
                "code": code, "position": position, "name": cells.get("name", "").strip(),
                "kind": kind, "unit": cells.get("unit") or Unit.COUNT,
                "unit_label": cells.get("unit_label", "").strip(),
                "national_code": cells.get("national_code", "").strip(),
                "home_territory": home.pk if home else None,
                "comparison_territory": comparison.pk if comparison else None,
                "update_frequency": frequency, "frequency_years": years,
                "data_source": cells.get("source", "").strip(),
                "definition": cells.get("definition", "").strip(),
                "plan_item": plan_item.pk if plan_item else None,
            },
            "targets": None,
            "baseline": baseline,
            "changes": [],
            "change_labels": [],
            "errors": errors,
        }
        if plan is not None and code:
            keys.setdefault((plan.pk, code, position), row)
        return row

    def _baseline_cell(self, read, sheet_row, cells, error, territories, home, comparison):
        text = cells.get("baseline_value", "").strip()
        period_text = cells.get("baseline_period", "").strip()
        if not text and not period_text:
            return None
        if not text:
            error("baseline_value", _("The baseline has a period but no value."))
            return None
        if not period_text:
            error("baseline_period", _("The period of the baseline is missing."))
            return None
        raw = sheet_row.raw.get("baseline_value")
        typed = isinstance(raw, int | float | Decimal) and not isinstance(raw, bool)
        try:
            parsed = parse_value(raw if typed else text, number_format=read.number_format)
        except ParseError as failure:
            error("baseline_value", str(failure))
            return None
        sheet_row.ambiguous.extend(read.ambiguity(self, sheet_row.number, "baseline_value", a)
                                   for a in parsed.ambiguities)
        if parsed.is_composite:
            error("baseline_value", _("A baseline of several parts is entered in the portal."))
            return None
        try:
            period = parse_period(period_text)
        except ParseError as failure:
            error("baseline_period", str(failure))
            return None
        where = cells.get("baseline_territory", "").strip()
        territory = home
        if where:
            territory = territories.find(where)
            if territory is None:
                error("baseline_territory", _("Unknown territory “%(territory)s”.") % {
                    "territory": where})
                return None
            if territory not in (home, comparison):
                error("baseline_territory", _("The baseline is of the indicator's territory or "
                                              "of its comparison territory."))
                return None
        if territory is None:
            return None
        return {
            "territory": territory.pk, "period_text": period_text, "period_kind": period.kind,
            "period_start": period.start.isoformat(), "period_end": period.end.isoformat(),
            "available": parsed.available, "value": _decimal_text(parsed.value),
            "parts": [], "is_estimate": parsed.is_estimate, "rank": parsed.rank,
            "rank_scope": parsed.rank_scope, "value_text": text,
        }

    def _milestones(self, milestone_read, rows, keys):
        """Attach each milestone row to its definition row; the errors of rows
        that name no indicator of the sheet."""
        orphans = []
        by_code = defaultdict(list)
        for row in rows:
            if row["plan"] is not None and row["code"]:
                by_code[(row["plan_code"], row["code"])].append(row)
                row["targets"] = []
        for sheet_row in milestone_read.rows:
            number, cells = sheet_row.number, sheet_row.values
            errors = list(sheet_row.errors)

            def error(name, message, number=number, errors=errors):
                errors.append(milestone_read.error(MILESTONES, number, name, message))

            # The preview's rows are the first sheet's: an ambiguous target value
            # is confirmed with the row of its indicator, naming its own row.
            ambiguities = [dict(ambiguity, label=_(
                "Sheet “%(sheet)s”, row %(row)d: %(label)s") % {
                    "sheet": MILESTONE_SHEET, "row": number, "label": ambiguity["label"]},
                message=str(self._on_milestones(ambiguity["message"])))
                for ambiguity in sheet_row.ambiguous]

            plan_code = cells.get("plan", "").strip()
            code = cells.get("code", "").strip()
            candidates = by_code.get((plan_code, code), [])
            position = cells.get("position")
            if len(candidates) > 1:
                candidates = [r for r in candidates if r["position"] == (position or 0)]
            owner = candidates[0] if len(candidates) == 1 else None
            if owner is None and "code" not in sheet_row.failed:
                error("code", _("No row of the sheet “%(sheet)s” has the plan %(plan)s and the "
                                "code %(code)s%(position)s.") % {
                    "sheet": SHEET_TITLE, "plan": plan_code or "–", "code": code or "–",
                    "position": f" ({position})" if position else ""})
            kind = cells.get("kind", "")
            if not kind and "kind" not in sheet_row.failed:
                error("kind", _("The kind of target is missing."))
            value = cells.get("value")
            if kind in (TargetKind.BELOW, TargetKind.AT_MOST, TargetKind.AT_LEAST,
                        TargetKind.DECREASE_BY, TargetKind.INCREASE_BY) and value is None \
                    and "value" not in sheet_row.failed:
                error("value", _("This kind of target needs a value."))
            if owner is not None and kind == TargetKind.BELOW_COMPARISON \
                    and not owner["fields"]["comparison_territory"]:
                error("kind", _("This target compares with a territory: the indicator has no "
                                "comparison territory."))
            text = cells.get("text", "").strip()
            if len(text) > 300:
                error("text", _("At most %(max)d characters.") % {"max": 300})
            errors = [self._on_milestones(e) for e in errors]
            if owner is None:
                orphans.extend(errors)
                continue
            owner["errors"].extend(errors)
            if ambiguities:
                owner.setdefault("ambiguous", []).extend(ambiguities)
            owner["targets"].append({
                "year": cells.get("year"), "due": cells["due"].isoformat()
                if cells.get("due") else None, "kind": kind,
                "value": _decimal_text(value), "text": text})
        return orphans

    def _outcome(self, row, indicator):
        if row["errors"]:
            row["outcome"] = ERROR
            return
        if indicator is None:
            row["outcome"] = NEW
            return
        before = _fields_snapshot(indicator)
        changes = [name for name, value in row["fields"].items() if before[name] != value]
        if row["plan"] not in {p.pk for p in indicator.plans.all()} and \
                (indicator.plan_item is None or indicator.plan_item.plan_id != row["plan"]):
            changes.append("plans")
        if row["targets"] is not None and [target_snapshot(t) for t in indicator.milestones] \
                != row["targets"]:
            changes.append("milestones")
        if row["baseline"] is not None:
            stored = _baseline(indicator) if row["baseline"]["territory"] == \
                indicator.home_territory_id else next(
                    (v for v in indicator.values.all() if v.is_baseline
                     and v.territory_id == row["baseline"]["territory"]), None)
            compared = {k: v for k, v in row["baseline"].items()
                        if k not in ("value_text", "period_kind")}
            if _baseline_snapshot(stored) != compared:
                changes.append("baseline")
        row["changes"] = changes
        row["change_labels"] = [_change_label(name) for name in changes]
        row["outcome"] = CHANGED if changes else UNCHANGED

    def apply(self, rows, *, actor, target, pending):
        rows = [row for row in rows if row["outcome"] in (NEW, CHANGED)]
        message = _("Import of indicator definitions from “%(file)s”") % {
            "file": pending.file_name} if pending else _("Import of indicator definitions")
        saved = indicator_definitions_save(actor=actor, definitions=rows, message=message)
        if saved is None:
            raise ImportChanged()
        return saved

    def confirm_label(self, count):
        return ngettext("Confirm and save %(counter)s indicator",
                        "Confirm and save %(counter)s indicators", count) % {"counter": count}

    def saved_message(self, count, pending):
        return ngettext("The import was saved: %(count)d indicator.",
                        "The import was saved: %(count)d indicators.", count) % {"count": count}


DEFINITION_IMPORTER = DefinitionImporter()


_CHANGE_LABELS = {"milestones": gettext_lazy("milestones"), "baseline": gettext_lazy("baseline")}


def _change_label(name):
    """What the preview calls a changed field: its name for people ("název"),
    never the field's name in the code ("name")."""
    if name in _CHANGE_LABELS:
        return str(_CHANGE_LABELS[name])
    try:
        return str(Indicator._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name
