"""Fault drills against real services: the portal served by gunicorn (2
workers) on 127.0.0.1, a loop of anonymous requests to public pages, and

* **redis**: Redis is shut down for 60 s, then started again;
* **postgres**: PostgreSQL is restarted.

It prints, per phase, how many requests were answered with which status and
the slowest answer, and writes the table into bench/README.md between the
drills markers. Run it when nothing else depends on the local Redis and
PostgreSQL (it really stops them):

    python -m bench.drills [--redis-seconds 60]

Request loops are bounded in count and time and only target 127.0.0.1.
"""

import argparse
import collections
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
README = BENCH_DIR / "README.md"
START, END = "<!-- drills:start -->", "<!-- drills:end -->"
PORT = int(os.environ.get("DRILL_PORT", "8123"))
DB_URL = "postgres://postgres@127.0.0.1:5432/portal_drill"
REDIS_URL = "redis://127.0.0.1:6379/14"
PAGES = ["/", "/groups/", "/organisations/", "/plans/", "/plans/psz-2022-2027/", "/data/",
         "/data/measures.json"]
MAX_REQUESTS = 20_000


def sh(command, **kwargs):
    return subprocess.run(command, shell=True, check=False, capture_output=True,  # noqa: S602
                          text=True, **kwargs)


def prepare():
    sh("dropdb -h 127.0.0.1 -U postgres --if-exists --force portal_drill")
    sh("createdb -h 127.0.0.1 -U postgres portal_drill")
    env = _env()
    for command in (["migrate", "-v0"], ["seed_demo", "--without-accounts", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env,  # noqa: S603
                       check=True)


def _env():
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": DB_URL, "REDIS_URL": REDIS_URL, "CONN_MAX_AGE": "60",
            "LOG_LEVEL": "CRITICAL"}


def start_server():
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "2",
         "--bind", f"127.0.0.1:{PORT}", "--log-level", "critical",
         "--env", "DJANGO_SETTINGS_MODULE=config.settings.test"],
        cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/", timeout=2)  # noqa: S310
            return server
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


class Load:
    """A background loop of anonymous GETs; results are bucketed by phase."""

    def __init__(self):
        self.phase = "before"
        self.results = collections.defaultdict(collections.Counter)
        self.slowest = collections.defaultdict(float)
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
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                status = "no answer"
            phase = self.phase
            self.results[phase][status] += 1
            self.slowest[phase] = max(self.slowest[phase], time.monotonic() - started)
            time.sleep(0.02)


def redis_drill(load, seconds):
    load.phase = "Redis stopped"
    sh("redis-cli -h 127.0.0.1 shutdown nosave")
    time.sleep(seconds)
    sh('redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no')
    for _ in range(50):
        if sh("redis-cli -h 127.0.0.1 ping").stdout.strip() == "PONG":
            break
        time.sleep(0.2)
    load.phase = "Redis back"
    time.sleep(10)


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


def table(load, notes):
    lines = ["| phase | answers | slowest |", "|---|---|---|"]
    for phase, counter in load.results.items():
        answers = ", ".join(f"{status}: {n}" for status, n in sorted(
            counter.items(), key=lambda kv: str(kv[0])))
        lines.append(f"| {phase} | {answers} | {load.slowest[phase] * 1000:.0f} ms |")
    return "\n".join(lines + ["", *notes])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-seconds", type=int, default=60)
    args = parser.parse_args(argv)
    prepare()
    server = start_server()
    load = Load()
    load.thread.start()
    try:
        time.sleep(10)
        redis_drill(load, args.redis_seconds)
        restart = postgres_drill(load)
    finally:
        load.stop.set()
        load.thread.join(timeout=15)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    notes = [
        f"Redis was down for {args.redis_seconds} s; PostgreSQL restarted in {restart:.1f} s. "
        "gunicorn (2 workers) was never restarted.",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
    ]
    result = table(load, notes)
    print(result)
    text = README.read_text(encoding="utf-8")
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        README.write_text(f"{head}{START}\n{result}\n{END}{tail}", encoding="utf-8")
    failures = sum(n for phase, counter in load.results.items()
                   for status, n in counter.items()
                   if status not in (200, 503) or (status == 503 and "PostgreSQL" not in phase))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
