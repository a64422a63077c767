"""Update requests through their pages: the provider's form with files,
refused outside the window with its dates, the officers' decision form, and
the query counts of the request pages at small and grown data."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import pagecache
from network import selectors
from network.models import RequestState, UpdateRequest
from tests.directory.factories import OrganisationFactory

from .factories import make_service, unit
from .requests_factories import PDF, approve, decide, file_request, pdf

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def service(implementer_x):
    return make_service(provider=implementer_x.implementer_organisation, capacity="2")


def _post(client, service, **extra):
    return client.post(reverse("network:request_create"), {
        "kind": "increase", "service": service.pk, "effective_from": "2026-01-01",
        "capacity_value": "3", "capacity_unit": unit().pk, "reasoning": "Čekatelé.",
        "attachment_justification": pdf(), "attachment_budget": pdf(), **extra})


def test_a_provider_files_in_the_window_and_is_refused_outside_it(client, implementer_x,
                                                                  service, monkeypatch):
    client.force_login(implementer_x)
    monkeypatch.setattr(selectors, "filing_day", lambda: D(2025, 8, 2))
    page = client.get(reverse("network:request_create"))
    assert "1. 7. 2026" in page.content.decode()  # the next window
    response = _post(client, service)
    assert response.status_code == 200
    assert re.search(r"od 1\. 7\. 2025 do 31\. 7\. 2025", response.content.decode())
    assert not UpdateRequest.objects.exists()
    monkeypatch.setattr(selectors, "filing_day", lambda: D(2025, 7, 2))
    response = _post(client, service)
    update_request = UpdateRequest.objects.get()
    assert response.url == update_request.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "Podaná" in page or "podaná" in page
    attachment = update_request.attachments.first()
    download = client.get(reverse("network:request_attachment",
                                  args=[update_request.pk, attachment.pk]))
    assert b"".join(download.streaming_content) == PDF


def test_an_officer_records_the_chain_and_the_provider_sees_it(client, officer, implementer_x,
                                                               service):
    update_request = file_request(actor=implementer_x, service=service, capacity="3")
    client.force_login(officer)
    url = reverse("network:request_decide", args=[update_request.pk])
    for number, body in enumerate(("commission", "council", "assembly"), 1):
        response = client.post(url, {"body": body, "decided_on": f"2025-09-0{number}",
                                     "resolution_number": f"{number}/2025",
                                     "outcome": "approved", "extract": pdf("vypis.pdf")})
        assert response.status_code == 302, response.content.decode()[:2000]
    update_request.refresh_from_db()
    assert update_request.state == RequestState.APPROVED
    client.force_login(implementer_x)
    page = client.get(update_request.get_absolute_url()).content.decode()
    assert "3/2025" in page and "Schválená" in page or "schválen" in page
    history = client.get(service.get_absolute_url()).content.decode()
    assert "1. 1. 2026" in history


def _count(client, url):
    client.get(url)
    pagecache.invalidate()  # the render is counted, not a page-cache hit (the public pages)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _grow(implementer, n):
    for i in range(n):
        own = make_service(provider=implementer.implementer_organisation, capacity="2")
        other = make_service(provider=OrganisationFactory(), capacity="2")
        for target in (own, other):
            update_request = file_request(actor=None, service=target, capacity=str(3 + i % 3))
            decide(actor=None, request=update_request, body="commission")


PAGES = {
    # session, user, count, rows
    "network:request_list": 4,
    # session, user, count, the windows, rows
    "network:own_requests": 5,
    # session, user, the request, its attachments and decisions
    "network:request_detail": 5,
    "network:development": 3,
}


def test_request_pages_run_a_fixed_number_of_queries(client, officer, implementer_x, service):
    first = file_request(actor=None, service=service)
    urls = {"network:request_list": (officer,
                                     reverse("network:request_list") + "?kind=increase"),
            "network:own_requests": (implementer_x, reverse("network:own_requests")),
            "network:request_detail": (implementer_x, first.get_absolute_url()),
            "network:development": (None, reverse("network:development") + "?year=2026")}

    def counts():
        result = {}
        for name, (user, url) in urls.items():
            client.logout()
            if user:
                client.force_login(user)
            result[name] = _count(client, url)
        return result

    _grow(implementer_x, 1)
    small = counts()
    _grow(implementer_x, 8)
    decide(actor=None, request=first, body="commission")
    assert counts() == small
    assert small == PAGES


def test_own_requests_come_a_page_at_a_time(client, implementer_x, settings):
    settings.LIST_PAGE_SIZE = 2
    for _ in range(3):
        file_request(actor=None, service=make_service(
            provider=implementer_x.implementer_organisation, capacity="2"))
    client.force_login(implementer_x)
    first = client.get(reverse("network:own_requests"))
    assert len(first.context["update_requests"]) == 2
    html = first.content.decode()
    assert 'rel="next"' in html and "Strana 1 z 2" in html
    second = client.get(reverse("network:own_requests") + "?page=2")
    assert len(second.context["update_requests"]) == 1
    assert 'rel="prev"' in second.content.decode()


def test_the_development_page_shows_the_years_changes(client, officer, service):
    """Public: an approved increase from 1. 1. 2026 is capacity added in
    2026, nothing in 2025."""
    approve(actor=officer, request=file_request(actor=None, service=service, capacity="3.5"))
    html = client.get(reverse("network:development") + "?year=2026").content.decode()
    row = re.search(r"<th scope=\"row\">§ 65[^<]*</th><td>([^<]*)</td>\s*"
                    r"<td class=\"num\">([^<]*)</td><td class=\"num\">([^<]*)</td>", html)
    assert row is not None, html
    assert row.group(2).replace("\xa0", " ") == "1,5" and row.group(3) == "0"
    assert "Síť se v tomto roce nezměnila." in client.get(
        reverse("network:development") + "?year=2025").content.decode()
