import time

import pytest
from django.core.cache import cache

from core.health import HEARTBEAT_KEY
from core.tasks import worker_heartbeat


@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_the_heartbeat_and_healthz_reports_it(celery_worker_process, client):
    cache.delete(HEARTBEAT_KEY)
    assert client.get("/healthz").json()["worker"]["last_heartbeat_seconds_ago"] is None

    worker_heartbeat.delay()

    deadline = time.monotonic() + 30
    while cache.get(HEARTBEAT_KEY) is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert cache.get(HEARTBEAT_KEY) is not None, "the worker never ran the task"
    payload = client.get("/healthz").json()
    assert payload["status"] == "ok"
    assert payload["checks"] == {"database": "ok", "cache": "ok"}
    assert 0 <= payload["worker"]["last_heartbeat_seconds_ago"] < 60


def test_heartbeat_is_scheduled_by_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["worker-heartbeat"]
    assert entry["task"] == worker_heartbeat.name
