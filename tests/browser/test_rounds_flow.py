"""Issue 17, "Done when", in the real browser: an officer opens a round; an
implementer submits; the officer returns one value with a comment and
approves another; the public page shows only the approved value; the round
closes; a correction after closing is audited and shown as corrected."""

import re

import pytest
from playwright.sync_api import expect

from core.models import AuditEntry
from indicators.models import IndicatorValue
from rounds.models import ReportingRound
from tests.browser.conftest import login
from tests.indicators.factories import IndicatorFactory, ostrava
from tests.planning.factories import PlanFactory, PlanItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page, live_server, user, password):
    page.context.clear_cookies()
    login(page, live_server, user.username, password)


def _report(page, live_server, indicator, value):
    page.goto(f"{live_server.url}/rounds/mine/")
    row = page.locator("#obligations tr", has_text=indicator.name)
    row.get_by_role("link", name=re.compile("Zadat hodnotu")).click()
    page.fill("#id_period_text", "1. pol. 2025")
    page.fill("#id_value_text", value)
    expect(page.locator("#id_submit_now")).to_be_checked()
    page.locator("form.edit-form button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("zveřejní se, až ji schválí")


def _decide(page, live_server, round_, indicator, *, approve, comment=""):
    page.goto(f"{live_server.url}/rounds/{round_.pk}/?state=submitted")
    row = page.locator("#overview tr", has_text=indicator.name)
    row.get_by_role("link", name="Schválit nebo vrátit").click()
    page.check("#id_decision_0" if approve else "#id_decision_1")
    if comment:
        page.fill("#id_comment", comment)
    page.locator("form.edit-form button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("Schváleno" if approve else "Vráceno")


def test_a_round_from_opening_to_a_correction_after_closing(
        page, live_server, officer, implementer_x, password):
    ostrava()
    plan = PlanFactory(code="kp", status="in_force")
    measure = PlanItemFactory.measure(plan=plan, implementers=[implementer_x
                                                              .implementer_organisation])
    returned = IndicatorFactory.for_measure(measure, code="2.1.1.a", name="Počet klientů")
    approved = IndicatorFactory.for_measure(measure, code="2.1.1.b", name="Počet služeb")

    # The officer opens the round over the plan.
    _as(page, live_server, officer, password)
    page.goto(f"{live_server.url}/rounds/")
    page.locator("#open-round").click()
    page.fill("#id_title", "Pololetí 1/2025")
    page.select_option("#id_kind", "half_year")
    page.fill("#id_period_start", "2025-01-01")
    page.fill("#id_period_end", "2025-06-30")
    page.fill("#id_deadline", "2025-07-31")
    page.locator(f"input[name=plans][value='{plan.pk}']").check()
    page.locator("form.edit-form button[type=submit]").click()
    round_ = ReportingRound.objects.get()
    expect(page).to_have_url(f"{live_server.url}{round_.get_absolute_url()}")
    expect(page.locator("#count-missing")).to_have_text("2")

    # The implementer sees its list and submits both values.
    _as(page, live_server, implementer_x, password)
    page.goto(f"{live_server.url}/rounds/mine/")
    expect(page.locator("#obligations")).to_contain_text("31. 7. 2025")
    _report(page, live_server, returned, "731")
    _report(page, live_server, approved, "42")

    # The officer returns one with a comment and approves the other.
    _as(page, live_server, officer, password)
    page.goto(f"{live_server.url}{round_.get_absolute_url()}")
    expect(page.locator("#count-submitted")).to_have_text("2")
    _decide(page, live_server, round_, returned, approve=False, comment="Chybí zdroj údaje.")
    _decide(page, live_server, round_, approved, approve=True)
    assert IndicatorValue.objects.get(indicator=returned).review_state == "returned"

    # The public sees only the approved value.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{approved.get_absolute_url()}")
    expect(page.locator("main")).to_contain_text("42")
    page.goto(f"{live_server.url}{returned.get_absolute_url()}")
    expect(page.locator("main")).not_to_contain_text("731")

    # The implementer sees the comment on the returned value.
    _as(page, live_server, implementer_x, password)
    page.goto(f"{live_server.url}/rounds/mine/")
    expect(page.locator("#obligations")).to_contain_text("Chybí zdroj údaje.")

    # The officer closes the round and corrects the approved value, with a reason.
    _as(page, live_server, officer, password)
    page.goto(f"{live_server.url}{round_.get_absolute_url()}")
    page.locator("#close-round").click()
    expect(page.locator("#round-status")).to_contain_text("uzavřené")
    page.goto(f"{live_server.url}{round_.get_absolute_url()}?state=approved")
    page.locator("#overview").get_by_role("link", name="Opravit").click()
    page.fill("#id_value_text", "43")
    page.locator("form.edit-form button[type=submit]").click()
    expect(page.locator(".error-summary, .error").first).to_be_visible()  # no reason given
    page.fill("#id_correction_reason", "Překlep v hlášení realizátora.")
    page.locator("form.edit-form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}{approved.get_absolute_url()}")
    entry = AuditEntry.objects.filter(content_type__model="indicator",
                                      object_id=str(approved.pk)).latest("pk")
    assert entry.actor == officer and "Překlep v hlášení realizátora." in entry.message

    page.context.clear_cookies()
    page.goto(f"{live_server.url}{approved.get_absolute_url()}")
    expect(page.locator("main")).to_contain_text("43")
    expect(page.locator("main .corrected")).to_contain_text(re.compile(r"opraveno \d+\. \d+\."))
