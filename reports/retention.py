"""Retention of failed report runs (their parameters and error may name
people): deleted once older than the period (core.retention)."""

from django.db import transaction
from django.db.models import Q

from .models import JobStatus, ReportJob


def purge_failed_report_runs(cutoff) -> int:
    jobs = ReportJob.objects.filter(status=JobStatus.FAILED).filter(
        Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff))
    files = [(job.file.name, job.file.storage) for job in jobs.exclude(file="").only("file")]
    count = jobs.count()
    jobs.delete()
    for name, storage in files:
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
    return count


def register():
    from core import retention

    retention.register("failed_report_runs", purge_failed_report_runs, default_days=90,
                       description="failed report runs")
