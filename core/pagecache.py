"""Whole-page cache for anonymous readers of public pages.

How a request goes:

* `PageCacheMiddleware` stands right after WhiteNoise. A GET from a visitor
  with no session and no messages cookie (an anonymous reader) is looked up
  in Redis with one MGET of the page's entry and the cache's generation; an
  entry of the current generation is answered at once (`304` when the
  browser or proxy already holds its ETag). Each process also keeps the
  pages it answered or stored lately (`PAGE_CACHE_LOCAL_BYTES`, 32 MiB; 0
  turns it off): for one of those only the generation is needed, and the
  copy is answered while it is still the current generation - the same rule
  as for Redis' copy, so it is never staler. The process holds the
  generation too, for as long as Redis promises to tell it of any change
  (core.keywatch): a hit of a held page then reads nothing from Redis.
  Sessions, locale, CSRF, auth, OTP, messages and CSP never run for a hit;
  the headers they would have added (CSP, X-Frame-Options,
  Content-Language, Vary, ...) are stored with the page and sent again.
* Otherwise the request goes on. The view decorator `cache_public_page`
  marks the response of a public page as shareable when the page was asked
  for with parameters it understands and valid values; the middleware stores
  it on the way back only if nothing personal got into it: no cookie set (so
  no CSRF token: public pages have no POST form), no signed-in user, no
  message, the language it was looked up under, no CSP nonce.
* A stored page says `Cache-Control: public, max-age=…, s-maxage=…`, `Vary:
  Cookie` and its ETag, so a reverse proxy in front of the portal may keep it
  too (docs/deployment.md).

The key is the language (from the language cookie, exactly as the portal
picks it), the path and the query string with its parameters sorted. A query
with a parameter the page does not know is redirected to the page without it;
free-text search parameters and invalid values (an unknown filter choice,
`?page=` past the end, a sort by a column that cannot be sorted) are rendered
but never stored, so the number of keys of a page is bounded by its real
variants: nobody can fill Redis with made-up query strings.

Invalidation: one generation for all pages. A stored entry carries the
generation it was rendered under, read *before* the view read the database;
it is served only while that is still the current generation. A change moves
the generation to a new value (time-based with random low digits, never one
used before), when it happens and again when its transaction commits (within
one transaction, "when it happens" once, and again only after this process
stored a page: `invalidate_on_commit`). If Redis evicts the generation key,
the next reader seeds a new, never-used value too, so no entry stored before
the eviction can ever match again: a page older than the last change is
never served (an `incr` from 1 would reuse old numbers). Changes are noticed
through the models' save, delete and m2m signals of the portal's apps,
through every audit record (services that write with `update()` or bulk
operations audit them), and through explicit `invalidate()` calls.
`PAGE_CACHE_TIMEOUT` bounds how long an entry lives.

The cache fails open: if Redis is down, pages are rendered as if uncached."""

import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified, HttpResponseRedirect, QueryDict
from django.utils.cache import patch_vary_headers

from core import keywatch

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
_PAGE_PREFIX = "pagecache:page:"
# Headers the inner middleware add to a page, sent again with a hit (the
# outer ones - request id, HSTS, nosniff, referrer policy - run for hits too).
_STORED_HEADERS = ("Content-Type", "Content-Language", "Content-Security-Policy",
                   "Content-Security-Policy-Report-Only", "X-Frame-Options",
                   "Permissions-Policy", "Cross-Origin-Resource-Policy", "Vary")


def _setting(name, default):
    return getattr(settings, name, default)


def timeout():
    return _setting("PAGE_CACHE_TIMEOUT", 600)


def cache_control():
    return (f"public, max-age={_setting('PAGE_CACHE_MAX_AGE', 0)}, "
            f"s-maxage={_setting('PAGE_CACHE_SHARED_MAX_AGE', 60)}")


# --- Generation -------------------------------------------------------------------------


def _new_generation():
    """Microseconds since the epoch with three random digits: later than any
    generation made before (on a machine with a sane clock) and never equal
    to one, even when two processes make one in the same microsecond."""
    return time.time_ns() // 1000 * 1000 + secrets.randbelow(1000)


def _seed():
    fresh = _new_generation()
    if cache.add(GENERATION_KEY, fresh, None):
        return fresh
    # Another process seeded it first. Should it be gone again already, the
    # fresh value is as good: it matches no stored page.
    return cache.get(GENERATION_KEY) or fresh


def _generation(namespace=None):
    """The current generation. `namespace` is accepted for older callers:
    every public page shows the city's header and links across the apps, so
    all pages share one generation."""
    generation = cache.get(GENERATION_KEY)
    return _seed() if generation is None else generation


def invalidate(namespace=None):
    """Make every cached page stale. Never raises: a cache outage must not
    break a save (the stored pages then expire after PAGE_CACHE_TIMEOUT)."""
    watch = generation_watch()
    try:
        # A value never used before (ordered by time only for people reading it).
        cache.set(GENERATION_KEY, _new_generation(), None)
    except Exception:  # noqa: BLE001
        logger.warning("page cache: could not invalidate (%s)", namespace or "all",
                       exc_info=True)
    finally:
        if watch is not None:
            # This process reads the new value next, whether or not its own
            # invalidation push has come in yet.
            watch.forget()


_watches = {}


def generation_watch():
    """The process's KeyWatch of the generation (core.keywatch), or None: with
    `PAGE_CACHE_WATCH_GENERATION` off, or a cache that is not one Redis server."""
    if not _setting("PAGE_CACHE_WATCH_GENERATION", True):
        return None
    # One per cache object: Django makes one per thread (and anew when the
    # settings change); a watch keeps its cache object, so an id is never reused.
    backend = caches["default"]
    watch = _watches.get(id(backend), False)
    if watch is False:
        watch = _watches[id(backend)] = keywatch.watch_for(backend, GENERATION_KEY)
    return watch


def _held_generation():
    watch = generation_watch()
    return watch.held() if watch is not None else None


def _read_generation(*keys):
    """The generation from Redis, then held by this process's watch, with the
    entries of `keys` read in the same round trip: (generation, {key: entry})."""
    watch = generation_watch()
    ticket = watch.ticket() if watch is not None else None
    if keys:
        found = cache.get_many([GENERATION_KEY, *keys])
        generation = found.pop(GENERATION_KEY, None)
    else:
        found, generation = {}, cache.get(GENERATION_KEY)
    if watch is not None:
        watch.learn(generation, ticket)
    return generation, found


def invalidate_all():
    invalidate()


def invalidate_on_commit(using=None):
    """For a change being written: stale now, and stale again when its
    transaction commits (a page rendered in between, from the data before
    the commit, is then not served either).

    Within one transaction, "stale now" is needed again only once this
    process has stored a page since: only the writer's own connection sees
    the uncommitted rows, and every other reader's copy goes at the commit.
    So a transaction of a thousand saves moves the generation twice, not a
    thousand times (each move is a round trip to Redis and a push to every
    process watching the key)."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        invalidate()
        return
    hooks = connection.run_on_commit
    # Django gives the connection a new list at a commit, a rollback or a
    # savepoint's rollback, so the same list means the same transaction (the
    # mark holds it, so its id cannot pass to another list meanwhile).
    mark = getattr(connection, "_pagecache_mark", None)
    same_transaction = mark is not None and mark[0] is hooks
    if same_transaction and mark[1] == _stored_pages:
        return
    invalidate()
    if not same_transaction and not any(
            func is invalidate for _sids, func, _robust in hooks):
        transaction.on_commit(invalidate, using=using)
    connection._pagecache_mark = (connection.run_on_commit, _stored_pages)


def model_changes_pages(model):
    """Does a change of a row of `model` change what a public page shows?"""
    meta = model._meta
    return (meta.app_label in _setting("PAGE_CACHE_APPS", ())
            and meta.label_lower not in _setting("PAGE_CACHE_IGNORED_MODELS", ()))


def _on_model_change(sender, **kwargs):
    if kwargs.get("raw"):  # loaddata
        return
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return
    if model_changes_pages(sender):
        invalidate_on_commit(kwargs.get("using"))


def connect_signals():
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_model_change, dispatch_uid=f"pagecache-{id(signal)}")


# --- The process's own copies -----------------------------------------------------------


class _LocalPages:
    """The pages this process answered or stored lately, least recently used
    first out, at most `PAGE_CACHE_LOCAL_BYTES` of bodies. An entry is the
    same tuple as in Redis, with the generation it was rendered under: it is
    answered only while that is the current generation."""

    def __init__(self):
        self._entries = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        limit = _setting("PAGE_CACHE_LOCAL_BYTES", 32 * 1024 * 1024)
        size = len(entry[3])
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old[3])
            if size > limit // 4:  # none may crowd the others out
                return
            self._entries[key] = entry
            self._bytes += size
            while self._bytes > limit:
                _key, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped[3])

    def clear(self):
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self):
        return len(self._entries)


local_pages = _LocalPages()


# --- The middleware ---------------------------------------------------------------------


class _Slot:
    __slots__ = ("key", "generation", "language")

    def __init__(self, key, generation, language):
        self.key, self.generation, self.language = key, generation, language


def _language(request):
    """The language the page will be rendered in, as the portal picks it (the
    language cookie, else the default; the browser's Accept-Language is
    ignored, core.middleware.CzechFirstMiddleware), or None when the cookie
    holds anything but an exact language code (not looked up)."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if code is None:
        return settings.LANGUAGE_CODE
    return code if code in dict(settings.LANGUAGES) else None


def _anonymous_get(request):
    if request.method != "GET" or "HTTP_AUTHORIZATION" in request.META:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return False
    return len(request.META.get("QUERY_STRING", "")) <= _setting("PAGE_CACHE_MAX_QUERY", 300)


def _page_key(request, language):
    query = ""
    if request.META.get("QUERY_STRING"):
        query = repr(sorted((name, sorted(values)) for name, values in request.GET.lists()))
    digest = hashlib.blake2b(f"{request.path}?{query}".encode(), digest_size=20).hexdigest()
    return f"{_PAGE_PREFIX}{language}:{digest}"


def _etag_matches(header, etag):
    if not header:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return etag in tags or "*" in tags


def _shared_headers(response, etag):
    response["ETag"] = etag
    response["Cache-Control"] = cache_control()


def _hit(request, entry):
    _generation_, etag, headers, body = entry
    if _etag_matches(request.META.get("HTTP_IF_NONE_MATCH"), etag):
        response = HttpResponseNotModified()
        for name, value in headers:
            if name == "Vary":
                response[name] = value
    else:
        response = HttpResponse(body)
        for name, value in headers:
            response[name] = value
        response["Content-Length"] = str(len(body))
    _shared_headers(response, etag)
    response["X-Page-Cache"] = "hit"
    return response


def _personal(request, response, language):
    """Why the rendered page may not be shared, or "" when it may."""
    if response.status_code != 200 or response.streaming:
        return "status"
    if not response.get("Content-Type", "").startswith("text/html"):
        return "content type"
    if response.cookies or response.has_header("Content-Disposition"):
        return "sets a cookie"
    if response.has_header("Cache-Control"):
        return "the view chose its own caching"
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return "user"
    storage = getattr(request, "_messages", None)
    if storage is not None and (storage._queued_messages or getattr(storage, "_loaded_data", None)):
        return "messages"
    if getattr(request, "LANGUAGE_CODE", None) != language:
        return "language"
    if "nonce-" in response.get("Content-Security-Policy", ""):
        return "CSP nonce"
    if len(response.content) > _setting("PAGE_CACHE_MAX_BYTES", 2 * 1024 * 1024):
        return "size"
    return ""


# Pages this process has stored: a change made after one of them must make
# the pages stale again, even in the same transaction (invalidate_on_commit).
_stored_pages = 0


def _store(slot, response):
    # The page depends on cookies (the language; a session is never stored),
    # not on Accept-Language, which the portal ignores: a proxy must not keep
    # a copy per browser language.
    vary = [v.strip() for v in response.get("Vary", "").split(",")
            if v.strip() and v.strip().lower() != "accept-language"]
    response["Vary"] = ", ".join(vary)
    patch_vary_headers(response, ("Cookie",))
    body = response.content
    etag = f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
    headers = tuple((name, response[name]) for name in _STORED_HEADERS if name in response)
    entry = (slot.generation, etag, headers, body)
    try:
        cache.set(slot.key, entry, timeout())
    except Exception:  # noqa: BLE001
        logger.warning("page cache: could not store %s", slot.key, exc_info=True)
        return
    global _stored_pages
    _stored_pages += 1
    local_pages.put(slot.key, entry)
    _shared_headers(response, etag)
    response["X-Page-Cache"] = "miss"


class PageCacheMiddleware:
    """Answers anonymous GETs of public pages from the cache; put it right
    after WhiteNoise in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = _language(request) if _anonymous_get(request) else None
        if language is None:
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES \
                    and not response.has_header("Cache-Control"):
                # A signed-in page is nobody else's: no shared cache may keep it.
                response["Cache-Control"] = "private"
            return response
        key = _page_key(request, language)
        try:
            entry = local_pages.get(key)
            # Nothing is read from Redis for a page this process holds while
            # it also holds the generation (core.keywatch); else the generation
            # only, or it and the page in one round trip.
            generation = _held_generation()
            if entry is not None:
                if generation is None:
                    generation, _found = _read_generation()
                if generation is not None and entry[0] == generation:
                    return _hit(request, entry)
                entry = cache.get(key) if generation is not None else None
            elif generation is not None:
                entry = cache.get(key)
            else:
                generation, found = _read_generation(key)
                entry = found.get(key)
            if entry is not None and entry[0] == generation:
                local_pages.put(key, entry)
                return _hit(request, entry)
            if generation is None:
                generation = _seed()
        except Exception:  # noqa: BLE001 - fail open
            logger.warning("page cache unavailable", exc_info=True)
            return self.get_response(request)
        slot = request.page_cache = _Slot(key, generation, language)
        response = self.get_response(request)
        if getattr(response, "page_cache_public", False):
            reason = _personal(request, response, language)
            if reason:
                logger.debug("page cache: not storing %s: %s", request.path, reason)
            else:
                _store(slot, response)
        return response


# --- The view decorator -----------------------------------------------------------------


def _without_unknown(request, params):
    query = QueryDict(mutable=True)
    for name in request.GET:
        if name in params:
            query.setlist(name, request.GET.getlist(name))
    encoded = query.urlencode()
    return request.path + (f"?{encoded}" if encoded else "")


def _page_number(context):
    table = context.get("table")
    page = getattr(table, "page", None) if table is not None else None
    if page is None:
        page = context.get("page_obj")
    return getattr(page, "number", None)


def _shareable(request, response, free_text):
    """Is this page one of the bounded variants of the page, fit to store?"""
    for name, values in request.GET.lists():
        if len(values) > 1 or (name in free_text and values[0].strip()):
            return False
    context = getattr(response, "context_data", None) or {}
    # A view that reads a parameter itself (no form) says so when its value
    # was not one it knows, and fell back to a default.
    if context.get("page_cache_unknown_value"):
        return False
    for value in context.values():
        if (getattr(value, "is_bound", False) and callable(getattr(value, "is_valid", None))
                and not value.is_valid()):
            return False
    if "page" in request.GET and str(_page_number(context)) != request.GET["page"]:
        return False
    if "sort" in request.GET:
        table = context.get("table")
        order_by = [str(name) for name in (getattr(table, "order_by", None) or ())]
        if request.GET["sort"] not in order_by:
            return False
    return True


def cache_public_page(namespace=None, params=(), free_text=()):
    """Decorator for the view of a public page. `params` names the query
    parameters the page understands (filters with a fixed set of values,
    `page`, `sort`, `export`), `free_text` those it understands but whose
    values are any text (a search): a page asked for with one of those is
    rendered but not stored. `namespace` is kept for older callers."""
    free_text = frozenset(free_text)
    params = frozenset(params) | free_text

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if getattr(request, "page_cache", None) is None:
                return view(request, *args, **kwargs)
            if any(name not in params for name in request.GET):
                return HttpResponseRedirect(_without_unknown(request, params))
            response = view(request, *args, **kwargs)
            if _shareable(request, response, free_text):
                response.page_cache_public = True
            return response

        return wrapped

    return decorator


def list_parameters(view_class, *extra):
    """(params, free_text) of a list view with a django-filter FilterSet:
    its filters (text filters are free text), `page`, `sort` and `export`."""
    import django_filters

    filterset_class = getattr(view_class, "filterset_class", None)
    filters = filterset_class.base_filters if filterset_class is not None else {}
    free_text = {name for name, field in filters.items()
                 if isinstance(field, django_filters.CharFilter)}
    return ({*filters, "page", "sort", "export", *extra}, free_text)


def cache_public_list(view_class, *extra, **initkwargs):
    """`view_class.as_view()` of a public list page, cached."""
    params, free_text = list_parameters(view_class, *extra)
    return cache_public_page(params=params, free_text=free_text)(
        view_class.as_view(**initkwargs))
