"""Reporting values: the overview of who still has to report, the Excel
template, and the import upload → preview → confirm.

* GET  /indicators/report/                      the overview (officers: every
  indicator grouped by implementer organisation; implementers: their own).
* GET  /indicators/report/template.xlsx         the template, prefilled with
  the indicators the user may report (indicators.imports).
* GET  /indicators/report/import/               the upload form.
* POST /indicators/report/import/               the preview: each row's outcome
  with every error naming row and column; nothing is saved.
* POST /indicators/report/<pending>/confirm/    saves the previewed rows in ONE
  transaction (core.imports.services.pending_import_confirm): permissions
  are checked again, a value changed since the preview refuses the whole
  import. Any failure: nothing is saved.

Gated by indicators.permissions.can_import_indicator_values (rows by
can_report_indicator)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.permissions import is_city_officer
from core.imports import views as imports
from core.views import RuleRequiredMixin
from planning.models import PlanItemImplementer

from .imports import VALUE_IMPORTER, latest_value, template_response
from .models import Indicator, IndicatorKind, IndicatorValue
from .permissions import can_import_indicator_values
from .selectors import reportable_indicators
from .status import display_value

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
    organisation: object  # directory.Organisation or None (no implementer)
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
        latest = latest_value(indicator)
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
        return template_response(reportable_indicators(request.user), filename)


# --- Import (core.imports with indicators.imports.ValueImporter) -------------------------


class ValueImportMixin(ReportRuleMixin):
    importer = VALUE_IMPORTER
    template_name = "indicators/import_form.html"
    file_label = gettext_lazy("Filled-in value workbook (XLSX)")

    def confirm_url(self, pending):
        return reverse("indicators:import_confirm", args=[pending.pk])

    def cancel_url(self):
        return reverse("indicators:report")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Import indicator values from Excel"))
        return super().get_context_data(**kwargs)


class ImportView(ValueImportMixin, imports.ImportPreviewView):
    """The upload form (GET) and the preview of an upload (POST)."""


class ImportConfirmView(ValueImportMixin, imports.ImportConfirmView):
    """Save what the preview showed (POST only); the pending import's id is in
    the URL."""

    def pending_id(self):
        return self.kwargs["batch"]
