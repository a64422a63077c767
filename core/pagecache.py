"""Whole-page cache for anonymous readers of public pages.

A page is stored under a key that holds its namespace's generation number;
services call `invalidate(namespace)` after a commit that changes what the
pages show, which moves the generation on, so every stored page of that
namespace is bypassed at once (and expires on its own).

Pages carry a CSRF token (the language switch is a POST form). The stored copy
has a placeholder instead; each reader gets their own token, so a cached page
never shares one visitor's token with another.

A page is keyed on the query parameters it understands, in a fixed order; a
request carrying any other parameter (`?utm_source=…`) is redirected to the
same page without it, so nobody can fill the cache with copies of one page.

Only visitors without a session or messages cookie are served from the cache:
anyone signed in, or with a pending message, gets a freshly rendered page. The
cache fails open: if Redis is down, the page is rendered as if uncached."""

import logging
import re
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.middleware.csrf import get_token
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

TIMEOUT = 600  # seconds; invalidation does the real work, this bounds staleness
_TOKEN_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_PLACEHOLDER = b"__portal_csrf_token__"
_PERSONAL_COOKIES = ("sessionid", "messages")


def _generation_key(namespace):
    return f"pagecache:{namespace}:generation"


def _generation(namespace):
    generation = cache.get(_generation_key(namespace))
    if generation is None:
        generation = 1
        cache.add(_generation_key(namespace), generation, None)
    return generation


# Every namespace a page is cached under (filled as the URLconfs are loaded).
_NAMESPACES = set()


def invalidate_all():
    """Make every cached page stale, e.g. when the header or footer that every
    page shows changes. Call it on commit."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - loads every URLconf, so every namespace is known
    for namespace in sorted(_NAMESPACES):
        invalidate(namespace)


def invalidate(namespace):
    """Make every cached page of `namespace` stale. Call it on commit."""
    try:
        cache.incr(_generation_key(namespace))
    except ValueError:  # not set yet: nothing is cached under it
        cache.add(_generation_key(namespace), 2, None)
    except Exception:  # noqa: BLE001 - a cache outage must not break a save
        logger.warning("page cache: could not invalidate %s", namespace, exc_info=True)


def _cacheable_request(request):
    if request.method != "GET" or request.user.is_authenticated:
        return False
    return not any(name in request.COOKIES for name in _PERSONAL_COOKIES)


def _canonical_query(request, params):
    """The query string with only `params`, sorted, or None when the request
    carries anything else."""
    if any(name not in params for name in request.GET):
        return None
    query = QueryDict(mutable=True)
    for name in sorted(request.GET):
        query.setlist(name, sorted(request.GET.getlist(name)))
    return query.urlencode()


def _without_unknown(request, params):
    query = QueryDict(mutable=True)
    for name in request.GET:
        if name in params:
            query.setlist(name, request.GET.getlist(name))
    encoded = query.urlencode()
    return request.path + (f"?{encoded}" if encoded else "")


def cache_public_page(namespace, params=()):
    """Decorator for a view function (or `as_view()` result). `params` names
    the query parameters the page understands (filters, `page`, `sort`)."""
    params = frozenset(params)
    _NAMESPACES.add(namespace)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            query = _canonical_query(request, params)
            if query is None:
                return HttpResponseRedirect(_without_unknown(request, params))
            try:
                key = (f"pagecache:{namespace}:{_generation(namespace)}:{get_language()}:"
                       f"{request.path}?{query}")
                stored = cache.get(key)
            except Exception:  # noqa: BLE001 - fail open
                logger.warning("page cache unavailable", exc_info=True)
                return view(request, *args, **kwargs)
            if stored is not None:
                content_type, body = stored
                response = HttpResponse(
                    body.replace(_PLACEHOLDER, get_token(request).encode()),
                    content_type=content_type,
                )
                response["X-Page-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if (response.status_code == 200 and not response.streaming
                    and response.get("Content-Type", "").startswith("text/html")
                    and not response.has_header("Content-Disposition")):
                body = _TOKEN_FIELD.sub(rb"\1" + _PLACEHOLDER + rb"\2", response.content)
                try:
                    cache.set(key, (response["Content-Type"], body), TIMEOUT)
                except Exception:  # noqa: BLE001
                    logger.warning("page cache: could not store %s", key, exc_info=True)
                response["X-Page-Cache"] = "miss"
            return response

        return wrapped

    return decorator
