"""Second factor (TOTP) views: verify a code after the password, set up an
authenticator, remove it. django-otp keeps the devices, checks the codes
(each code once; one step of clock drift either way) and throttles guessing."""

import base64
import io
import logging
from datetime import timedelta

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import FormView
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import permissions

log = logging.getLogger("accounts.otp")

DEVICE_NAME = "authenticator"


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the authenticator app"),
        help_text=_("Six digits; the app shows a new code every 30 seconds."),
        max_length=12,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "autofocus": True,
            "size": 8,
            "aria-describedby": "id_token_help",
        }),
    )

    def __init__(self, *args, device=None, **kwargs):
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not (token.isascii() and token.isdigit() and len(token) == 6):
            raise forms.ValidationError(_("Enter the six digits the app shows."), code="format")
        return token

    def clean(self):
        cleaned = super().clean()
        token = cleaned.get("token")
        if token is None or self.device is None:
            return cleaned
        # Locked, so that two tries at once cannot both pass (or dodge the
        # throttle); a wrong code's failure count is committed, not rolled back.
        with transaction.atomic():
            device = TOTPDevice.objects.select_for_update().get(pk=self.device.pk)
            allowed, info = device.verify_is_allowed()
            ok = allowed and device.verify_token(token)
        if not allowed:
            raise forms.ValidationError(_throttled_message(info), code="throttled")
        if not ok:
            log.warning("wrong TOTP code for user %s", device.user_id)
            raise forms.ValidationError(
                _("This code is not correct. Enter the code the app shows now; if it "
                  "keeps failing, check that the phone's clock is set automatically."),
                code="invalid",
            )
        self.device = device
        return cleaned


def _throttled_message(info):
    locked_until = (info or {}).get("locked_until") or timezone.now()
    seconds = max(1, int((locked_until - timezone.now()) / timedelta(seconds=1)) + 1)
    return ngettext(
        "Too many wrong codes. Wait %(seconds)d second and try again.",
        "Too many wrong codes. Wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


def confirmed_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


# Whether the signed-in user has a confirmed authenticator, kept in the session
# so that the gate costs no query on the requests of users without one. The
# code, set-up and remove pages refresh it from the database, so a device
# removed elsewhere (otp_reset, admin) is noticed at the next code prompt; an
# administrator is always checked against the database before being let in.
HAS_DEVICE_SESSION_KEY = "otp_has_device"
# Set by accounts.oidc when the identity provider asserted a second factor.
PROVIDER_SECOND_FACTOR_SESSION_KEY = "oidc_second_factor"


def remember_device(request, has_device=None):
    """Annotate request.user for accounts.permissions from the session (or
    from `has_device`, or from the database when the session does not know),
    with whether the identity provider asserted a second factor at this
    session's sign-in (accounts.oidc)."""
    session = request.session
    request.user._perm_provider_second_factor = bool(
        session.get(PROVIDER_SECOND_FACTOR_SESSION_KEY))
    if has_device is None:
        has_device = session.get(HAS_DEVICE_SESSION_KEY)
    if has_device is None:
        has_device = confirmed_device(request.user) is not None
    if session.get(HAS_DEVICE_SESSION_KEY) != has_device:
        session[HAS_DEVICE_SESSION_KEY] = has_device
    request.user._perm_otp_device = has_device
    return has_device


@receiver(user_logged_in)
def _forget_device_at_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session.pop(HAS_DEVICE_SESSION_KEY, None)
        # Asserted by the identity provider for one sign-in only (the single
        # sign-on view sets it again after its own login).
        request.session.pop(PROVIDER_SECOND_FACTOR_SESSION_KEY, None)


def qr_data_uri(text):
    """The QR code as an SVG data URI for an <img>: no inline style, so the
    strict CSP (img-src data:) allows it."""
    svg = io.BytesIO()
    segno.make(text, error="m").save(svg, kind="svg", scale=5, border=4, dark="#000",
                                     light="#fff", xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.getvalue()).decode()


def secret_text(device):
    """The key in base32, in groups of four, as authenticator apps accept it."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


class _OtpFormView(LoginRequiredMixin, FormView):
    form_class = TokenForm
    template_name = "registration/otp_form.html"
    title = ""
    submit_label = _("Continue")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "device": self.device}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=self.title, submit_label=self.submit_label, device=self.device,
            next=self.request.POST.get("next", self.request.GET.get("next", "")),
            **kwargs)

    def next_url(self, default):
        url = self.request.POST.get("next") or self.request.GET.get("next")
        if url and url_has_allowed_host_and_scheme(
                url, allowed_hosts={self.request.get_host()},
                require_https=self.request.is_secure()):
            return url
        return default

    def verified(self, device):
        """Mark the session as having passed the second factor, on a fresh key."""
        self.request.session.cycle_key()
        otp_login(self.request, device)


class VerifyView(_OtpFormView):
    """After the password: the code from the user's authenticator."""

    title = _("Two-step verification")
    submit_label = _("Verify")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.device = confirmed_device(request.user)
        remember_device(request, self.device is not None)
        if permissions.must_set_up_second_factor(request.user):
            return redirect("accounts:otp_setup")
        if not permissions.needs_second_factor(request.user):
            # Nothing to verify: already verified, or no authenticator.
            return redirect(self.next_url(reverse(settings.LOGIN_REDIRECT_URL)))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        self.verified(form.device)
        return redirect(self.next_url(reverse(settings.LOGIN_REDIRECT_URL)))


class SetupView(_OtpFormView):
    """A new authenticator: the secret as text and as a QR code; it counts only
    once the user typed a correct code from it."""

    title = _("Set up two-step verification")
    submit_label = _("Turn on")
    template_name = "registration/otp_setup.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        has_device = confirmed_device(request.user) is not None
        remember_device(request, has_device)
        if has_device:
            # One authenticator per user; a session that still owes a code
            # must not add a second one (the gate then asks for the code).
            messages.info(request, _("Two-step verification is already on."))
            return redirect("accounts:profile")
        self.device = (
            TOTPDevice.objects.devices_for_user(request.user, confirmed=False)
            .order_by("pk").first()
            or TOTPDevice.objects.create(user=request.user, name=DEVICE_NAME, confirmed=False)
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            secret=secret_text(self.device),
            qr_code=qr_data_uri(self.device.config_url),
            required=permissions.is_administrator(self.request.user),
            **kwargs)

    def form_valid(self, form):
        device = form.device
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        self.verified(device)
        remember_device(self.request, True)
        log.info("TOTP device confirmed for user %s", device.user_id)
        messages.success(self.request, _("Two-step verification is on. From now on the "
                                         "portal asks for a code after your password."))
        return redirect(self.next_url(reverse(settings.LOGIN_REDIRECT_URL)))


class RemoveView(_OtpFormView):
    """Turn the second factor off, with a current code (so that a borrowed,
    unlocked session cannot do it)."""

    title = _("Turn off two-step verification")
    submit_label = _("Turn off")
    template_name = "registration/otp_remove.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.device = confirmed_device(request.user)
        remember_device(request, self.device is not None)
        if self.device is None:
            messages.info(request, _("Two-step verification is not on."))
            return redirect("accounts:profile")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            required=permissions.is_administrator(self.request.user), **kwargs)

    def form_valid(self, form):
        user = self.request.user
        TOTPDevice.objects.filter(user=user).delete()
        self.request.session.pop(DEVICE_ID_SESSION_KEY, None)
        remember_device(self.request, False)
        log.info("TOTP devices removed by user %s", user.pk)
        if permissions.is_administrator(user):
            messages.info(self.request, _("The authenticator was removed. Administrators "
                                          "must use one: set up the new one now."))
            return redirect("accounts:otp_setup")
        messages.success(self.request, _("Two-step verification is off."))
        return redirect("accounts:profile")
