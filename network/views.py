from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from core.imports import views as imports
from core.views import RuleRequiredMixin, ServiceFormMixin, TableListView
from directory.selectors import current_city

from . import permissions, selectors, services
from .filters import NetworkFilter
from .forms import ServiceChangeForm, ServiceEndForm, ServiceEntryForm, change_initial
from .imports import NETWORK_IMPORTER, network_response
from .tables import NetworkTable


def _day(request):
    """The day a public page shows the network on: `?date=` or today."""
    value = request.GET.get("date", "")
    try:
        day = parse_date(value) if value else None
    except ValueError:
        day = None
    return day or timezone.localdate()


class NetworkListView(TableListView):
    table_class = NetworkTable
    filterset_class = NetworkFilter
    export_basename = "network"
    title = _("Network of social services")
    template_name = "network/network_list.html"

    def get_queryset(self):
        return selectors.network_as_of_any_day().filter(service__city=current_city(
            request=self.request))

    def get_create_url(self):
        if permissions.can_edit_network(self.request.user):
            return reverse("network:service_create")
        return None


class CapacityTableView(TemplateView):
    """Services counted and capacities summed per unit, by kind, support area
    or target group, on a day."""

    template_name = "network/capacity_table.html"
    DIMENSIONS = {"kind": _("Kind of service"), "area": _("Support area"),
                  "target_group": _("Target group")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        by = self.request.GET.get("by", "kind")
        if by not in self.DIMENSIONS:
            by = "kind"
        day = _day(self.request)
        versions = selectors.network_as_of(day, city=current_city(request=self.request))
        context.update(
            day=day, by=by, by_label=self.DIMENSIONS[by], dimensions=self.DIMENSIONS,
            rows=selectors.capacity_rows(versions, by),
            totals=selectors.capacity_rows(versions, None),
        )
        return context


class ServiceDetailView(DetailView):
    template_name = "network/service_detail.html"
    context_object_name = "service"

    def get_queryset(self):
        return selectors.service_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        versions = list(selectors.service_versions(self.object))
        context.update(versions=versions, current=versions[0] if versions else None)
        return context


class OwnServicesView(RuleRequiredMixin, ListView):
    """A provider's users see their organisation's services (officers: all)."""

    rule = staticmethod(permissions.can_list_own_services)
    template_name = "network/own_services.html"
    context_object_name = "services"

    def get_queryset(self):
        return selectors.own_services(self.request.user)


class _OfficerFormView(RuleRequiredMixin, ServiceFormMixin, FormView):
    rule = staticmethod(permissions.can_edit_network)
    template_name = "components/form_page.html"

    def get_success_url(self):
        return self.object.get_absolute_url()


class ServiceCreateView(_OfficerFormView):
    form_class = ServiceEntryForm
    extra_context = {"title": _("A service enters the network")}
    success_message = _("The service was saved.")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("cancel_url", reverse("network:service_list"))
        return super().get_context_data(**kwargs)

    def perform(self, form):
        return services.service_create(actor=self.request.user,
                                       city=current_city(request=self.request),
                                       **form.service_data())


class _ServiceFormView(_OfficerFormView):
    def dispatch(self, request, *args, **kwargs):
        self.service = get_object_or_404(selectors.service_detail(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("cancel_url", self.service.get_absolute_url())
        return super().get_context_data(**kwargs)


class ServiceChangeView(_ServiceFormView):
    form_class = ServiceChangeForm
    success_message = _("The change was saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "service": self.service}

    def get_initial(self):
        latest = selectors.service_versions(self.service).first()
        return {**change_initial(self.service, latest), "valid_from": timezone.localdate()}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Change of %(service)s") % {"service": self.service})
        return super().get_context_data(**kwargs)

    def perform(self, form):
        data = form.service_data()
        return services.service_change(
            actor=self.request.user, service=self.service,
            expected_version=form.cleaned_data.get("version"), **data)


class ServiceEndView(_ServiceFormView):
    form_class = ServiceEndForm
    success_message = _("The service left the network.")

    def get_initial(self):
        return {"version": self.service.version}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("%(service)s leaves the network") % {
            "service": self.service})
        return super().get_context_data(**kwargs)

    def perform(self, form):
        return services.service_end(
            actor=self.request.user, service=self.service,
            expected_version=form.cleaned_data.get("version"),
            network_to=form.cleaned_data["network_to"], reason=form.cleaned_data["reason"])





# --- Workbook ---------------------------------------------------------------------------


class NetworkExportView(RuleRequiredMixin, View):
    rule = staticmethod(permissions.can_edit_network)

    def get(self, request, *args, **kwargs):
        return network_response(current_city(request=request))


class NetworkTemplateView(NetworkExportView):
    def get(self, request, *args, **kwargs):
        return network_response(current_city(request=request), template=True)


class NetworkImportMixin(RuleRequiredMixin):
    rule = staticmethod(permissions.can_edit_network)
    importer = NETWORK_IMPORTER
    template_name = "network/import.html"
    file_label = _("Network workbook (XLSX)")

    def confirm_url(self, pending):
        return reverse("network:import_confirm", args=[pending.pk])

    def cancel_url(self):
        return reverse("network:service_list")

    def done_url(self):
        return reverse("network:service_list")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Import the network from Excel"))
        return super().get_context_data(**kwargs)


class NetworkImportView(NetworkImportMixin, imports.ImportPreviewView):
    """The upload form (GET) and the preview (POST)."""


class NetworkImportConfirmView(NetworkImportMixin, imports.ImportConfirmView):
    def pending_id(self):
        return self.kwargs["batch"]
