import hashlib

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import LoginView, PasswordResetConfirmView, PasswordResetView
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from core.middleware import client_ip
from core.throttle import throttle_hit
from core.views import RuleRequiredMixin

from . import lockout, oidc, permissions
from .otp import PROVIDER_SECOND_FACTOR_SESSION_KEY, confirmed_device


class PortalLoginView(LoginView):
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # The city account (single sign-on) only when it is configured.
        return super().get_context_data(single_sign_on=oidc.enabled(), **kwargs)


class ProfileView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/profile.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["roles"] = permissions.roles_of(user)
        context["second_factor_on"] = confirmed_device(user) is not None
        context["provider_second_factor"] = bool(
            self.request.session.get(PROVIDER_SECOND_FACTOR_SESSION_KEY))
        return context


class ThrottledPasswordResetView(PasswordResetView):
    """The reset form sends an e-mail to whatever address is typed in: a few
    per client address per window, so it cannot be used to flood mailboxes."""

    def form_valid(self, form):
        ip_hash = hashlib.sha256(client_ip(self.request).encode()).hexdigest()[:32]
        if not throttle_hit(f"password-reset:{ip_hash}", RESET_LIMIT, RESET_WINDOW):
            return TemplateResponse(self.request, "registration/password_reset_throttled.html",
                                    {"minutes": RESET_WINDOW // 60}, status=429)
        return super().form_valid(form)


RESET_LIMIT = 5
RESET_WINDOW = 15 * 60  # seconds


class UnlockingPasswordResetConfirmView(PasswordResetConfirmView):
    """Setting a new password through the e-mailed link also unlocks the
    account, as the lock's e-mail promises."""

    def form_valid(self, form):
        response = super().form_valid(form)
        lockout.login_lock_release(actor=form.user, username=form.user.get_username(),
                                   reason=_("Unlocked by a password reset"))
        return response


class LockedAccountsView(RuleRequiredMixin, TemplateView):
    rule = permissions.can_unlock_logins
    template_name = "accounts/locked_accounts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["locked"] = lockout.locked_accounts()
        return context


class UnlockAccountView(RuleRequiredMixin, View):
    rule = permissions.can_unlock_logins

    def get(self, request):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request):
        username = request.POST.get("username", "")[:150]
        count = lockout.login_lock_release(actor=request.user, username=username,
                                           reason=_("Unlocked by an officer"))
        if count:
            messages.success(request, _("The account %(username)s is unlocked.")
                             % {"username": username})
        else:
            messages.info(request, _("The account %(username)s was not locked.")
                          % {"username": username})
        return redirect("accounts:locked_accounts")
