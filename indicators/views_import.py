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

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.permissions import is_city_officer
from core.imports import views as imports
from core.views import RuleRequiredMixin

from .forms import OverviewFilterForm
from .imports import VALUE_IMPORTER, template_response
from .overview import reporting_overview
from .permissions import can_import_indicator_values
from .selectors import reportable_indicators


class ReportRuleMixin(RuleRequiredMixin):
    rule = staticmethod(can_import_indicator_values)


class ReportOverviewView(ReportRuleMixin, TemplateView):
    """Paged and bounded (indicators.overview): officers see the organisations
    ten to a page, or one organisation's indicators (`?organisation=`, the
    autocomplete), or the city's own (`?without=1`); an implementer its own."""

    template_name = "indicators/report.html"

    def get_context_data(self, **kwargs):
        grouped = is_city_officer(self.request.user)
        form = OverviewFilterForm(self.request.GET if "organisation" in self.request.GET
                                  else None)
        organisation = form.cleaned_data.get("organisation") if form.is_bound and \
            form.is_valid() else None
        overview = reporting_overview(
            self.request.user, grouped=grouped, page=self.request.GET.get("page") or 1,
            organisation=organisation, without=grouped and self.request.GET.get("without") == "1")
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            title=_("Reporting indicator values"), lines=overview.lines, groups=overview.groups,
            counts=overview.counts, cutoff=overview.cutoff, grouped=grouped, page=overview.page,
            overview=overview, filter_form=form if grouped else None,
            page_query=query.urlencode(), **kwargs)


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
