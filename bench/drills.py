"""Fault drills against real services: the portal served by gunicorn (2
workers) on 127.0.0.1, a real Celery worker (`--pool solo`), a loop of
anonymous requests to public pages, and

* **redis**: Redis is shut down for 60 s, then started again. Meanwhile a city
  officer asks for the interim evaluation every few seconds (POST to
  /reports/manage/ through gunicorn): the broker is down, so each run must be
  kept as a `queued` job row with `enqueued_at` empty. When Redis is back,
  `reports.services.report_jobs_requeue()` (what beat runs every minute) sends
  them and the worker must finish every one;
* **redis frozen**: Redis is stopped with SIGSTOP for `--freeze-seconds` (it
  accepts connections, the kernel does, but never answers: the costliest
  outage for a client), then continued. The cache's short socket timeouts and
  its circuit breaker (core.cache) must keep the public pages fast;
* **postgres**: PostgreSQL is restarted.

It prints, per phase, how many requests were answered with which status, the
median, 95th percentile and slowest answer, and the report runs' figures, and writes the tables into
bench/README.md between the drills markers. Exits with status 1 if an
anonymous reader got anything but 200 (or, during the PostgreSQL restart,
503), or if a report run was lost.

    python -m bench.drills --private-redis --skip-postgres   # disturbs nobody
    python -m bench.drills [--redis-seconds 60]              # the shared services

Without `--private-redis` it really stops the local Redis (port 6379) and, unless
`--skip-postgres`, restarts the local PostgreSQL cluster: run it so only when
nothing else uses them. With `--private-redis` the portal, the worker and the
drill use a Redis server of their own on `--redis-port` (default 6391), which
the drill starts, stops and starts again; the shared Redis is never touched.

Request loops are bounded in count and time and only target 127.0.0.1.
"""

import argparse
import collections
import contextlib
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
README = BENCH_DIR / "README.md"
MARKERS = {
    "redis": ("<!-- drills:start -->", "<!-- drills:end -->"),
    "postgres": ("<!-- drills-postgres:start -->", "<!-- drills-postgres:end -->"),
}
PORT = int(os.environ.get("DRILL_PORT", "8123"))
DB_NAME = "portal_drill"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
SHARED_REDIS_URL = "redis://127.0.0.1:6379/14"
PLAN = "psz-2022-2027"
PAGES = ["/", "/groups/", "/organisations/", "/plans/", "/plans/psz-2022-2027/", "/data/",
         "/data/measures.json", "/indicators/", "/indicators/G05/", "/projects/",
         "/meetings/", "/data/indicators.json"]
MAX_REQUESTS = 20_000


def sh(command, **kwargs):
    return subprocess.run(command, shell=True, check=False, capture_output=True,  # noqa: S602
                          text=True, **kwargs)


class Redis:
    """The Redis the drill stops and starts: the shared one on 6379, or a
    private server the drill runs itself."""

    def __init__(self, private_port=None):
        self.port = private_port or 6379
        self.private = private_port is not None
        self.url = f"redis://127.0.0.1:{self.port}/0" if self.private else SHARED_REDIS_URL
        self.process = None
        self.dir = tempfile.mkdtemp(prefix="drill-redis-") if self.private else None

    def ping(self):
        return sh(f"redis-cli -h 127.0.0.1 -p {self.port} ping").stdout.strip() == "PONG"

    def start(self):
        if self.private:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argv
                [shutil.which("redis-server") or "redis-server", "--bind", "127.0.0.1",
                 "--port", str(self.port), "--save", "", "--appendonly", "no", "--dir", self.dir],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        else:
            sh(f'redis-server --daemonize yes --bind 127.0.0.1 --port {self.port} --save "" '
               "--appendonly no")
        for _ in range(50):
            if self.ping():
                return
            time.sleep(0.2)
        raise SystemExit(f"Redis did not start on port {self.port}")

    def stop(self):
        if self.private:
            if self.process is not None and self.process.poll() is None:
                self.process.terminate()
                self.process.wait(timeout=10)
            self.process = None
        else:
            sh(f"redis-cli -h 127.0.0.1 -p {self.port} shutdown nosave")

    def pid(self):
        if self.private:
            return self.process.pid
        info = sh(f"redis-cli -h 127.0.0.1 -p {self.port} info server").stdout
        return int(re.search(r"process_id:(\d+)", info).group(1))

    def freeze(self):
        self.frozen_pid = self.pid()
        os.kill(self.frozen_pid, signal.SIGSTOP)

    def thaw(self):
        os.kill(self.frozen_pid, signal.SIGCONT)

    def cleanup(self):
        if self.private:
            self.stop()
            shutil.rmtree(self.dir, ignore_errors=True)


def _env(redis_url):
    # The production cache timeouts (the test settings' are generous).
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": DB_URL, "REDIS_URL": redis_url, "CONN_MAX_AGE": "60",
            "LOG_LEVEL": "CRITICAL", "CACHE_SOCKET_TIMEOUT": "0.2"}


def prepare(redis_url):
    sh(f"dropdb -h 127.0.0.1 -U postgres --if-exists --force {DB_NAME}")
    sh(f"createdb -h 127.0.0.1 -U postgres {DB_NAME}")
    env = _env(redis_url)
    for command in (["migrate", "-v0"], ["seed_demo", "--without-accounts", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env,  # noqa: S603
                       check=True)


def setup_django(redis_url):
    """Django in this process, on the drill's database and Redis: to make the
    officer's session, read the job rows and call the requeue service."""
    os.environ.update({k: v for k, v in _env(redis_url).items()
                       if k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL",
                                "LOG_LEVEL")})
    import django

    django.setup()
    import logging

    logging.disable(logging.CRITICAL)  # broker-down warnings are the expected path here
    import config  # noqa: F401 - the Celery app, configured from the settings


def start_server(redis_url):
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "2",
         "--bind", f"127.0.0.1:{PORT}", "--log-level", "critical",
         "--env", "DJANGO_SETTINGS_MODULE=config.settings.test"],
        cwd=ROOT, env=_env(redis_url), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/", timeout=10)  # noqa: S310
            return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    stop_process(server)
    raise SystemExit("gunicorn did not start")


def start_worker(redis_url, log_path):
    """A real Celery worker, as the test suite's fixture starts it."""
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    worker = subprocess.Popen(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
         "--without-heartbeat", "--without-mingle", "--without-gossip", "--loglevel", "WARNING"],
        cwd=ROOT, env=_env(redis_url), stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    worker.log = log
    from config.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise SystemExit(f"the Celery worker exited; see {log_path}")
        if app.control.ping(timeout=1):
            return worker
    stop_process(worker)
    raise SystemExit("the Celery worker did not answer within 60 s")


def stop_process(process, timeout=30):
    """SIGTERM, then SIGKILL to the process group it leads (gunicorn's workers,
    the Celery worker's children): nothing the drill started outlives it."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=timeout)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


class Load:
    """A background loop of anonymous GETs; results are bucketed by phase."""

    def __init__(self):
        self.phase = "before"
        self.results = collections.defaultdict(collections.Counter)
        self.slowest = collections.defaultdict(float)
        self.durations = collections.defaultdict(list)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        count = 0
        while not self.stop.is_set() and count < MAX_REQUESTS:
            path = PAGES[count % len(PAGES)]
            count += 1
            started = time.monotonic()
            try:
                with urllib.request.urlopen(  # noqa: S310 - loopback only
                    f"http://127.0.0.1:{PORT}{path}", timeout=10
                ) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                status = "no answer"
            phase = self.phase
            took = time.monotonic() - started
            self.results[phase][status] += 1
            self.slowest[phase] = max(self.slowest[phase], took)
            self.durations[phase].append(took)
            time.sleep(0.02)


# --- The officer's report requests -------------------------------------------------------


class Officer:
    """A city officer with a session in the database, asking for reports through
    gunicorn as a browser would (GET the form for the CSRF token, POST it)."""

    def __init__(self):
        from importlib import import_module

        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

        from accounts.models import User

        user, _ = User.objects.get_or_create(username="drill-officer",
                                             defaults={"is_city_officer": True})
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        self.cookies = {settings.SESSION_COOKIE_NAME: store.session_key}
        self.csrf_cookie = settings.CSRF_COOKIE_NAME
        self.answers = collections.Counter()
        self.job_ids = []
        self.seconds = []

    def _request(self, method, path, body=None):
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            return response.status, response.getheader("Location") or "", content
        finally:
            connection.close()

    def request_report(self):
        """One run of the interim evaluation; returns the answer's status."""
        started = time.monotonic()
        try:
            status, _, page = self._request("GET", "/reports/manage/")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            if status != 200 or token is None:
                self.answers[f"form {status}"] += 1
                return status
            status, location, _ = self._request("POST", "/reports/manage/", urllib.parse.urlencode(
                {"csrfmiddlewaretoken": token.group(1), "plan": PLAN}))
        except (ConnectionError, OSError, http.client.HTTPException):
            status, location = "no answer", ""
        self.answers[status] += 1
        self.seconds.append(time.monotonic() - started)
        match = re.search(r"/reports/jobs/([0-9a-f-]{36})/", location)
        if status == 302 and match:
            self.job_ids.append(match.group(1))
        return status


def _jobs(ids):
    from reports.models import ReportJob

    return list(ReportJob.objects.filter(pk__in=ids))


def wait_for_jobs(ids, timeout):
    """Seconds until every job finished, or None on timeout."""
    from reports.models import JobStatus

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        jobs = _jobs(ids)
        if len(jobs) == len(ids) and all(j.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)
                                         for j in jobs):
            return time.monotonic() - started
        time.sleep(1)
    return None


def redis_drill(load, redis, seconds, officer, report_interval):
    from reports.models import JobStatus

    figures = {}
    load.phase = "Redis stopped"
    redis.stop()
    outage_started = time.monotonic()
    first = len(officer.job_ids)
    requests = 0
    while time.monotonic() - outage_started < seconds:
        requests += 1
        officer.request_report()
        next_at = outage_started + requests * report_interval
        time.sleep(max(0.0, min(next_at, outage_started + seconds) - time.monotonic()))
    outage_ids = officer.job_ids[first:]
    figures["slowest_request"] = round(max(officer.seconds[-requests:]), 1)
    jobs = _jobs(outage_ids)
    figures["requests"] = requests
    figures["interval"] = report_interval
    figures["accepted"] = len(outage_ids)
    figures["kept"] = sum(1 for j in jobs if j.status == JobStatus.QUEUED and j.enqueued_at is None)
    redis.start()
    load.phase = "Redis back"
    time.sleep(5)  # gunicorn's and the worker's connections come back on their own
    from reports.services import report_jobs_requeue

    requeue_started = time.monotonic()
    figures["requeued"] = report_jobs_requeue()
    took = wait_for_jobs(outage_ids, timeout=600)
    jobs = _jobs(outage_ids)
    figures["succeeded"] = sum(1 for j in jobs if j.status == JobStatus.SUCCEEDED)
    figures["failed"] = sum(1 for j in jobs if j.status == JobStatus.FAILED)
    figures["seconds_to_finish"] = None if took is None else round(
        time.monotonic() - requeue_started, 1)
    figures["attempts"] = sorted(j.attempts for j in jobs)
    # Two, so that most likely both gunicorn workers are tried.
    figures["after"] = normal_run(officer, count=2)
    return figures


def freeze_drill(load, redis, seconds):
    """Redis stopped with SIGSTOP: connections are accepted, nothing answers."""
    load.phase = "Redis frozen"
    redis.freeze()
    try:
        time.sleep(seconds)
    finally:
        redis.thaw()
    load.phase = "Redis continued"
    time.sleep(10)


def normal_run(officer, count=1):
    """One run requested through gunicorn: was it sent to the workers at once
    (`enqueued_at` set by the request), and did the worker finish it? One the
    request could not send is sent by the requeue, as beat would within a
    minute."""
    from reports.models import JobStatus
    from reports.services import report_jobs_requeue

    first = len(officer.job_ids)
    for _ in range(count):
        officer.request_report()
    ids = officer.job_ids[first:]
    sent = sum(1 for j in _jobs(ids) if j.enqueued_at is not None)
    if sent < len(ids):
        report_jobs_requeue()
    wait_for_jobs(ids, timeout=300)
    return {"requested": len(ids), "sent": sent,
            "succeeded": sum(1 for j in _jobs(ids) if j.status == JobStatus.SUCCEEDED)}


def postgres_drill(load):
    cluster = sh("ls /etc/postgresql").stdout.split()[0]
    load.phase = "PostgreSQL restarting"
    started = time.monotonic()
    sh(f"pg_ctlcluster --skip-systemctl-redirect {cluster} main restart")
    for _ in range(100):
        if sh("pg_isready -q -h 127.0.0.1").returncode == 0:
            break
        time.sleep(0.2)
    load.phase = "PostgreSQL back"
    restart_seconds = time.monotonic() - started
    time.sleep(10)
    return restart_seconds


def _percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def table(load, phases, notes):
    lines = ["| phase | anonymous answers | median | p95 | slowest |", "|---|---|---|---|---|"]
    for phase in phases:
        counter = load.results.get(phase)
        if not counter:
            continue
        answers = ", ".join(f"{status}: {n}" for status, n in sorted(
            counter.items(), key=lambda kv: str(kv[0])))
        durations = load.durations[phase]
        lines.append(f"| {phase} | {answers} | {_percentile(durations, 0.5) * 1000:.0f} ms | "
                     f"{_percentile(durations, 0.95) * 1000:.0f} ms | "
                     f"{load.slowest[phase] * 1000:.0f} ms |")
    return "\n".join(lines + ["", *notes])


def report_table(before, outage, officer, anonymous_errors):
    finish = outage["seconds_to_finish"]
    answers = ", ".join(f"{k}: {v}" for k, v in sorted(officer.answers.items(),
                                                       key=lambda kv: str(kv[0])))
    return "\n".join([
        "| report runs (interim evaluation, officer POST to `/reports/manage/`) | figure |",
        "|---|---|",
        f"| before the outage: requested / sent at once / finished | {before['requested']} / "
        f"{before['sent']} / {before['succeeded']} |",
        f"| **requested during the outage** (one officer: each request when the previous one "
        f"was answered, at least {outage['interval']:.0f} s apart) | **{outage['requests']}** |",
        f"| accepted (302 to the job's page) | {outage['accepted']} "
        f"(slowest form + POST: {outage['slowest_request']} s) |",
        f"| **kept** at the end of the outage (`queued`, `enqueued_at` empty) | "
        f"**{outage['kept']}** |",
        f"| sent by `report_jobs_requeue()` once Redis was back | {outage['requeued']} |",
        f"| **finished by the worker after recovery** | **{outage['succeeded']}** "
        f"(failed: {outage['failed']}; attempts {outage['attempts']}) |",
        "| time from the requeue to the last one finished | "
        + (f"{finish:.0f} s |" if finish is not None else "did not finish |"),
        f"| after the recovery: requested / sent at once / finished | "
        f"{outage['after']['requested']} / {outage['after']['sent']} / "
        f"{outage['after']['succeeded']} |",
        f"| **errors to anonymous readers** during and after the outage | "
        f"**{anonymous_errors}** |",
        "",
        f"Officer's answers over the drill: {answers}.",
    ])


def write_readme(section, text):
    start, end = MARKERS[section]
    readme = README.read_text(encoding="utf-8")
    if start in readme and end in readme:
        head, rest = readme.split(start, 1)
        _, tail = rest.split(end, 1)
        README.write_text(f"{head}{start}\n{text}\n{end}{tail}", encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-seconds", type=int, default=60)
    parser.add_argument("--freeze-seconds", type=int, default=30)
    parser.add_argument("--report-interval", type=float, default=8.0,
                        help="seconds between the officer's report requests in the outage")
    parser.add_argument("--private-redis", action="store_true",
                        help="run and stop a Redis of the drill's own instead of the shared one")
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--skip-postgres", action="store_true",
                        help="leave out the PostgreSQL restart (it disturbs every user)")
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args(argv)

    redis = Redis(args.redis_port if args.private_redis else None)
    if redis.private:
        redis.start()
    worker = server = None
    load = Load()
    failures = 0
    try:
        prepare(redis.url)
        setup_django(redis.url)
        server = start_server(redis.url)
        worker_log = Path(tempfile.gettempdir()) / "drill-celery-worker.log"
        worker = start_worker(redis.url, worker_log)
        officer = Officer()
        load.thread.start()
        time.sleep(5)
        before = normal_run(officer)  # the normal path: sent at once, finished by the worker
        time.sleep(5)
        outage = redis_drill(load, redis, args.redis_seconds, officer, args.report_interval)
        freeze_drill(load, redis, args.freeze_seconds)
        from django.db import connections

        connections.close_all()
        restart = None if args.skip_postgres else postgres_drill(load)
    finally:
        load.stop.set()
        if load.thread.is_alive():
            load.thread.join(timeout=15)
        for process in (server, worker):
            if process is not None:
                stop_process(process)
        if worker is not None:
            worker.log.close()
        redis.cleanup()

    redis_phases = ["before", "Redis stopped", "Redis back", "Redis frozen", "Redis continued"]
    anonymous_errors = sum(n for phase in redis_phases[1:]
                           for status, n in load.results.get(phase, {}).items() if status != 200)
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    which = (f"a private Redis server on port {redis.port}" if redis.private
             else "the local Redis on port 6379")
    redis_text = "\n".join([
        table(load, redis_phases, []),
        report_table(before, outage, officer, anonymous_errors),
        "",
        f"Redis ({which}; the portal's cache, Celery broker and result backend) was down for "
        f"{args.redis_seconds} s, then frozen (SIGSTOP) for {args.freeze_seconds} s. The "
        f"cache client's socket timeouts were 200 ms with its circuit breaker (core.cache); "
        f"pages were rendered uncached while Redis was away. gunicorn (2 workers) and the "
        f"Celery worker (`--pool solo`) were never restarted. Run {stamp}.",
    ])
    print(redis_text)
    if not args.no_readme:
        write_readme("redis", redis_text)
    if restart is not None:
        pg_text = table(load, ["PostgreSQL restarting", "PostgreSQL back"], [
            f"PostgreSQL restarted in {restart:.1f} s; gunicorn (2 workers) was never "
            f"restarted. Run {stamp}."])
        print(pg_text)
        if not args.no_readme:
            write_readme("postgres", pg_text)

    failures += sum(n for phase, counter in load.results.items()
                    for status, n in counter.items()
                    if status not in (200, 503) or (status == 503 and "PostgreSQL" not in phase))
    lost = outage["accepted"] - outage["succeeded"]
    if lost or outage["kept"] != outage["accepted"] or outage["requests"] != outage["accepted"]:
        print(f"FAIL: report runs: {outage}")
        failures += 1
    for when, run in (("before", before), ("after", outage["after"])):
        if run["succeeded"] != run["requested"] or not run["requested"]:
            print(f"FAIL: the report run {when} the outage did not finish: {run}")
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
