"""Thin tasks: ids in, the services do the work. The base class keeps the
job row's status in step with the task's life (started, failed)."""

import logging

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from . import services

logger = logging.getLogger("portal.reports")

# Errors worth another attempt: the database or the disk had a moment.
TRANSIENT = (OperationalError, InterfaceError, OSError)


class ReportJobTask(Task):
    """Marks the job failed when the task gives up (after its retries, or on a
    time limit). The task itself marks it running before every attempt."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        services.report_job_failed(job_id=args[0], error=f"{type(exc).__name__}: {exc}")


@shared_task(
    bind=True, base=ReportJobTask, name="reports.render_report_job",
    # The job row is the result. Without a result backend to reach, a request
    # made while Redis is down fails to send in under a second (and stays
    # queued for the requeue) instead of retrying the backend for ~20 s.
    ignore_result=True,
    acks_late=True, reject_on_worker_lost=True,
    autoretry_for=TRANSIENT, retry_backoff=5, retry_backoff_max=300, retry_jitter=True,
    max_retries=5, soft_time_limit=600, time_limit=660,
)
def render_report_job(self, job_id):
    # Late acknowledgement means a message can come again (a lost worker, a
    # redelivery): a job already finished is not rendered a second time.
    if services.report_job_started(job_id=job_id) is None:
        logger.info("report job %s is already finished; this delivery does nothing", job_id)
        return
    try:
        services.report_job_run(job_id=job_id)
    except SoftTimeLimitExceeded:
        logger.error("report job %s ran out of time", job_id)
        raise


@shared_task(name="reports.run_scheduled_report", acks_late=True, ignore_result=True)
def run_scheduled_report(schedule_id):
    services.report_schedule_run(schedule_id=schedule_id)


@shared_task(name="reports.requeue_waiting_jobs", ignore_result=True)
def requeue_waiting_jobs():
    services.report_jobs_requeue()
