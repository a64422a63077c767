"""Report runs through a real Celery worker and Redis: on demand and on a
schedule, progress, idempotent redelivery, a broker outage that loses
nothing, publishing."""

import json
import time
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from core.health import HEARTBEAT_KEY
from core.tasks import worker_heartbeat
from reports import services
from reports.models import JobStatus, ReportJob, ReportKind
from reports.tasks import render_report_job, run_scheduled_report
from tests.planning.factories import PlanFactory
from tests.projects.factories import ProjectFactory
from tests.reports.factories import ReportJobFactory

CARD = ReportKind.PROJECT_CARD  # the quickest report to render


def _wait_for(job, statuses=(JobStatus.SUCCEEDED, JobStatus.FAILED), timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in statuses:
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job.pk} still {job.status} after {timeout} s")


def _artifacts(job):
    folder = Path(settings.MEDIA_ROOT) / "reports"
    return sorted(p.name for p in folder.glob(f"{job.pk}*"))


@pytest.mark.django_db(transaction=True)
def test_a_report_requested_on_demand_is_rendered_by_the_worker(celery_worker_process, officer):
    project = ProjectFactory()
    job = services.report_job_request(actor=officer, kind=CARD,
                                      parameters={"project": project.registration_number})
    job = _wait_for(job)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.progress, job.attempts) == (100, 1)
    assert job.enqueued_at and job.started_at and job.finished_at
    content = default_storage.open(job.file.name).read()
    assert content.startswith(b"%PDF") and len(content) == job.size and job.pages >= 1
    import hashlib

    assert hashlib.sha256(content).hexdigest() == job.checksum
    assert _artifacts(job) == [f"{job.pk}.pdf"]


@pytest.mark.django_db(transaction=True)
def test_a_redelivered_task_makes_no_second_artifact(celery_worker_process, officer):
    project = ProjectFactory()
    job = _wait_for(services.report_job_request(
        actor=officer, kind=CARD, parameters={"project": project.registration_number}))
    checksum, finished_at = job.checksum, job.finished_at
    render_report_job.delay(str(job.pk))  # a redelivery of the same message
    render_report_job.delay(str(job.pk))
    # The worker takes one message at a time, in order: once a heartbeat sent
    # after them has run, both deliveries have been handled.
    cache.delete(HEARTBEAT_KEY)
    worker_heartbeat.delay()
    deadline = time.monotonic() + 60
    while cache.get(HEARTBEAT_KEY) is None:
        assert time.monotonic() < deadline, "the worker never got past the redeliveries"
        time.sleep(0.2)
    job.refresh_from_db()
    assert (job.status, job.checksum, job.finished_at) == (JobStatus.SUCCEEDED, checksum,
                                                           finished_at)
    assert _artifacts(job) == [f"{job.pk}.pdf"]
    assert ReportJob.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failing_report_is_marked_failed_with_its_error(celery_worker_process, officer):
    job = services.report_job_request(actor=officer, kind=CARD,
                                      parameters={"project": "CZ.00/neexistuje"})
    job = _wait_for(job)
    assert job.status == JobStatus.FAILED
    assert "ValidationError" in job.error
    assert not job.file


@pytest.mark.django_db(transaction=True)
def test_a_schedule_becomes_a_beat_entry_whose_run_completes(celery_worker_process, officer):
    plan = PlanFactory()
    schedule = services.report_schedule_create(
        actor=officer, name="PSZ pololetně", kind=ReportKind.INTERIM_EVALUATION, plan=plan,
        months="7, 1", day_of_month=1, hour=6, minute=0, enabled=True,
        notify="koordinator@example.org")
    task = PeriodicTask.objects.get(pk=schedule.periodic_task_id)
    assert task.task == run_scheduled_report.name and task.enabled
    assert json.loads(task.args) == [schedule.pk]
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_month, crontab.month_of_year,
            str(crontab.timezone)) == ("0", "6", "1", "1,7", "Europe/Prague")
    # Pausing and resuming reaches the beat entry.
    services.report_schedule_update(actor=officer, schedule=schedule, enabled=False)
    assert not PeriodicTask.objects.get(pk=schedule.periodic_task_id).enabled
    services.report_schedule_update(actor=officer, schedule=schedule, enabled=True)
    run_scheduled_report.delay(schedule.pk)
    deadline = time.monotonic() + 60
    while not ReportJob.objects.filter(schedule=schedule).exists():
        assert time.monotonic() < deadline, "the scheduled run never started"
        time.sleep(0.3)
    job = _wait_for(ReportJob.objects.get(schedule=schedule))
    assert job.requested_by is None and job.schedule == schedule
    assert job.parameters == {"plan": plan.code}
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.pages >= 1 and _artifacts(job) == [f"{job.pk}.pdf"]


@pytest.mark.django_db
def test_a_scheduled_report_mails_when_ready(mailoutbox, django_capture_on_commit_callbacks):
    from tests.reports.factories import ReportScheduleFactory

    project = ProjectFactory()
    schedule = ReportScheduleFactory(kind=CARD, notify="a@example.org\nb@example.org")
    job = ReportJobFactory(kind=CARD, plan=None, schedule=schedule,
                           parameters={"project": project.registration_number})
    with django_capture_on_commit_callbacks(execute=True):
        services.report_job_run(job_id=job.pk)
    # One mail per recipient, each with its own unsubscribe link.
    assert sorted(mail.to[0] for mail in mailoutbox) == ["a@example.org", "b@example.org"]
    assert all(reverse("reports:job_detail", args=[job.pk]) in mail.body for mail in mailoutbox)


@pytest.mark.django_db
def test_requests_made_while_the_broker_is_down_are_kept_and_sent_later(
        officer, django_capture_on_commit_callbacks):
    project = ProjectFactory()
    with mock.patch.object(render_report_job, "delay", side_effect=ConnectionError("down")), \
            django_capture_on_commit_callbacks(execute=True):
        job = services.report_job_request(
            actor=officer, kind=CARD, parameters={"project": project.registration_number})
    job.refresh_from_db()
    assert (job.status, job.enqueued_at) == (JobStatus.QUEUED, None)
    with mock.patch.object(render_report_job, "delay") as delay:
        assert services.report_jobs_requeue() == 1
    delay.assert_called_once_with(str(job.pk))
    job.refresh_from_db()
    assert job.enqueued_at is not None
    with mock.patch.object(render_report_job, "delay") as delay:
        assert services.report_jobs_requeue() == 0  # sent recently: left alone


@pytest.mark.django_db
def test_publishing_makes_a_report_public(client, officer, django_capture_on_commit_callbacks):
    job = ReportJobFactory.finished(plan__status="in_force")
    url = reverse("reports:download", args=[job.pk])
    assert client.get(url).status_code == 404
    assert job.title not in client.get(reverse("reports:list")).content.decode()
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:job_publish", args=[job.pk]))
    assert response.status_code == 302
    client.logout()
    assert client.get(url).status_code == 200
    assert job.title in client.get(reverse("reports:list")).content.decode()


@pytest.mark.django_db
def test_an_unfinished_report_cannot_be_published(client, officer):
    job = ReportJobFactory()
    client.force_login(officer)
    client.post(reverse("reports:job_publish", args=[job.pk]))
    job.refresh_from_db()
    assert job.published_at is None


@pytest.mark.django_db
def test_progress_is_reported_as_json(client, officer):
    job = ReportJobFactory(status=JobStatus.RUNNING, progress=60,
                           progress_message="Laying out the pages")
    client.force_login(officer)
    data = client.get(reverse("reports:job_progress", args=[job.pk])).json()
    assert (data["status"], data["progress"], data["finished"]) == ("running", 60, False)


@pytest.mark.django_db
@pytest.mark.parametrize("finished", ["succeeded", "failed"])
def test_a_redelivered_task_of_a_finished_job_renders_nothing(finished):
    """Late acknowledgement: a message may come again after its job finished
    (a lost worker's redelivery). The task must not render the report again,
    nor count an attempt, nor touch the job."""
    if finished == "succeeded":
        job = ReportJobFactory.finished()
    else:
        job = ReportJobFactory(status=JobStatus.FAILED, error="RuntimeError: boom",
                               attempts=1)
    before = ReportJob.objects.values().get(pk=job.pk)
    with mock.patch("reports.kinds.render") as render:
        render_report_job.apply(args=[str(job.pk)], throw=True)
    render.assert_not_called()
    assert ReportJob.objects.values().get(pk=job.pk) == before


@pytest.mark.django_db
def test_a_queued_job_is_started_once_per_delivery_and_rendered(officer):
    project = ProjectFactory()
    job = ReportJobFactory(kind=CARD, plan=None,
                           parameters={"project": project.registration_number})
    render_report_job.apply(args=[str(job.pk)], throw=True)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress) == (JobStatus.SUCCEEDED, 1, 100)
    render_report_job.apply(args=[str(job.pk)], throw=True)  # redelivered
    job.refresh_from_db()
    assert job.attempts == 1


def test_workers_take_one_task_at_a_time_and_acknowledge_late():
    """Report runs of different plans run side by side: each worker process
    reserves one message only (a long render does not hold a second one back
    from an idle process), acknowledged after it ran so a lost worker's run
    comes back."""
    from config.celery import app

    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_concurrency >= 2
    assert render_report_job.acks_late and render_report_job.reject_on_worker_lost
