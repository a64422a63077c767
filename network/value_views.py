"""The pages of the value workbook (network/value_imports.py): its template
for a period, the upload with its preview, and the confirm. A provider's
users and officers, as the values form (indicator_views.ValuesReportView)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.imports import views as imports
from core.views import RuleRequiredMixin
from directory.selectors import current_city

from . import permissions
from .indicator_models import ReportingPeriod
from .indicator_views import year_asked
from .value_imports import VALUES_IMPORTER, values_template_response


def chosen_period(query):
    """(year, period) the query asks for; this year's half-year report by default."""
    year = year_asked(query.get("year"), timezone.localdate().year)
    period = query.get("period")
    return year, period if period in ReportingPeriod.values else ReportingPeriod.HALF_YEAR


class ValuesTemplateView(RuleRequiredMixin, View):
    rule = staticmethod(permissions.can_list_own_services)

    def get(self, request, *args, **kwargs):
        year, period = chosen_period(request.GET)
        return values_template_response(request.user, current_city(request=request), year,
                                        period)


class ValuesImportMixin(RuleRequiredMixin):
    rule = staticmethod(permissions.can_list_own_services)
    importer = VALUES_IMPORTER
    template_name = "network/values_import.html"
    file_label = _("Workbook of indicator values (XLSX)")

    def confirm_url(self, pending):
        return reverse("network:values_import_confirm", args=[pending.pk])

    def cancel_url(self):
        return reverse("network:own_services")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Report indicator values from Excel"))
        year, period = chosen_period(self.request.GET)
        kwargs.setdefault("template_periods", [
            (str(y), p, ReportingPeriod(p).label)
            for y in (year, year - 1) for p in (ReportingPeriod.HALF_YEAR, ReportingPeriod.YEAR)])
        return super().get_context_data(**kwargs)


class ValuesImportView(ValuesImportMixin, imports.ImportPreviewView):
    """The upload form (GET) and the preview (POST)."""


class ValuesImportConfirmView(ValuesImportMixin, imports.ImportConfirmView):
    def pending_id(self):
        return self.kwargs["batch"]
