"""The officers' plan editor in the real browser: the officer flow (add a
measure inline, change its status in bulk, see it in the history, restore the
earlier version) and two officers saving the same item at once. The `page`
fixture fails a test on any CSP violation or uncaught script error."""

import re

import pytest
from playwright.sync_api import expect

from planning.models import LevelRole, MeasureStatus, PlanItem
from planning.services import plans as ps
from tests.accounts.factories import UserFactory
from tests.browser.conftest import TIMEOUT_MS, BrowserLog, login
from tests.directory.factories import the_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PSZ_LEVELS = [("Tematická oblast", LevelRole.AREA), ("Strategický cíl", LevelRole.GOAL),
              ("Specifický cíl", LevelRole.SPECIFIC_GOAL), ("Opatření", LevelRole.MEASURE)]
SAVE = re.compile(r"^\s*(Save|Uložit)\s*$")
ADD = re.compile(r"^\s*(Add|Přidat)\s*$")
COMPLETED = re.compile(r"(completed|dokončeno)", re.I)
NOT_STARTED = re.compile(r"(not implemented|nerealizováno)", re.I)
OTHER_CHANGED = re.compile(r"(What the other person changed|Změny provedené jiným uživatelem)")


@pytest.fixture
def plan_tree(officer):
    the_city()  # every plan belongs to the portal's city
    plan = ps.plan_create(actor=officer, levels=PSZ_LEVELS, kind="psz", code="psz-test",
                          title="Plán sociálního začleňování Ostrava 2022–2027",
                          period_start=2022, period_end=2027)
    area = ps.plan_item_create(actor=officer, plan=plan, code="1", title="Bydlení")
    goal = ps.plan_item_create(actor=officer, plan=plan, parent=area, code="1.1",
                               title="Dostupné bydlení")
    specific = ps.plan_item_create(actor=officer, plan=plan, parent=goal, code="1.1.1",
                                   title="Sociální byty", target_year=2025)
    other = ps.plan_item_create(actor=officer, plan=plan, parent=goal, code="1.1.2",
                                title="Prostupné bydlení")
    measure = ps.plan_item_create(actor=officer, plan=plan, parent=other, code="1.1.2.1",
                                  title="Krizové byty", status=MeasureStatus.IN_PROGRESS)
    return {"plan": plan, "specific": specific, "measure": measure}


def test_officer_adds_a_measure_changes_its_status_and_restores_it(
    page, live_server, officer, password, plan_tree
):
    plan, specific = plan_tree["plan"], plan_tree["specific"]
    login(page, live_server, officer.username, password)
    page.goto(f"{live_server.url}/plans/{plan.code}/edit/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(plan.title)

    # Add a measure under the specific goal 1.1.1, inline.
    click_and_settle(page, page.locator(f"#row-{specific.pk} a[href$='?parent={specific.pk}']"))
    form = page.locator(f"#add-slot-{specific.pk} form")
    expect(form).to_be_visible()
    expect(form.locator(f"#add{specific.pk}_code")).to_be_focused()
    form.locator(f"#add{specific.pk}_code").fill("1.1.1.1")
    form.locator(f"#add{specific.pk}_title").fill("Vyčlenění sociálních bytů")
    form.locator(f"#add{specific.pk}_status").select_option(MeasureStatus.NOT_STARTED)
    form.get_by_role("button", name=ADD).click()

    tree = page.locator("#plan-tree")
    expect(tree).to_contain_text("Vyčlenění sociálních bytů")
    measure = PlanItem.objects.get(plan=plan, code="1.1.1.1")
    assert measure.parent_id == specific.pk and measure.level.role == LevelRole.MEASURE
    expect(page.locator("#editor-status")).not_to_be_empty()
    row = page.locator(f"#row-{measure.pk}")
    expect(row.locator(".status-pill")).to_have_text(NOT_STARTED)
    # The new item's row has the focus, for keyboard and screen-reader users.
    expect(row.locator(".row-actions a").first).to_be_focused()

    # Bulk status change: tick the new measure, choose "completed", apply.
    page.locator(f"#tick-{measure.pk}").check()
    page.locator("#bulk-status").select_option(MeasureStatus.COMPLETED)
    page.locator("#bulk-form button[type=submit]").click()
    expect(page.locator(f"#row-{measure.pk} .status-pill")).to_have_text(COMPLETED)
    expect(page.locator("#editor-status")).to_contain_text("1")
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.COMPLETED
    # The other measure was not ticked and keeps its status.
    assert PlanItem.objects.get(pk=plan_tree["measure"].pk).status == MeasureStatus.IN_PROGRESS

    # Its history shows the change.
    page.locator(f"#row-{measure.pk} details.more summary").click()
    page.locator(f"#row-{measure.pk} a[href$='/history/']").click()
    expect(page).to_have_url(re.compile(rf"/edit/items/{measure.pk}/history/$"))
    entries = page.locator(".history-entry")
    expect(entries).to_have_count(2)
    expect(entries.first.locator("ins")).to_have_text(COMPLETED)
    expect(entries.first.locator("del")).to_have_text(NOT_STARTED)

    # Restore the version as created.
    entries.last.locator(".restore-form button").click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator(".history-entry")).to_have_count(3)
    expect(page.locator(".history-entry").first.locator("ins")).to_have_text(NOT_STARTED)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.NOT_STARTED

    # And the editor shows the old value back.
    page.goto(f"{live_server.url}/plans/{plan.code}/edit/")
    expect(page.locator(f"#row-{measure.pk} .status-pill")).to_have_text(NOT_STARTED)


def test_inline_edit_of_a_row_and_cancel(page, live_server, officer, password, plan_tree):
    plan, measure = plan_tree["plan"], plan_tree["measure"]
    login(page, live_server, officer.username, password)
    page.goto(f"{live_server.url}/plans/{plan.code}/edit/")
    click_and_settle(page, page.locator(f"#row-{measure.pk} .row-actions a").first)
    expect(page.locator(f"#row{measure.pk}_code")).to_be_focused()
    title = page.locator(f"#row{measure.pk}_title")
    title.fill("")
    click_and_settle(page, page.locator(f"form#row-{measure.pk}").get_by_role("button",
                                                                             name=SAVE))
    expect(page.locator(f"form#row-{measure.pk} .error-summary")).to_be_visible()
    title.fill("Krizové byty pro rodiny")
    page.locator(f"form#row-{measure.pk}").get_by_role("button", name=SAVE).click()
    expect(page.locator(f"div#row-{measure.pk} .row-title")).to_have_text(
        "Krizové byty pro rodiny")
    assert PlanItem.objects.get(pk=measure.pk).title == "Krizové byty pro rodiny"


def click_and_settle(page, locator):
    """Click something that makes htmx swap content, and return only after
    htmx has settled the swap (focus moves happen up to then); typing earlier
    races with htmx and can land in the wrong field."""
    page.evaluate("""() => {
        window.__htmxSettled = false;
        document.addEventListener("htmx:afterSettle",
            () => { window.__htmxSettled = true; }, {once: true});
    }""")
    locator.click()
    page.wait_for_function("() => window.__htmxSettled === true")


def _second_page(browser, live_server, browser_log):
    context = browser.new_context(locale="cs-CZ", base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("console", lambda m: browser_log.console.append((m.type, m.text, "second")))
    page.on("pageerror", lambda e: browser_log.page_errors.append(str(e)))
    return context, page


def test_second_of_two_concurrent_saves_is_refused(
    page, browser, live_server, browser_log: BrowserLog, officer, password, plan_tree
):
    plan, measure = plan_tree["plan"], plan_tree["measure"]
    colleague = UserFactory(username="officer2", first_name="Petra", last_name="Druhá",
                            is_city_officer=True)
    context_b, page_b = _second_page(browser, live_server, browser_log)
    try:
        login(page, live_server, officer.username, password)
        login(page_b, live_server, colleague.username, password)
        edit = f"{live_server.url}/plans/{plan.code}/edit/items/{measure.pk}/"
        page.goto(edit)
        page_b.goto(edit)

        # The colleague saves first.
        page_b.locator("#id_title").fill("Krizové byty – verze kolegyně")
        page_b.get_by_role("button", name=SAVE).click()
        expect(page_b).to_have_url(re.compile(rf"/plans/{plan.code}/edit/"))

        # The officer saves the form opened before: refused, the colleague's
        # change is shown, nothing is overwritten.
        page.locator("#id_title").fill("Krizové byty – moje verze")
        page.locator("#id_description").fill("Můj popis")
        response_status = []
        page.on("response", lambda r: response_status.append(r.status)
                if r.request.method == "POST" else None)
        page.get_by_role("button", name=SAVE).click()
        expect(page.locator(".stale")).to_be_visible()
        expect(page.locator(".stale h2")).to_have_text(OTHER_CHANGED)
        expect(page.locator(".stale")).to_contain_text("Krizové byty – verze kolegyně")
        expect(page.locator(".error-summary")).to_be_visible()
        # The officer's own input is still in the form.
        expect(page.locator("#id_title")).to_have_value("Krizové byty – moje verze")
        assert 409 in response_status

        measure.refresh_from_db()
        assert measure.title == "Krizové byty – verze kolegyně"
        assert measure.description == ""
    finally:
        context_b.close()


def test_concurrent_inline_saves_in_the_tree(page, browser, live_server, browser_log, officer,
                                             password, plan_tree):
    plan, measure = plan_tree["plan"], plan_tree["measure"]
    colleague = UserFactory(username="officer2", is_city_officer=True)
    context_b, page_b = _second_page(browser, live_server, browser_log)
    try:
        login(page, live_server, officer.username, password)
        login(page_b, live_server, colleague.username, password)
        for p in (page, page_b):
            p.goto(f"{live_server.url}/plans/{plan.code}/edit/")
            click_and_settle(p, p.locator(f"#row-{measure.pk} .row-actions a").first)
            # The inline form is in place and settled (htmx focused its first field
            # and has no request, swap or settle left in flight).
            expect(p.locator(f"#row{measure.pk}_code")).to_be_focused()
            expect(p.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)
            p.wait_for_load_state("networkidle")
        page_b.locator(f"#row{measure.pk}_title").fill("Inline kolegyně")
        expect(page_b.locator(f"#row{measure.pk}_title")).to_have_value("Inline kolegyně")
        page_b.locator(f"form#row-{measure.pk}").get_by_role("button", name=SAVE).click()
        expect(page_b.locator(f"div#row-{measure.pk} .row-title")).to_have_text("Inline kolegyně")

        page.locator(f"#row{measure.pk}_title").fill("Inline moje")
        page.locator(f"form#row-{measure.pk}").get_by_role("button", name=SAVE).click()
        stale = page.locator(f"form#row-{measure.pk} .stale")
        expect(stale).to_be_visible()
        expect(stale).to_contain_text("Inline kolegyně")
        assert PlanItem.objects.get(pk=measure.pk).title == "Inline kolegyně"
    finally:
        context_b.close()


def test_editor_screenshot(page, live_server, officer, password, plan_tree, tmp_path):
    """Not an assertion of looks: leaves a screenshot for a human to check."""
    login(page, live_server, officer.username, password)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/plans/{plan_tree['plan'].code}/edit/")
    page.locator(f"#row-{plan_tree['measure'].pk} .row-actions a").first.click()
    expect(page.locator(f"form#row-{plan_tree['measure'].pk}")).to_be_visible()
    page.screenshot(path=str(tmp_path / "plan-editor.png"), full_page=True)
    import os
    target = os.environ.get("PLAN_EDITOR_SCREENSHOT")
    if target:
        page.screenshot(path=target, full_page=True)


def test_editor_names_match_their_labels_and_escape_closes_an_inline_form(
        axe_page, live_server, officer, password, plan_tree):
    """axe's label-content-name-mismatch (WCAG 2.5.3; not in the AA tag set, so
    asked for by name) and heading order on the editor, with an inline form open;
    Escape closes it and gives the focus back to the link that opened it (the
    editor's script finds that link by its data-hx-target). axe comes with
    the axe_page's context."""
    plan, specific = plan_tree["plan"], plan_tree["specific"]
    login(axe_page, live_server, officer.username, password)
    axe_page.goto(f"/plans/{plan.code}/edit/")
    opener = axe_page.locator(f"#row-{specific.pk} a[href$='?parent={specific.pk}']")
    opener.click()
    slot = axe_page.locator(f"#add-slot-{specific.pk}")
    expect(slot.locator("form")).to_be_visible()
    result = axe_page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'rule', values: "
        "['label-content-name-mismatch', 'heading-order']}, rules: "
        "{'label-content-name-mismatch': {enabled: true}}})")
    ran = {r["id"] for key in ("passes", "violations", "incomplete", "inapplicable")
           for r in result[key]}
    assert "label-content-name-mismatch" in ran
    assert not result["violations"], [
        (v["id"], [n["target"] for n in v["nodes"][:3]]) for v in result["violations"]]
    axe_page.keyboard.press("Escape")
    expect(slot.locator("form")).to_have_count(0)
    expect(opener).to_be_focused()
