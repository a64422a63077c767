"""Indicator definitions workbook: export of every plan's indicators, the empty
template, and the import upload → preview → confirm (core.imports with
indicators.imports_definitions). Officers only."""

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.imports import views as imports
from core.views import RuleRequiredMixin

from .imports_definitions import DEFINITION_IMPORTER, definitions_response
from .permissions import can_import_indicator_definitions


class DefinitionRuleMixin(RuleRequiredMixin):
    rule = staticmethod(can_import_indicator_definitions)


class DefinitionExportView(DefinitionRuleMixin, View):
    def get(self, request, *args, **kwargs):
        return definitions_response(filename=f"definice-ukazatelu-{date.today():%Y-%m-%d}.xlsx")


class DefinitionTemplateView(DefinitionRuleMixin, View):
    def get(self, request, *args, **kwargs):
        return definitions_response([], filename="definice-ukazatelu-sablona.xlsx")


class DefinitionImportMixin(DefinitionRuleMixin):
    importer = DEFINITION_IMPORTER
    template_name = "indicators/definitions_import.html"
    file_label = gettext_lazy("Indicator definitions workbook (XLSX)")

    def confirm_url(self, pending):
        return reverse("indicators:definitions_confirm", args=[pending.pk])

    def cancel_url(self):
        return reverse("indicators:list")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Import indicator definitions from Excel"))
        return super().get_context_data(**kwargs)


class DefinitionImportView(DefinitionImportMixin, imports.ImportPreviewView):
    """The upload form (GET) and the preview (POST)."""


class DefinitionConfirmView(DefinitionImportMixin, imports.ImportConfirmView):
    def pending_id(self):
        return self.kwargs["batch"]
