"""Reporting values: the overview of who still has to report, the Excel
template, and the import upload → preview → confirm.

* GET  /indicators/report/                      the overview (officers: every
  indicator grouped by implementer organisation; implementers: their own).
* GET  /indicators/report/template.xlsx         the template, prefilled with
  the indicators the user may report (indicators.value_xlsx).
* GET  /indicators/report/import/               the upload form.
* POST /indicators/report/import/               checks the file (core.uploads),
  reads and checks every row (value_xlsx) and shows each row's outcome with
  every error naming row and column. Nothing is saved. Without errors the
  parsed rows are kept in an ImportBatch bound to the user, with a
  fingerprint of the rows.
* POST /indicators/report/<batch>/confirm/      saves the batch's rows through
  indicators.services.indicator_value_record in ONE transaction: permissions
  are checked again, a value changed since the preview refuses the whole
  batch; another user's or a confirmed batch is refused. Any failure: nothing
  is saved.

Gated by indicators.permissions.can_import_indicator_values (rows by
can_report_indicator)."""

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView

from accounts.permissions import is_city_officer
from core.exports import XLSX_CONTENT_TYPE
from core.uploads import XLSX_MAX_BYTES, check_xlsx_upload
from core.views import RuleRequiredMixin
from planning.models import PlanItemImplementer

from . import value_xlsx
from .models import ImportBatch, Indicator, IndicatorKind, IndicatorValue, Territory
from .permissions import can_import_indicator_values, can_report_indicator
from .selectors import reportable_indicators
from .services import indicator_value_record
from .status import display_value

logger = logging.getLogger(__name__)

PENDING_PER_USER = 5
PENDING_MAX_AGE = timedelta(days=1)
OVERDUE_AFTER = timedelta(days=365)


# --- The overview ------------------------------------------------------------------------


@dataclass
class Line:
    indicator: Indicator
    latest: IndicatorValue | None
    latest_display: str
    overdue: bool


@dataclass
class Group:
    organisation: object  # planning.Organisation or None (no implementer)
    lines: list = field(default_factory=list)

    @property
    def overdue(self):
        return sum(1 for line in self.lines if line.overdue)


def _organisations(indicator):
    if indicator.kind == IndicatorKind.PROJECT and indicator.project is not None:
        return [indicator.project.implementer] if indicator.project.implementer else []
    if indicator.kind == IndicatorKind.IMPACT and indicator.plan_item is not None:
        found = {}
        for measure in indicator.plan_item.children.all():
            for link in measure.implementer_links.all():
                found.setdefault(link.organisation_id, link.organisation)
        return list(found.values())
    return []


def reporting_overview(user, today=None):
    """(lines, groups, counts) for the overview page; a fixed number of queries."""
    today = today or timezone.localdate()
    cutoff = today - OVERDUE_AFTER
    indicators = reportable_indicators(user).select_related("project_link__project__implementer") \
        .prefetch_related(Prefetch(
            "plan_item__children__implementer_links",
            queryset=PlanItemImplementer.objects.select_related("organisation")))
    lines = []
    for indicator in indicators:
        latest = value_xlsx.latest_value(indicator)
        lines.append(Line(
            indicator=indicator, latest=latest,
            latest_display=display_value(latest, indicator) if latest else "",
            overdue=latest is None or latest.period_end < cutoff,
        ))
    groups = {}
    for line in lines:
        for organisation in _organisations(line.indicator) or [None]:
            key = organisation.pk if organisation else None
            groups.setdefault(key, Group(organisation)).lines.append(line)
    ordered = sorted(groups.values(), key=lambda g: (g.organisation is None,
                                                     str(g.organisation or "").casefold()))
    counts = {
        "total": len(lines),
        "current": sum(1 for line in lines if not line.overdue),
        "overdue": sum(1 for line in lines if line.overdue and line.latest is not None),
        "never": sum(1 for line in lines if line.latest is None),
    }
    return lines, ordered, counts, cutoff


class ReportRuleMixin(RuleRequiredMixin):
    rule = staticmethod(can_import_indicator_values)


class ReportOverviewView(ReportRuleMixin, TemplateView):
    template_name = "indicators/report.html"

    def get_context_data(self, **kwargs):
        lines, groups, counts, cutoff = reporting_overview(self.request.user)
        return super().get_context_data(
            title=_("Reporting indicator values"), lines=lines, groups=groups, counts=counts,
            cutoff=cutoff, grouped=is_city_officer(self.request.user),
            **kwargs)


class TemplateDownloadView(ReportRuleMixin, View):
    def get(self, request, *args, **kwargs):
        filename = f"hodnoty-ukazatelu-{date.today():%Y-%m-%d}.xlsx"
        return value_xlsx.template_response(reportable_indicators(request.user), filename)


# --- Import ------------------------------------------------------------------------------


class ValueImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled-in value workbook (XLSX)"),
        allow_empty_file=True,  # core.uploads says "The file is empty." itself
        widget=forms.FileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.content = check_xlsx_upload(upload)
        return upload


def fingerprint(rows):
    text = json.dumps(rows, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _prune(user):
    """Unconfirmed batches of any user older than a day; a user keeps only the
    few latest."""
    ImportBatch.objects.filter(confirmed_at__isnull=True,
                               created_at__lt=timezone.now() - PENDING_MAX_AGE).delete()
    keep = list(ImportBatch.objects.filter(created_by=user, confirmed_at__isnull=True)
                .order_by("-created_at").values_list("pk", flat=True)[:PENDING_PER_USER - 1])
    ImportBatch.objects.filter(created_by=user, confirmed_at__isnull=True) \
        .exclude(pk__in=keep).delete()


def _file_name(upload):
    name = os.path.basename(str(getattr(upload, "name", "") or "")).strip()
    return name[:200] or "hodnoty.xlsx"


class ImportPageMixin(ReportRuleMixin):
    template_name = "indicators/import_form.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Import indicator values from Excel"))
        kwargs.setdefault("form", ValueImportForm())
        kwargs.setdefault("columns", value_xlsx.COLUMNS)
        kwargs.setdefault("max_size", XLSX_MAX_BYTES)
        kwargs.setdefault("max_rows", value_xlsx.MAX_ROWS)
        return super().get_context_data(**kwargs)


def _counts(rows):
    counts = dict.fromkeys((value_xlsx.NEW, value_xlsx.CHANGED, value_xlsx.UNCHANGED,
                            value_xlsx.ERROR), 0)
    for row in rows:
        counts[row["outcome"]] += 1
    return counts


class ImportView(ImportPageMixin, TemplateView):
    """The upload form (GET) and the preview of an upload (POST)."""

    def post(self, request, *args, **kwargs):
        form = ValueImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        file_name = _file_name(form.cleaned_data["file"])
        try:
            preview = value_xlsx.preview_value_workbook(form.content, request.user)
        except Exception:  # noqa: BLE001 - a malformed workbook must not make a 500
            logger.warning("value import could not read %s", file_name, exc_info=True)
            preview = value_xlsx.Preview(errors=[_(
                "The file could not be read as a value workbook. Download the template again "
                "and fill in that file.")])
        batch = None
        if preview.can_confirm:
            _prune(request.user)
            batch = ImportBatch.objects.create(
                created_by=request.user, file_name=file_name, rows=preview.rows,
                fingerprint=fingerprint(preview.rows))
        return self.render_to_response(self.get_context_data(
            preview=preview, rows=preview.rows, counts=_counts(preview.rows), batch=batch,
            file_name=file_name))


class _Refused(Exception):
    def __init__(self, errors, status=409):
        super().__init__(errors)
        self.errors = errors
        self.status = status


def _row_error(row, message):
    return _("Row %(row)d: %(message)s") % {"row": row["row"], "message": message}


def save_batch(*, actor, batch):
    """Save every new or changed row of `batch` in one transaction; raises
    _Refused (nothing saved) when anything is wrong. Returns the saved count."""
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().filter(pk=batch.pk).first()
        if locked is None or locked.created_by_id != actor.pk or locked.confirmed_at:
            raise _Refused([_refused_message()], status=400)
        if fingerprint(locked.rows) != locked.fingerprint:
            raise _Refused([_refused_message()], status=400)
        rows = [row for row in locked.rows
                if row.get("outcome") in (value_xlsx.NEW, value_xlsx.CHANGED)]
        if not rows or any(row.get("outcome") == value_xlsx.ERROR for row in locked.rows):
            raise _Refused([_refused_message()], status=400)
        indicators = {i.pk: i for i in Indicator.objects.filter(
            pk__in={row["indicator"] for row in rows}).select_related(
                "home_territory", "comparison_territory")}
        territories = Territory.objects.in_bulk({row["territory"] for row in rows})
        message = _("Import of values from “%(file)s” (%(batch)s)") % {
            "file": locked.file_name, "batch": str(locked.pk)[:8]}
        errors = []
        for row in rows:
            indicator = indicators.get(row["indicator"])
            territory = territories.get(row["territory"])
            if indicator is None or territory is None or not can_report_indicator(actor,
                                                                                 indicator):
                errors.append(_row_error(row, _("You may no longer report this indicator.")))
                continue
            start = date.fromisoformat(row["period_start"])
            end = date.fromisoformat(row["period_end"])
            existing = (IndicatorValue.objects.filter(
                indicator=indicator, territory=territory, period_start=start, period_end=end)
                .only("pk", "version", "is_baseline", "source").first())
            if (existing.version if existing else None) != row["existing_version"]:
                errors.append(_row_error(row, _(
                    "The value was changed in the portal after the preview.")))
                continue
            try:
                indicator_value_record(
                    actor=actor, indicator=indicator, territory=territory,
                    period_kind=row["period_kind"], period_start=start, period_end=end,
                    period_text=row["period_text"],
                    value=None if row["value"] is None else Decimal(row["value"]),
                    available=row["available"], not_available_reason=row["not_available_reason"],
                    is_estimate=row["is_estimate"], rank=row["rank"],
                    rank_scope=row["rank_scope"], value_text=row["value_text"], note=row["note"],
                    is_baseline=existing.is_baseline if existing else False,
                    source=existing.source if existing else "",
                    parts=[(label, Decimal(amount))
                           for label, amount in row["parts"]],
                    message=message,
                )
            except ValidationError as error:
                errors.append(_row_error(row, " ".join(error.messages)))
        if errors:
            raise _Refused(errors)
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["confirmed_at"])
    return len(rows)


def _refused_message():
    return _("This import cannot be confirmed: it is not yours, was already confirmed, has "
             "expired or has nothing to save. Nothing was saved; upload the file again.")


class ImportConfirmView(ImportPageMixin, TemplateView):
    """Save what the preview showed (POST only)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        batch = ImportBatch.objects.filter(pk=kwargs["batch"]).first()
        try:
            if batch is None:
                raise _Refused([_refused_message()], status=400)
            saved = save_batch(actor=request.user, batch=batch)
        except _Refused as refusal:
            return self.render_to_response(self.get_context_data(
                refused=refusal.errors, confirmed=True), status=refusal.status)
        except DatabaseError:
            logger.exception("value import %s could not be saved", batch.pk)
            return self.render_to_response(self.get_context_data(
                refused=[_("The import could not be saved. Nothing was saved; try again.")],
                confirmed=True), status=409)
        messages.success(request, ngettext(
            "The import “%(file)s” was saved: %(count)d value recorded.",
            "The import “%(file)s” was saved: %(count)d values recorded.", saved) % {
                "file": batch.file_name, "count": saved})
        return HttpResponseRedirect(reverse("indicators:report"))
