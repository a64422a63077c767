"""The manager → contact person flow in the real browser: create a meeting,
file minutes with a task, plan the next meeting, submit, return, fix, verify
and publish; the public reads the minutes; the task waits at the next meeting.
Plus the axe-core audit of the public meeting pages."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import audit, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page):
    page.locator("form[action$='/accounts/logout/'] button").click()
    expect(page.locator("form[action$='/accounts/logout/'] button")).to_have_count(0)


def save(page):
    page.locator("form.edit-form button[type=submit]").click()


def test_manager_files_minutes_and_contact_person_publishes(page, live_server, manager_a,
                                                            contact_a, group_a, password):
    login(page, live_server, manager_a.username, password)
    page.goto("/meetings/new/")
    page.select_option("#id_body", str(group_a.pk))
    page.select_option("#id_kind", "thematic")
    page.select_option("#id_status", "held")
    page.fill("#id_date", "2025-01-16")
    page.fill("#id_start_time", "13:00")
    page.fill("#id_place_name", "Magistrát města Ostravy")
    page.fill("#id_place_room", "místnost č. 504")
    save(page)
    expect(page).to_have_url(re.compile(r"/meetings/\d+/$"))
    meeting_url = page.url
    page.get_by_role("link", name=re.compile("Přidat bod zápisu|Add item")).click()
    page.fill("#id_title", "Informace z manažerského týmu")
    page.fill("#id_text_html", "<p>Úkol se <strong>přesouvá</strong>.</p><script>x()</script>")
    save(page)
    page.get_by_role("link", name=re.compile("Přidat úkol|Add task")).click()
    page.fill("#id_description", "Rozeslat letáčky OPU")
    page.fill("#id_owner_text", "manažerka PS")
    save(page)
    expect(page.locator(".minutes")).to_contain_text("Rozeslat letáčky OPU")
    page.get_by_role("link", name=re.compile("Naplánovat další setkání|Plan the next")).click()
    page.fill("#id_date", "2025-02-20")
    page.fill("#id_place_name", "Nová radnice")
    save(page)
    expect(page.locator(".next-meeting")).to_contain_text("20. 2. 2025")
    page.get_by_role("link", name=re.compile("Odeslat k ověření|Submit for verification")).click()
    save(page)
    expect(page.locator(".badge-submitted")).to_be_visible()
    logout(page)

    login(page, live_server, contact_a.username, password)
    page.goto(meeting_url)
    page.get_by_role("link", name=re.compile("Ověřit zápis|Verify the minutes")).click()
    page.check("input[name=decision][value=return]")
    page.fill("#id_comment", "Doplňte termín úkolu.")
    save(page)
    expect(page.locator(".badge-returned")).to_be_visible()
    logout(page)

    login(page, live_server, manager_a.username, password)
    page.goto(meeting_url)
    expect(page.locator(".notice")).to_contain_text("Doplňte termín úkolu.")
    page.locator("#task ~ ul.part-list a").first.click()
    page.fill("#id_deadline", "2025-02-20")
    save(page)
    page.get_by_role("link", name=re.compile("Odeslat k ověření|Submit for verification")).click()
    save(page)
    logout(page)

    login(page, live_server, contact_a.username, password)
    page.goto(meeting_url)
    page.get_by_role("link", name=re.compile("Ověřit zápis|Verify the minutes")).click()
    page.check("input[name=decision][value=publish]")
    save(page)
    expect(page.locator(".badge-published")).to_be_visible()
    logout(page)

    # The public reads it; the script is gone; the task waits at the next meeting.
    page.goto("/meetings/")
    page.get_by_role("link", name="16. 1. 2025").click()
    expect(page.locator(".minutes")).to_contain_text("Informace z manažerského týmu")
    expect(page.locator(".minutes strong", has_text="přesouvá")).to_be_visible()
    assert "x()" not in page.content()
    expect(page.locator(".signatures")).to_contain_text(str(group_a.contact_person.family_name))
    page.locator(".next-meeting a").click()
    expect(page.locator(".carried-tasks")).to_contain_text("Rozeslat letáčky OPU")


@pytest.fixture
def public_meeting(db):
    from tests.meetings.factories import MeetingFactory

    return MeetingFactory.with_minutes(minutes_status="published")


def test_public_meeting_pages_have_no_serious_wcag_violations(axe_page, public_meeting):
    failures = {}
    for path in ["/meetings/", "/meetings/?q=z%C3%A1pis&year=2025",
                 f"/meetings/{public_meeting.pk}/", "/meetings/events/",
                 f"/meetings/{public_meeting.pk}/versions/99/"]:
        response, blocking = audit(axe_page, path)
        assert response.status in (200, 404), path
        if blocking:
            failures[path] = blocking
    assert not failures, failures
