"""Pages of the service indicators: the manual (public), the officers'
editing of it, a provider's values per service and period, the
disproportion check (officers only) and the yearly evaluation (public)."""

import dataclasses
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from core.views import RuleRequiredMixin, ServiceFormMixin
from directory.selectors import current_city

from . import indicator_selectors as selectors
from . import indicator_services as services
from . import permissions
from .indicator_forms import (
    DisproportionQueryForm,
    FundingForm,
    IndicatorForm,
    ManualForm,
    ValuesForm,
)
from .indicator_models import (
    DisproportionQuery,
    IndicatorManual,
    IndicatorValue,
    ReportingPeriod,
    ServiceIndicator,
    period_end,
)
from .selectors import service_detail


def year_asked(value, default):
    """The year a query asks for, if it is a plausible one; else `default`."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= 2100 else default


class ManualListView(TemplateView):
    """The versions of the manual with their indicators (public: providers
    count by it)."""

    template_name = "network/indicator_manual.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["manuals"] = (selectors.manuals(current_city(request=self.request))
                              .prefetch_related("indicators__kinds"))
        context["can_edit"] = permissions.can_edit_indicators(self.request.user)
        return context


class _OfficerFormView(RuleRequiredMixin, ServiceFormMixin, FormView):
    rule = staticmethod(permissions.can_edit_indicators)
    template_name = "components/form_page.html"

    def get_success_url(self):
        return reverse("network:indicator_manual")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("cancel_url", reverse("network:indicator_manual"))
        return super().get_context_data(**kwargs)


class ManualCreateView(_OfficerFormView):
    form_class = ManualForm
    extra_context = {"title": _("A new version of the indicator manual")}
    success_message = _("The version of the manual was saved.")

    def perform(self, form):
        return services.manual_create(actor=self.request.user,
                                      city=current_city(request=self.request),
                                      **form.service_data())


class _OfficerEditView(_OfficerFormView):
    """An officer's edit of one row of `model`; `title` names it as %(object)s."""

    model = None
    title = None

    def dispatch(self, request, *args, **kwargs):
        self.instance = get_object_or_404(self.model, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.instance}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", self.title % {"object": self.instance})
        return super().get_context_data(**kwargs)


class ManualUpdateView(_OfficerEditView):
    model = IndicatorManual
    form_class = ManualForm
    title = _("Edit %(object)s")
    success_message = _("The version of the manual was saved.")

    def perform(self, form):
        return services.manual_update(actor=self.request.user, manual=self.instance,
                                      expected_version=form.cleaned_data.get("version"),
                                      **form.service_data())


class IndicatorCreateView(_OfficerFormView):
    form_class = IndicatorForm
    success_message = _("The indicator was saved.")

    def dispatch(self, request, *args, **kwargs):
        self.manual = get_object_or_404(IndicatorManual, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("A new indicator of %(manual)s") % {"manual": self.manual})
        return super().get_context_data(**kwargs)

    def perform(self, form):
        return services.indicator_create(actor=self.request.user, manual=self.manual,
                                         **form.service_data())


class IndicatorUpdateView(_OfficerEditView):
    model = ServiceIndicator
    form_class = IndicatorForm
    title = _("Edit the indicator %(object)s")
    success_message = _("The indicator was saved.")

    def perform(self, form):
        return services.indicator_update(actor=self.request.user, indicator=self.instance,
                                         expected_version=form.cleaned_data.get("version"),
                                         **form.service_data())


class _ServiceRuleMixin(RuleRequiredMixin):
    rule = permissions.can_report_indicator_values
    rule_on_object = True

    def get_permission_object(self):
        if not hasattr(self, "_permission_object"):
            self._permission_object = get_object_or_404(service_detail(), pk=self.kwargs["pk"])
        return self._permission_object

    @property
    def service(self):
        return self.get_permission_object()


def _recent_periods():
    this_year = timezone.localdate().year
    return [(year, period) for year in range(this_year, this_year - 4, -1)
            for period in (ReportingPeriod.YEAR, ReportingPeriod.HALF_YEAR)]


class ServiceValuesView(_ServiceRuleMixin, TemplateView):
    """The values reported for one service, the pilot ones marked."""

    template_name = "network/indicator_values.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            service=self.service,
            values=selectors.service_values(self.service).select_related("query"),
            periods=[(str(year), ReportingPeriod(period).label, period)
                     for year, period in _recent_periods()],
        )
        return context


class ValuesReportView(_ServiceRuleMixin, ServiceFormMixin, FormView):
    """A provider reports the indicators of one service for one period, by
    the manual version in force at the period's end."""

    template_name = "network/indicator_report.html"
    form_class = ValuesForm
    success_message = _("The values were saved.")

    def dispatch(self, request, *args, **kwargs):
        if kwargs["period"] not in ReportingPeriod.values or not 2000 <= kwargs["year"] <= 2100:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def manual(self):
        return selectors.manual_for(self.service.city, period_end(self.kwargs["year"],
                                                                  self.kwargs["period"]))

    def indicators(self):
        manual = self.manual()
        if manual is None:
            return ServiceIndicator.objects.none()
        return selectors.indicators_for_service(self.service).filter(manual=manual)

    def reported(self):
        return IndicatorValue.objects.filter(service=self.service, year=self.kwargs["year"],
                                             period=self.kwargs["period"])

    def get_form_kwargs(self):
        decides = services.decides_review(self.request.user)
        return {**super().get_form_kwargs(), "indicators": self.indicators(),
                "decides": decides,
                "correcting": decides and self.reported().filter(closed=True).exists()}

    def get_initial(self):
        initial = {}
        for value in self.reported():
            initial[f"value_{value.indicator_id}"] = value.value
            initial[f"comment_{value.indicator_id}"] = value.comment
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(service=self.service, manual=self.manual(),
                       year=str(self.kwargs["year"]),
                       period_label=ReportingPeriod(self.kwargs["period"]).label,
                       cancel_url=reverse("network:service_values", args=[self.service.pk]))
        return context

    def get_success_url(self):
        return reverse("network:service_values", args=[self.service.pk])

    def perform(self, form):
        return services.values_report(
            actor=self.request.user, service=self.service, year=self.kwargs["year"],
            period=self.kwargs["period"], values=form.values(), comments=form.comments(),
            **form.review())


class DisproportionView(RuleRequiredMixin, TemplateView):
    """The disproportion check of one period (officers only)."""

    rule = staticmethod(permissions.can_check_disproportions)
    template_name = "network/disproportions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        city = current_city(request=self.request)
        periods = selectors.reported_periods(city)
        year, period = periods[0] if periods else (timezone.localdate().year,
                                                   ReportingPeriod.YEAR)
        year = year_asked(self.request.GET.get("year"), year)
        period = self.request.GET.get("period")
        if period not in ReportingPeriod.values:
            period = periods[0][1] if periods else ReportingPeriod.YEAR
        show_all = "all" in self.request.GET
        if show_all:
            groups = selectors.disproportion_check(
                selectors.values_with_capacity(city=city, year=year, period=period))
            for group in groups:
                group.all_rows = selectors.by_service_name(group.rows)
        else:
            groups = selectors.disproportion_summary(city=city, year=year, period=period)
        context.update(
            year=str(year), period=period, period_label=ReportingPeriod(period).label,
            periods=[(str(y), p, ReportingPeriod(p).label) for y, p in periods],
            groups=groups, day=period_end(year, period), show_all=show_all,
            threshold=selectors.THRESHOLD, scale=selectors.MAD_SCALE,
            minimum=selectors.MIN_COMPARABLE,
        )
        return context


class DisproportionQueryView(RuleRequiredMixin, ServiceFormMixin, FormView):
    """The question asked about a value and the provider's answer."""

    rule = staticmethod(permissions.can_check_disproportions)
    template_name = "components/form_page.html"
    form_class = DisproportionQueryForm
    success_message = _("The question and the answer were saved.")

    def dispatch(self, request, *args, **kwargs):
        self.value = get_object_or_404(
            IndicatorValue.objects.select_related("service", "indicator"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        query = DisproportionQuery.objects.filter(value=self.value).first()
        return {**super().get_form_kwargs(), "instance": query}

    def get_success_url(self):
        return (reverse("network:disproportions")
                + f"?year={self.value.year}&period={self.value.period}")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Question about %(value)s of %(service)s") % {
            "value": self.value, "service": self.value.service})
        kwargs.setdefault("cancel_url", self.get_success_url())
        return super().get_context_data(**kwargs)

    def perform(self, form):
        return services.disproportion_query_record(
            actor=self.request.user, value=self.value, question=form.cleaned_data["question"],
            answer=form.cleaned_data["answer"], expected_version=form.cleaned_data.get("version"))


class FundingView(_OfficerFormView):
    """Officers record what a service received in a year from a source (the
    yearly evaluation sums these records)."""

    form_class = FundingForm
    success_message = _("The funding was saved.")

    def dispatch(self, request, *args, **kwargs):
        self.service = get_object_or_404(service_detail(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"year": timezone.localdate().year}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Funding of %(service)s") % {"service": self.service})
        kwargs.setdefault("cancel_url", self.service.get_absolute_url())
        return super().get_context_data(**kwargs)

    def get_success_url(self):
        return reverse("network:service_values", args=[self.service.pk])

    def perform(self, form):
        return services.funding_record(actor=self.request.user, service=self.service,
                                       **form.cleaned_data)


PROVIDERS_PER_PAGE = 100


class EvaluationView(TemplateView):
    """The yearly evaluation of the community plan (public). The funding by
    provider comes a hundred providers a page (`?page=`), largest first."""

    template_name = "network/evaluation.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        city = current_city(request=self.request)
        years = selectors.evaluation_years(city)
        asked = self.request.GET.get("year")
        year = year_asked(asked, years[0] if years else timezone.localdate().year - 1)
        if asked is not None and asked != str(year):
            context["page_cache_unknown_value"] = True
        evaluation = selectors.yearly_evaluation(year, city=city)
        # The providers a page at a time (every one of them in the PDF): one
        # per service provider of the city, a list that grows with the network.
        page = Paginator(evaluation.funding_by_provider, PROVIDERS_PER_PAGE).get_page(
            self.request.GET.get("page"))
        # Years as text: a number would be printed with a thousands separator.
        context.update(year=str(year), years=[str(other) for other in years],
                       evaluation=dataclasses.replace(
                           evaluation, funding_by_provider=page.object_list),
                       page_obj=page, provider_page=page,
                       provider_query=urlencode({"year": year}))
        return context
