"""The officer's report flow in the real browser, against a real Celery
worker: request the interim evaluation, watch its progress, download it,
publish it; the public sees only published reports."""

import re

import pytest
from playwright.sync_api import expect

from reports.models import JobStatus, ReportJob
from tests.browser.conftest import audit, login
from tests.indicators.factories import IndicatorFactory, year_value
from tests.planning.factories import PlanFactory, PlanItemFactory
from tests.reports.factories import ReportJobFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plan(transactional_db):
    plan = PlanFactory(code="psz-test", title="Plán sociálního začleňování – test")
    measure = PlanItemFactory.measure(plan=plan)
    indicator = IndicatorFactory(code="G01", name="Index sociálního vyloučení", plans=[plan],
                                 target_kind="below", target_value=16, target_text="Méně než 16")
    year_value(indicator, 2021, 21, is_baseline=True)
    year_value(indicator, 2023, 20)
    assert measure.pk
    return plan


def test_officer_requests_watches_downloads_and_publishes(
        page, live_server, officer, password, plan, celery_worker_process):
    hidden = ReportJobFactory.finished(plan=plan, title="Neveřejná zpráva")
    login(page, live_server, officer.username, password)
    page.goto(f"{live_server.url}/reports/manage/")
    page.select_option("#id_plan", plan.code)
    page.fill("#id_year", "2023")
    page.locator("#request-report").click()
    expect(page).to_have_url(re.compile(r"/reports/jobs/[0-9a-f-]+/$"))
    expect(page.locator("#job-progress")).to_be_visible()
    # The page follows the run on its own (polling) until the file is there.
    download_link = page.locator("#job-download a")
    expect(download_link).to_be_visible(timeout=90_000)
    job = ReportJob.objects.exclude(pk=hidden.pk).get()
    assert job.status == JobStatus.SUCCEEDED and job.progress == 100
    expect(page.locator("#job-progress")).to_have_attribute("value", "100")

    response = page.request.get(download_link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    page.locator("#publish-toggle").click()
    expect(page.locator("#publish-toggle")).to_be_visible()
    job.refresh_from_db()
    assert job.is_published

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/reports/")
    expect(page.locator("main")).to_contain_text(job.title)
    expect(page.locator("main")).not_to_contain_text("Neveřejná zpráva")
    public = page.request.get(f"{live_server.url}/reports/{hidden.pk}/report.pdf")
    assert public.status == 404


def test_the_archive_is_accessible(axe_page, plan):
    ReportJobFactory.finished(plan=plan, published=True, title="Průběžné vyhodnocení I.")
    response, blocking = audit(axe_page, "/reports/")
    assert response.status == 200
    assert not blocking, blocking
