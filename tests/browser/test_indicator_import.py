"""Import of indicator values in the real browser: an implementer downloads the
template from its reporting page (/indicators/report/ leads to the rounds'
list of what it owes), fills it in, uploads it with an error, sees the
check's progress and then the error named with row and column (the real
worker checks each upload), fixes it, uploads again, confirms and, once an
officer approves it, finds the value on the indicator's page. The `page`
fixture fails the test on any CSP violation or uncaught script error."""

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from core.review import ReviewState
from indicators.imports import BY_KEY, HEADERS, SHEET_TITLE
from indicators.models import IndicatorValue
from indicators.services import indicator_value_approve
from tests.browser.conftest import blocking_violations, login
from tests.indicators.import_factories import reporting_world, sheet_bytes

YEAR = str(date.today().year)
# The uploads are checked by the real worker: the page shows the check's
# progress, then (static/js/job-progress.js reloads it) the preview.
pytestmark = [pytest.mark.browser, pytest.mark.import_queue,
              pytest.mark.django_db(transaction=True)]


def _fill(content, values, path):
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook[SHEET_TITLE]
    column = {key: HEADERS.index(BY_KEY[key].header) + 1 for key in BY_KEY}
    for number in range(2, sheet.max_row + 1):
        code = sheet.cell(row=number, column=column["code"]).value
        for key, value in values.get(code, {}).items():
            sheet.cell(row=number, column=column[key], value=value)
    workbook.save(path)
    return path


def _row_of(content, code):
    sheet = load_workbook(io.BytesIO(content))[SHEET_TITLE]
    return next(number for number in range(2, sheet.max_row + 1)
                if sheet.cell(row=number, column=1).value == code)


def test_implementer_imports_values_from_the_template(page, live_server, implementer_x,
                                                      password, organisation_x, tmp_path,
                                                      celery_worker_process, officer):
    world = reporting_world(organisation_x)
    login(page, live_server, implementer_x.username, password)
    page.goto(f"{live_server.url}/indicators/report/")
    expect(page).to_have_url(f"{live_server.url}/rounds/mine/")

    with page.expect_download() as download_info:
        page.locator("#template-link").click()
    template = download_info.value.path().read_bytes()
    own_row = _row_of(template, "R-own")

    # First attempt: the value of R-own is not a number.
    bad = _fill(template, {"R-own": {"period": YEAR, "value": "hodně"},
                           "R-composite": {"period": "k 30. 4. 2024", "value": "12/12/4/22"}},
                tmp_path / "hodnoty.xlsx")
    page.locator("#import-link").click()
    page.locator("#id_file").set_input_files(str(bad))
    page.locator("form.import-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/indicators/report/import/\?upload="))  # shown at once
    errors = page.locator("#import-errors")
    expect(errors).to_be_visible(timeout=30_000)
    expect(errors).to_contain_text(f"{own_row}")
    expect(errors).to_contain_text("I (Hodnota)")
    expect(errors).to_contain_text("hodně")
    error_row = page.locator(f"tr.outcome-error[data-row='{own_row}']")
    expect(error_row).to_contain_text("I (Hodnota)")
    expect(page.locator("form.import-confirm")).to_have_count(0)
    assert not IndicatorValue.objects.exists()

    # Fixed: the preview offers the confirmation.
    good = _fill(template, {"R-own": {"period": YEAR, "value": "1 190"},
                            "R-composite": {"period": "k 30. 4. 2024", "value": "12/12/4/22"}},
                 tmp_path / "hodnoty-opraveno.xlsx")
    page.locator("#id_file").set_input_files(str(good))
    page.locator("form.import-form button[type=submit]").click()
    expect(page.locator(f"tr.outcome-new[data-row='{own_row}'] ins")).to_have_text(
        "1 190", timeout=30_000)
    expect(page.locator("#import-errors")).to_have_count(0)
    assert not IndicatorValue.objects.exists()  # not yet

    page.locator("form.import-confirm button[type=submit]").click()
    # The confirm starts a job that a Celery worker saves; its page shows the
    # progress and, once saved, leads on to the implementer's reporting page.
    expect(page).to_have_url(f"{live_server.url}/rounds/mine/", timeout=60_000)
    expect(page.locator(".messages")).to_contain_text("hodnoty-opraveno.xlsx")
    saved = IndicatorValue.objects.get(indicator=world["own"])
    assert saved.value == 1190 and saved.period_text == YEAR
    assert IndicatorValue.objects.get(indicator=world["composite"]).parts.count() == 4
    # An implementer's values wait for an officer: nothing public changes before.
    assert saved.review_state == ReviewState.SUBMITTED
    indicator_value_approve(actor=officer, value=saved)
    page.goto(f"{live_server.url}/indicators/R-own/")
    expect(page.locator("main")).to_contain_text("1 190")


def test_the_pages_and_a_preview_with_errors_are_accessible(axe_page, officer, password,
                                                            organisation_x, tmp_path):
    reporting_world(organisation_x)
    axe_page.goto("/accounts/login/")
    axe_page.fill("#id_username", officer.username)
    axe_page.fill("#id_password", password)
    axe_page.locator("form.edit-form button[type=submit]").click()
    axe_page.wait_for_url(lambda url: "/accounts/login/" not in url)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(sheet_bytes([{"code": "R-own", "period": "letos", "value": "1"},
                                 {"code": "R-own", "period": "2023", "value": "2"}]))
    renamed = tmp_path / "renamed.xlsx"
    renamed.write_bytes(b"kod;hodnota\nR-own;1\n")
    for path, upload in (("/rounds/", None), ("/rounds/new/", None),
                         ("/indicators/report/import/", None),
                         ("/indicators/report/import/", bad),
                         ("/indicators/report/import/", renamed)):
        axe_page.goto(path)
        if upload is not None:
            axe_page.locator("#id_file").set_input_files(str(upload))
            axe_page.locator("form.import-form button[type=submit]").click()
            expect(axe_page.locator(".error-summary").first).to_be_visible()
        blocking = blocking_violations(axe_page)
        assert blocking == [], (path, upload, blocking)
