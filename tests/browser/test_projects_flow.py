"""Projects in the real browser: an officer creates a project with its budget
split (refused first, with the difference named), and the public pages pass
the accessibility audit."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from projects.models import Project
from tests.browser.conftest import audit, login
from tests.projects.factories import CallFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVED = re.compile(r"(project was saved|Projekt byl uložen)", re.I)


def test_officer_creates_a_project_with_a_budget_split(page, live_server, officer, password):
    call = CallFactory()
    login(page, live_server, officer.username, password)
    page.goto(f"{live_server.url}/projects/")
    page.locator("main .page-head a.button").click()
    expect(page).to_have_url(re.compile(r"/projects/new/$"))

    page.fill("#id_registration_number", "CZ.03.02.01/00/22_018/0001145")
    page.fill("#id_title", "Zachování programu domovník-preventista")
    page.select_option("#id_call", str(call.pk))
    page.fill("#id_total_budget", "3648425.00")
    page.check("#id_is_published")
    page.select_option("#id_funding-0-source", "city")
    page.fill("#id_funding-0-percent", "5")
    page.fill("#id_funding-0-amount", "182421.24")
    page.locator("form.edit-form button[type=submit]").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(re.compile(r"-3\s466\s003,76\sKč"))  # the difference
    assert not Project.objects.exists()

    # Fix the split: one line of 100 %.
    page.fill("#id_funding-0-percent", "100")
    page.fill("#id_funding-0-amount", "3648425.00")
    page.select_option("#id_funding-0-source", "esf")
    page.locator("form.edit-form button[type=submit]").click()
    expect(page.locator("body")).to_contain_text(SAVED)
    project = Project.objects.get()
    expect(page).to_have_url(f"{live_server.url}{project.get_absolute_url()}")
    expect(page.locator("main")).to_contain_text("3 648 425,00")
    assert project.funding.get().amount == Decimal("3648425.00")


def test_public_project_pages_have_no_serious_wcag_violations(axe_page):
    project = ProjectFactory(total_budget=Decimal("14964994.80"))
    project.key_activities.create(code="KA1", title="Koordinace", goal="Cíl")
    failures = {}
    for path in ["/projects/", "/projects/?programme=&status=in_progress", "/projects/totals/",
                 project.get_absolute_url()]:
        response, blocking = audit(axe_page, path)
        assert response.status == 200, path
        if blocking:
            failures[path] = blocking
    assert not failures, failures


def test_officer_enters_a_three_source_split_in_one_save(page, live_server, officer, password):
    """Issue 15: the form had one blank row per save and each save had to add up,
    so a split of three sources could not be entered."""
    call = CallFactory()
    login(page, live_server, officer.username, password)
    page.goto(f"{live_server.url}/projects/new/")
    page.fill("#id_registration_number", "CZ.03.02.01/00/22_018/0001145")
    page.fill("#id_title", "Domovníci")
    page.select_option("#id_call", str(call.pk))
    page.fill("#id_total_budget", "3648425.00")
    for row, (source, percent, amount) in enumerate(
            [("city", "5", "182421.25"), ("esf", "85", "3101161.25"),
             ("state", "10", "364842.50")]):
        page.select_option(f"#id_funding-{row}-source", source)
        page.fill(f"#id_funding-{row}-percent", percent)
        page.fill(f"#id_funding-{row}-amount", amount)
    page.locator("form.edit-form button[type=submit]").click()
    expect(page.locator("body")).to_contain_text(SAVED)
    project = Project.objects.get()
    assert sorted(project.funding.values_list("source", flat=True)) == ["city", "esf", "state"]
