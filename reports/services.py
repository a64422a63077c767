"""Report runs and schedules.

A run is a ReportJob row, created in the request's transaction and sent to
the workers once that transaction commits. If the broker cannot take it (Redis
down), the row stays queued and `report_jobs_requeue` (beat, every minute)
sends it again, so a request is never lost.

`report_job_run` is idempotent: a redelivered or retried task finds the job
finished and does nothing, and the file is written under a name derived from
the job id, so there is never a second artifact."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from core import pagecache
from core.audit import AuditAction, audit_record
from core.sanitize import sanitize_html
from core.services import UNSET, given, model_create, model_update
from notifications.services import mail_enqueue
from planning.models import Plan

from . import kinds, mail_kinds
from .models import (
    EvaluationText,
    GlossaryTerm,
    JobStatus,
    PlanReportTexts,
    ReportJob,
    ReportSchedule,
)

logger = logging.getLogger("portal.reports")

# A queued job that no worker took within this time is sent again.
REQUEUE_AFTER = timedelta(minutes=10)


def _enqueue(job_id):
    from .tasks import render_report_job

    sent_at = timezone.now()
    try:
        render_report_job.delay(str(job_id))
    except Exception:  # noqa: BLE001 - broker down: the job stays queued for the requeue
        logger.warning("report job %s could not be sent to the workers; it stays queued",
                       job_id, exc_info=True)
        return
    # Not filtered on status: a fast worker may already have started (or finished) the
    # job, and the row must still say when it was sent.
    ReportJob.objects.filter(pk=job_id).update(enqueued_at=sent_at)


def report_job_request(*, actor, kind, parameters, schedule=None) -> ReportJob:
    """Create a run and send it to the workers after commit."""
    parameters = {k: v for k, v in parameters.items() if v not in (None, "")}
    if kind not in kinds.BUILDERS:
        raise ValidationError({"kind": _("Unknown report.")})
    plan = None
    if "plan" in parameters:
        plan = Plan.objects.filter(code=parameters["plan"]).first()
        if plan is None:
            raise ValidationError({"plan": _("Unknown plan.")})
    with transaction.atomic():
        job = model_create(actor=actor, model=ReportJob, data={
            "kind": kind, "plan": plan, "parameters": parameters,
            "requested_by": actor, "schedule": schedule,
        })
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _progress_recorder(job_id):
    def record(percent, message):
        ReportJob.objects.filter(pk=job_id).update(progress=min(int(percent), 99),
                                                   progress_message=str(message)[:200])
    return record


def report_job_started(*, job_id):
    """The task calls this before each attempt: the job, now running, or None
    when there is nothing to run (already finished - a redelivered message -
    or deleted)."""
    now = timezone.now()
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return None
        job.status = JobStatus.RUNNING
        job.started_at = job.started_at or now
        job.attempts += 1
        job.error = ""
        job.save(update_fields=["status", "started_at", "attempts", "error"])
    return job


def report_job_failed(*, job_id, error):
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status == JobStatus.SUCCEEDED:
            return
        job.status = JobStatus.FAILED
        job.finished_at = timezone.now()
        job.error = str(error)[:2000]
        job.save(update_fields=["status", "finished_at", "error"])
        audit_record(actor=None, action=AuditAction.UPDATE, instance=job,
                     changes={"status": [JobStatus.RUNNING, JobStatus.FAILED]},
                     message=job.error[:300], with_snapshot=False)
        _notify_failed(job)


def _artifact_name(job):
    return f"reports/{job.pk}.pdf"


def report_job_run(*, job_id) -> ReportJob:
    """Render the job's report and store it. Safe to call again for the same
    job: a finished job is left as it is."""
    job = ReportJob.objects.get(pk=job_id)
    if job.status == JobStatus.SUCCEEDED:
        return job
    rendered = kinds.render(job.kind, job.parameters, progress=_progress_recorder(job.pk))
    name = _artifact_name(job)
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        if job.status == JobStatus.SUCCEEDED:  # another delivery finished first
            return job
        # One artifact per job: the same name on every attempt, overwritten.
        if default_storage.exists(name):
            default_storage.delete(name)
        stored = default_storage.save(name, ContentFile(rendered.pdf))
        job.file.name = stored
        job.file_name = rendered.file_name
        job.title = job.title or rendered.title
        job.checksum = rendered.checksum
        job.size = len(rendered.pdf)
        job.pages = rendered.pages
        job.status = JobStatus.SUCCEEDED
        job.progress = 100
        job.progress_message = _("Done")
        job.finished_at = timezone.now()
        job.error = ""
        job.full_clean()
        job.save()
        audit_record(actor=None, action=AuditAction.UPDATE, instance=job,
                     changes={"status": [JobStatus.RUNNING, JobStatus.SUCCEEDED],
                              "checksum": [None, job.checksum]},
                     message=_("Report rendered"), with_snapshot=False)
        if job.schedule_id:
            _notify_ready(job)
    return job


def _job_link(job):
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("reports:job_detail", args=[job.pk])


def _notify_ready(job):
    addresses = job.schedule.notify_addresses() if job.schedule else []
    mail_enqueue(
        kind=mail_kinds.REPORT_READY, recipients=addresses,
        subject=gettext_lazy("Report ready: %(title)s"),
        body=ngettext_lazy(
            "The scheduled report “%(title)s” is ready (%(pages)d page). Review and publish "
            "it in the portal.",
            "The scheduled report “%(title)s” is ready (%(pages)d pages). Review and publish "
            "it in the portal.", "pages"),
        params={"title": job.title, "pages": job.pages or 0}, link=_job_link(job))


def _notify_failed(job):
    officers = get_user_model().objects.filter(
        Q(is_city_officer=True) | Q(is_superuser=True), is_active=True).exclude(email="")
    mail_enqueue(
        kind=mail_kinds.REPORT_FAILED, recipients=officers.values_list("email", flat=True),
        subject=gettext_lazy("Report run failed: %(title)s"),
        body=gettext_lazy("The report run “%(title)s” failed after %(attempts)d attempts:\n\n"
                          "%(error)s\n\nRun it again from the portal once the cause is fixed."),
        params={"title": str(job), "attempts": job.attempts,
                "error": job.error}, link=_job_link(job))


def report_jobs_requeue(*, now=None) -> int:
    """Send again the queued jobs no worker took: never sent (the broker was
    down) or sent too long ago."""
    now = now or timezone.now()
    waiting = ReportJob.objects.filter(
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - REQUEUE_AFTER),
        status=JobStatus.QUEUED)
    ids = list(waiting.values_list("pk", flat=True))
    for job_id in ids:
        _enqueue(job_id)
    return len(ids)


def report_job_publish(*, actor, job, publish=True) -> ReportJob:
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job.pk)
        if publish and job.status != JobStatus.SUCCEEDED:
            raise ValidationError(_("Only a finished report can be published."))
        before = job.published_at
        job.published_at = timezone.now() if publish else None
        job.published_by = actor if publish else None
        job.save(update_fields=["published_at", "published_by"])
        transaction.on_commit(lambda: pagecache.invalidate("reports"))
        audit_record(actor=actor, action=AuditAction.UPDATE, instance=job,
                     changes={"published": [before is not None, publish]},
                     message=_("Published") if publish else _("Withdrawn from the public"),
                     with_snapshot=False)
    return job


def report_job_file_missing(*, job_id) -> None:
    """Record that the run's file is gone; the first discovery is audited."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.file_missing_at is not None:
            return
        job.file_missing_at = timezone.now()
        job.save(update_fields=["file_missing_at"])
        logger.error("report job %s: file %s is missing", job.pk, job.file.name)
        audit_record(actor=None, action=AuditAction.UPDATE, instance=job,
                     changes={"file_missing": [False, True]},
                     message=_("The report's file was found missing"), with_snapshot=False)


def report_job_rerender(*, actor, job) -> ReportJob:
    """A new run with the same report and parameters, for a run whose file was
    lost; the lost one leaves the public archive so nobody is sent to it."""
    with transaction.atomic():
        if job.is_published:
            report_job_publish(actor=actor, job=job, publish=False)
        return report_job_request(actor=actor, kind=job.kind, parameters=job.parameters,
                                  schedule=job.schedule)


# --- Schedules ---------------------------------------------------------------------------

def _months(text):
    try:
        months = sorted({int(part) for part in text.replace(" ", "").split(",") if part})
    except ValueError:
        raise ValidationError({"months": _("Write month numbers separated by commas, e.g. 1,7.")}
                              ) from None
    if not months or any(m < 1 or m > 12 for m in months):
        raise ValidationError({"months": _("Months are numbers from 1 to 12.")})
    return ",".join(str(m) for m in months)


def _sync_periodic_task(schedule):
    """Keep the django-celery-beat PeriodicTask in step with the schedule."""
    import json

    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute=str(schedule.minute), hour=str(schedule.hour),
        day_of_month=str(schedule.day_of_month), month_of_year=schedule.months,
        day_of_week="*", timezone=settings.TIME_ZONE,
    )
    task = schedule.periodic_task or PeriodicTask(name=f"report-schedule-{schedule.pk}")
    task.task = "reports.run_scheduled_report"
    task.crontab = crontab
    task.interval = None
    task.args = json.dumps([schedule.pk])
    task.enabled = schedule.enabled
    task.description = schedule.name
    task.save()
    if schedule.periodic_task_id != task.pk:
        ReportSchedule.objects.filter(pk=schedule.pk).update(periodic_task=task)
        schedule.periodic_task = task


def report_schedule_create(*, actor, name, plan, kind=UNSET, months=UNSET,
                           day_of_month=UNSET, hour=UNSET, minute=UNSET, enabled=UNSET,
                           notify=UNSET) -> ReportSchedule:
    """A schedule of runs (`months`: "1,7" or a list of months), created by
    `actor`, with its periodic task for beat."""
    with transaction.atomic():
        schedule = model_create(actor=actor, model=ReportSchedule, data=given(
            name=name, kind=kind, plan=plan,
            months=UNSET if months is UNSET else _months(months), day_of_month=day_of_month,
            hour=hour, minute=minute, enabled=enabled, notify=notify, created_by=actor))
        _sync_periodic_task(schedule)
    return schedule


def report_schedule_update(*, actor, schedule, expected_version=None, name=UNSET, kind=UNSET,
                           plan=UNSET, months=UNSET, day_of_month=UNSET, hour=UNSET,
                           minute=UNSET, enabled=UNSET, notify=UNSET) -> ReportSchedule:
    with transaction.atomic():
        schedule = model_update(actor=actor, instance=schedule, data=given(
            name=name, kind=kind, plan=plan,
            months=UNSET if months is UNSET else _months(months), day_of_month=day_of_month,
            hour=hour, minute=minute, enabled=enabled, notify=notify),
            expected_version=expected_version)
        _sync_periodic_task(schedule)
    return schedule


def report_schedule_delete(*, actor, schedule) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.DELETE, instance=schedule,
                     changes={"name": [schedule.name, None]})
        task = schedule.periodic_task
        schedule.delete()
        if task is not None:
            task.delete()


def report_schedule_run(*, schedule_id) -> ReportJob | None:
    """What beat starts: a run of the schedule's report, rendered right here
    (the caller is already a worker)."""
    schedule = ReportSchedule.objects.select_related("plan").filter(pk=schedule_id).first()
    if schedule is None or not schedule.enabled:
        return None
    job = report_job_request(actor=None, kind=schedule.kind,
                             parameters={"plan": schedule.plan.code}, schedule=schedule)
    return job


# --- Texts -------------------------------------------------------------------------------

def glossary_term_save(*, actor, term=None, abbreviation, meaning) -> GlossaryTerm:
    """A new term (`term` None) or a change of `term`."""
    data = {"abbreviation": abbreviation, "meaning": meaning}
    if term is None:
        return model_create(actor=actor, model=GlossaryTerm, data=data)
    return model_update(actor=actor, instance=term, data=data)


def glossary_term_delete(*, actor, term) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.DELETE, instance=term,
                     changes={"abbreviation": [term.abbreviation, None]})
        term.delete()


def evaluation_text_save(*, actor, text=None, expected_version=None, plan=UNSET, year=UNSET,
                         title=UNSET, issued_text=UNSET, summary=UNSET, chapter_heading=UNSET,
                         chapter_html=UNSET) -> EvaluationText:
    """A new evaluation text (`text` None) or a change of the given fields;
    the summary and the further chapter are sanitised HTML."""
    data = given(plan=plan, year=year, title=title, issued_text=issued_text,
                 summary=UNSET if summary is UNSET else sanitize_html(summary or ""),
                 chapter_heading=chapter_heading,
                 chapter_html=UNSET if chapter_html is UNSET
                 else sanitize_html(chapter_html or ""))
    if text is None:
        return model_create(actor=actor, model=EvaluationText, data=data)
    return model_update(actor=actor, instance=text, data=data, expected_version=expected_version)


def plan_report_texts_save(*, actor, plan, expected_version=None,
                           global_indicators_heading=UNSET, global_indicators_intro=UNSET,
                           timeline_heading=UNSET) -> PlanReportTexts:
    """The plan's report texts: created on the first save, changed after; a
    save on a stale version is refused (StaleEditError)."""
    data = given(global_indicators_heading=global_indicators_heading,
                 global_indicators_intro=global_indicators_intro,
                 timeline_heading=timeline_heading)
    with transaction.atomic():
        texts = PlanReportTexts.objects.select_for_update().filter(plan=plan).first()
        if texts is None:
            return model_create(actor=actor, model=PlanReportTexts, data={"plan": plan, **data})
        return model_update(actor=actor, instance=texts, data=data,
                            expected_version=expected_version)
