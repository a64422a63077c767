"""The second-factor gate. After the password step, a user whose session still
owes a TOTP code (or an administrator who has no authenticator yet) sees only
the code or set-up page; the rules live in accounts.permissions."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse

from . import permissions
from .otp import remember_device

# Pages an unverified session may still reach: logging out, the second-factor
# pages themselves and the language switch.
EXEMPT_URL_NAMES = ("accounts:logout", "accounts:otp_verify", "accounts:otp_setup",
                    "set_language", "core:switch_language")


class RequireSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt_paths = None

    def exempt_paths(self):
        if self._exempt_paths is None:
            self._exempt_paths = frozenset(reverse(name) for name in EXEMPT_URL_NAMES)
        return self._exempt_paths

    def _is_exempt(self, path):
        return path in self.exempt_paths() or path.startswith(settings.STATIC_URL)

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not self._is_exempt(request.path):
            if not getattr(user, "is_verified", lambda: False)():
                remember_device(request)
            if permissions.must_set_up_second_factor(user):
                return self._redirect(request, "accounts:otp_setup")
            if permissions.needs_second_factor(user):
                return self._redirect(request, "accounts:otp_verify")
        return self.get_response(request)

    @staticmethod
    def _redirect(request, url_name):
        url = reverse(url_name)
        # Come back to the page asked for; a form posted meanwhile is not replayed.
        if request.method in ("GET", "HEAD"):
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        return HttpResponseRedirect(url)
