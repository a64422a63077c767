"""Staff single sign-on through the city's identity provider (OpenID Connect).

mozilla-django-oidc does the authorization code flow (state, nonce and PKCE
kept in the session, each state used once; the code exchanged at the token
endpoint; the ID token's signature checked against the provider's JWKS). This
module adds what the portal needs on top of it:

* configuration from the environment (config/settings/base.py), the
  endpoints read from the issuer's discovery document when first needed;
  nothing configured = the feature is off (its pages answer 404, the sign-in
  page shows no button, the backend authenticates nobody);
* the ID token's issuer, audience (our client id; `azp` when there are
  several), expiry and issue time are checked, which the library leaves out;
* a user is matched by e-mail (case-insensitive) or created without any role
  (accounts.services); an address the provider says is not verified is
  refused, and so is an address two accounts share;
* the second factor: when the ID token's `amr` names one of
  settings.OIDC_MFA_AMR, the session counts as having passed it
  (accounts.permissions), so an administrator is not asked for the portal's
  own TOTP code; otherwise the portal asks for it as after a password;
* a refused sign-in (wrong audience, expired token, replayed state, the
  provider down or saying no) ends on the sign-in page with a message and is
  logged, never with an error page.
"""

import hashlib
import logging

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    get_next_url,
)

from . import services
from .otp import PROVIDER_SECOND_FACTOR_SESSION_KEY

log = logging.getLogger("accounts.oidc")


DISCOVERY_CACHE_SECONDS = 3600


def enabled():
    """Single sign-on is configured: an issuer and a client id."""
    return bool(settings.OIDC_OP_ISSUER and settings.OIDC_RP_CLIENT_ID)


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read or does not fit."""


def _discovery_url():
    return (settings.OIDC_OP_DISCOVERY_URL
            or settings.OIDC_OP_ISSUER.rstrip("/") + "/.well-known/openid-configuration")


def _discovery():
    url = _discovery_url()
    key = "oidc-discovery:" + hashlib.sha256(url.encode()).hexdigest()[:32]
    document = cache.get(key)
    if document is None:
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise ProviderUnavailable(f"discovery document {url}: {error}") from error
        # OpenID Connect Discovery 1.0, 4.3: the issuer must be the one asked.
        if str(document.get("issuer", "")).rstrip("/") != settings.OIDC_OP_ISSUER.rstrip("/"):
            raise ProviderUnavailable(
                f"discovery document {url} names the issuer {document.get('issuer')!r}, "
                f"not {settings.OIDC_OP_ISSUER!r}")
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


_ENDPOINTS = {
    # setting: key of the discovery document
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def endpoint(setting):
    """An endpoint of the provider: set explicitly, or from discovery."""
    value = getattr(settings, setting, "")
    if value:
        return value
    value = _discovery().get(_ENDPOINTS[setting])
    if not value:
        raise ProviderUnavailable(f"the discovery document has no {_ENDPOINTS[setting]}")
    return value


def second_factor_asserted(claims):
    """The ID token's `amr` (a list of strings, RFC 8176; a single string is
    accepted too) names a method of settings.OIDC_MFA_AMR."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    accepted = {value.lower() for value in settings.OIDC_MFA_AMR}
    return any(isinstance(value, str) and value.lower() in accepted for value in amr)


class PortalOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with the checks and the user matching of
    the portal. Inert when single sign-on is not configured."""

    def __init__(self, *args, **kwargs):
        # The library reads every setting here; the portal reads them when a
        # sign-in happens, so that an unconfigured portal never touches them.
        self.UserModel = get_user_model()

    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)
    OIDC_RP_IDP_SIGN_KEY = None
    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: endpoint("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: endpoint("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: endpoint("OIDC_OP_JWKS_ENDPOINT"))

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce: a password sign-in with a
        # `code` in its address never reaches the provider.
        if not enabled() or request is None or "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        """The signature (with the one algorithm configured), and the claims
        the library does not check: issuer, audience, expiry, issue time."""
        try:
            header = jwt.get_unverified_header(payload)
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"ID token unreadable: {error}") from error
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token signed with {header.get('alg')!r}, "
                                      f"not {self.OIDC_RP_SIGN_ALGO!r}")
        try:
            claims = jwt.decode(
                payload, key, algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID, issuer=self._issuer(),
                leeway=settings.OIDC_LEEWAY,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"ID token refused: {error}") from error
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token for several audiences without our azp")
        return claims

    @staticmethod
    def _issuer():
        """The issuer exactly as the discovery document spells it (Entra ID's
        v1.0 one ends in a slash), or as configured when every endpoint is
        set by hand and no discovery document is read."""
        if all(getattr(settings, name, "") for name in _ENDPOINTS):
            return settings.OIDC_OP_ISSUER
        return str(_discovery()["issuer"])

    def verify_claims(self, claims):
        """An e-mail address to match by, and not one the provider says it
        has not verified (matching by it would hand over that account)."""
        return bool(claims.get("email")) and claims.get("email_verified", True) is not False

    def get_or_create_user(self, access_token, id_token, payload):
        user_info = self.get_userinfo(access_token, id_token, payload)
        # OpenID Connect Core 5.3.2: the UserInfo response is about the same
        # subject as the ID token, or it is not used.
        if str(user_info.get("sub")) != str(payload.get("sub")):
            raise SuspiciousOperation("UserInfo sub differs from the ID token's sub")
        # The (verified) ID token's claims where UserInfo has none: AD FS
        # answers UserInfo with `sub` alone and puts the e-mail address in
        # the ID token.
        user_info = {**payload, **user_info}
        if not self.verify_claims(user_info):
            raise SuspiciousOperation("no verified e-mail address in the provider's claims")
        users = list(self.filter_users_by_claims(user_info)[:2])
        if len(users) > 1:
            raise SuspiciousOperation("two accounts share the e-mail address "
                                      f"{user_info.get('email')!r}")
        if users:
            user = users[0]
        else:
            try:
                user = services.user_create_from_provider(claims=user_info,
                                                          issuer=self._issuer())
            except ValidationError as error:
                raise SuspiciousOperation(f"the provider's claims do not make an account: "
                                          f"{error.messages}") from error
            except IntegrityError as error:
                # Two first sign-ins at once: the other one created the account.
                user = self.filter_users_by_claims(user_info).first()
                if user is None:
                    raise SuspiciousOperation(f"account not created: {error}") from error
        # Read by the callback view after the login.
        user._oidc_id_claims = payload
        return user


class SignInView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's authorization endpoint (a plain
    link from the sign-in page, so the CSP's form-action is not involved)."""

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        if not enabled():
            raise Http404
        if request.user.is_authenticated:
            return HttpResponseRedirect(get_next_url(request, "next")
                                        or resolve_url(settings.LOGIN_REDIRECT_URL))
        try:
            self.OIDC_OP_AUTH_ENDPOINT = endpoint("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderUnavailable as error:
            log.error("single sign-on: the provider is unavailable: %s", error)
            return sign_in_failed(request, unavailable=True)
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back (the redirect URI to
    register: https://PORTAL/accounts/oidc/callback/)."""

    def get(self, request):
        if not enabled():
            raise Http404
        try:
            return super().get(request)
        except (SuspiciousOperation, jwt.PyJWTError, KeyError) as error:
            # KeyError: a token without `kid` or a JWKS without keys.
            log.warning("single sign-on refused: %s: %s", type(error).__name__, error)
        except (ProviderUnavailable, ImproperlyConfigured, requests.RequestException,
                ValueError) as error:
            log.error("single sign-on failed: the provider is unavailable: %s", error)
            return sign_in_failed(request, unavailable=True)
        return sign_in_failed(request)

    def login_failure(self):
        if self.request.GET.get("error"):
            log.warning("single sign-on: the provider answered %s (%s)",
                        self.request.GET.get("error")[:100],
                        self.request.GET.get("error_description", "")[:300])
        else:
            log.warning("single sign-on refused (no user, inactive, or no state)")
        return sign_in_failed(self.request)

    def login_success(self):
        response = super().login_success()
        claims = getattr(self.user, "_oidc_id_claims", {})
        asserted = second_factor_asserted(claims)
        session = self.request.session
        session[PROVIDER_SECOND_FACTOR_SESSION_KEY] = asserted
        services.user_provider_sign_in_record(actor=self.user, second_factor=asserted,
                                              amr=claims.get("amr"))
        log.info("single sign-on of user %s (amr %s; second factor %s)", self.user.pk,
                 claims.get("amr"), "asserted" if asserted else "not asserted")
        return response


def sign_in_failed(request, unavailable=False):
    if unavailable:
        messages.error(request, _("Signing in with the city account is not available now. "
                                  "Try again later, or sign in with a user name and password."))
    else:
        messages.error(request, _("Signing in with the city account did not succeed. Try "
                                  "again; if it keeps failing, ask the portal's administrator."))
    url = reverse(settings.LOGIN_URL)
    next_url = request.session.get("oidc_login_next") if hasattr(request, "session") else None
    if next_url:
        url += "?" + urlencode({"next": next_url})
    return HttpResponseRedirect(url)
