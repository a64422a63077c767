"""No dead links: for every role, every kind of page the role matrix says the
role may open (each URL pattern with its scopes, in the matrix's world) is
rendered, and every link on it (`<a href>`, resolved against the page as a
browser does) is followed once; none may answer 404 or fail with a 500.

The world is the role matrix's, built once for this module
(tests/shared_db.py); each role's crawl runs in its own savepoint."""

from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import pytest
from django.urls import reverse

from tests import test_role_matrix as role_matrix
from tests.matrix import ROLES

world = role_matrix.world
client_as = role_matrix.client_as
matrix_client = role_matrix.matrix_client

SKIPPED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:")
DEAD = (404, 500)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href is not None:
                self.hrefs.append(href)


def page_links(page_url, html):
    """The portal's own addresses linked from a page, resolved against it."""
    parser = _Links()
    parser.feed(html)
    links = set()
    for href in parser.hrefs:
        href = href.strip()
        if not href or href.startswith("#") or href.lower().startswith(SKIPPED_SCHEMES):
            continue
        absolute = urldefrag(urljoin(f"http://testserver{page_url}", href)).url
        parts = urlsplit(absolute)
        if parts.netloc != "testserver":
            continue  # another site's page is not ours to check
        links.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


def link_kind(link):
    """A link's page and the names of its parameters: `?sort=name` and
    `?sort=-name` of one list are one kind, followed once per role."""
    parts = urlsplit(link)
    names = sorted({name for name, _value in parse_qsl(parts.query, keep_blank_values=True)})
    return ("kind", parts.path, tuple(names))


def _status(client, url):
    try:
        return client.get(url).status_code
    except Exception as error:  # noqa: BLE001 - the test client re-raises a view's error
        return f"500 ({type(error).__name__}: {error})"


def _pages_for(role, world):
    for url_name, scopes in role_matrix.MATRIX.items():
        for scope, args, expected in scopes:
            if expected[role] == 200:
                yield f"{url_name}[{scope}]" if scope else url_name, \
                    reverse(url_name, args=args(dict(world)))


def dead_links(client, rendered):
    """Follow each link of the `rendered` pages [(kind, url, html)] once
    (one of each kind, `link_kind`); the dead ones, and how many were followed."""
    # A page already rendered answered 200; it is not asked again.
    followed = {url: 200 for _kind, url, _html in rendered}
    dead, count = [], 0
    for kind, url, html in rendered:
        for link in sorted(page_links(url, html)):
            kind_of_link = link_kind(link)
            if link in followed:
                status = followed[link]
            elif kind_of_link in followed:
                continue  # the same page with other values of the same parameters
            else:
                status = followed[link] = followed[kind_of_link] = _status(client, link)
                count += 1
            if not isinstance(status, int) or status in DEAD:
                dead.append(f"{kind} {url} → {link}: {status}")
    return dead, count


def test_page_links_resolve_relative_addresses_as_a_browser_does():
    html = ('<a href="../">up</a> <a href="edit/">edit</a> <a href="/data/?x=1#t">data</a>'
            '<a href="mailto:a@b.cz">m</a> <a href="https://example.org/">out</a>'
            '<a href="#main">skip</a>')
    assert page_links("/meetings/5/edit/", html) == {
        "/meetings/5/", "/meetings/5/edit/edit/", "/data/?x=1"}


@pytest.mark.django_db
def test_a_dead_link_is_found_and_a_live_one_is_not(client):
    html = '<a href="/data/">data</a> <a href="/stranka-neexistuje/">gone</a>'
    dead, count = dead_links(client, [("home", "/", html)])
    assert count == 2
    assert dead == ["home / → /stranka-neexistuje/: 404"]


# Marked slow (make test runs it, make test-fast not): some 1,500 requests a run; the
# links it found dead have their own cheap tests (the event and territory forms).
@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_no_page_links_to_a_missing_or_failing_page(world, client_as, role):
    client = client_as(role)
    rendered = []
    for kind, url in _pages_for(role, world):
        response = client.get(url)
        assert response.status_code == 200, (kind, url, response.status_code)
        if "html" in response.get("Content-Type", ""):
            rendered.append((kind, url, response.content.decode()))
    dead, links = dead_links(client, rendered)
    assert rendered and links, f"{role}: nothing was crawled"
    assert not dead, f"{role}: {len(dead)} dead links:\n" + "\n".join(dead)
