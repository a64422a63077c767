"""The yearly evaluation rendered by a real Celery worker."""

import time

import pytest
from django.core.files.storage import default_storage

from network.indicator_selectors import yearly_evaluation
from reports import services
from reports.models import JobStatus, ReportKind
from tests.core.pdf_tools import read_pdf
from tests.directory.factories import the_city
from tests.planning.factories import PlanFactory

from .test_evaluation_report import network


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_yearly_evaluation_is_rendered_by_the_worker(celery_worker_process, officer):
    city = the_city()
    network()
    plan = PlanFactory()
    job = services.report_job_request(actor=officer, kind=ReportKind.YEARLY_EVALUATION,
                                      parameters={"plan": plan.code, "year": 2024})
    deadline = time.monotonic() + 90
    while job.status not in (JobStatus.SUCCEEDED, JobStatus.FAILED):
        assert time.monotonic() < deadline, "the worker never finished the evaluation"
        time.sleep(0.3)
        job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    content = default_storage.open(job.file.name).read()
    assert content.startswith(b"%PDF") and job.pages >= 1
    text = " ".join(read_pdf(content).text.replace("\xa0", " ").split())
    # The counts the worker printed are those of the network as of that year.
    counted = yearly_evaluation(2024, city=city)
    assert (counted.services, counted.service_clients) == (3, 120)
    assert f"Podpořené sociální služby {counted.services}" in text
    assert f"Klienti sociálních služeb {int(counted.service_clients)}" in text
    assert "3 750 000" in text
