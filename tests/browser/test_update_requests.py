"""The "Done when" of update requests in the real browser: a provider files a
request in the window and is refused outside it with the window's dates; an
officer records commission → council → assembly; the approved capacity is in
the network as of the request's day. The filing day is set, not today's."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from network import selectors
from tests.browser.conftest import audit, login
from tests.directory.factories import the_city
from tests.network.factories import make_service, unit
from tests.network.requests_factories import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page):
    page.locator("form[action$='/accounts/logout/'] button").click()
    expect(page.locator("form[action$='/accounts/logout/'] button")).to_have_count(0)


def save(page):
    page.locator("form.edit-form button[type=submit]").click()


def test_provider_files_in_the_window_and_officer_decides(page, live_server, implementer_x,
                                                          officer, password, tmp_path,
                                                          settings, monkeypatch, axe_page):
    settings.MEDIA_ROOT = tmp_path / "media"
    the_city()
    attachment = tmp_path / "priloha.pdf"
    attachment.write_bytes(PDF)
    service = make_service(provider=implementer_x.implementer_organisation,
                           name="Poradna pro rodiny", capacity="2")

    def fill_request():
        page.goto(f"{live_server.url}/network/requests/new/")
        page.select_option("#id_kind", "increase")
        page.select_option("#id_service", str(service.pk))
        page.fill("#id_effective_from", "2026-01-01")
        page.fill("#id_capacity_value", "3")
        page.select_option("#id_capacity_unit", str(unit().pk))
        page.fill("#id_reasoning", "Na službu čeká dvacet rodin.")
        page.locator("#id_attachment_justification").set_input_files(str(attachment))
        page.locator("#id_attachment_budget").set_input_files(str(attachment))
        save(page)

    login(page, live_server, implementer_x.username, password)
    monkeypatch.setattr(selectors, "filing_day", lambda: datetime.date(2025, 8, 4))
    fill_request()
    expect(page.locator(".edit-form")).to_contain_text("od 1. 7. 2025 do 31. 7. 2025")
    expect(page.locator(".edit-form")).to_contain_text("1. 7. 2026")  # the next window

    monkeypatch.setattr(selectors, "filing_day", lambda: datetime.date(2025, 7, 15))
    fill_request()
    expect(page).to_have_url(re.compile(r"/network/requests/\d+/$"))
    request_url = page.url
    expect(page.locator(".details")).to_contain_text("Podaná")
    logout(page)

    login(page, live_server, officer.username, password)
    for number, body in enumerate(("commission", "council", "assembly"), 1):
        page.goto(request_url)
        page.get_by_role("link", name=re.compile("Zaznamenat rozhodnutí")).click()
        page.select_option("#id_body", body)
        page.fill("#id_decided_on", f"2025-09-0{number}")
        page.fill("#id_resolution_number", f"{number}/2025")
        page.select_option("#id_outcome", "approved")
        page.locator("#id_extract").set_input_files(str(attachment))
        save(page)
        expect(page).to_have_url(request_url)
    expect(page.locator(".details")).to_contain_text("Schválená")
    logout(page)

    login(page, live_server, implementer_x.username, password)
    page.goto(request_url)
    expect(page.get_by_role("table").first).to_contain_text("3/2025")
    page.goto(f"{live_server.url}/network/?date=2025-12-31&q=Poradna")
    expect(page.locator("table")).to_contain_text("2")
    page.goto(f"{live_server.url}/network/?date=2026-01-01&q=Poradna")
    expect(page.locator("table td.num")).to_have_text("3")
    response, blocking = audit(axe_page, "/network/development/?year=2026")
    assert response.status == 200 and not blocking, blocking
