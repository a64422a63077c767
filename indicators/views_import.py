"""Reporting values: the Excel template, and the import upload → preview →
confirm. (Who still has to report is the reporting rounds' overview;
/indicators/report/ leads there, config.urls' "reporting_home".)

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

from core.imports import views as imports
from core.views import RuleRequiredMixin

from .imports import VALUE_IMPORTER, template_response
from .permissions import can_import_indicator_values
from .selectors import reportable_indicators


class ReportRuleMixin(RuleRequiredMixin):
    rule = staticmethod(can_import_indicator_values)


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
        return reverse("reporting_home")

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
