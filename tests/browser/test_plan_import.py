"""Import of an edited plan sheet in the real browser: the officer downloads
the export, changes one title in it, uploads it, sees the change in the
preview, confirms and finds the new title on the public plan page. The `page`
fixture fails the test on any CSP violation or uncaught script error."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from planning.imports import HEADER, plan_xlsx_bytes
from planning.models import LevelRole, Plan, PlanItem, PlanStatus
from planning.services import plans as ps
from tests.browser.conftest import blocking_violations, login
from tests.directory.factories import the_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PSZ_LEVELS = [("Tematická oblast", LevelRole.AREA), ("Strategický cíl", LevelRole.GOAL),
              ("Specifický cíl", LevelRole.SPECIFIC_GOAL), ("Opatření", LevelRole.MEASURE)]
NEW_TITLE = "Krizové byty pro rodiny s dětmi"


@pytest.fixture
def plan_tree(officer):
    the_city()  # every plan belongs to the portal's city
    plan = ps.plan_create(actor=officer, levels=PSZ_LEVELS, kind="psz", code="psz-import",
                          title="Plán sociálního začleňování Ostrava 2022–2027",
                          period_start=2022, period_end=2027)
    area = ps.plan_item_create(actor=officer, plan=plan, code="1", title="Bydlení")
    goal = ps.plan_item_create(actor=officer, plan=plan, parent=area, code="1.1",
                               title="Dostupné bydlení")
    measure = ps.plan_item_create(actor=officer, plan=plan, parent=goal, code="1.1.1",
                                  title="Sociální byty")
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.IN_FORCE)
    return {"plan": plan, "measure": measure}


def _edit_title(content, item, title):
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["items"]
    id_col, title_col = HEADER.index("id") + 1, HEADER.index("title") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=id_col).value == item.pk:
            sheet.cell(row=row, column=title_col).value = title
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def imports_applied_at_once():
    """The confirm's job applied by its task in the server's thread (Celery
    eager): a worker process would not see this test's MEDIA_ROOT."""
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


def test_officer_imports_an_edited_export(page, live_server, officer, password, plan_tree,
                                          settings, tmp_path, imports_applied_at_once):
    settings.MEDIA_ROOT = tmp_path / "media"
    plan, measure = plan_tree["plan"], plan_tree["measure"]
    login(page, live_server, officer.username, password)
    page.goto(f"{live_server.url}/plans/{plan.code}/edit/")
    page.locator(f".editor-links a[href='/plans/{plan.code}/edit/import/']").click()
    expect(page.locator("#id_file")).to_be_visible()

    # Download the export offered as the template, change one title in it.
    with page.expect_download() as download_info:
        page.locator(f"#id_file_help a[href='/plans/{plan.code}/export.xlsx']").click()
    exported = download_info.value.path().read_bytes()
    edited = tmp_path / "plan.xlsx"
    edited.write_bytes(_edit_title(exported, measure, NEW_TITLE))

    page.locator("#id_file").set_input_files(str(edited))
    page.locator("form.import-form button[type=submit]").click()

    preview = page.locator("section.import-preview")
    expect(preview.locator("del")).to_have_text("Sociální byty")
    expect(preview.locator("ins")).to_have_text(NEW_TITLE)
    assert PlanItem.objects.get(pk=measure.pk).title == "Sociální byty"  # not saved yet

    preview.locator("form.import-confirm button[type=submit]").click()
    # The job page leads on to the editor once the job saved the import.
    expect(page).to_have_url(f"{live_server.url}/plans/{plan.code}/edit/", timeout=30_000)
    expect(page.locator("#plan-tree")).to_contain_text(NEW_TITLE)
    assert PlanItem.objects.get(pk=measure.pk).title == NEW_TITLE

    page.goto(f"{live_server.url}/plans/{plan.code}/")
    expect(page.locator("main")).to_contain_text(NEW_TITLE)


def test_the_form_and_a_preview_with_errors_are_accessible(axe_page, officer, password,
                                                           plan_tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    plan, measure = plan_tree["plan"], plan_tree["measure"]
    axe_page.goto("/accounts/login/")
    axe_page.fill("#id_username", officer.username)
    axe_page.fill("#id_password", password)
    axe_page.locator("form.edit-form button[type=submit]").click()
    axe_page.wait_for_url(lambda url: "/accounts/login/" not in url)
    bad = tmp_path / "bad.xlsx"
    workbook = load_workbook(io.BytesIO(_edit_title(plan_xlsx_bytes(plan), measure, "Nový")))
    workbook["items"].cell(row=2, column=HEADER.index("target_year") + 1).value = "letos"
    out = io.BytesIO()
    workbook.save(out)
    bad.write_bytes(out.getvalue())
    renamed = tmp_path / "renamed.xlsx"
    renamed.write_bytes(b"id;title\n1;x\n")
    for upload in (None, bad, renamed):
        axe_page.goto(f"/plans/{plan.code}/edit/import/")
        if upload is not None:
            axe_page.locator("#id_file").set_input_files(str(upload))
            axe_page.locator("form.import-form button[type=submit]").click()
            expect(axe_page.locator(".error-summary").first).to_be_visible()
        blocking = blocking_violations(axe_page)
        assert blocking == [], (upload, blocking)
