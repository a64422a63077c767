"""The language switch: a plain link, not a form.

A POST form would need a CSRF token, and so a cookie, on every public page,
and a page with a per-visitor token cannot be shared from the cache. The link
`/language/?language=en&next=/plans/` sets the language cookie (a year) and
goes back; the page cache keys pages on that cookie (core.pagecache), so a
visitor who chose English gets English pages from the cache, and the choice
is kept on the next visit."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme


def switch_language(request):
    code = request.GET.get("language", "")
    next_url = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, code,
            max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    # The answer sets a cookie of this visitor: no cache may keep it.
    add_never_cache_headers(response)
    return response
