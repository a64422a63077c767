import hashlib

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import LoginView, PasswordResetView
from django.template.response import TemplateResponse
from django.views.generic import TemplateView

from core.middleware import client_ip
from core.throttle import throttle_hit

from . import permissions
from .otp import confirmed_device


class PortalLoginView(LoginView):
    redirect_authenticated_user = True


class ProfileView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/profile.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["roles"] = permissions.roles_of(user)
        context["second_factor_on"] = confirmed_device(user) is not None
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
