"""The whole-page cache of public pages (core.pagecache): answered before
sessions, CSRF and auth, shared by no one it should not be, never stale, and
not to be filled with made-up query strings."""

import threading
import time
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse

from core import keywatch, pagecache
from core.cache import breaker
from directory.models import AccessibilityRequest
from meetings.models import MinutesStatus
from notifications.models import Subscription
from tests.directory.factories import OrganisationFactory, WorkingGroupFactory
from tests.indicators.factories import IndicatorFactory
from tests.meetings.factories import MeetingFactory
from tests.network.factories import make_indicator, make_service
from tests.planning.factories import PlanFactory, PlanItemFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _page_keys():
    return [k for k in cache._cache.get_client().keys("*pagecache:page:*")]


@pytest.fixture
def public_pages():
    """One URL of every kind of public page, with something on it."""
    organisation = OrganisationFactory(name="Charita Testov")
    group = WorkingGroupFactory()
    plan = PlanFactory(status="in_force")
    item = PlanItemFactory.measure(plan, implementers=[organisation])
    indicator = IndicatorFactory(plans=[plan])
    meeting = MeetingFactory(body=group, minutes_status=MinutesStatus.PUBLISHED)
    project = ProjectFactory()
    return [
        reverse("core:home"), reverse("core:data_catalogue"),
        reverse("planning:plan_list"), plan.get_absolute_url(),
        reverse("planning:plan_detail", args=[plan.code]) + "?status=in_progress",
        reverse("planning:plan_item_detail", args=[plan.code, item.pk]),
        reverse("directory:group_list"), reverse("directory:group_detail", args=[group.code]),
        reverse("directory:organisation_list"), reverse("directory:organisation_list") + "?page=1",
        reverse("directory:organisation_detail", args=[organisation.pk]),
        reverse("meetings:list"), reverse("meetings:detail", args=[meeting.pk]),
        reverse("meetings:events"),
        reverse("projects:list"), reverse("projects:project_totals"),
        reverse("projects:project_detail", args=[project.pk]),
        reverse("indicators:list"), indicator.get_absolute_url(),
        reverse("reports:list"),
    ]


def test_every_public_page_is_cached_without_cookie_and_says_public(client, public_pages):
    for url in public_pages:
        first = client.get(url)
        assert first.status_code == 200, url
        assert not first.cookies, (url, first.cookies)
        assert "Set-Cookie" not in first.headers, url
        assert b"csrfmiddlewaretoken" not in first.content, url
        assert first["X-Page-Cache"] == "miss", url
        assert first["Cache-Control"] == "public, max-age=0, s-maxage=60", url
        assert first["ETag"].startswith('"'), url
        assert "Cookie" in first["Vary"], url
        second = client.get(url)
        assert second["X-Page-Cache"] == "hit", url
        assert second.content == first.content, url
        assert second["ETag"] == first["ETag"], url
        assert second["Cache-Control"] == first["Cache-Control"], url
        assert not second.cookies, url
    assert len(_page_keys()) == len(public_pages)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.token = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "input" and attrs.get("name") == "csrfmiddlewaretoken":
            self.token = True


def _crawl(client, limit=400):
    """Every page a visitor reaches from `/` by links (as bench.loadwalk
    walks them: same site, no query but `?page=`), with its first answer."""
    queue, seen, pages = ["/"], {"/"}, {}
    while queue and len(pages) < limit:
        path = queue.pop(0)
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        pages[path] = response
        parser = _Links()
        parser.feed(response.content.decode())
        response.csrf_token_in_page = parser.token
        for href in parser.links:
            parts = urlsplit(urljoin("http://testserver" + path, href))
            if parts.netloc != "testserver" or parts.path.startswith(
                    ("/static/", "/media/", "/admin/", "/accounts/", "/i18n/", "/data/")) \
                    or "." in parts.path.rsplit("/", 1)[-1]:
                continue
            if parts.query and {name for name, _ in parse_qsl(parts.query)} != {"page"}:
                continue
            found = parts.path + (f"?{parts.query}" if parts.query else "")
            if found not in seen:
                seen.add(found)
                queue.append(found)
    return pages


def test_every_page_a_visitor_reaches_by_links_is_cached(client):
    """Every public page the load walk crawls, the pages of apps added later
    included: stored on the first request, a hit on the second, no cookie,
    `Cache-Control: public`. No public page carries a per-visitor CSRF token:
    the subscription and accessibility request forms go without (core.origin)."""
    organisation = OrganisationFactory(name="Charita Testov")
    group = WorkingGroupFactory()
    plan = PlanFactory(status="in_force")
    PlanItemFactory.measure(plan, implementers=[organisation])
    IndicatorFactory(plans=[plan])
    MeetingFactory(body=group, minutes_status=MinutesStatus.PUBLISHED)
    ProjectFactory()
    make_service(provider=organisation)
    make_indicator()
    pages = _crawl(client)
    assert len(pages) > 30
    for kind in ("/network/development/", "/network/indicators/", "/network/table/",
                 "/notifications/subscribe/", "/groups/", "/plans/", "/projects/",
                 "/indicators/", "/meetings/", "/organisations/"):
        assert any(path.startswith(kind) for path in pages), kind
    assert "/accessibility/request/" in pages
    assert [path for path, first in pages.items() if first.csrf_token_in_page] == []
    for path, first in pages.items():
        assert not first.cookies, (path, first.cookies)
        assert first["X-Page-Cache"] == "miss", path
        assert first["Cache-Control"].startswith("public, "), path
        assert client.get(path)["X-Page-Cache"] == "hit", path


def _cross_site_refused_same_site_sent(client, url, data):
    page = client.get(url)
    assert page["X-Page-Cache"] == "miss" and b"csrfmiddlewaretoken" not in page.content
    for headers in ({"Origin": "https://attacker.example"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site", "Origin": "http://testserver"}):
        refused = client.post(url, data, headers=headers)
        assert refused.status_code == 403, headers
    return client.post(url, data, headers={"Origin": "http://testserver",
                                           "Sec-Fetch-Site": "same-origin"})


def test_the_tokenless_subscription_form_refuses_a_post_from_another_site(client):
    group = WorkingGroupFactory()
    url = reverse("notifications:subscribe", args=["working_group", group.pk])
    data = {"email": "obcan@example.org", "frequency": "daily", "consent": "on"}
    sent = _cross_site_refused_same_site_sent(client, url, data)
    assert sent.status_code == 302 and Subscription.objects.count() == 1


def test_the_tokenless_accessibility_request_refuses_a_post_from_another_site(client):
    url = reverse("directory:accessibility_request")
    data = {"text": "Graf na stránce ukazatele nemá textový popis.", "page": "/indicators/"}
    about_a_page = client.get(f"{url}?page=/plans/")
    assert 'value="/plans/"' in about_a_page.content.decode()
    assert "X-Page-Cache" not in about_a_page and not about_a_page.cookies
    sent = _cross_site_refused_same_site_sent(client, url, data)
    assert sent.status_code == 302 and AccessibilityRequest.objects.count() == 1


def test_a_year_the_page_does_not_know_is_answered_but_not_stored(client):
    for url in ("/network/development/?year=abc", "/network/development/?year=1900",
                "/network/evaluation/?year=x", "/network/development/?year=02024"):
        assert client.get(url).status_code == 200
        assert "X-Page-Cache" not in client.get(url), url
    assert _page_keys() == []
    assert client.get("/network/development/?year=2024")["X-Page-Cache"] == "miss"


def test_a_hit_touches_neither_database_nor_session(client, django_assert_num_queries):
    OrganisationFactory(name="Charita Testov")
    url = reverse("directory:organisation_list")
    fresh = client.get(url)
    with django_assert_num_queries(0):
        hit = client.get(url)
    assert hit["X-Page-Cache"] == "hit"
    assert "Charita Testov" in hit.text
    # Answered before SessionMiddleware and AuthenticationMiddleware ran.
    assert not hasattr(hit.wsgi_request, "session")
    assert not hasattr(hit.wsgi_request, "user")
    # The headers of the middleware it skipped are the stored page's.
    for name in ("Content-Security-Policy", "X-Frame-Options", "Content-Language",
                 "Content-Type", "Permissions-Policy"):
        assert hit[name] == fresh[name], name
    # The strict CSP has no nonce: a cached page carries no per-visitor token.
    assert "nonce-" not in hit["Content-Security-Policy"]
    assert hit["Content-Length"] == str(len(hit.content))
    # Kept per language cookie, not per browser language (which the portal ignores).
    assert hit["Vary"] == "Cookie"


def test_if_none_match_gets_304(client):
    url = reverse("directory:organisation_list")
    etag = client.get(url)["ETag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"].startswith("public")
    other = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_a_signed_in_reader_never_gets_nor_stores_the_cached_page(client, officer):
    url = reverse("directory:organisation_list")
    assert client.get(url)["X-Page-Cache"] == "miss"
    client.force_login(officer)
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
        assert str(officer) in response.text
        assert response["Cache-Control"] == "private"
    # Nor does a signed-in reader fill the cache for others.
    cache.clear()
    client.get(url)
    client.logout()
    anonymous = client.get(url)
    assert anonymous["X-Page-Cache"] == "miss"
    assert str(officer) not in anonymous.text


def test_a_stale_session_cookie_is_not_served_from_the_cache(client):
    url = reverse("directory:organisation_list")
    client.get(url)
    client.cookies["sessionid"] = "not-a-session"
    response = client.get(url)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response


def test_a_message_never_gets_into_a_cached_page(client):
    url = reverse("directory:organisation_list")
    storage = CookieStorage(HttpRequest())
    client.cookies[CookieStorage.cookie_name] = storage._encode(
        [Message(constants.SUCCESS, "A note for one visitor")])
    mine = client.get(url)
    assert "A note for one visitor" in mine.text
    assert "X-Page-Cache" not in mine
    del client.cookies[CookieStorage.cookie_name]
    theirs = client.get(url)
    assert theirs["X-Page-Cache"] == "miss"
    assert "A note for one visitor" not in theirs.text
    assert _page_keys()


def test_unknown_parameters_are_redirected_not_cached(client):
    IndicatorFactory(plans=[PlanFactory(status="in_force")])
    url = reverse("indicators:list")
    for n in range(30):
        response = client.get(url, {"utm": n})
        assert response.status_code == 302
        assert response["Location"] == url
    client.get(url)
    assert len(_page_keys()) == 1


def test_known_parameters_keep_theirs_and_order_does_not_matter(client):
    IndicatorFactory(plans=[PlanFactory(status="in_force")])
    url = reverse("indicators:list")
    response = client.get(url + "?status=no_data&utm_source=x&kind=global")
    assert response.status_code == 302
    assert response["Location"] == url + "?status=no_data&kind=global"
    assert client.get(url + "?status=no_data&kind=global")["X-Page-Cache"] == "miss"
    assert client.get(url + "?kind=global&status=no_data")["X-Page-Cache"] == "hit"
    assert len(_page_keys()) == 1


@pytest.mark.parametrize("query", [
    "?q=anything", "?q=else",            # free text: any value
    "?kind=no-such-kind",                # not a choice
    "?page=999", "?page=01", "?page=x",  # past the end, not canonical, not a number
    "?sort=no_such_column",              # not a column
    "?kind=ngo&kind=city",               # twice
])
def test_made_up_values_are_answered_but_never_stored(client, query):
    OrganisationFactory()
    url = reverse("directory:organisation_list") + query
    for _ in range(2):
        response = client.get(url)
        assert response.status_code in (200, 404)
        assert "X-Page-Cache" not in response
    assert _page_keys() == []


def test_a_real_filter_sort_and_page_are_stored(client):
    OrganisationFactory()
    base = reverse("directory:organisation_list")
    for query in ("?kind=ngo", "?sort=name", "?sort=-name", "?page=1"):
        assert client.get(base + query)["X-Page-Cache"] == "miss", query
        assert client.get(base + query)["X-Page-Cache"] == "hit", query
    assert len(_page_keys()) == 4


def test_a_detail_page_understands_no_parameters(client):
    indicator = IndicatorFactory(plans=[PlanFactory(status="in_force")])
    url = indicator.get_absolute_url()
    assert client.get(url + "?x=1")["Location"] == url
    assert client.get(url).status_code == 200


def test_signed_in_readers_are_never_redirected(client, officer):
    client.force_login(officer)
    assert client.get(reverse("indicators:list") + "?utm=1").status_code == 200


# --- Invalidation -----------------------------------------------------------------------


def test_a_change_shows_on_the_next_request(client):
    organisation = OrganisationFactory(name="Charita Testov")
    url = reverse("directory:organisation_detail", args=[organisation.pk])
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    organisation.name = "Diakonie Testov"
    organisation.save()
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Diakonie Testov" in response.text
    # The home page (another app's page) is stale too.
    assert "Diakonie Testov" in client.get(reverse("directory:organisation_list")).text


def test_an_evicted_generation_never_brings_back_a_stale_page(client):
    """The old scheme counted generations with incr() from 1: when Redis evicted
    the counter it started again at 1, and a page stored under an old number
    was served again. Here a page is stored, the data change, Redis evicts the
    generation key (but not the page), and the old page must not come back -
    however often that happens."""
    organisation = OrganisationFactory(name="Name 0")
    url = reverse("directory:organisation_detail", args=[organisation.pk])
    for n in range(1, 6):
        assert f"Name {n - 1}" in client.get(url).text
        assert client.get(url)["X-Page-Cache"] == "hit"
        organisation.name = f"Name {n}"
        organisation.save()
        cache.delete(pagecache.GENERATION_KEY)  # evicted
        assert len(_page_keys()) == 1  # the stale page is still in Redis
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss"
        assert f"Name {n}" in response.text
        assert f"Name {n - 1}<" not in response.text


def test_a_generation_is_never_used_twice():
    seen = set()
    for _ in range(200):
        cache.delete(pagecache.GENERATION_KEY)
        seen.add(pagecache._generation())
        pagecache.invalidate()
        seen.add(pagecache._generation())
    assert len(seen) == 400


class _Calls(list):
    func = None


@pytest.fixture
def invalidations(monkeypatch):
    """The calls of pagecache.invalidate; `.func` is what on_commit holds."""
    calls = _Calls()
    real = pagecache.invalidate

    def counting(namespace=None):
        calls.append(namespace)
        real(namespace)

    monkeypatch.setattr(pagecache, "invalidate", counting)
    calls.func = counting
    return calls


# These three look at real transactions: the test's own would already hold
# the change of the city every test starts with (conftest._the_city).
@pytest.mark.django_db(transaction=True)
def test_a_transaction_moves_the_generation_once_and_once_more_on_commit(invalidations):
    from django.db import transaction

    with transaction.atomic():
        for _ in range(3):
            OrganisationFactory()
        assert len(invalidations) == 1  # at once, for this transaction's own readers
    assert len(invalidations) == 2  # and once more when it committed


@pytest.mark.django_db(transaction=True)
def test_a_change_after_a_page_was_stored_moves_it_again(client, invalidations):
    """A page rendered within the transaction saw its rows so far: the next
    change in the same transaction must make it stale (the end-to-end case is
    test_a_change_shows_on_the_next_request)."""
    from django.db import transaction

    with transaction.atomic():
        organisation = OrganisationFactory()
        url = reverse("directory:organisation_detail", args=[organisation.pk])
        assert client.get(url)["X-Page-Cache"] == "miss"
        assert client.get(url)["X-Page-Cache"] == "hit"
        assert len(invalidations) == 1
        organisation.name = "Diakonie Testov"
        organisation.save()
        OrganisationFactory()
        assert len(invalidations) == 2
        assert "Diakonie Testov" in client.get(url).text
    assert len(invalidations) == 3


@pytest.mark.django_db(transaction=True)
def test_a_savepoint_rolled_back_takes_its_mark_with_it(invalidations):
    from django.db import transaction

    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            OrganisationFactory()
            raise RuntimeError
        assert len(invalidations) == 1
        OrganisationFactory()  # its commit hook went with the savepoint: registered anew
        assert len(invalidations) == 2
    assert len(invalidations) == 3


def test_invalidate_survives_a_cache_outage(monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "set", broken)
    pagecache.invalidate()  # logs, does not raise


# --- Language ---------------------------------------------------------------------------


def test_the_language_switch_is_a_link_and_the_choice_is_kept(client):
    url = reverse("directory:organisation_list")
    czech = client.get(url)
    assert '<html lang="cs">' in czech.text
    switch = reverse("core:switch_language") + f"?language=en&amp;next={url}"
    assert switch in czech.text
    assert "<form class=\"lang-switch\"" not in czech.text

    response = client.get(reverse("core:switch_language"), {"language": "en", "next": url})
    assert response.status_code == 302
    assert response["Location"] == url
    assert response.cookies["django_language"].value == "en"
    assert "no-store" in response["Cache-Control"]

    english = client.get(url)
    assert '<html lang="en">' in english.text
    assert english["X-Page-Cache"] == "miss"
    assert not english.cookies
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert '<html lang="en">' in client.get(reverse("core:home")).text  # kept on other pages

    client.get(reverse("core:switch_language"), {"language": "cs", "next": url})
    again = client.get(url)
    assert '<html lang="cs">' in again.text
    assert again["X-Page-Cache"] == "hit"  # the Czech page stored before
    assert len(_page_keys()) == 3


def test_a_visitor_without_the_cookie_never_gets_the_english_page(client):
    url = reverse("directory:organisation_list")
    client.cookies["django_language"] = "en"
    assert '<html lang="en">' in client.get(url).text
    del client.cookies["django_language"]
    response = client.get(url)
    assert '<html lang="cs">' in response.text
    assert response["X-Page-Cache"] == "miss"


def test_an_odd_language_cookie_is_neither_looked_up_nor_stored(client):
    url = reverse("directory:organisation_list")
    client.cookies["django_language"] = "en-gb"
    response = client.get(url)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    assert _page_keys() == []


def test_the_switch_goes_back_only_to_this_site(client):
    response = client.get(reverse("core:switch_language"),
                          {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    response = client.get(reverse("core:switch_language"), {"language": "xx", "next": "/plans/"})
    assert response["Location"] == "/plans/"
    assert "django_language" not in response.cookies


def test_real_forms_keep_their_csrf_token(client):
    response = client.get(reverse("accounts:login"))
    assert b"csrfmiddlewaretoken" in response.content
    assert "csrftoken" in response.cookies
    assert "X-Page-Cache" not in response


# --- The process's own copies -----------------------------------------------------------


@pytest.fixture
def cache_calls(monkeypatch):
    """The cache calls of the page cache, by name."""
    calls = []
    for name in ("get", "get_many"):
        real = getattr(cache, name)

        def counting(*args, _name=name, _real=real, **kwargs):
            calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(cache, name, counting)
    return calls


@pytest.fixture
def no_watch(settings):
    settings.PAGE_CACHE_WATCH_GENERATION = False


def _watching():
    """This process's watch of the generation, once its connection is up."""
    watch = pagecache.generation_watch()
    deadline = time.monotonic() + 5
    while watch._sock is None:
        assert time.monotonic() < deadline, "the key watch did not connect"
        time.sleep(0.01)
    return watch


def _eventually(condition):
    deadline = time.monotonic() + 5
    while not (result := condition()):
        assert time.monotonic() < deadline
        time.sleep(0.005)
    return result


# Redis tells every watch of a flush of any database (the other test process
# flushes its own before each test), so a watch may forget its value at any
# moment; a test asking for a held value asks again until it has one.
def _held(client, url):
    """The watch, once a hit has left it holding the generation."""
    watch = _watching()

    def read():
        client.get(url)
        return watch.held() is not None

    _eventually(read)
    return watch


def _calls_of_a_hit(client, url, cache_calls, expected):
    """The cache calls of a hit, asked again while the generation was not held."""
    def hit():
        cache_calls.clear()
        assert client.get(url)["X-Page-Cache"] == "hit"
        return cache_calls == expected

    _eventually(hit)
    return cache_calls


def test_a_hit_of_a_page_this_process_holds_reads_only_the_generation(client, cache_calls,
                                                                      no_watch):
    pagecache.local_pages.clear()
    OrganisationFactory(name="Charita Testov")
    url = reverse("directory:organisation_list")
    assert client.get(url)["X-Page-Cache"] == "miss"
    cache_calls.clear()
    hit = client.get(url)
    assert hit["X-Page-Cache"] == "hit"
    assert "Charita Testov" in hit.text
    # One small read (the generation); the page itself is not fetched from Redis.
    assert cache_calls == ["get"]


def test_a_hit_reads_nothing_from_redis_while_the_process_holds_the_generation(client,
                                                                               cache_calls):
    OrganisationFactory(name="Charita Testov")
    url = reverse("directory:organisation_list")
    _watching()
    assert client.get(url)["X-Page-Cache"] == "miss"
    _held(client, url)
    assert _calls_of_a_hit(client, url, cache_calls, []) == []
    assert "Charita Testov" in client.get(url).text


def test_a_page_another_process_stored_is_fetched_once_then_held(client, cache_calls, no_watch):
    url = reverse("directory:organisation_list")
    client.get(url)
    pagecache.local_pages.clear()  # as in another worker process
    cache_calls.clear()
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert cache_calls == ["get_many"]
    cache_calls.clear()
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert cache_calls == ["get"]


def test_with_the_generation_held_a_page_another_process_stored_is_one_read(client,
                                                                            cache_calls):
    url = reverse("directory:organisation_list")
    _held(client, url)

    def fetched_page_only():
        pagecache.local_pages.clear()  # as in another worker process
        cache_calls.clear()
        assert client.get(url)["X-Page-Cache"] == "hit"
        return cache_calls == ["get"]  # the page; the generation is held

    _eventually(fetched_page_only)
    assert _calls_of_a_hit(client, url, cache_calls, []) == []


def _other_process_client():
    """A Redis connection of its own, as another process has."""
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


@pytest.mark.parametrize("change", ["set", "delete", "flush"])
def test_the_held_generation_is_forgotten_when_anyone_changes_it(client, change):
    url = reverse("directory:organisation_list")
    watch = _held(client, url)
    other = _other_process_client()
    key = cache.make_and_validate_key(pagecache.GENERATION_KEY)
    if change == "set":
        other.set(key, pagecache._new_generation())
    elif change == "delete":  # as when Redis evicts it
        other.delete(key)
    else:
        other.flushdb()
    _eventually(lambda: watch.held() is None)


def test_news_waiting_unread_are_never_overlooked(client, monkeypatch):
    """The watch's thread may not have run yet when a reader asks: what has
    arrived on its connection counts already."""
    url = reverse("directory:organisation_list")
    watch = _held(client, url)
    go_on = threading.Event()
    consume = watch._consume
    monkeypatch.setattr(watch, "_consume", lambda sock: (go_on.wait(5), consume(sock)))
    try:
        _other_process_client().set(cache.make_and_validate_key(pagecache.GENERATION_KEY),
                                    pagecache._new_generation())
        _eventually(lambda: keywatch._waiting(watch._sock))
        assert watch.held() is None
        assert client.get(url)["X-Page-Cache"] == "miss"
    finally:
        go_on.set()


def test_a_read_that_raced_a_change_is_not_kept():
    watch = _watching()
    ticket = watch.ticket()
    watch.forget()  # the news of a change came while the value was being read
    watch.learn(12345, ticket)
    assert watch.held() is None

    def kept():
        watch.learn(12345, watch.ticket())
        return watch.held() == 12345

    _eventually(kept)


def test_a_lost_connection_is_noticed_and_made_again(client):
    url = reverse("directory:organisation_list")
    watch = _held(client, url)
    lost = watch.client_id
    _other_process_client().client_kill_filter(_id=lost)
    assert watch.held() is None
    _eventually(lambda: watch._sock is not None and watch.client_id != lost)
    _held(client, url)


def test_nothing_is_held_while_the_breaker_is_open(client, monkeypatch):
    url = reverse("directory:organisation_list")
    watch = _held(client, url)
    monkeypatch.setattr(breaker, "open_until", time.monotonic() + 30)
    assert watch.held() is None


def test_a_held_copy_is_never_served_after_a_change_elsewhere(client):
    """Another process (a worker, a second gunicorn worker) changes the data:
    it moves the generation in Redis only. This process's copy must not be
    answered again, nor after Redis evicted the generation key."""
    organisation = OrganisationFactory(name="Name 0")
    url = reverse("directory:organisation_detail", args=[organisation.pk])
    for n in range(1, 4):
        assert f"Name {n - 1}" in client.get(url).text
        assert client.get(url)["X-Page-Cache"] == "hit"
        assert len(pagecache.local_pages)
        type(organisation).objects.filter(pk=organisation.pk).update(name=f"Name {n}")
        if n % 2:
            cache.set(pagecache.GENERATION_KEY, pagecache._new_generation(), None)
        else:
            cache.delete(pagecache.GENERATION_KEY)  # evicted
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss"
        assert f"Name {n}" in response.text


def test_a_held_copy_is_not_served_while_redis_is_down(client, monkeypatch):
    url = reverse("directory:organisation_list")
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"

    class Down:
        def __getattr__(self, name):
            def broken(*args, **kwargs):
                raise ConnectionError("Redis is down")
            return broken

    monkeypatch.setattr(pagecache, "cache", Down())
    # Down for the watch too: its connection is gone.
    _other_process_client().client_kill_filter(_id=_watching().client_id)
    response = client.get(url)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response  # rendered: the generation cannot be checked


def test_the_held_copies_are_bounded_in_bytes(settings):
    settings.PAGE_CACHE_LOCAL_BYTES = 1000
    held = pagecache._LocalPages()
    for n in range(10):
        held.put(f"k{n}", (1, '"e"', (), b"x" * 200))
    assert len(held) == 5  # 5 x 200 bytes, the least recently used dropped
    assert held.get("k0") is None and held.get("k9") is not None
    held.put("big", (1, '"e"', (), b"x" * 300))  # over a quarter of the limit
    assert held.get("big") is None
    settings.PAGE_CACHE_LOCAL_BYTES = 0
    held.put("k1", (1, '"e"', (), b"x"))
    assert held.get("k1") is None
