from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, TemplateView, UpdateView

from core.pdf import html_to_pdf
from core.review import ReviewState
from core.views import RuleRequiredMixin, ServiceFormMixin, TableListView

from . import permissions, selectors, services
from .documents import project_card_html
from .forms import (
    CallForm,
    FundingFormSet,
    HalfYearReportForm,
    KeyActivityForm,
    ProgrammeForm,
    ProjectActualsForm,
    ProjectForm,
    funding_rows,
)
from .models import Call, KeyActivity, Programme, Project
from .tables import ProjectTable


def visible_project_or_404(user, pk, queryset=None):
    """A project the user may not see answers 404, so its existence does not leak."""
    project = get_object_or_404(queryset if queryset is not None else Project.objects
                                .select_related("call__programme", "implementer"), pk=pk)
    if not permissions.can_view_project(user, project):
        raise Http404
    return project


# --- Public list and totals ---------------------------------------------------------


class ProjectListView(TableListView):
    table_class = ProjectTable
    filterset_class = selectors.ProjectFilter
    export_basename = "projects"
    title = _("Projects")
    template_name = "projects/project_list.html"

    def get_queryset(self):
        return selectors.project_list(self.request.user)

    def get_create_url(self):
        if permissions.can_create_project(self.request.user):
            return reverse("projects:project_create")
        return None

    def programme_totals(self):
        """The filtered list's totals per programme: one query, which also
        gives the grand total and the paginator its count."""
        if not hasattr(self, "_programme_totals"):
            self._programme_totals = selectors.totals_by_programme(self.object_list)
        return self._programme_totals

    def known_count(self):
        return selectors.grand_total_of(self.programme_totals()).count

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        programmes = self.programme_totals()
        table.totals = {"programmes": programmes, "grand": selectors.grand_total_of(programmes)}
        return table

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stated_totals"] = selectors.stated_totals()
        return context


class ProjectTotalsView(TemplateView):
    """Totals computed from the rows of the published projects: per call,
    programme, thematic area and overall, and the totals printed in documents."""

    template_name = "projects/totals.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = Project.objects.published()
        context.update(
            by_programme=selectors.totals_by_programme(rows),
            by_call=selectors.totals_by_call(rows),
            by_area=selectors.totals_by_area(rows),
            grand=selectors.grand_total(rows),
            stated_totals=selectors.stated_totals(),
        )
        return context


# --- Project page and card ---------------------------------------------------------------


class ProjectDetailView(DetailView):
    template_name = "projects/project_detail.html"
    context_object_name = "project"

    def get_object(self, queryset=None):
        return visible_project_or_404(self.request.user, self.kwargs["pk"],
                                      selectors.project_detail_queryset())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["indicators"] = selectors.project_indicators(self.object)
        return context


class ProjectCardPdfView(View):
    """The project card as PDF, rendered while the visitor waits (the report
    runs render the same card in the background)."""

    def get(self, request, pk):
        project = visible_project_or_404(request.user, pk, selectors.project_detail_queryset())
        response = HttpResponse(html_to_pdf(project_card_html(project)),
                                content_type="application/pdf")
        name = project.registration_number.replace("/", "-").replace(".", "-")
        response["Content-Disposition"] = f'inline; filename="projekt-{name}.pdf"'
        return response


# --- Officers: create and edit ------------------------------------------------------------


class _ProjectFormMixin(ServiceFormMixin):
    form_class = ProjectForm
    template_name = "projects/project_form.html"
    success_message = _("The project was saved.")

    def get_funding_formset(self):
        if not hasattr(self, "_funding_formset"):
            initial = None
            if getattr(self, "object", None) is not None and self.object.pk:
                initial = [{"source": f.source, "label": f.label, "percent": f.percent,
                            "amount": f.amount} for f in self.object.funding.all()]
            data = self.request.POST if self.request.method == "POST" else None
            self._funding_formset = FundingFormSet(data, initial=initial, prefix="funding")
        return self._funding_formset

    def get_context_data(self, **kwargs):
        kwargs.setdefault("funding_formset", self.get_funding_formset())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object() if self.kwargs.get("pk") else None
        form = self.get_form()
        formset = self.get_funding_formset()
        form_valid = form.is_valid()
        # The split is checked as a whole against the total the form brings.
        formset.total = (form.cleaned_data.get("total_budget") or 0) if form_valid else None
        if formset.is_valid() and form_valid:
            return self.form_valid(form)
        return self.form_invalid(form)

    def get_success_url(self):
        return reverse("projects:project_detail", args=[self.object.pk])


class ProjectCreateView(RuleRequiredMixin, _ProjectFormMixin, CreateView):
    rule = staticmethod(permissions.can_create_project)
    extra_context = {"title": _("New project")}

    def get_object(self, queryset=None):
        return None

    def perform(self, form):
        return services.project_create(
            actor=self.request.user, measures=form.cleaned_data["measures"],
            funding=funding_rows(self.get_funding_formset()), **form.service_data())


class ProjectUpdateView(RuleRequiredMixin, _ProjectFormMixin, UpdateView):
    rule = staticmethod(permissions.can_edit_project)
    rule_on_object = True
    model = Project

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=str(self.object), **kwargs)

    def perform(self, form):
        # The form's instance was changed by validation; the service works on
        # the stored row.
        stored = Project.objects.get(pk=self.object.pk)
        return services.project_update(
            actor=self.request.user, project=stored,
            expected_version=form.cleaned_data.get("version"),
            measures=form.cleaned_data["measures"],
            funding=funding_rows(self.get_funding_formset()), **form.service_data())


class KeyActivityCreateView(RuleRequiredMixin, ServiceFormMixin, CreateView):
    rule = staticmethod(permissions.can_edit_project)
    rule_on_object = True
    form_class = KeyActivityForm
    template_name = "components/form_page.html"
    success_message = _("The key activity was saved.")

    def get_permission_object(self):
        if not hasattr(self, "_project"):
            self._project = get_object_or_404(Project, pk=self.kwargs["pk"])
        return self._project

    def get_object(self, queryset=None):
        return None

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.instance.project = self.get_permission_object()
        return form

    def get_context_data(self, **kwargs):
        project = self.get_permission_object()
        return super().get_context_data(
            title=_("New key activity: %(project)s") % {"project": project.title},
            cancel_url=project.get_absolute_url(), **kwargs)

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return services.key_activity_create(actor=self.request.user,
                                            project=self.get_permission_object(), **data)

    def get_success_url(self):
        return self.get_permission_object().get_absolute_url()


class KeyActivityUpdateView(RuleRequiredMixin, ServiceFormMixin, UpdateView):
    rule = staticmethod(permissions.can_edit_project)
    rule_on_object = True
    form_class = KeyActivityForm
    template_name = "components/form_page.html"
    success_message = _("The key activity was saved.")

    def get_permission_object(self):
        if not hasattr(self, "_activity"):
            self._activity = get_object_or_404(
                KeyActivity.objects.select_related("project"),
                pk=self.kwargs["activity_pk"], project_id=self.kwargs["pk"])
        return self._activity

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=str(self.object),
                                        cancel_url=self.object.project.get_absolute_url(),
                                        **kwargs)

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        stored = KeyActivity.objects.get(pk=self.object.pk)
        return services.key_activity_update(actor=self.request.user, activity=stored,
                                            expected_version=form.cleaned_data.get("version"),
                                            **data)

    def get_success_url(self):
        return self.object.project.get_absolute_url()


# --- Half-year reports ----------------------------------------------------------------------


class HalfYearReportCreateView(ServiceFormMixin, CreateView):
    """Officers and the implementer's users, for their own projects only. Only
    the report's fields and the indicator values are accepted: a crafted POST
    cannot touch the project's budget or status."""

    form_class = HalfYearReportForm
    template_name = "projects/report_form.html"
    success_message = _("The half-year report was submitted.")

    def dispatch(self, request, *args, **kwargs):
        self.project = visible_project_or_404(request.user, kwargs["pk"])
        if not permissions.can_submit_project_report(request.user, self.project):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["project"] = self.project
        kwargs["indicators"] = selectors.impact_indicators(self.project)
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Half-year report: %(project)s") % {"project": self.project.title},
            project=self.project, **kwargs)

    def perform(self, form):
        return services.half_year_report_submit(
            actor=self.request.user, project=self.project,
            indicator_values=form.indicator_values(), **form.report_data())

    def get_success_url(self):
        return self.project.get_absolute_url()


class ProjectActualsView(ServiceFormMixin, FormView):
    """The actual values of the project's own indicators ("zatím nevykázáno"
    until someone records them): officers and the implementer's users, for
    their own projects only, like the half-year reports."""

    form_class = ProjectActualsForm
    template_name = "projects/actuals_form.html"
    success_message = _("The actual values were recorded.")

    def dispatch(self, request, *args, **kwargs):
        self.project = visible_project_or_404(request.user, kwargs["pk"])
        if not permissions.can_submit_project_report(request.user, self.project):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["indicators"] = selectors.project_indicators(self.project)
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Actual values of the project indicators: %(project)s")
            % {"project": self.project.title}, project=self.project, **kwargs)

    def perform(self, form):
        services.project_actuals_record(
            actor=self.request.user, project=self.project,
            period_text=form.cleaned_data["period_text"], values=form.values(),
            note=form.cleaned_data.get("note", ""))
        return self.project

    def get_success_url(self):
        return self.project.get_absolute_url()


class HalfYearReportDetailView(DetailView):
    template_name = "projects/report_detail.html"
    context_object_name = "report"

    def get_object(self, queryset=None):
        project = visible_project_or_404(self.request.user, self.kwargs["pk"])
        report = get_object_or_404(project.reports.select_related("submitted_by"),
                                   pk=self.kwargs["report_pk"])
        # Not yet approved: its implementer and officers only (others 404).
        if (report.review_state != ReviewState.APPROVED
                and not permissions.can_submit_project_report(self.request.user, project)):
            raise Http404
        report.project = project
        return report


# --- Officers: programmes and calls ----------------------------------------------------------


class ProgrammeListView(RuleRequiredMixin, TemplateView):
    """The funding programmes with their calls and how many projects each call has."""

    rule = staticmethod(permissions.can_edit_programmes)
    template_name = "projects/programme_list.html"
    extra_context = {"title": _("Programmes and calls")}

    def get_context_data(self, **kwargs):
        return super().get_context_data(programmes=selectors.programme_list(), **kwargs)


class _ProgrammesFormView(RuleRequiredMixin, ServiceFormMixin):
    """A programme's or a call's form: officers only, back to the list."""

    rule = staticmethod(permissions.can_edit_programmes)
    template_name = "components/form_page.html"

    @staticmethod
    def service_fields(form):
        """The form's fields for the service; the version goes separately."""
        return {k: v for k, v in form.cleaned_data.items() if k != "version"}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("cancel_url", reverse("projects:programme_list"))
        if getattr(self, "object", None) is not None:
            kwargs.setdefault("title", str(self.object))
        return super().get_context_data(**kwargs)

    def get_success_url(self):
        return reverse("projects:programme_list")


class ProgrammeCreateView(_ProgrammesFormView, CreateView):
    form_class = ProgrammeForm
    extra_context = {"title": _("New funding programme")}
    success_message = _("The programme was saved.")

    def perform(self, form):
        return services.programme_create(actor=self.request.user, **self.service_fields(form))


class ProgrammeUpdateView(_ProgrammesFormView, UpdateView):
    model = Programme
    form_class = ProgrammeForm
    success_message = _("The programme was saved.")

    def perform(self, form):
        return services.programme_update(
            actor=self.request.user, programme=Programme.objects.get(pk=self.object.pk),
            expected_version=form.cleaned_data.get("version"), **self.service_fields(form))


class CallCreateView(_ProgrammesFormView, CreateView):
    form_class = CallForm
    extra_context = {"title": _("New call")}
    success_message = _("The call was saved.")

    def get_initial(self):
        initial = super().get_initial()
        programme = self.request.GET.get("programme", "")
        if programme.isascii() and programme.isdigit():
            initial["programme"] = int(programme)
        return initial

    def perform(self, form):
        return services.call_create(actor=self.request.user, **self.service_fields(form))


class CallUpdateView(_ProgrammesFormView, UpdateView):
    model = Call
    form_class = CallForm
    success_message = _("The call was saved.")

    def get_queryset(self):
        return Call.objects.select_related("programme")

    def perform(self, form):
        return services.call_update(
            actor=self.request.user, call=Call.objects.select_related("programme")
            .get(pk=self.object.pk), expected_version=form.cleaned_data.get("version"),
            **self.service_fields(form))
