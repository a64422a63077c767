from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django.views.generic.detail import SingleObjectMixin

from core.imports import views as imports
from core.views import RuleRequiredMixin, ServiceFormMixin, TableListView
from directory.selectors import current_city

from . import permissions, selectors, services
from .filters import NetworkFilter, UpdateRequestFilter
from .forms import (
    RequestDecisionForm,
    RequestWindowForm,
    ServiceChangeForm,
    ServiceEndForm,
    ServiceEntryForm,
    UpdateRequestForm,
    change_initial,
)
from .imports import NETWORK_IMPORTER, network_response
from .models import UpdateRequest
from .tables import NetworkTable, UpdateRequestTable


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


class _PagedListView(RuleRequiredMixin, ListView):
    def get_paginate_by(self, queryset):
        # Read per request: an officer's "own" list is the whole network.
        return settings.LIST_PAGE_SIZE


class OwnServicesView(_PagedListView):
    """A provider's users see their organisation's services (officers: all),
    a page at a time."""

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



# --- Update requests ----------------------------------------------------------------------


def _window_note(window):
    if window is None:
        return ""
    return _("Requests for changes in %(year)s are accepted from %(opens)s to %(closes)s.") % {
        "year": window.year, "opens": date_format(window.opens, "SHORT_DATE_FORMAT"),
        "closes": date_format(window.closes, "SHORT_DATE_FORMAT")}


class UpdateRequestListView(TableListView):
    """The officers' list of every request, by year, state, kind and provider."""

    rule = staticmethod(permissions.can_decide_update_requests)
    table_class = UpdateRequestTable
    filterset_class = UpdateRequestFilter
    export_basename = "update-requests"
    title = _("Requests to update the network")

    def get_queryset(self):
        return selectors.update_requests(current_city(request=self.request))


class OwnUpdateRequestsView(_PagedListView):
    rule = staticmethod(permissions.can_file_update_request)
    template_name = "network/own_requests.html"
    context_object_name = "update_requests"

    def get_queryset(self):
        return selectors.own_update_requests(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = selectors.filing_day()
        window = selectors.next_request_window(current_city(request=self.request), today)
        context.update(window=window, window_note=_window_note(window),
                       window_open=window is not None and window.opens <= today)
        return context


class UpdateRequestCreateView(RuleRequiredMixin, ServiceFormMixin, FormView):
    rule = staticmethod(permissions.can_file_update_request)
    form_class = UpdateRequestForm
    template_name = "components/form_page.html"
    extra_context = {"title": _("Request to update the network")}
    success_message = _("The request was filed.")

    def get_form_kwargs(self):
        window = selectors.next_request_window(current_city(request=self.request))
        return {**super().get_form_kwargs(),
                "services": selectors.own_services(self.request.user).filter(
                    network_to__isnull=True),
                "window_note": _window_note(window)}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("cancel_url", reverse("network:own_requests"))
        return super().get_context_data(**kwargs)

    def get_success_url(self):
        return self.object.get_absolute_url()

    def perform(self, form):
        return services.update_request_submit(
            actor=self.request.user, city=current_city(request=self.request),
            provider=self.request.user.implementer_organisation, **form.request_data())


class _UpdateRequestMixin(RuleRequiredMixin):
    """A request is seen by its provider's users and officers only."""

    rule = staticmethod(permissions.can_see_own_services)
    rule_on_object = True
    model = UpdateRequest

    def get_queryset(self):
        return selectors.update_request_detail()


class UpdateRequestDetailView(_UpdateRequestMixin, DetailView):
    template_name = "network/request_detail.html"
    context_object_name = "update_request"


def _private_file(field, file_type, filename):
    """An attachment checked by content on upload, from MEDIA_ROOT; PDFs and
    images inline, a workbook as a download."""
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    types = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
    response = FileResponse(handle, content_type=types.get(file_type, "application/octet-stream"),
                            as_attachment=file_type not in types,
                            filename=f"{filename}.{services.FILE_EXTENSIONS.get(file_type, 'bin')}")
    response["X-Content-Type-Options"] = "nosniff"
    return response


class RequestAttachmentView(_UpdateRequestMixin, SingleObjectMixin, View):
    def get(self, request, *args, **kwargs):
        update_request = self.get_object()
        attachment = get_object_or_404(update_request.attachments, pk=kwargs["attachment"])
        return _private_file(attachment.file, attachment.file_type,
                             f"zadost-{update_request.pk}-{attachment.kind}")


class DecisionExtractView(_UpdateRequestMixin, SingleObjectMixin, View):
    def get(self, request, *args, **kwargs):
        update_request = self.get_object()
        decision = get_object_or_404(update_request.decisions, pk=kwargs["decision"])
        return _private_file(decision.extract, decision.extract_type,
                             f"usneseni-{update_request.pk}-{decision.body}")


class RequestDecisionCreateView(RuleRequiredMixin, ServiceFormMixin, FormView):
    rule = staticmethod(permissions.can_decide_update_requests)
    form_class = RequestDecisionForm
    template_name = "components/form_page.html"
    success_message = _("The decision was recorded.")

    def dispatch(self, request, *args, **kwargs):
        self.update_request = get_object_or_404(UpdateRequest, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Decision on %(request)s") % {
            "request": self.update_request})
        kwargs.setdefault("cancel_url", self.update_request.get_absolute_url())
        return super().get_context_data(**kwargs)

    def get_success_url(self):
        return self.update_request.get_absolute_url()

    def perform(self, form):
        return services.request_decision_record(actor=self.request.user,
                                                request=self.update_request, **form.cleaned_data)


class RequestWindowsView(RuleRequiredMixin, ServiceFormMixin, FormView):
    """The windows of the coming years; officers set or move one."""

    rule = staticmethod(permissions.can_decide_update_requests)
    form_class = RequestWindowForm
    template_name = "network/request_windows.html"
    extra_context = {"title": _("Windows for update requests")}
    success_message = _("The window was saved.")

    def get_context_data(self, **kwargs):
        city = current_city(request=self.request)
        this_year = timezone.localdate().year
        kwargs.setdefault("windows", selectors.request_windows(
            city, range(this_year, this_year + 3)))
        return super().get_context_data(**kwargs)

    def get_success_url(self):
        return reverse("network:request_windows")

    def perform(self, form):
        return services.request_window_set(actor=self.request.user,
                                           city=current_city(request=self.request),
                                           **form.cleaned_data)


class DevelopmentView(TemplateView):
    """What changed in the network in a year, by kind of service and unit."""

    template_name = "network/development.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        this_year = timezone.localdate().year
        asked = self.request.GET.get("year")
        try:
            year = int(asked or "")
        except ValueError:
            year = this_year
        if not 2000 <= year <= 2100:
            year = this_year
        if asked is not None and asked != str(year):
            context["page_cache_unknown_value"] = True
        rows = selectors.development(current_city(request=self.request), year)
        context.update(year=year, rows=rows, years=range(this_year + 1, this_year - 6, -1))
        return context


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
