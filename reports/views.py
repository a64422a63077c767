"""Report pages.

* `/reports/`: the public archive — published reports per plan.
* A report's file: public once published; before that only officers (others
  get 404, so an unpublished report does not leak).
* Officers: request a run and watch its progress (the page polls a small
  JSON endpoint; without JavaScript a reload shows the same), publish or
  withdraw, edit the schedules, the abbreviations and the evaluation texts.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from core.exports import XLSX_CONTENT_TYPE
from core.opendata import serve_generated
from core.views import RuleRequiredMixin, ServiceFormMixin
from planning.models import Plan
from planning.permissions import can_view_plan

from . import permissions, services
from .filters import ReportJobFilter
from .forms import (
    EvaluationTextForm,
    GlossaryTermForm,
    PlanReportTextsForm,
    ReportRequestForm,
    ReportScheduleForm,
)
from .interim import interim_xlsx
from .models import (
    EvaluationText,
    GlossaryTerm,
    JobStatus,
    PlanReportTexts,
    ReportJob,
    ReportSchedule,
)


class OfficersOnly(RuleRequiredMixin):
    """Checked before anything else (even a wrong method)."""

    rule = staticmethod(permissions.can_manage_reports)


class ArchiveView(TemplateView):
    template_name = "reports/archive.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = ReportJob.objects.published().order_by("-published_at")
        plans = (Plan.objects.public()
                 .filter(report_jobs__published_at__isnull=False).distinct()
                 .prefetch_related(Prefetch("report_jobs", queryset=published,
                                            to_attr="published_reports")))
        context.update(
            plans=plans,
            other=published.filter(plan__isnull=True),
        )
        return context


def _job_or_404(request, pk):
    job = ReportJob.objects.select_related("plan").filter(pk=pk).first()
    if job is None or not permissions.can_view_report(request.user, job):
        raise Http404(_("No such report."))
    return job


def download(request, pk):
    job = _job_or_404(request, pk)
    if job.status != JobStatus.SUCCEEDED:
        raise Http404(_("The report is not ready."))
    try:
        handle = job.file.open("rb")
    except OSError:
        services.report_job_file_missing(job_id=job.pk)
        return render(request, "reports/file_missing.html", {"job": job}, status=410)
    response = FileResponse(handle, content_type="application/pdf",
                            as_attachment=False, filename=job.file_name or f"{job.pk}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def plan_tables_xlsx(request, code):
    plan = get_object_or_404(Plan, code=code)
    if not can_view_plan(request.user, plan):
        raise Http404
    # Written once per version of the data (core.opendata): ETag, 304, no rebuild.
    filename = f"{plan.code}-tables.xlsx"
    return serve_generated(request, f"tables-{plan.pk}.xlsx", lambda: [interim_xlsx(plan)],
                           filename=filename, content_type=XLSX_CONTENT_TYPE,
                           disposition="attachment", compress=False)


class ManageView(OfficersOnly, FormView):
    template_name = "reports/manage.html"
    form_class = ReportRequestForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        jobs = ReportJobFilter(
            self.request.GET or None,
            queryset=ReportJob.objects.select_related("plan", "requested_by", "schedule"))
        context.update(
            job_filter=jobs,
            jobs=jobs.qs[:30],
            schedules=ReportSchedule.objects.select_related("plan"),
        )
        return context

    def form_valid(self, form):
        try:
            job = services.report_job_request(
                actor=self.request.user, kind=form.cleaned_data["kind"],
                parameters=form.parameters())
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The report was requested."))
        return redirect(job.get_absolute_url())


class JobDetailView(OfficersOnly, TemplateView):
    template_name = "reports/job_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["job"] = get_object_or_404(
            ReportJob.objects.select_related("plan", "requested_by", "published_by"),
            pk=kwargs["pk"])
        return context


def _progress_payload(job):
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": job.progress,
        "message": job.progress_message,
        "finished": job.is_finished,
        "download": reverse("reports:download", args=[job.pk])
        if job.status == JobStatus.SUCCEEDED else None,
        "error": job.error if job.status == JobStatus.FAILED else "",
    }


class JobProgressView(OfficersOnly, View):
    def get(self, request, pk):
        job = get_object_or_404(ReportJob, pk=pk)
        response = JsonResponse(_progress_payload(job))
        response["Cache-Control"] = "no-store"
        return response


class JobPublishView(OfficersOnly, View):
    publish = True

    def get(self, request, pk):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, pk):
        job = get_object_or_404(ReportJob, pk=pk)
        try:
            services.report_job_publish(actor=request.user, job=job, publish=self.publish)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The report is public now.") if self.publish
                             else _("The report is no longer public."))
        return redirect(job.get_absolute_url())


class JobRerenderView(OfficersOnly, View):
    def get(self, request, pk):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, pk):
        job = get_object_or_404(ReportJob, pk=pk)
        try:
            new_job = services.report_job_rerender(actor=request.user, job=job)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(job.get_absolute_url())
        messages.success(request, _("The report is being rendered again."))
        return redirect(new_job.get_absolute_url())


# --- Schedules, abbreviations, evaluation texts --------------------------------------------

class _FormPage(OfficersOnly, ServiceFormMixin, FormView):
    template_name = "components/form_page.html"
    title = ""
    model = None
    instance = None

    def dispatch(self, request, *args, **kwargs):
        if "pk" in kwargs and permissions.can_manage_reports(request.user):
            self.instance = get_object_or_404(self.model, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.instance is not None:
            kwargs["instance"] = type(self.instance).objects.get(pk=self.instance.pk)
        return kwargs

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", self.title)
        kwargs.setdefault("cancel_url", self.get_success_url())
        return super().get_context_data(**kwargs)


class ScheduleFormView(_FormPage):
    form_class = ReportScheduleForm
    model = ReportSchedule
    success_message = None

    @property
    def title(self):
        return _("Edit schedule") if self.instance else _("New schedule")

    def perform(self, form):
        data = form.service_data()
        if self.instance is None:
            return services.report_schedule_create(actor=self.request.user, **data)
        return services.report_schedule_update(
            actor=self.request.user, schedule=self.instance,
            expected_version=form.cleaned_data.get("version"), **data)

    def get_success_url(self):
        return reverse("reports:manage")


class ScheduleDeleteView(OfficersOnly, View):
    def get(self, request, pk):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, pk):
        schedule = get_object_or_404(ReportSchedule, pk=pk)
        services.report_schedule_delete(actor=request.user, schedule=schedule)
        messages.success(request, _("The schedule was deleted."))
        return redirect("reports:manage")


class GlossaryView(OfficersOnly, TemplateView):
    template_name = "reports/glossary.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(terms=GlossaryTerm.objects.all(),
                                         texts=EvaluationText.objects.select_related("plan"),
                                         plans=Plan.objects.order_by("code"),
                                         **kwargs)


class GlossaryTermFormView(_FormPage):
    form_class = GlossaryTermForm
    model = GlossaryTerm

    @property
    def title(self):
        return _("Edit abbreviation") if self.instance else _("New abbreviation")

    def perform(self, form):
        return services.glossary_term_save(actor=self.request.user, term=self.instance,
                                           **form.cleaned_data)

    def get_success_url(self):
        return reverse("reports:glossary")


class GlossaryTermDeleteView(OfficersOnly, View):
    def get(self, request, pk):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, pk):
        term = get_object_or_404(GlossaryTerm, pk=pk)
        services.glossary_term_delete(actor=request.user, term=term)
        return redirect("reports:glossary")


class EvaluationTextFormView(_FormPage):
    form_class = EvaluationTextForm
    model = EvaluationText

    @property
    def title(self):
        return _("Edit evaluation text") if self.instance else _("New evaluation text")

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return services.evaluation_text_save(
            actor=self.request.user, text=self.instance,
            expected_version=form.cleaned_data.get("version"), **data)

    def get_success_url(self):
        return reverse("reports:glossary")


class PlanReportTextsFormView(OfficersOnly, ServiceFormMixin, FormView):
    """The plan's own headings and introduction of its interim evaluation."""

    template_name = "components/form_page.html"
    form_class = PlanReportTextsForm
    plan = None

    def dispatch(self, request, *args, **kwargs):
        if permissions.can_manage_reports(request.user):
            self.plan = get_object_or_404(Plan, code=kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = (PlanReportTexts.objects.filter(plan=self.plan).first()
                              or PlanReportTexts(plan=self.plan))
        return kwargs

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Report texts of %(plan)s") % {"plan": self.plan})
        kwargs.setdefault("cancel_url", self.get_success_url())
        return super().get_context_data(**kwargs)

    def perform(self, form):
        return services.plan_report_texts_save(
            actor=self.request.user, plan=self.plan,
            expected_version=form.cleaned_data.get("version"), **form.service_data())

    def get_success_url(self):
        return reverse("reports:glossary")
