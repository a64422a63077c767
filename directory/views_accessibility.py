"""The accessibility statement (public), its feedback form (public, throttled),
the administrator's editing of its texts and desk of requests to fix, and the
officers' list of known gaps."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from core.middleware import client_ip
from core.throttle import throttle_hit
from core.views import RuleRequiredMixin, ServiceFormMixin

from . import accessibility, permissions, selectors
from .forms import (
    AccessibilityAnswerForm,
    AccessibilityGapForm,
    AccessibilityRequestForm,
    AccessibilityStatementForm,
)
from .models import AccessibilityGap, AccessibilityRequest, ComplianceStatus, GapReason

REQUEST_LIMIT = 5  # per client address ...
REQUEST_WINDOW = 600  # ... per 10 minutes, as the public comment form


class CityRequiredMixin:
    """Loads the portal's city; the pages below need one (404 before it is set)."""

    def dispatch(self, request, *args, **kwargs):
        self.city = selectors.current_city(request=request)
        if self.city is None:
            raise Http404(_("The city is not set yet."))
        return super().dispatch(request, *args, **kwargs)


class AccessibilityStatementView(TemplateView):
    template_name = "directory/accessibility/statement.html"

    def get_context_data(self, **kwargs):
        city = selectors.current_city(request=self.request)
        statement = accessibility.statement_for(city)
        gaps = list(accessibility.open_gaps(city)) if city else []
        by_reason = [(label, [g for g in gaps if g.reason == value])
                     for value, label in GapReason.choices]
        return super().get_context_data(
            statement=statement, gaps_by_reason=[(label, items) for label, items in by_reason
                                                 if items],
            gap_count=len(gaps), portal_url=self.request.build_absolute_uri("/"),
            ComplianceStatus=ComplianceStatus,
            may_edit=permissions.can_edit_accessibility_statement(self.request.user),
            may_edit_gaps=permissions.can_edit_accessibility_gaps(self.request.user),
            may_answer=permissions.can_handle_accessibility_requests(self.request.user),
            **kwargs,
        )


class AccessibilityRequestView(CityRequiredMixin, FormView):
    """Anyone may send a request to fix; each address a few per window. A
    filled honeypot is refused without saying why."""

    template_name = "directory/accessibility/request_form.html"
    form_class = AccessibilityRequestForm

    def get_initial(self):
        page = self.request.GET.get("page", "")
        return {"page": page[:500]} if isinstance(page, str) else {}

    def form_valid(self, form):
        ip = client_ip(self.request)
        key = f"accessibility-request:{accessibility.client_ip_hash(ip)}"
        if not throttle_hit(key, REQUEST_LIMIT, REQUEST_WINDOW):
            return TemplateResponse(self.request, "directory/accessibility/throttled.html",
                                    {"minutes": REQUEST_WINDOW // 60}, status=429)
        if form.cleaned_data.get("website"):
            form.add_error(None, _("Your request could not be accepted. Please check it and "
                                   "send it again."))
            return self.render_to_response(self.get_context_data(form=form))
        try:
            accessibility.request_submit(
                actor=self.request.user, city=self.city, text=form.cleaned_data["text"],
                page=form.cleaned_data.get("page", ""), name=form.cleaned_data.get("name", ""),
                email=form.cleaned_data.get("email", ""), client_ip=ip,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(self.request, _("Thank you. Your request to fix was received; the "
                                         "city answers it within 30 days."))
        return HttpResponseRedirect(reverse("directory:accessibility"))


class AccessibilityStatementEditView(CityRequiredMixin, RuleRequiredMixin, ServiceFormMixin,
                                     FormView):
    rule = staticmethod(permissions.can_edit_accessibility_statement)
    form_class = AccessibilityStatementForm
    template_name = "components/form_page.html"
    success_message = gettext_lazy("The accessibility statement was saved.")

    def get_form_kwargs(self):
        self.statement = accessibility.statement_for(self.city)
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.statement
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Edit the accessibility statement"),
                                        cancel_url=reverse("directory:accessibility"), **kwargs)

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return accessibility.statement_save(
            actor=self.request.user, city=self.city, statement=self.statement,
            expected_version=form.cleaned_data.get("version") if self.statement else None,
            **data,
        )

    def get_success_url(self):
        return reverse("directory:accessibility")


class AccessibilityGapListView(CityRequiredMixin, RuleRequiredMixin, TemplateView):
    rule = staticmethod(permissions.can_edit_accessibility_gaps)
    template_name = "directory/accessibility/gap_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(gaps=accessibility.all_gaps(self.city), **kwargs)


class AccessibilityGapCreateView(CityRequiredMixin, RuleRequiredMixin, ServiceFormMixin,
                                 FormView):
    rule = staticmethod(permissions.can_edit_accessibility_gaps)
    form_class = AccessibilityGapForm
    template_name = "components/form_page.html"
    success_message = gettext_lazy("The gap was recorded.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("New accessibility gap"),
            cancel_url=reverse("directory:accessibility_gap_list"), **kwargs)

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return accessibility.gap_create(actor=self.request.user, city=self.city, **data)

    def get_success_url(self):
        return reverse("directory:accessibility_gap_list")


class AccessibilityGapUpdateView(CityRequiredMixin, RuleRequiredMixin, ServiceFormMixin,
                                 FormView):
    rule = staticmethod(permissions.can_edit_accessibility_gaps)
    form_class = AccessibilityGapForm
    template_name = "components/form_page.html"
    success_message = gettext_lazy("The gap was saved.")

    def dispatch(self, request, *args, **kwargs):
        self.gap = get_object_or_404(AccessibilityGap, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.gap}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Accessibility gap"),
            cancel_url=reverse("directory:accessibility_gap_list"), **kwargs)

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return accessibility.gap_update(actor=self.request.user, gap=self.gap,
                                        expected_version=form.cleaned_data.get("version"),
                                        **data)

    def get_success_url(self):
        return reverse("directory:accessibility_gap_list")


class AccessibilityRequestListView(CityRequiredMixin, RuleRequiredMixin, TemplateView):
    """The administrator's desk of requests to fix: the unanswered first."""

    rule = staticmethod(permissions.can_handle_accessibility_requests)
    template_name = "directory/accessibility/request_list.html"

    def get_context_data(self, **kwargs):
        requests = list(accessibility.requests_for_desk(self.city))
        return super().get_context_data(
            unanswered=[r for r in requests if r.answered_at is None],
            answered=[r for r in requests if r.answered_at is not None], **kwargs)


class AccessibilityRequestAnswerView(RuleRequiredMixin, ServiceFormMixin, FormView):
    rule = staticmethod(permissions.can_handle_accessibility_requests)
    form_class = AccessibilityAnswerForm
    template_name = "directory/accessibility/request_answer.html"
    success_message = gettext_lazy("The answer was recorded.")

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(AccessibilityRequest, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(request_to_fix=self.object, **kwargs)

    def perform(self, form):
        return accessibility.request_answer(
            actor=self.request.user, request=self.object, answer=form.cleaned_data["answer"],
            expected_version=form.cleaned_data.get("version"))

    def get_success_url(self):
        return reverse("directory:accessibility_request_list")
