"""WCAG 2.1 AA in the real browser: axe-core finds no serious or critical
violation on any public page (Czech law 99/2019 requires it of a city's site),
nor on any kind of page a city officer reaches over the demo's data (the law
covers the staff's part of the site too)."""

import pytest

from tests.browser.conftest import audit, axe_context, blocking_violations, login
from tests.browser.crawl import officer_page_kinds, signed_in
from tests.directory.factories import (
    AccessibilityGapFactory,
    AccessibilityStatementFactory,
    MembershipFactory,
    OrganisationFactory,
    PrivacyDataKindFactory,
    PrivacyNoticeFactory,
    WorkingGroupFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

@pytest.fixture
def public_data(db):
    group = WorkingGroupFactory(name="Děti a rodina", code="DaR")
    group.needs.create(position=1, text="zajistit dostupnost krizových lůžek")
    MembershipFactory(body=group)
    AccessibilityStatementFactory()
    AccessibilityGapFactory(alternative_cs="Totéž je na webové stránce.")
    PrivacyNoticeFactory()
    PrivacyDataKindFactory()
    return {"group": group, "organisation": OrganisationFactory(name="Slezská diakonie")}


def _public_paths(data):
    return [
        "/",
        "/groups/",
        f"/groups/{data['group'].code}/",
        "/organisations/",
        f"/organisations/{data['organisation'].pk}/",
        "/organisations/?kind=ngo&q=diakonie",
        "/data/",
        "/accessibility/",
        "/accessibility/request/",
        "/privacy/",
        "/accounts/login/",
        "/accounts/password/reset/",
        "/stranka-neexistuje/",
    ]


def test_public_pages_have_no_serious_wcag_violations(axe_page, public_data):
    failures = {}
    for path in _public_paths(public_data):
        response, blocking = audit(axe_page, path)
        assert response.status in (200, 404), path
        if blocking:
            failures[path] = blocking
    assert not failures, failures


def test_every_officer_page_has_no_serious_wcag_violations(browser, live_server, demo):
    client, kinds = officer_page_kinds()
    context = signed_in(axe_context(browser, live_server), client, live_server)
    page = context.new_page()
    failures = {}
    try:
        for path in sorted(kinds.values()):
            response, blocking = audit(page, path)
            assert response.status == 200 and page.url.endswith(path), path
            if blocking:
                failures[path] = blocking
    finally:
        context.close()
    assert not failures, failures


def test_forms_with_errors_stay_accessible(axe_page, live_server, officer, password):
    from playwright.sync_api import expect

    login(axe_page, live_server, officer.username, password)
    axe_page.goto("/organisations/new/")
    axe_page.fill("#id_name", "Nová organizace")
    axe_page.fill("#id_ico", "12345678")
    axe_page.locator("form.edit-form button[type=submit]").click()
    # The click only starts the POST; wait for the answer before auditing it.
    expect(axe_page.locator(".error-summary")).to_be_visible()
    blocking = blocking_violations(axe_page)
    assert not blocking, blocking


def test_the_audit_detects_violations(axe_page):
    """Guard against a silently broken audit: an unlabelled input and an image
    without alt text must be reported."""
    axe_page.set_content(
        '<html lang="cs"><head><title>t</title></head><body><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text">'
        "</main></body></html>"
    )
    found = {violation.split(" ")[0] for violation in blocking_violations(axe_page)}
    assert {"image-alt", "label"} <= found
