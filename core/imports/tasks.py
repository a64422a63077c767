"""Thin tasks: an upload is read and checked by a worker (services.
pending_import_validate), a confirmed import applied by one (services.
pending_import_apply), never inside the request that uploaded or confirmed."""

import logging

from celery import Task, shared_task

from . import services

logger = logging.getLogger(__name__)


class PendingImportTask(Task):
    """Marks the import failed, nothing saved, when the task gives up."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        services.pending_import_failed(pending_id=args[0], error=type(exc).__name__)


@shared_task(
    bind=True, base=PendingImportTask, name="core.apply_pending_import", ignore_result=True,
    # A lost worker's import comes back (its transaction was rolled back).
    acks_late=True, reject_on_worker_lost=True, soft_time_limit=1200, time_limit=1260,
)
def apply_pending_import(self, pending_id):
    services.pending_import_apply(pending_id=pending_id)


class PendingCheckTask(Task):
    """Marks the upload not checkable, with the reason, when the task gives up."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        services.pending_import_check_failed(pending_id=args[0], error=type(exc).__name__)


@shared_task(
    bind=True, base=PendingCheckTask, name="core.validate_pending_import", ignore_result=True,
    # Reads only: a lost worker's check simply runs again.
    acks_late=True, reject_on_worker_lost=True, soft_time_limit=1200, time_limit=1260,
)
def validate_pending_import(self, pending_id):
    services.pending_import_validate(pending_id=pending_id)


@shared_task(name="core.requeue_waiting_imports", ignore_result=True)
def requeue_waiting_imports():
    services.pending_imports_requeue()
