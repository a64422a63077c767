"""Cross-site request protection without a token, for anonymous public forms.

A form whose page is cached (core.pagecache) may carry no per-visitor CSRF
token: the page is the same for everyone and sets no cookie. Such a form
protects nothing a visitor holds (no session, no account: an anonymous
subscription that is confirmed by e-mail), so a token would only keep the
page out of the cache. What is still refused is a browser posting it from
another site: modern browsers say where a request comes from (`Sec-Fetch-Site`,
else `Origin`), and a POST another site made is answered with the CSRF
failure page (403), as Django's own check would. A request without either
header is no cross-site request from a browser (a script posts what it likes
anyway), so it goes on, as in Go's net/http CrossOriginProtection."""

from functools import wraps

from django.conf import settings
from django.middleware.csrf import REASON_BAD_ORIGIN, _get_failure_view
from django.views.decorators.csrf import csrf_exempt

_SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
_SAME_SITE_FETCH = ("same-origin", "none")


def same_origin(request):
    """Did the request come from a page of this site (or from no browser)?"""
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site:
        return fetch_site in _SAME_SITE_FETCH
    origin = request.META.get("HTTP_ORIGIN")
    if not origin:
        return True
    own = f"{'https' if request.is_secure() else 'http'}://{request.get_host()}"
    return origin == own or origin in getattr(settings, "CSRF_TRUSTED_ORIGINS", ())


def same_origin_form(view):
    """The view of an anonymous public form, without a CSRF token: a POST
    from another site is refused (403) before the view runs."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in _SAFE_METHODS and not same_origin(request):
            return _get_failure_view()(
                request, reason=REASON_BAD_ORIGIN % request.META.get("HTTP_ORIGIN", ""))
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)
