"""Cached public pages against static files, for bench.run and bench.all.

Anonymous readers get every public page from the whole-page cache
(core.pagecache.PageCacheMiddleware, which stands right after WhiteNoise: a
hit is answered before sessions, locale, CSRF, auth, OTP, messages and CSP
run). How close is a cache hit to a static file? Both are requested the same
way, alternately, and timed:

* **in process**: `django.test.Client`; the static file is answered by
  WhiteNoise's middleware (fourth in the stack), the page by the page-cache
  middleware right after it (one Redis MGET of the entry and the
  generation); the middleware before both run for both;
* **through gunicorn** (sync workers on 127.0.0.1 - `workers`, 2 by default -
  the bench's database and Redis): one new HTTP/1.1 connection per request
  with `http.client`, timed from connect to the last byte - what a reader's
  browser would see, minus the network.

Reported: median and 95th percentile per URL, and the ratio of each page's
median to each static file's median (goal: the static file's median over the
page's at least 0.8, i.e. a hit costs at most 1.25x a static file). Every
page answer is checked to be a hit (`X-Page-Cache: hit`).
"""

import contextlib
import http.client
import math
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8124"))
STATIC_FILES = ["/static/css/portal.css", "/static/vendor/htmx/htmx.min.js"]


def _summary(times):
    times = sorted(times)
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[max(0, math.ceil(0.95 * len(times)) - 1)], 2),
    }


def _round_robin(paths, repeat, fetch):
    """Time `fetch(path)` `repeat` times per path, the paths interleaved so that
    noise from the rest of the machine falls on all of them alike."""
    times = {path: [] for path in paths}
    sizes = {}
    for _ in range(repeat):
        for path in paths:
            started = time.perf_counter()
            sizes[path], cache = fetch(path)
            times[path].append((time.perf_counter() - started) * 1000)
            if path not in STATIC_FILES and cache != "hit":
                raise SystemExit(f"GET {path}: expected a page-cache hit, got {cache!r}")
    return {path: {**_summary(times[path]), "bytes": sizes[path]} for path in paths}


def in_process(pages, repeat):
    from django.test import Client

    client = Client()

    def fetch(path):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return len(body), response.get("X-Page-Cache")

    paths = [*pages, *STATIC_FILES]
    for path in paths:  # warm-up; fills the page cache
        for _ in range(3):
            fetch(path)
    return _round_robin(paths, repeat, fetch)


def _http_get(path):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"GET {path} through gunicorn answered {response.status}")
        return len(body), response.getheader("X-Page-Cache")
    finally:
        connection.close()


def production_env(database_url, redis_url):
    """The environment of a gunicorn under production settings (as the
    Dockerfile starts it) on 127.0.0.1: plain HTTP, no TLS redirect, the
    bench's database and Redis (cache and broker alike), quiet logs."""
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "bench-" + "x" * 50, "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "False", "DATABASE_URL": database_url,
            "REDIS_URL": redis_url, "CACHE_URL": redis_url, "LOG_LEVEL": "CRITICAL",
            "LOG_FORMAT": "json"}


def collectstatic(env):
    """Production settings serve the collected, hashed and compressed files."""
    subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env, check=True)


@contextlib.contextmanager
def gunicorn(workers=2, env=None, port=PORT, probe=None):
    """A gunicorn (sync workers, timeout 30 s as deployed) on 127.0.0.1:`port`
    for the duration of the block; yields its base URL."""
    env = {**(env or os.environ), "LOG_LEVEL": "CRITICAL"}
    server = subprocess.Popen(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", str(workers),
         "--timeout", "30", "--bind", f"127.0.0.1:{port}", "--log-level", "critical"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        for _ in range(150):
            if server.poll() is not None:
                raise SystemExit("gunicorn exited at start")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request("GET", probe or "/")
                connection.getresponse().read()
                connection.close()
                break
            except (ConnectionError, OSError):
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=30)
        # gunicorn's workers too, should the master not have taken them down
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def through_gunicorn(pages, repeat, workers=2, env=None):
    with gunicorn(workers, env, probe=STATIC_FILES[0]):
        paths = [*pages, *STATIC_FILES]
        for path in paths:  # warm every worker
            for _ in range(5 * workers):
                _http_get(path)
        return _round_robin(paths, repeat, _http_get)


def compare(pages, repeat=200, workers=2, env=None):
    """{'in process': {...}, 'gunicorn': {...}, 'ratios': {...}} for the page
    paths (anonymous cache hits) against STATIC_FILES."""
    result = {"pages": list(pages), "static": STATIC_FILES, "repeat": repeat,
              "in process": in_process(pages, repeat),
              "gunicorn": through_gunicorn(pages, repeat, workers, env)}
    result["ratios"] = {
        where: {page: {static: round(result[where][page]["median_ms"]
                                     / result[where][static]["median_ms"], 2)
                       for static in STATIC_FILES}
                for page in pages}
        for where in ("in process", "gunicorn")
    }
    return result


def markdown(result):
    lines = [
        "| URL | size | in process median / p95 ms | through gunicorn median / p95 ms |",
        "|---|---|---|---|",
    ]
    for path in [*result["pages"], *result["static"]]:
        what = "cached page" if path in result["pages"] else "static file"
        a, b = result["in process"][path], result["gunicorn"][path]
        lines.append(f"| `{path}` ({what}) | {a['bytes'] / 1024:.1f} kB | "
                     f"{a['median_ms']:.2f} / {a['p95_ms']:.2f} | "
                     f"{b['median_ms']:.2f} / {b['p95_ms']:.2f} |")
    lines += ["", "| cached page ÷ static file (medians) | in process | through gunicorn |",
              "|---|---|---|"]
    for page in result["pages"]:
        for static in result["static"]:
            lines.append(f"| `{page}` ÷ `{static}` | "
                         f"**{result['ratios']['in process'][page][static]:.2f}** | "
                         f"**{result['ratios']['gunicorn'][page][static]:.2f}** |")
    lines += ["", f"{result['repeat']} requests per URL and way, interleaved; anonymous "
              "reader, every page answer checked to be a cache hit (`X-Page-Cache: hit`)."]
    return "\n".join(lines)
