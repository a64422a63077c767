"""Indicator pages.

* Public (no login): the list with filters, search and status counts; an
  indicator's page with the chart, the same values as a table, metadata,
  notes, commentary and downloads (CSV, XLSX, JSON). Anonymous readers get
  them from the page cache (core.pagecache), refreshed when data changes.
* Indicators of a draft plan or an unpublished project answer 404 to anyone
  but officers, so a draft does not leak.
* Officers create and edit indicators (target, commentary) and any value;
  implementers add values of their own indicators (indicators.permissions).

Every page runs a fixed number of queries whatever the data size.
"""

import json
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from core.audit import audit_entries_for
from core.exports import csv_response, xlsx_response
from core.formats import plain_number
from core.views import ServiceFormMixin, TableListView, deny

from . import permissions, services
from .charts import render_svg
from .forms import IndicatorForm, ValueForm
from .models import Indicator, IndicatorValue, Status
from .selectors import IndicatorFilter, indicator_detail, indicator_table, status_counts
from .status import assess, baseline_and_latest, display_value, next_target
from .tables import IndicatorTable


class IndicatorListView(TableListView):
    template_name = "indicators/list.html"
    table_class = IndicatorTable
    filterset_class = IndicatorFilter
    export_basename = "indicators"

    def get_queryset(self):
        return indicator_table(user=self.request.user)

    def status_counts(self):
        """{status: count} of the filtered list: one query, which also gives
        the paginator its count."""
        if not hasattr(self, "_status_counts"):
            self._status_counts = status_counts(self.object_list)
        return self._status_counts

    def known_count(self):
        return sum(self.status_counts().values())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = self.status_counts()
        context.update(
            title=_("Indicators"),
            status_counts=[(Status(code), counts[code]) for code in Status.values],
            total=sum(counts.values()),
        )
        return context


def _get_indicator(request, slug):
    indicator = indicator_detail(slug=slug, user=request.user)
    if indicator is None:
        raise Http404(_("No such indicator."))
    return indicator


def value_rows(indicator, values):
    """Rows for the accessible table: one per period, a column per territory."""
    territories = [indicator.home_territory] + (
        [indicator.comparison_territory] if indicator.comparison_territory else [])
    by_period = {}
    for value in values:
        by_period.setdefault((value.period_end, value.period_start, value.period_text), {})[
            value.territory_id] = value
    rows = []
    for (_end, _start, period_text), cells in sorted(by_period.items()):
        row_values = [cells.get(t.pk) for t in territories]
        rows.append({
            "period": period_text,
            "cells": [
                {"value": v, "text": display_value(v, indicator) if v else "–"}
                for v in row_values
            ],
            "is_baseline": any(v is not None and v.is_baseline for v in row_values),
            # A note the values of one period share (the home and the comparison
            # territory) is printed once.
            "notes": list(dict.fromkeys(v.note for v in row_values if v is not None and v.note)),
        })
    return territories, rows


class IndicatorDetailView(TemplateView):
    template_name = "indicators/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        indicator = _get_indicator(self.request, kwargs["slug"])
        values = list(indicator.values.all())
        territories, rows = value_rows(indicator, values)
        baseline, latest, baseline_cmp, latest_cmp = baseline_and_latest(indicator, values)
        user = self.request.user
        context.update(
            indicator=indicator,
            assessment=assess(indicator, values),
            chart=mark_safe(render_svg(indicator, values)),  # noqa: S308 - built escaped
            territories=territories,
            rows=rows,
            baseline=baseline and display_value(baseline, indicator),
            latest=latest and display_value(latest, indicator),
            latest_comparison=latest_cmp and display_value(latest_cmp, indicator),
            baseline_comparison=baseline_cmp and display_value(baseline_cmp, indicator),
            baseline_value=baseline,
            latest_value=latest,
            plans=list(indicator.plans.all()),
            # Where the figures come from when the indicator names no source of
            # its own: the sources its values were published in.
            value_sources=list(dict.fromkeys(v.source for v in values if v.source)),
            milestones=indicator.milestones,
            next_target=next_target(indicator, latest=latest),
        )
        if permissions.can_edit_indicator(user, indicator):
            context["history"] = audit_entries_for(indicator)[:20]
        return context


# --- Downloads ---------------------------------------------------------------------------

DOWNLOAD_COLUMNS = [
    "indicator_code", "indicator", "national_code", "unit", "territory", "period",
    "period_start", "period_end", "value", "value_as_published", "available", "estimate",
    "rank", "parts", "baseline", "note", "source",
]


def download_rows(indicator, values):
    for value in values:
        yield {
            "indicator_code": indicator.code,
            "indicator": indicator.name,
            "national_code": indicator.national_code,
            "unit": indicator.unit_display or indicator.get_unit_display(),
            "territory": value.territory.name,
            "period": value.period_text,
            "period_start": value.period_start.isoformat(),
            "period_end": value.period_end.isoformat(),
            "value": plain_number(value.value),
            "value_as_published": value.value_text,
            "available": value.available,
            "estimate": value.is_estimate,
            "rank": value.rank,
            "parts": "; ".join(f"{p.label}: {plain_number(p.amount)}" for p in value.parts.all()),
            "baseline": value.is_baseline,
            "note": value.note,
            "source": value.source,
        }


def _json_default(value):
    if isinstance(value, Decimal):
        return plain_number(value)  # "20", never "2E+1"
    raise TypeError(type(value))


def indicator_download(request, slug, fmt):
    indicator = _get_indicator(request, slug)
    values = list(indicator.values.all())
    rows = list(download_rows(indicator, values))
    filename = f"indicator-{indicator.slug}"
    if fmt == "csv":
        return csv_response(f"{filename}.csv", DOWNLOAD_COLUMNS,
                            ([row[c] for c in DOWNLOAD_COLUMNS] for row in rows))
    if fmt == "xlsx":
        return xlsx_response(f"{filename}.xlsx", DOWNLOAD_COLUMNS,
                             ([row[c] for c in DOWNLOAD_COLUMNS] for row in rows))
    assessment = assess(indicator, values)
    payload = {
        "code": indicator.code,
        "name": indicator.name,
        "national_code": indicator.national_code,
        "kind": indicator.kind,
        "unit": indicator.unit,
        "unit_label": indicator.unit_display,
        "milestones": [
            {"year": t.year, "due": t.due.isoformat() if t.due else None, "kind": t.kind,
             "value": t.value, "as_published": t.text}
            for t in indicator.milestones],
        "status": assessment.status,
        "status_explanation": assessment.sentence,
        "values": rows,
    }
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=1, default=_json_default),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
    return response


# --- Officers and implementers -------------------------------------------------------------


def _notice_duplicates(request, form):
    others = form.duplicate_codes()
    if others:
        messages.warning(request, _(
            "The code “%(code)s” is printed for another indicator of the same plan as well "
            "(%(others)s). It is kept as printed and flagged in the plan's data checks.") % {
                "code": form.cleaned_data["code"],
                "others": ", ".join(str(other) for other in others[:5])})


class IndicatorCreateView(ServiceFormMixin, FormView):
    template_name = "indicators/indicator_form.html"
    form_class = IndicatorForm

    def dispatch(self, request, *args, **kwargs):
        if not permissions.can_edit_indicator(request.user):
            return deny(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("New indicator"))
        kwargs.setdefault("cancel_url", reverse("indicators:list"))
        return super().get_context_data(**kwargs)

    def perform(self, form):
        data = form.service_data()
        indicator = services.indicator_create(actor=self.request.user,
                                              plans=form.cleaned_data["plans"],
                                              links=form.links(), **data)
        _notice_duplicates(self.request, form)
        return indicator

    def get_success_url(self):
        return self.object.get_absolute_url()


class IndicatorUpdateView(ServiceFormMixin, FormView):
    template_name = "indicators/indicator_form.html"
    form_class = IndicatorForm

    def dispatch(self, request, *args, **kwargs):
        self.indicator = get_object_or_404(Indicator, slug=kwargs["slug"])
        if not permissions.can_edit_indicator(request.user, self.indicator):
            return deny(request)
        # The form writes into its instance while validating: keep what was saved.
        self.saved_code = self.indicator.code
        self.saved_slug = self.indicator.slug
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(),
                "instance": Indicator.objects.get(pk=self.indicator.pk)}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Edit %(indicator)s") % {"indicator": self.saved_code})
        kwargs.setdefault("cancel_url", reverse("indicators:detail", args=[self.saved_slug]))
        return super().get_context_data(**kwargs)

    def perform(self, form):
        data = form.service_data()
        indicator = services.indicator_update(
            actor=self.request.user, indicator=Indicator.objects.get(pk=self.indicator.pk),
            expected_version=form.cleaned_data.get("version"),
            plans=form.cleaned_data["plans"], links=form.links(), **data)
        _notice_duplicates(self.request, form)
        return indicator

    def get_success_url(self):
        return self.object.get_absolute_url()


class ValueFormView(FormView):
    """Add a value (no pk) or correct one (pk): officers for any indicator,
    implementers for their own."""

    template_name = "indicators/value_form.html"
    form_class = ValueForm

    def dispatch(self, request, *args, **kwargs):
        self.indicator = get_object_or_404(Indicator, slug=kwargs["slug"])
        if not permissions.can_report_indicator(request.user, self.indicator):
            return deny(request)
        self.value = None
        if "pk" in kwargs:
            self.value = get_object_or_404(IndicatorValue, pk=kwargs["pk"],
                                           indicator=self.indicator)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(indicator=self.indicator,
                      may_set_baseline=permissions.can_edit_indicator(self.request.user),
                      decides=services.decides_review(self.request.user),
                      correcting=(self.value is not None and self.value.closed
                                  and services.decides_review(self.request.user)))
        if self.value is not None and self.request.method == "GET":
            kwargs["initial"] = {
                "territory": self.value.territory_id, "period_text": self.value.period_text,
                "value_text": self.value.value_text or display_value(self.value,
                                                                     self.indicator),
                "not_available_reason": self.value.not_available_reason,
                "note": self.value.note, "source": self.value.source,
                "is_baseline": self.value.is_baseline,
            }
        return kwargs

    def get_context_data(self, **kwargs):
        kwargs.update(indicator=self.indicator, value=self.value,
                      cancel_url=self.indicator.get_absolute_url(),
                      title=_("Value of %(indicator)s") % {"indicator": self.indicator.name})
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        arguments = form.service_kwargs()
        moved = self.value is not None and (
            self.value.territory_id != arguments["territory"].pk
            or self.value.period_start != arguments["period_start"]
            or self.value.period_end != arguments["period_end"])
        try:
            services.indicator_value_record(actor=self.request.user, indicator=self.indicator,
                                            replaces=self.value if moved else None,
                                            **arguments)
        except ValidationError as error:
            return self._invalid(form, error)
        return self._done(approved=services.decides_review(self.request.user))

    def _invalid(self, form, error):
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return self.form_invalid(form)

    def _done(self, approved=True):
        messages.success(self.request, _("The value was saved.") if approved else _(
            "The value was saved; it is public once a city officer approves it."))
        return HttpResponseRedirect(self.indicator.get_absolute_url())


class ValueDeleteView(View):
    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        self.indicator = get_object_or_404(Indicator, slug=kwargs["slug"])
        if not permissions.can_edit_indicator(request.user, self.indicator):
            return deny(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, slug, pk):
        value = get_object_or_404(IndicatorValue, pk=pk, indicator=self.indicator)
        try:
            services.indicator_value_delete(actor=request.user, value=value)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The value was deleted."))
        return HttpResponseRedirect(self.indicator.get_absolute_url())
