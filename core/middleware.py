import functools
import ipaddress
import logging
import re
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.html import escape
from django.utils.translation import gettext as _

_request_id: ContextVar[str] = ContextVar("request_id", default="-")
_client_ip: ContextVar[str] = ContextVar("client_ip", default="-")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Tags every request (and every log line it writes) with an id, taken from
    the proxy's X-Request-ID when it is well-formed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        ip_token = _client_ip.set(client_ip(request) or "-")
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
            _client_ip.reset(ip_token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record):
        record.request_id = _request_id.get()
        record.client_ip = _client_ip.get()
        return True


# Headers Django does not set by itself.
SECURITY_HEADERS = {
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def add_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.setdefault(name, value)
    return response


class SecurityHeadersMiddleware:
    """SECURITY_HEADERS on every response that passes the whole stack."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return add_security_headers(self.get_response(request))


class RequestSizeLimitMiddleware:
    """Refuses a body longer than settings.MAX_REQUEST_BODY_BYTES by its
    Content-Length, before Django parses it (an anonymous 300 MB POST would
    otherwise be written to /tmp before CSRF rejects it). Without a
    Content-Length Django reads no body at all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BODY_BYTES:
            return _too_large_response(settings.MAX_REQUEST_BODY_BYTES)
        return self.get_response(request)


def _too_large_response(limit):
    # Plain and self-contained: no session, user or template is ready yet.
    title = _("The request is too large")
    text = _("The portal accepts at most %(max)s in one request. Choose a smaller file.") % {
        "max": filesizeformat(limit)}
    body = (f'<!DOCTYPE html><html lang="cs"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title></head><body><h1>{escape(title)}</h1>"
            f"<p>{escape(text)}</p></body></html>")
    response = HttpResponse(body, status=413, content_type="text/html; charset=utf-8")
    response["Connection"] = "close"
    return response


def _networks(cidrs):
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr.strip())


@functools.lru_cache(maxsize=8)
def _trusted_networks(cidrs: tuple[str, ...]):
    return _networks(cidrs)


def _address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(request):
    """The client's address, the one function the login lock, the throttles
    and the logs use.

    `X-Forwarded-For` is believed only when the request came from a proxy in
    settings.TRUSTED_PROXIES (CIDRs, default none): then the entries are read
    from the right, skipping further trusted proxies, and the first address
    outside them is the client. Anything a client writes into the header
    itself lies to the left of that and is never used."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = _trusted_networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not trusted:
        return remote

    def is_trusted(address):
        return address is not None and any(address in network for network in trusted)

    if not is_trusted(_address(remote)):
        return remote
    client = remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for entry in reversed([e for e in (part.strip() for part in forwarded) if e]):
        address = _address(entry)
        if address is None:
            # A malformed hop: the last address a trusted proxy vouched for stands.
            return client
        client = str(address)
        if not is_trusted(address):
            return client
    return client


class CzechFirstMiddleware:
    """Czech unless the visitor chose otherwise with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a
    Czech officer with an English browser would get English. The choice is
    kept in the language cookie instead; this middleware must run before
    LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)

