"""Editing a working group in the real browser, as a city officer and as the
group's own manager."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from playwright.sync_api import expect

from core.models import AuditEntry
from directory.models import WorkingGroup
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The UI is Czech first but may not be translated yet: accept either language.
WORKING_GROUPS = re.compile(r"^\s*(Working groups|Pracovní skupiny)\s*$", re.I)
EDIT = re.compile(r"^\s*(Edit|Upravit)\s*$", re.I)
SAVE = re.compile(r"^\s*(Save|Uložit)\s*$", re.I)
SAVED = re.compile(r"(working group was saved|skupina byla uložena)", re.I)
ACCESS_DENIED = re.compile(r"(Access denied|Přístup (odepřen|zamítnut))", re.I)


def test_officer_edits_group_description_and_needs(page, live_server, officer, password, group_a):
    new_description = "Senioři nad 65 let žijící sami v domácnosti."
    new_needs = ["Dostupná pečovatelská služba", "Odlehčovací pobyty", "Doprava k lékaři"]

    # Log in through the real form.
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("#id_username")).to_be_visible()
    login(page, live_server, officer.username, password)
    expect(page).to_have_url(f"{live_server.url}/desk/")

    # The desk -> main navigation -> Working groups.
    nav = page.get_by_role("navigation")
    nav.get_by_role("link", name=WORKING_GROUPS).click()
    expect(page).to_have_url(re.compile(r"/groups/$"))

    # Open the group from the list, then its edit form.
    page.locator("main").get_by_role("link", name=group_a.name, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/groups/{group_a.code}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(group_a.name)
    page.get_by_role("link", name=EDIT).click()
    expect(page).to_have_url(re.compile(rf"/groups/{group_a.code}/edit/$"))

    # The officer sees every field, the manager and status included.
    expect(page.locator("#id_manager")).to_be_visible()
    expect(page.locator("#id_status")).to_be_visible()

    page.locator("#id_target_group_description").fill(new_description)
    page.locator("#id_needs_text").fill("\n".join(new_needs))
    page.get_by_role("button", name=SAVE).click()

    # Back on the group page, with the new text and a success message.
    expect(page).to_have_url(re.compile(rf"/groups/{group_a.code}/$"))
    expect(page.locator(".messages .message-success")).to_contain_text(SAVED)
    expect(page.locator("main")).to_contain_text(new_description)
    expect(page.locator("ul.needs li")).to_have_text(new_needs)

    # The change is stored and audited with the officer as the actor.
    group = WorkingGroup.objects.get(pk=group_a.pk)
    assert group.target_group_description == new_description
    assert [need.text for need in group.needs.all()] == new_needs
    assert AuditEntry.objects.filter(
        actor=officer,
        content_type=ContentType.objects.get_for_model(WorkingGroup),
        object_id=str(group_a.pk),
    ).exists()


def test_manager_edits_own_group_only(page, live_server, manager_a, password, group_a, group_b):
    new_description = "Rodiny s dětmi v obtížné životní situaci."

    login(page, live_server, manager_a.username, password)

    page.goto(f"{live_server.url}/groups/{group_a.code}/")
    page.get_by_role("link", name=EDIT).click()
    expect(page).to_have_url(re.compile(rf"/groups/{group_a.code}/edit/$"))

    # The manager edits the description and needs, nothing else.
    expect(page.locator("#id_target_group_description")).to_be_visible()
    expect(page.locator("#id_needs_text")).to_be_visible()
    expect(page.locator("[name=manager]")).to_have_count(0)
    expect(page.locator("[name=status]")).to_have_count(0)
    expect(page.locator("[name=name]")).to_have_count(0)

    page.locator("#id_target_group_description").fill(new_description)
    page.get_by_role("button", name=SAVE).click()
    expect(page).to_have_url(re.compile(rf"/groups/{group_a.code}/$"))
    expect(page.locator(".messages .message-success")).to_contain_text(SAVED)
    expect(page.locator("main")).to_contain_text(new_description)
    assert (
        WorkingGroup.objects.get(pk=group_a.pk).target_group_description == new_description
    )

    # Someone else's group: the 403 page, and no edit form.
    response = page.goto(f"{live_server.url}/groups/{group_b.code}/edit/")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(ACCESS_DENIED)
    expect(page.locator("#id_target_group_description")).to_have_count(0)
