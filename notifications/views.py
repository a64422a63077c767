import hashlib

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

from core.middleware import client_ip
from core.throttle import throttle_hit
from core.views import RuleRequiredMixin, ServiceFormMixin

from . import permissions, registry, selectors, services, subscriptions, tokens
from .filters import OutboxFilter
from .forms import PreferencesForm, SubscribeForm
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


# --- Subscriptions for the public --------------------------------------------------------

SUBSCRIBE_LIMIT = 5  # per client address ...
SUBSCRIBE_WINDOW = 600  # ... per 10 minutes, as the public comment form
ADDRESS_LIMIT = 3  # confirmation mails to one address per hour
ADDRESS_WINDOW = 3600


class SubscribeView(FormView):
    """Anyone subscribes by e-mail; a page of its own, linked from the public
    page, so that the public page stays free of cookies and tokens (cached)."""

    form_class = SubscribeForm
    template_name = "notifications/subscribe.html"

    def dispatch(self, request, *args, **kwargs):
        self.topic = registry.topic(kwargs["topic"])
        self.target = self.topic.target(kwargs["target"]) if self.topic else None
        if self.target is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            topic=self.topic, title=self.target[0], back=self.target[1],
            consent=subscriptions.consent_wording(self.topic, self.target[0]), **kwargs)

    def form_valid(self, form):
        address = form.cleaned_data["email"].strip().lower()
        ip_hash = hashlib.sha256(client_ip(self.request).encode()).hexdigest()[:32]
        address_hash = hashlib.sha256(address.encode()).hexdigest()[:32]
        if not throttle_hit(f"subscribe:{ip_hash}", SUBSCRIBE_LIMIT, SUBSCRIBE_WINDOW) \
                or not throttle_hit(f"subscribe-address:{address_hash}", ADDRESS_LIMIT,
                                    ADDRESS_WINDOW):
            return TemplateResponse(self.request, "notifications/throttled.html",
                                    {"back": self.target[1]}, status=429)
        if form.cleaned_data.get("website"):
            form.add_error(None, _("Your subscription could not be accepted. Please check it "
                                   "and send it again."))
            return self.form_invalid(form)
        try:
            subscriptions.subscription_request(
                email=form.cleaned_data["email"], topic=self.topic.key,
                target_id=self.kwargs["target"], frequency=form.cleaned_data["frequency"],
                consent_text=subscriptions.consent_wording(self.topic, self.target[0]))
        except ValidationError as error:
            for field, errors in error.message_dict.items() if hasattr(error, "error_dict") \
                    else [(None, error.messages)]:
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        return redirect(self.request.path + "?sent=1")

    def get(self, request, *args, **kwargs):
        if "sent" in request.GET:
            return TemplateResponse(request, "notifications/subscribe_sent.html",
                                    {"title": self.target[0], "back": self.target[1]})
        return super().get(request, *args, **kwargs)


class _SignedLinkView(View):
    """A GET shows a button (a link checker opening the link changes
    nothing), the POST acts; ?done=1 says it is done."""

    template_name = ""
    read = None

    def _read(self, token):
        try:
            return type(self).read(token)
        except signing.BadSignature:
            return None

    def get(self, request, token):
        valid = self._read(token) is not None
        return TemplateResponse(request, self.template_name, {
            "valid": valid, "done": valid and "done" in request.GET},
            status=200 if valid else 400)

    def post(self, request, token):
        payload = self._read(token)
        if payload is None:
            return TemplateResponse(request, self.template_name, {"valid": False}, status=400)
        try:
            self.act(payload)
        except ValidationError as error:
            return TemplateResponse(request, self.template_name, {
                "valid": False, "error": " ".join(error.messages)}, status=400)
        return redirect(request.path + "?done=1")


class SubscriptionConfirmView(_SignedLinkView):
    template_name = "notifications/subscription_confirm.html"
    read = staticmethod(tokens.read_confirm)

    def act(self, payload):
        subscription_id, email = payload
        subscriptions.subscription_confirm(subscription_id=subscription_id, email=email)


# One click from a mail client (RFC 8058): no session, no CSRF token.
@method_decorator(csrf_exempt, name="dispatch")
class SubscriptionRemoveView(_SignedLinkView):
    template_name = "notifications/subscription_remove.html"
    read = staticmethod(tokens.read_remove)

    def act(self, email):
        subscriptions.subscriptions_remove(email=email)
