"""The autocomplete in the real browser: an officer types part of a name into
the combobox, picks a suggestion with the keyboard and saves; the person is
saved as the group's manager. Also: the ARIA attributes a screen reader needs."""

import re

import pytest
from playwright.sync_api import expect

from directory.models import WorkingGroup
from tests.browser.conftest import blocking_violations, login
from tests.directory.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVE = re.compile(r"^\s*(Save|Uložit)\s*$", re.I)


def test_officer_picks_a_manager_with_the_keyboard(page, live_server, officer, password,
                                                   group_a):
    for name in ("Šťastná", "Svobodová", "Chudá"):
        PersonFactory(title_before="", given_name="Klára", family_name=name)
    PersonFactory(title_before="", given_name="Jiný", family_name="Člověk")
    login(page, live_server, officer.username, password)
    page.goto(f"{live_server.url}/groups/{group_a.code}/edit/")

    field = page.locator("#id_manager")
    expect(field).to_have_attribute("role", "combobox")
    expect(field).to_have_attribute("aria-expanded", "false")
    field.fill("")
    field.press_sequentially("Klára", delay=30)
    listbox = page.locator("#id_manager-listbox")
    expect(listbox).to_be_visible()
    expect(field).to_have_attribute("aria-expanded", "true")
    # Czech order: Ch after H (and before S), Š after S.
    expect(listbox.get_by_role("option")).to_have_text(
        ["Klára Chudá", "Klára Svobodová", "Klára Šťastná"])
    field.press("ArrowDown")
    field.press("ArrowDown")
    expect(listbox.get_by_role("option").nth(1)).to_have_attribute("aria-selected", "true")
    expect(field).to_have_attribute("aria-activedescendant", "id_manager-listbox-1")
    field.press("Enter")
    expect(field).to_have_value("Klára Svobodová")
    expect(field).to_have_attribute("aria-expanded", "false")
    page.get_by_role("button", name=SAVE).click()

    expect(page).to_have_url(re.compile(rf"/groups/{group_a.code}/$"))
    group = WorkingGroup.objects.get(pk=group_a.pk)
    assert group.manager.family_name == "Svobodová"


def test_without_a_pick_the_typed_name_is_checked_on_the_server(page, live_server, officer,
                                                                password, group_a):
    login(page, live_server, officer.username, password)
    page.goto(f"{live_server.url}/groups/{group_a.code}/edit/")
    field = page.locator("#id_manager")
    field.fill("Nikdo Takový")
    field.press("Tab")
    page.get_by_role("button", name=SAVE).click()
    # The form comes back with the error naming the field and the value.
    expect(page.locator("main")).to_contain_text(re.compile(r"„Nikdo Takový“"))
    expect(page).to_have_url(re.compile(rf"/groups/{group_a.code}/edit/$"))
    assert WorkingGroup.objects.get(pk=group_a.pk).manager_id == group_a.manager_id


def test_the_open_combobox_passes_axe(axe_page, live_server, officer, password, group_a):
    """WCAG 2.1 AA (axe-core) on the form with the suggestions open: roles,
    accessible names and ARIA references of the combobox and its listbox."""
    PersonFactory(title_before="", given_name="Klára", family_name="Svobodová")
    login(axe_page, live_server, officer.username, password)
    axe_page.goto(f"{live_server.url}/groups/{group_a.code}/edit/")
    field = axe_page.locator("#id_manager")
    field.fill("")
    field.press_sequentially("Klára", delay=30)
    expect(axe_page.locator("#id_manager-listbox")).to_be_visible()
    field.press("ArrowDown")
    assert not blocking_violations(axe_page)
    assert field.get_attribute("aria-activedescendant") == "id_manager-listbox-0"
