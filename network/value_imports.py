"""Service indicator values by workbook, the second way beside the form
(indicator_views.ValuesReportView): the template of a period lists the
services the user reports for × the indicators the manual in force at the
period's end defines for their kinds, with the unit, whether a comment is
allowed and what is reported already; the upload is checked and previewed on
core.imports and saved through the form's own service (values_report), so
the same rules hold: only the user's own services (officers: all), an
indicator only where the manual defines it for the service's kind, a comment
only where the manual allows one, the pilot mark from the manual's state.

A value reported again replaces the earlier one, as a second report in the
form does (the audit trail keeps both); a provider's workbook submits its
values for approval (core.review), and a value approved already is refused
for its row, since only an officer changes it then."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import XLSX_CONTENT_TYPE, download
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
from core.imports.columns import CellError, Column, RowError, workbook_bytes
from directory.selectors import current_city

from . import permissions
from .indicator_models import (
    VALUE,
    IndicatorManual,
    IndicatorValue,
    ReportingPeriod,
    ServiceIndicator,
    period_end,
)
from .indicator_services import value_report
from .models import Service

SHEET_TITLE = "Hodnoty indikátorů"
PROGRESS_EVERY = 200  # values saved between two reports of a job's progress
COMMENT_MAX = 2000  # as the form's comment field (indicator_forms.ValuesForm)
VALUE_MAX = Decimal(10 ** (VALUE["max_digits"] - VALUE["decimal_places"])) - Decimal("0.01")


def _period(value):
    """A reporting period by its code or its label in Czech or English."""
    written = parse.text(value).strip()
    if not written:
        return ""
    for option in ReportingPeriod:
        labels = {option.value}
        for language in ("cs", "en"):
            with translation.override(language):
                labels.add(str(option.label).casefold())
        if written.casefold() in labels:
            return option.value
    with translation.override("cs"):
        allowed = ", ".join(f"„{option.label}“" for option in ReportingPeriod)
    raise CellError(_("Unknown period “%(value)s”; allowed: %(allowed)s.") % {
        "value": written, "allowed": allowed})


def _col(name, header, parser, help, *, required=False, filled=True, width=14):
    return Column(name, header, parser, help, required=required, filled=filled, width=width)


COLUMNS = (
    _col("service_id", "Číslo služby", parse.key, gettext_lazy(
        "The portal's number of the service (as the template has it)."), required=True),
    _col("register_id", "Identifikátor", parse.text, gettext_lazy(
        "The service's identifier in the national register (only for orientation; not "
        "imported)."), filled=False),
    _col("service", "Služba", parse.text, gettext_lazy(
        "Name of the service (only for orientation; not imported)."), filled=False, width=36),
    _col("year", "Rok", parse.year, gettext_lazy("The year of the report."), required=True,
         width=8),
    _col("period", "Období", _period, gettext_lazy(
        "„1. pololetí“ (the half-year report) or „celý rok“ (the final report)."),
         required=True, width=12),
    _col("indicator", "Kód indikátoru", parse.limited(parse.text, 40), gettext_lazy(
        "The indicator's code in the manual."), required=True, width=18),
    _col("indicator_name", "Indikátor", parse.text, gettext_lazy(
        "Name of the indicator (only for orientation; not imported)."), filled=False, width=30),
    _col("unit", "Jednotka", parse.text, gettext_lazy(
        "What the indicator counts (not imported)."), filled=False),
    _col("comment_allowed", "Komentář povolen", parse.text, gettext_lazy(
        "Whether the manual allows a verbal comment to the indicator (not imported)."),
         filled=False, width=10),
    _col("value", "Hodnota", parse.number(places=VALUE["decimal_places"], minimum=0,
                                          maximum=VALUE_MAX), gettext_lazy(
        "The value for the period, a number not below zero; empty: not reported.")),
    _col("comment", "Komentář", parse.limited(parse.text, COMMENT_MAX), gettext_lazy(
        "A verbal comment, only where the manual allows one (optional)."), width=36),
)
INPUT_KEYS = ("value", "comment")


def _value_text(value):
    return None if value is None else format(Decimal(value).quantize(Decimal("0.01")), "f")


def reported_services(user, city):
    """The services `user` reports values for: its organisation's (officers: all)."""
    return (permissions.can_report_indicator_values.filter(
        user, Service.objects.filter(city=city)).select_related("kind")
        .order_by("name", "id"))


def _manual_indicators(city, day):
    """The manual in force on `day` and its indicators with their kinds' ids."""
    manual = (IndicatorManual.objects.filter(city=city, valid_from__lte=day)
              .order_by("-valid_from", "-id").first())
    if manual is None:
        return None, []
    indicators = list(manual.indicators.prefetch_related("kinds").order_by("position", "code"))
    for indicator in indicators:
        indicator.kind_ids = {kind.pk for kind in indicator.kinds.all()}
    return manual, indicators


def _applies(indicator, service):
    return (indicator.for_activities if service.is_activity
            else service.kind_id in indicator.kind_ids)


# --- The template --------------------------------------------------------------------------


def template_rows(user, city, year, period):
    """One dict per service of `user` × indicator of the manual in force at the
    period's end that applies to it, with the value already reported."""
    manual, indicators = _manual_indicators(city, period_end(year, period))
    if manual is None:
        return []
    services = list(reported_services(user, city))
    reported = {(v.service_id, v.indicator_id): v for v in IndicatorValue.objects.filter(
        service__in=services, indicator__manual=manual, year=year, period=period)}
    with translation.override("cs"):
        period_label = str(ReportingPeriod(period).label)
        yes, no = _("yes"), _("no")
    rows = []
    for service in services:
        for indicator in indicators:
            if not _applies(indicator, service):
                continue
            value = reported.get((service.pk, indicator.pk))
            rows.append({
                "service_id": service.pk, "register_id": service.register_id,
                "service": service.name, "year": year, "period": period_label,
                "indicator": indicator.code, "indicator_name": indicator.name,
                "unit": indicator.unit,
                "comment_allowed": yes if indicator.comment_allowed else no,
                "value": value.value if value else None,
                "comment": value.comment if value else "",
            })
    return rows


def values_xlsx_bytes(rows):
    return workbook_bytes(title=SHEET_TITLE, columns=COLUMNS, rows=rows, freeze="D2")


def values_template_response(user, city, year, period):
    rows = template_rows(user, city, year, period)
    name = f"hodnoty-indikatoru-{year}-{period}.xlsx"
    return download(values_xlsx_bytes(rows), name, XLSX_CONTENT_TYPE)


# --- The import ----------------------------------------------------------------------------


class _Lookups:
    """What the rows may name, read once whatever the number of rows: the
    user's services, the manual of each period the rows name, the values
    already reported for those periods."""

    def __init__(self, actor, city, rows):
        self.services = {s.pk: s for s in reported_services(actor, city)}
        periods = {(row.values["year"], row.values["period"]) for row in rows
                   if row.values.get("year") and row.values.get("period")}
        self.manuals = {}  # (year, period) -> (manual, {code: indicator})
        by_day = {}
        for year, period in periods:
            day = period_end(year, period)
            if day not in by_day:
                manual, indicators = _manual_indicators(city, day)
                by_day[day] = (manual, {i.code: i for i in indicators})
            self.manuals[(year, period)] = by_day[day]
        self.reported = {}
        for year, period in periods:
            for value in IndicatorValue.objects.filter(
                    service__in=list(self.services), year=year, period=period):
                self.reported[(value.service_id, value.indicator_id, year, period)] = value


class ValuesImporter(Importer):
    name = "network.indicator_values"
    columns = COLUMNS
    sheet = SHEET_TITLE
    max_rows = 20_000
    input_columns = INPUT_KEYS
    rows_template = "network/_values_import_preview.html"
    missing_column_message = gettext_lazy("The column is missing; use the template.")

    def check(self, read, *, actor, target):
        lookups = _Lookups(actor, current_city(), read.rows)
        seen = {}
        return [self._check_row(read, row, lookups, seen) for row in read.rows]

    def _check_row(self, read, sheet_row, lookups, seen):
        number, values, failed = sheet_row.number, sheet_row.values, sheet_row.failed
        errors = list(sheet_row.errors)

        def error(column, message):
            errors.append(read.error(self, number, column, message))

        row = {"row": number, "service": values.get("service", ""),
               "indicator_name": values.get("indicator_name", "")}
        service_id = values.get("service_id")
        service = lookups.services.get(service_id)
        if service_id is None and "service_id" not in failed:
            error("service_id", _("Give the service's number (as the template has it)."))
        elif service_id is not None and service is None:
            # Another organisation's service reads the same as one that does not exist.
            error("service_id", _("You report no service numbered %(value)s.")
                  % {"value": service_id})
        year, period = values.get("year"), values.get("period")
        if year is None and "year" not in failed:
            error("year", _("Give the year of the report."))
        if not period and "period" not in failed:
            error("period", _("Give the period of the report."))
        indicator = None
        code = values.get("indicator", "").strip()
        if not code and "indicator" not in failed:
            error("indicator", _("Give the indicator's code."))
        elif code and year and period:
            manual, by_code = lookups.manuals.get((year, period), (None, {}))
            indicator = by_code.get(code)
            if manual is None:
                error("year", _("No version of the indicator manual is in force at the end of "
                                "this period."))
            elif indicator is None:
                error("indicator", _("The manual %(manual)s has no indicator “%(code)s”.")
                      % {"manual": manual.number, "code": code})
            elif service is not None and not _applies(indicator, service):
                error("indicator", _("The manual does not define “%(indicator)s” for "
                                     "%(service)s.") % {"indicator": indicator.name,
                                                         "service": service.name})
                indicator = None
        value, comment = values.get("value"), values.get("comment", "").strip()
        if value is None and comment and "value" not in failed:
            error("value", _("A comment goes with a value: give the value too."))
        if comment and indicator is not None and not indicator.comment_allowed:
            error("comment", _("The manual allows no verbal comment to “%(indicator)s”.")
                  % {"indicator": indicator.name})
        if service is not None and indicator is not None:
            key = (service.pk, indicator.pk, year, period)
            if key in seen:
                error("indicator", _("The same value is in row %(row)d.") % {"row": seen[key]})
            seen.setdefault(key, number)
        row.update(service_id=service.pk if service else None,
                   indicator_id=indicator.pk if indicator else None,
                   code=code, year=year, period=period, value=_value_text(value),
                   comment=comment)
        if service is not None:
            row["service"] = service.name
        if indicator is not None:
            row["indicator_name"] = indicator.name
        if errors:
            row.update(errors=errors, outcome=ERROR)
            return row
        current = lookups.reported.get((service.pk, indicator.pk, year, period))
        if current is None:
            row["outcome"] = NEW
        else:
            row.update(value_id=current.pk, value_version=current.version,
                       previous=_value_text(current.value))
            same = _value_text(current.value) == row["value"] and current.comment == comment
            row["outcome"] = UNCHANGED if same else CHANGED
        row["errors"] = []
        return row

    def apply(self, rows, *, actor, target, pending):
        city = current_city()
        applied = [row for row in rows if row["outcome"] in (NEW, CHANGED)]
        # The user's services as they are now: one taken away since the preview
        # is no longer theirs to report.
        services = {s.pk: s for s in reported_services(actor, city).filter(
            pk__in={row["service_id"] for row in applied})}
        indicators = {i.pk: i for i in _indicators(row["indicator_id"] for row in applied)}
        current = {(v.service_id, v.indicator_id, v.year, v.period): v
                   for v in IndicatorValue.objects.select_for_update().filter(
                       service__in=list(services), indicator__in=list(indicators))}
        written = 0
        for row in applied:
            service, indicator = services.get(row["service_id"]), indicators.get(
                row["indicator_id"])
            if service is None or indicator is None:
                raise ImportChanged
            stored = current.get((service.pk, indicator.pk, row["year"], row["period"]))
            if (stored.version if stored else None) != row.get("value_version"):
                raise ImportChanged
            try:
                value_report(actor=actor, service=service, indicator=indicator,
                             year=row["year"], period=row["period"],
                             value=Decimal(row["value"]), comment=row["comment"])
            except ValidationError as refusal:
                raise ImportRefused([RowError(row["row"], None, " ".join(refusal.messages))]) \
                    from None
            written += 1
            if written % PROGRESS_EVERY == 0:
                self.progress(pending, int(100 * written / len(applied)),
                              _("Saved %(count)d values.") % {"count": written})
        return written

    def confirm_label(self, count):
        return translation.ngettext("Confirm and save %(counter)s value",
                                    "Confirm and save %(counter)s values",
                                    count) % {"counter": count}

    def saved_message(self, count, pending):
        return translation.ngettext("The import was saved: %(count)d value.",
                                    "The import was saved: %(count)d values.",
                                    count) % {"count": count}


def _indicators(ids):
    return ServiceIndicator.objects.filter(pk__in=set(ids)).select_related("manual")


VALUES_IMPORTER = ValuesImporter()
