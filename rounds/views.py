"""Reporting rounds: the officers' list, opening a round, its overview
(implementers × items, filtered, paged, XLSX), closing it, deciding on
submissions, correcting after closing; an implementer's own list."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from core.exports import xlsx_response
from core.views import RuleRequiredMixin, ServiceFormMixin, deny
from indicators.models import IndicatorValue
from indicators.permissions import can_import_indicator_values, can_report_indicator
from indicators.services import (
    indicator_value_approve,
    indicator_value_return,
    indicator_value_submit,
)
from indicators.status import display_value
from network.indicator_models import IndicatorValue as ServiceValue
from network.indicator_models import ReportingPeriod
from network.indicator_services import (
    service_values_approve,
    service_values_return,
    service_values_submit,
)
from network.permissions import can_report_indicator_values
from projects.models import HalfYearReport
from projects.services import (
    half_year_report_approve,
    half_year_report_correct,
    half_year_report_return,
)

from . import permissions, selectors, services
from .forms import DecisionForm, OverviewFilterForm, ReportCorrectionForm, RoundForm, state_label
from .models import Obligation, ObligationKind, ReportingRound

ROWS_PER_PAGE = 50


class _OfficersOnly(RuleRequiredMixin):
    rule = staticmethod(permissions.can_manage_rounds)


class RoundListView(_OfficersOnly, TemplateView):
    template_name = "rounds/round_list.html"

    def get_context_data(self, **kwargs):
        page = Paginator(selectors.round_list(), 20).get_page(self.request.GET.get("page"))
        return super().get_context_data(title=_("Reporting rounds"), page=page,
                                        rounds=page.object_list, **kwargs)


class ReportingHomeView(RuleRequiredMixin, View):
    """The old "who still has to report" address (/indicators/report/): the
    rounds' overview replaced it. Where it leads depends on who asks and on
    which round is open, so the redirect is temporary, never cached."""

    rule = staticmethod(can_import_indicator_values)

    def get(self, request, *args, **kwargs):
        if permissions.can_manage_rounds(request.user):
            round_ = selectors.newest_open_round()
            url = round_.get_absolute_url() if round_ else reverse("rounds:list")
        else:
            url = reverse("rounds:mine")
        return HttpResponseRedirect(url)


class RoundCreateView(_OfficersOnly, ServiceFormMixin, FormView):
    template_name = "components/form_page.html"
    form_class = RoundForm
    success_message = gettext_lazy("The round is open; the overview lists who owes what.")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Open a reporting round"))
        kwargs.setdefault("cancel_url", reverse("rounds:list"))
        return super().get_context_data(**kwargs)

    def perform(self, form):
        return services.round_open(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url()


def _filtered(request, round_):
    form = OverviewFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {name: form.cleaned_data.get(name) or None
                   for name in ("state", "kind", "organisation", "q")}
    return form, selectors.overview(round_, **filters)


def _label(obligation):
    if obligation.kind == ObligationKind.VALUE:
        return f"{obligation.indicator.code} {obligation.indicator.name}"
    if obligation.kind == ObligationKind.SERVICE:
        return _("Service indicators: %(service)s") % {"service": str(obligation.service)}
    return _("Half-year report: %(project)s") % {
        "project": f"{obligation.project.registration_number} {obligation.project.title}"}


class RoundDetailView(_OfficersOnly, TemplateView):
    """The overview of one round, bounded: a page of ROWS_PER_PAGE
    obligations, the counts of the whole round in one query."""

    template_name = "rounds/round_detail.html"

    def get_context_data(self, **kwargs):
        round_ = get_object_or_404(ReportingRound, pk=self.kwargs["pk"])
        form, rows = _filtered(self.request, round_)
        page = Paginator(rows, ROWS_PER_PAGE).get_page(self.request.GET.get("page"))
        counts = selectors.state_counts(round_)
        query = self.request.GET.copy()
        query.pop("page", None)
        days_left = selectors.days_left(round_, timezone.localdate())
        return super().get_context_data(
            title=round_.title, round=round_, form=form, page=page, rows=page.object_list,
            counts=[(state, state_label(state), counts[state]) for state in selectors.STATES],
            days_left=days_left, days_overdue=-days_left,
            query=query.urlencode(), **kwargs)


def round_export(request, pk):
    if not permissions.can_manage_rounds(request.user):
        return deny(request)
    round_ = get_object_or_404(ReportingRound, pk=pk)
    _form, rows = _filtered(request, round_)
    header = [_("Organisation"), _("Item"), _("State"), _("Deadline"), _("Days left")]
    left = selectors.days_left(round_, timezone.localdate())
    return xlsx_response(
        f"kolo-{round_.pk}.xlsx", header,
        ([row.organisation.name, _label(row), str(state_label(row.state)),
          round_.deadline.strftime("%-d. %-m. %Y"), left] for row in rows.iterator()),
        sheet_title=_("Overview")[:31])


class _PostOnly(View):
    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed(request, **kwargs):
            return deny(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return super().dispatch(request, *args, **kwargs)

    def allowed(self, request, **kwargs):
        return permissions.can_manage_rounds(request.user)

    def run(self, request, **kwargs):
        """The service call; returns the success message and the URL to go back to."""
        raise NotImplementedError

    def post(self, request, **kwargs):
        try:
            message, url = self.run(request, **kwargs)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(self.back(request, **kwargs))
        messages.success(request, message)
        return HttpResponseRedirect(url)

    def back(self, request, **kwargs):
        return reverse("rounds:detail", args=[kwargs["pk"]])


class RoundCloseView(_PostOnly):
    def run(self, request, pk):
        round_ = services.round_close(actor=request.user,
                                      round_=get_object_or_404(ReportingRound, pk=pk))
        return _("The round is closed."), round_.get_absolute_url()


class RoundRefreshView(_PostOnly):
    def run(self, request, pk):
        added, dropped = services.round_refresh_obligations(
            actor=request.user, round_=get_object_or_404(ReportingRound, pk=pk))
        return (_("Obligations derived again: %(added)d added, %(dropped)d dropped.")
                % {"added": added, "dropped": dropped},
                reverse("rounds:detail", args=[pk]))


class ValueSubmitView(_PostOnly):
    """An implementer sends its draft (or returned) value for approval."""

    def allowed(self, request, pk):
        self.value = get_object_or_404(IndicatorValue.objects.select_related("indicator"), pk=pk)
        return can_report_indicator(request.user, self.value.indicator)

    def run(self, request, pk):
        indicator_value_submit(actor=request.user, value=self.value)
        return _("The value was submitted for approval."), reverse("rounds:mine")

    def back(self, request, pk):
        return reverse("rounds:mine")


class _RoundService:
    """A service owing its values in a round: the round and the service from
    the URL, the obligation tying them, the values of the round's period."""

    def round_service(self, **kwargs):
        self.round = get_object_or_404(ReportingRound, pk=kwargs["pk"], service_indicators=True)
        obligation = get_object_or_404(
            Obligation.objects.select_related("service"), round=self.round,
            kind=ObligationKind.SERVICE, service_id=kwargs["service"])
        return obligation.service

    def period(self):
        return {"year": self.round.service_year, "period": self.round.service_period}


class ServiceValuesSubmitView(_RoundService, _PostOnly):
    """A provider sends its draft values of a service for approval."""

    def allowed(self, request, **kwargs):
        self.service = self.round_service(**kwargs)
        return can_report_indicator_values.allows(request.user, self.service)

    def run(self, request, **kwargs):
        service_values_submit(actor=request.user, service=self.service, **self.period())
        return _("The values were submitted for approval."), reverse("rounds:mine")

    def back(self, request, **kwargs):
        return reverse("rounds:mine")


class _DecisionView(_OfficersOnly, FormView):
    """Approve or return one submitted value or report."""

    template_name = "rounds/decide.html"
    form_class = DecisionForm

    def dispatch(self, request, *args, **kwargs):
        if permissions.can_manage_rounds(request.user):
            self.record = self.get_record()
        return super().dispatch(request, *args, **kwargs)

    def back_url(self):
        """The overview the officer came from, else the rounds."""
        wanted = self.request.GET.get("next", "")
        return wanted if wanted.startswith("/rounds/") else reverse("rounds:list")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("cancel_url", self.back_url())
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        approve = form.cleaned_data["decision"] == "approve"
        try:
            if approve:
                self.approve()
            else:
                self.give_back(form.cleaned_data["comment"])
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Approved: it is public now.") if approve
                         else _("Returned to the implementer with your comment."))
        return HttpResponseRedirect(self.back_url())


class ValueDecisionView(_DecisionView):
    def get_record(self):
        return get_object_or_404(IndicatorValue.objects.select_related(
            "indicator", "territory"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        value = self.record
        return super().get_context_data(
            title=_("Value of %(indicator)s") % {"indicator": value.indicator.name},
            value=value, shown=display_value(value, value.indicator), **kwargs)

    def approve(self):
        indicator_value_approve(actor=self.request.user, value=self.record)

    def give_back(self, comment):
        indicator_value_return(actor=self.request.user, value=self.record, comment=comment)


class ReportDecisionView(_DecisionView):
    def get_record(self):
        return get_object_or_404(HalfYearReport.objects.select_related("project"),
                                 pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Half-year report: %(project)s") % {"project": self.record.project.title},
            report=self.record, **kwargs)

    def approve(self):
        half_year_report_approve(actor=self.request.user, report=self.record)

    def give_back(self, comment):
        half_year_report_return(actor=self.request.user, report=self.record, comment=comment)


class ServiceValuesDecisionView(_RoundService, _DecisionView):
    """Approve or return the submitted values of a service of the round."""

    def get_record(self):
        return self.round_service(**self.kwargs)

    def get_context_data(self, **kwargs):
        service = self.record
        values = (ServiceValue.objects.filter(service=service, **self.period())
                  .select_related("indicator")
                  .order_by("indicator__position", "indicator__code", "pk"))
        return super().get_context_data(
            title=_("Service indicators of %(service)s") % {"service": service.name},
            service=service, service_values=values,
            period_label=f"{self.round.service_year}, "
                         f"{ReportingPeriod(self.round.service_period).label}", **kwargs)

    def approve(self):
        service_values_approve(actor=self.request.user, service=self.record, **self.period())

    def give_back(self, comment):
        service_values_return(actor=self.request.user, service=self.record, comment=comment,
                              **self.period())


class ReportCorrectView(_OfficersOnly, ServiceFormMixin, FormView):
    """A correction of a report of a closed round: an officer, with a reason."""

    template_name = "components/form_page.html"
    form_class = ReportCorrectionForm
    success_message = gettext_lazy("The correction was saved.")

    def dispatch(self, request, *args, **kwargs):
        if permissions.can_manage_rounds(request.user):
            self.report = get_object_or_404(HalfYearReport.objects.select_related("project"),
                                            pk=kwargs["pk"], closed=True)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"narrative": self.report.narrative}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Correct %(report)s of %(project)s") % {
            "report": self.report, "project": self.report.project.registration_number})
        kwargs.setdefault("cancel_url", self.report.get_absolute_url())
        return super().get_context_data(**kwargs)

    def perform(self, form):
        return half_year_report_correct(actor=self.request.user, report=self.report,
                                        narrative=form.cleaned_data["narrative"],
                                        reason=form.cleaned_data["correction_reason"])

    def get_success_url(self):
        return self.report.get_absolute_url()


class MyObligationsView(RuleRequiredMixin, TemplateView):
    """What the implementer owes in the open rounds, with the deadlines."""

    rule = staticmethod(permissions.can_view_own_obligations)
    template_name = "rounds/mine.html"

    def get_context_data(self, **kwargs):
        page = Paginator(selectors.obligations_of(self.request.user), ROWS_PER_PAGE).get_page(
            self.request.GET.get("page"))
        today = timezone.localdate()
        for row in page.object_list:
            row.days_left = selectors.days_left(row.round, today)
            row.state_label = state_label(row.state)
        return super().get_context_data(title=_("My reporting"), page=page,
                                        rows=page.object_list, **kwargs)
