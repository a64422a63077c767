"""A worker killed in the middle of a render: the run is redelivered to
another worker and finishes with exactly one artifact (acks_late +
reject_on_worker_lost, and an artifact named after the job)."""

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from reports.models import JobStatus, ReportJob, ReportKind
from reports.tasks import render_report_job
from tests.shared_db import seed_demo

QUEUE = "reports-kill-test"  # only the workers of this test consume it
VISIBILITY_TIMEOUT = 3  # seconds until an unacknowledged message is handed out again


def _start_worker(log_path):
    env = dict(os.environ)
    db = connection.settings_dict
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                     f"{db['PORT'] or 5432}/{db['NAME']}",
        REDIS_URL=settings.REDIS_URL,
        PORTAL_TEST_REDIS_MAPPED="1",
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
    )
    log = open(log_path, "ab")  # noqa: SIM115 - the process owns it until it ends
    return subprocess.Popen(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
         "-Q", QUEUE, "--without-heartbeat", "--without-mingle", "--without-gossip",
         "--loglevel", "WARNING"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )


def _wait(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.worker  # starts and kills its own Celery workers
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_render_leads_to_exactly_one_artifact(tmp_path):
    seed_demo("--only", "directory", "--only", "plans", "--only", "projects",
              "--only", "indicators", "--only", "meetings")
    from planning.models import Plan

    plan = Plan.objects.get(code="psz-2022-2027")
    job = ReportJob.objects.create(kind=ReportKind.INTERIM_EVALUATION, plan=plan,
                                   parameters={"plan": plan.code})
    log_path = tmp_path / "workers.log"
    first = _start_worker(log_path)
    try:
        render_report_job.apply_async(args=[str(job.pk)], queue=QUEUE)

        def laying_out():
            job.refresh_from_db()
            return job.status == JobStatus.RUNNING and job.progress >= 60

        _wait(laying_out, 90, "the first worker to start laying out the pages")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and not job.file, "the kill came too late"
    artifacts = Path(settings.MEDIA_ROOT) / "reports"
    assert not list(artifacts.glob(f"{job.pk}*"))

    second = _start_worker(log_path)
    try:
        def finished():
            job.refresh_from_db()
            return job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

        _wait(finished, 120, "the redelivered run to finish")
    finally:
        second.terminate()
        second.wait(timeout=20)
    assert job.status == JobStatus.SUCCEEDED, (job.error, log_path.read_text()[-3000:])
    assert job.attempts == 2  # the killed attempt and the redelivered one
    files = list(artifacts.glob(f"{job.pk}*"))
    assert [f.name for f in files] == [f"{job.pk}.pdf"]
    content = files[0].read_bytes()
    assert hashlib.sha256(content).hexdigest() == job.checksum and len(content) == job.size
    assert ReportJob.objects.count() == 1
