from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView

from core.views import RuleRequiredMixin, ServiceFormMixin

from . import permissions, registry, selectors, services, tokens
from .filters import OutboxFilter
from .forms import PreferencesForm
from .models import MailState, OutboxMail

OUTBOX_PAGE_SIZE = 50


class PreferencesView(LoginRequiredMixin, ServiceFormMixin, FormView):
    form_class = PreferencesForm
    template_name = "notifications/preferences.html"
    success_message = gettext_lazy("Your e-mail settings are saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.preferences_set(actor=self.request.user, user=self.request.user,
                                        enabled_kinds=form.cleaned_data["kinds"])

    def get_success_url(self):
        return reverse("notifications:preferences")


class OutboxView(RuleRequiredMixin, TemplateView):
    rule = staticmethod(permissions.can_view_outbox)
    template_name = "notifications/outbox.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = OutboxFilter(self.request.GET or None, queryset=selectors.outbox_list())
        valid = not filterset.is_bound or filterset.is_valid()
        rows = filterset.qs if valid else filterset.queryset.none()
        page = Paginator(rows, OUTBOX_PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filter=filterset, page=page, query=query.urlencode(),
                       retryable=(MailState.QUEUED, MailState.FAILED))
        return context


class OutboxRetryView(RuleRequiredMixin, View):
    rule = staticmethod(permissions.can_view_outbox)

    def get(self, request, pk):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, pk):
        mail = get_object_or_404(OutboxMail, pk=pk)
        try:
            services.mail_retry(actor=request.user, mail=mail)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The e-mail to %(recipient)s will be sent again now.")
                             % {"recipient": mail.recipient})
        return redirect(reverse("notifications:outbox") + (
            "?" + request.GET.urlencode() if request.GET else ""))


# A mail client unsubscribes with a POST of its own (RFC 8058), with no
# session and no CSRF token; the signed token is what authorises it.
@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    def _recipient(self, kind, token):
        found = registry.get(kind)
        if found is None:
            raise Http404
        try:
            return found, *tokens.read(kind=kind, token=token)
        except signing.BadSignature:
            return found, None, None

    def get(self, request, kind, token):
        found, user_id, email = self._recipient(kind, token)
        valid = bool(user_id or email)
        return TemplateResponse(request, "notifications/unsubscribe.html", {
            "kind": found, "valid": valid, "done": valid and "done" in request.GET},
            status=200 if valid else 400)

    def post(self, request, kind, token):
        found, user_id, email = self._recipient(kind, token)
        if not (user_id or email):
            return TemplateResponse(request, "notifications/unsubscribe.html",
                                    {"kind": found, "valid": False}, status=400)
        try:
            services.notification_unsubscribe(kind=kind, user_id=user_id, email=email)
        except ValidationError as error:
            return TemplateResponse(request, "notifications/unsubscribe.html", {
                "kind": found, "valid": False, "error": " ".join(error.messages)}, status=400)
        return redirect(request.path + "?done=1")
