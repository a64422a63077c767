from celery import shared_task

from . import retention
from .health import worker_heartbeat_record


@shared_task(name="core.worker_heartbeat", ignore_result=True)
def worker_heartbeat():
    """Scheduled by beat every minute; /healthz reports how old the last one is."""
    worker_heartbeat_record()


@shared_task(name="core.enforce_retention", ignore_result=True)
def enforce_retention():
    """Scheduled by beat once a day: removes the personal data whose retention
    period is over (core.retention), and logs what it removed."""
    retention.enforce()


# The import framework's tasks, registered with the worker like this module's.
from .imports.tasks import apply_pending_import, requeue_waiting_imports  # noqa: E402, F401
