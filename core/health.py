from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "worker:heartbeat"


def worker_heartbeat_record():
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=None)


def worker_heartbeat_age_seconds():
    """Seconds since a worker last ran the heartbeat task; None if never."""
    value = cache.get(HEARTBEAT_KEY)
    if not value:
        return None
    return (timezone.now() - timezone.datetime.fromisoformat(value)).total_seconds()
