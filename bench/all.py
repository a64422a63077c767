"""The whole benchmark of "Fast at any size" in one run, at 1x, 10x and 100x.

    make bench                                   # = scripts/bench.sh = python -m bench.all
    BENCH_SCALES=1,10 make bench                 # a subset (the first must be 1)
    python -m bench.all --scales 1,10 --load-seconds 10 --no-reports

On a PostgreSQL database of its own (`portal_bench`, dropped and created;
BENCH_DATABASE_NAME) and a Redis database nobody else uses at the time
(BENCH_REDIS_URL, default redis://127.0.0.1:6379/6; it is emptied), under
**production settings** (config.settings.production with the bench's
database, Redis as cache and broker, plain HTTP; static files collected):
migrate, `seed_demo`, then for each scale multiply the data up to it
(bench.generate.multiply, what `python -m bench.generate N` does) and measure

* **pages** in process (django.test.Client; medians of `--repeat`, 5): every
  page of the main menu and the first detail page under each, anonymous,
  *uncached* (the page cache invalidated before each request, as a save does)
  and *cached* (a page-cache hit); every page an officer reaches from the menu
  (one URL per kind of page - lists, details, forms, the reporting overview -
  found by following the links of the officer's menu pages up to three
  clicks deep, GET only); median ms, size kB and SQL queries, which must not
  grow with the scale;
* **open datasets** (bench.opendata): cold (first request after a change),
  warm, gzip, and the 304 of a conditional request;
* **value import**: 10,000 and 100,000 values of the portal's own value
  template (template rows of 100 indicators, filled in) with
  `manage.py import_values FILE --user ...`, on a copy of the database
  (CREATE DATABASE ... TEMPLATE), timed from start to exit;
* **cached page vs static file** through gunicorn with 3 workers
  (bench.serving): the home page and the indicator list as cache hits against
  the stylesheet;
* **the load walk** (bench.loadwalk) against gunicorn with 3 sync workers,
  as the Dockerfile starts it: every public page crawled from `/`, 32
  visitors, `--load-seconds` (30) per run; the static file; 1 request in 20
  an open dataset; the cache emptied (FLUSHDB) every 5 s; the second request;

and once, after the scales, **concurrent reports** (bench.reports, its own
database `portal_bench_reports`: 4 runs of the 10x report, a real Celery
worker with 1 and with 2 processes; BENCH_REPORTS_ARGS for more).

Results: bench/results/all.json (gitignored) and bench/RESULTS.md (the
table of figures, goals, pass/fail and growth 1x -> 10x -> 100x; the README
links to it). Exits 1 if a query count grows with the scale or a run
failed outright (a goal missed is marked in the table, not an exit status).

How long: `--scales 1,10 --load-seconds 10` took 19 minutes on the shared
2-core machine at a load average of 4-8 (per scale ~2 min of pages, ~1.5 min
of imports, ~1 min of crawling plus the load runs; 9 min of reports). `--scales
1,100 --repeat 1 --load-seconds 5 --imports 10000 --no-reports` took 3.3
minutes (100x data in 3 s; the crawl stops at `--max-pages`, 2,000, in 20 s).
A full run is estimated at about 30 minutes on that machine, 20-25 idle.
"""

import argparse
import contextlib
import io
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

from bench.run import DB_NAME, DB_SERVER, REDIS_URL, RESULTS_DIR, recreate_database

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_FILE = BENCH_DIR / "RESULTS.md"
IMPORT_DB = f"{DB_NAME}_import"
OFFICER = "bench-officer"
SKIP = ("/static/", "/media/", "/admin/", "/accounts/", "/i18n/", "/data/", "/__")

GOALS = {
    "public_ms": 50, "officer_ms": 150, "page_kb": 300, "dataset_warm_ms": 200,
    "import_10k_s": 5, "static_ratio": 0.8, "report_speedup": 1.8, "report_mb": 500,
}


def _scales(text):
    scales = sorted({int(s) for s in text.split(",") if s.strip()})
    if not scales or scales[0] != 1 or any(b % a for a, b in zip(scales, scales[1:],
                                                                   strict=False)):
        raise SystemExit("scales: the first must be 1, each a multiple of the one before")
    return scales


def production_env(database=DB_NAME):
    from bench import serving

    env = serving.production_env(f"{DB_SERVER}/{database}", REDIS_URL)
    # The test client's host; officers measured without their second factor (a
    # login step, not a cost of the pages).
    env.update({"ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
                "OTP_REQUIRED_FOR_OFFICERS": "False", "LOG_LEVEL": "ERROR"})
    return env


def setup():
    os.environ.update(production_env())
    import logging
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
    django.setup()
    logging.getLogger("axes").setLevel(logging.WARNING)
    from django.test.utils import setup_test_environment

    setup_test_environment()


# --- which pages ---------------------------------------------------------------------------


class _Links(HTMLParser):
    """Links of the main menu (nav.main-nav) and of the page's <main>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.menu, self.main, self._in = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and "main-nav" in (attrs.get("class") or ""):
            self._in.append("menu")
        elif tag == "main":
            self._in.append("main")
        elif tag == "a" and attrs.get("href") and self._in:
            (self.menu if self._in[-1] == "menu" else self.main).append(attrs["href"])

    def handle_endtag(self, tag):
        if tag in ("nav", "main") and self._in and (tag == "main") == (self._in[-1] == "main"):
            self._in.pop()


def _links(html):
    parser = _Links()
    parser.feed(html)
    return parser


def _local_path(href, query=False):
    """The site path of a link worth following, or None."""
    from urllib.parse import urlsplit

    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(SKIP) or "logout" in parts.path or "login" in parts.path:
        return None
    last = parts.path.rsplit("/", 1)[-1]
    if "." in last:  # a file: a download, a PDF
        return None
    if parts.query and not query:
        return None
    return parts.path


def _kind(path):
    from django.urls import Resolver404, resolve

    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _html(client, path):
    response = client.get(path)
    if response.status_code != 200 or not response.get("Content-Type", "").startswith(
            "text/html"):
        return None
    return response.content.decode("utf-8", "replace")


def public_pages(client):
    """The main menu's pages (anonymous) and the first detail page under each."""
    home = _html(client, "/")
    menu = ["/"]
    for href in _links(home).menu:
        path = _local_path(href)
        if path and path not in menu:
            menu.append(path)
    pages = []
    for path in menu:
        html = _html(client, path)
        if html is None:
            continue
        pages.append({"name": _kind(path), "path": path, "role": "public", "menu": True})
        if path == "/":
            continue
        own = _kind(path)
        for href in _links(html).main:
            detail = _local_path(href)
            if (detail and detail.startswith(path) and detail != path
                    and _kind(detail) not in (None, own)
                    and _html(client, detail) is not None):
                pages.append({"name": _kind(detail), "path": detail, "role": "public",
                              "menu": False})
                break
    return pages


def officer_pages(client, depth=3, limit=150):
    """One URL per kind of page an officer reaches from the menu: the menu's
    pages, then the links of their <main>, up to `depth` clicks (GET only)."""
    home = _html(client, "/")
    frontier, seen_kinds, pages = [], set(), []
    for href in ["/", *_links(home).menu]:
        path = _local_path(href)
        if path and _kind(path) not in seen_kinds and _kind(path) is not None:
            seen_kinds.add(_kind(path))
            frontier.append((path, 0))
    while frontier and len(pages) < limit:
        path, level = frontier.pop(0)
        html = _html(client, path)
        if html is None:
            continue
        pages.append({"name": _kind(path), "path": path, "role": "officer",
                      "menu": level == 0})
        if level >= depth:
            continue
        for href in _links(html).main:
            found = _local_path(href)
            kind = found and _kind(found)
            if kind and kind not in seen_kinds and not kind.startswith("admin:"):
                seen_kinds.add(kind)
                frontier.append((found, level + 1))
    for path in _forms_the_first_links_miss():
        if len(pages) < limit and client.get(path).status_code == 200:
            pages.append({"name": _kind(path), "path": path, "role": "officer", "menu": False})
    return pages


def _forms_the_first_links_miss():
    """Forms the crawl does not reach because the first page of their kind it
    follows (a meeting whose minutes are published, a plan's first item, which
    is no measure) has no link to them: those of a meeting in draft and a
    measure's full form, where people, organisations and groups are picked."""
    from django.urls import reverse

    from meetings.models import Meeting, MinutesStatus
    from planning.models import LevelRole, PlanItem

    meeting = Meeting.objects.filter(minutes_status=MinutesStatus.DRAFT).order_by("pk").first()
    if meeting is not None:
        for part in ("programme", "attendance", "item", "task"):
            yield reverse("meetings:part_create", args=[meeting.pk, part])
        yield reverse("meetings:membership_change", args=[meeting.pk])
    measure = (PlanItem.objects.filter(level__role=LevelRole.MEASURE)
               .select_related("plan").order_by("plan__code", "pk").first())
    if measure is not None:
        yield reverse("planning:plan_item_update", args=[measure.plan.code, measure.pk])


# --- measuring pages ---------------------------------------------------------------------


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def measure_page(client, page, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core import pagecache

    path = page["path"]
    pagecache.invalidate()
    client.get(path)  # warm-up
    counts = []
    for _ in range(2):
        pagecache.invalidate()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
            size = len(_body(response))
        counts.append(len(ctx.captured_queries))
    result = {"status": response.status_code, "kb": round(size / 1024, 1),
              "queries": max(counts), "queries_stable": counts[0] == counts[1]}
    times = []
    for _ in range(repeat):
        pagecache.invalidate()
        started = time.perf_counter()
        _body(client.get(path))
        times.append((time.perf_counter() - started) * 1000)
    result["ms"] = round(statistics.median(times), 1)
    if page["role"] == "public":
        client.get(path)  # stored
        times, hits = [], 0
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(path)
            _body(response)
            times.append((time.perf_counter() - started) * 1000)
            hits += response.get("X-Page-Cache") == "hit"
        result["cached_ms"] = round(statistics.median(times), 2)
        result["cached_hits"] = f"{hits}/{repeat}"
    return result


def make_officer():
    from accounts.models import User

    officer, _ = User.objects.get_or_create(username=OFFICER,
                                            defaults={"is_city_officer": True})
    if not officer.is_city_officer:
        officer.is_city_officer = True
        officer.save(update_fields=["is_city_officer"])
    return officer


# --- imports -----------------------------------------------------------------------------


INFORMATIONAL = ("name", "unit", "parts", "last_period", "last_value")


def values_workbook(rows, indicators=100, lean=False):
    """`rows` values for the portal's value template: the template's rows of
    the first `indicators` indicators without value parts, each copied with a
    period (a day, counted from 2000-01-01) and a value filled in, as the
    template's help says ("to enter more periods of one indicator, copy its
    row"). `lean`: the columns the import only shows (name, unit, parts, last
    period and value) left empty."""
    from openpyxl import Workbook

    from indicators.imports import COLUMNS, HEADERS, SHEET_TITLE, template_row
    from indicators.models import Indicator

    chosen = list(Indicator.objects.select_related("home_territory")
                  .prefetch_related("values").filter(part_labels=[]).order_by("pk")[:indicators])
    template = [template_row(indicator) for indicator in chosen]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLE)
    sheet.append(HEADERS)
    start = date(2000, 1, 1)
    for n in range(rows):
        row = dict(template[n % len(template)])
        day = start + timedelta(days=n // len(template))
        row["period"] = day.isoformat()
        row["value"] = f"{1000 + n % 5000}" if n % 7 else f"cca {n % 900}"
        row["note"] = "bench" if n % 3 == 0 else None
        if lean:
            row.update(dict.fromkeys(INFORMATIONAL))
        sheet.append([str(row[c.name]) if row[c.name] not in (None, "") else None
                      for c in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _copy_database(source, target):
    import psycopg
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    with psycopg.connect(f"{DB_SERVER}/postgres", autocommit=True) as conn:
        # A template must have no other session; the bench's own database may
        # still have one of a process just ended.
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s AND pid <> pg_backend_pid()", [source])
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(target)))
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(target), sql.Identifier(source)))


def _drop_database(name):
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{DB_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))


def _command(args, env):
    """Run `manage.py *args`: (exit status, output, wall s, peak RSS MB)."""
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603 - fixed argv
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=out,
            stderr=subprocess.STDOUT, text=True)
        # wait4 gives this one child's peak resident memory (kB on Linux).
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return process.returncode, out.read(), seconds, round(usage.ru_maxrss / 1024)


def _own_seconds(output):
    # The command's own figure: reading, checking and saving, without starting
    # Python and Django.
    own = re.search(r"\(([\d.,]+) s\)", output)
    return float(own.group(1).replace(",", ".")) if own else None


def _import(path):
    """`manage.py import_values` of the workbook at `path` into a fresh copy of
    the database, first with --dry-run (the preview alone), then for real:
    wall time, the command's own time, exit status, peak memory of each."""
    _copy_database(DB_NAME, IMPORT_DB)
    args = ["import_values", str(path), "--user", OFFICER]
    try:
        exit_, output, _seconds, preview_mb = _command([*args, "--dry-run"],
                                                       production_env(IMPORT_DB))
        preview = {"exit": exit_, "import_s": _own_seconds(output), "peak_mb": preview_mb}
        exit_, output, seconds, peak_mb = _command(args, production_env(IMPORT_DB))
    finally:
        _drop_database(IMPORT_DB)
    return {"seconds": round(seconds, 2), "import_s": _own_seconds(output), "exit": exit_,
            "peak_mb": peak_mb, "preview": preview, "kb": round(path.stat().st_size / 1024),
            "output": output[-600:]}


def measure_imports(sizes):
    """Each size: the value template filled in, imported into a fresh copy of
    the database by `manage.py import_values`. Should the file be refused (a
    100,000-row file of whole template rows is over the upload limits), the
    same values are imported again from a lean file (only the columns the
    import reads), and both are kept."""
    from django.db import connections

    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-import-") as scratch:
        for rows in sizes:
            path = Path(scratch) / f"values-{rows}.xlsx"
            path.write_bytes(values_workbook(rows))
            result = _import(path)
            print(f"  import of {rows:,} values ({result['kb']} kB): {result['seconds']} s in "
                  f"all, {result['import_s']} s by the command, exit {result['exit']}, peak "
                  f"{result['peak_mb']} MB; the preview alone {result['preview']}", flush=True)
            if result["exit"] != 0:
                print("    " + result["output"].strip().replace("\n", "\n    "), flush=True)
                lean = Path(scratch) / f"values-{rows}-lean.xlsx"
                lean.write_bytes(values_workbook(rows, lean=True))
                connections.close_all()
                result["lean"] = _import(lean)
                print(f"  ... lean file ({result['lean']['kb']} kB): "
                      f"{result['lean']['seconds']} s in all, {result['lean']['import_s']} s "
                      f"by the command, exit {result['lean']['exit']}", flush=True)
            results[str(rows)] = {"rows": rows, **result}
    return results


# --- through gunicorn ----------------------------------------------------------------------


def measure_served(load_seconds, static_repeat, max_pages=2000):
    """Cached pages vs the static file and the load walk, gunicorn 3 workers."""
    from django.db import connections

    from bench import loadwalk, serving

    connections.close_all()
    env = production_env()
    result = {}
    with serving.gunicorn(3, env, probe="/") as base:
        status, headers, body = loadwalk.fetch(base + "/")
        found = loadwalk._Links()
        found.feed(body.decode("utf-8", "replace"))
        static = found.stylesheets[0]
        pages = ["/", "/indicators/"]
        for path in pages:  # warm the workers, fill the cache
            for _ in range(6):
                loadwalk.fetch(base + path)
        times = {path: [] for path in [*pages, static]}
        hits = 0
        for _ in range(static_repeat):
            for path in times:
                started = time.perf_counter()
                _status, headers, _body = loadwalk.fetch(base + path)
                times[path].append((time.perf_counter() - started) * 1000)
                hits += path in pages and headers.get("X-Page-Cache") == "hit"
        medians = {path: round(statistics.median(t), 3) for path, t in times.items()}
        result["static_vs_cached"] = {
            "static": static, "medians_ms": medians, "hits": hits,
            "requests": static_repeat * len(pages),
            "ratio": round(min(medians[static] / medians[p] for p in pages), 3)}
        print(f"  cached page vs static file: {result['static_vs_cached']}", flush=True)
        if load_seconds:
            result["load"] = loadwalk.walk(
                base, duration=load_seconds, empty_cache_redis=REDIS_URL, max_pages=max_pages,
                log=lambda message: print("  " + message, flush=True))
    return result


# --- the run -------------------------------------------------------------------------------


def run(scales, repeat, load_seconds, static_repeat, import_sizes, max_pages=2000):
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from bench import generate, opendata, serving
    from core import opendata as core_opendata
    from planning.models import PUBLIC_PLAN_STATUSES, Plan

    call_command("migrate", verbosity=0, interactive=False)
    serving.collectstatic(production_env())
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    started = time.perf_counter()
    base = generate.load_base()
    print(f"base data from {base} in {time.perf_counter() - started:.1f} s", flush=True)
    officer = make_officer()
    anonymous, officer_client = Client(), Client()
    officer_client.force_login(officer)
    pages = public_pages(anonymous) + officer_pages(officer_client)
    print(f"{sum(p['role'] == 'public' for p in pages)} public and "
          f"{sum(p['role'] == 'officer' for p in pages)} officer pages", flush=True)
    datasets = [reverse(f"core:dataset_{fmt}", args=[d.slug])
                for d in core_opendata.datasets() for fmt in ("csv", "json")]
    datasets.append(reverse("core:dataset_zip"))
    datasets += [reverse("reports:plan_tables_xlsx", args=[code]) for code in Plan.objects.filter(
        status__in=PUBLIC_PLAN_STATUSES).values_list("code", flat=True)]
    result = {"scales": scales, "repeat": repeat, "base": base, "pages": pages,
              "by_scale": {}}
    current = 1
    for scale in scales:
        took = 0.0
        if scale > current:
            started = time.perf_counter()
            generate.multiply(scale // current)
            generate.analyze()
            took = round(time.perf_counter() - started, 1)
            current = scale
            print(f"multiplied to {scale}x in {took} s", flush=True)
        here = result["by_scale"][str(scale)] = {"multiply_s": took, "data": generate.counts()}
        print(f"--- {scale}x: pages", flush=True)
        officer_client = Client()
        officer_client.force_login(officer)
        clients = {"public": Client(), "officer": officer_client}
        here["pages"] = {}
        for page in pages:
            measured = measure_page(clients[page["role"]], page, repeat)
            here["pages"][f"{page['role']} {page['path']}"] = measured
            print(f"  {page['role']:8} {page['path']:45} {measured}", flush=True)
        print(f"--- {scale}x: datasets", flush=True)
        here["datasets"] = opendata.measure(Client(), datasets, repeat)
        print(f"--- {scale}x: imports", flush=True)
        here["imports"] = measure_imports(import_sizes)
        print(f"--- {scale}x: through gunicorn (3 workers)", flush=True)
        here.update(measure_served(load_seconds, static_repeat, max_pages))
    return result


def run_reports(scales):
    factors = "1,10" if scales[-1] >= 10 else "1"
    args = ["--factors", factors, "--repeat", "1", "--concurrent-repeat", "1", "--no-readme",
            *os.environ.get("BENCH_REPORTS_ARGS", "").split()]
    print(f"--- reports: python -m bench.reports {' '.join(args)}", flush=True)
    done = subprocess.run([sys.executable, "-m", "bench.reports", *args],  # noqa: S603
                          cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE":
                                         "config.settings.test"}, check=False)
    path = RESULTS_DIR / "reports.json"
    if done.returncode != 0 or not path.exists():
        return {"exit": done.returncode}
    reports = json.loads(path.read_text(encoding="utf-8"))
    return {"exit": done.returncode, "factor": reports["factors"][-1],
            "concurrent": reports["concurrent"]}


# --- the table -----------------------------------------------------------------------------


def _growth(values):
    values = [v for v in values if isinstance(v, int | float)]
    if len(values) < 2 or not values[0]:
        return "–"
    return " → ".join(f"{v / values[0]:.1f}×" for v in values)


def _fmt(value):
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", " ") if value >= 10 else f"{value:.2f}"
    return str(value)


def _met(value):
    return "–" if value is None else ("yes" if value else "**NO**")


def _series(values):
    return " / ".join(_fmt(v) for v in values)


def page_rows(result):
    """One row per page: [page, who, goal, ms, cached ms, kB, queries, growth
    of ms, met] with the figures of every scale, and whether it met its goals
    (time and size at the largest scale, queries equal at every scale)."""
    scales = [str(s) for s in result["scales"]]
    out = []
    for page in result["pages"]:
        figures = [result["by_scale"][s]["pages"][f"{page['role']} {page['path']}"]
                   for s in scales]
        ms, kb = [f["ms"] for f in figures], [f["kb"] for f in figures]
        queries = [f["queries"] for f in figures]
        limit = GOALS["public_ms"] if page["role"] == "public" else GOALS["officer_ms"]
        checks = {"time": ms[-1] <= limit, "size": kb[-1] <= GOALS["page_kb"],
                  # Not more queries at a larger scale than at the smallest: a
                  # prefetch Django skips when the page's rows need none (the
                  # indicator list's plan items when the first page holds only
                  # global indicators) may make it fewer, never an N+1.
                  "queries": max(queries) <= queries[0] and all(f["queries_stable"]
                                                           for f in figures),
                  "status": all(f["status"] == 200 for f in figures)}
        if page["role"] == "public":
            hits = [f.get("cached_hits", "") for f in figures]
            checks["cached"] = all(h and h.split("/")[0] == h.split("/")[1] for h in hits)
        out.append({"page": page, "ms": ms, "kb": kb, "queries": queries,
                    "cached_ms": [f.get("cached_ms") for f in figures],
                    "goal": f"≤ {limit} ms, ≤ {GOALS['page_kb']} kB, no more queries",
                    "checks": checks, "met": all(checks.values())})
    return out


def dataset_rows(result):
    scales = [str(s) for s in result["scales"]]
    out = []
    for index, dataset in enumerate(result["by_scale"][scales[0]]["datasets"]):
        figures = [result["by_scale"][s]["datasets"][index] for s in scales]
        out.append({"url": dataset["url"], "cold": [f["cold_ms"] for f in figures],
                    "warm": [f["warm_ms"] for f in figures],
                    "gzip": [f["warm_gzip_ms"] for f in figures],
                    "not_modified": [f["not_modified_ms"] for f in figures],
                    "kb": [round(f["bytes"] / 1024, 1) for f in figures],
                    "met": figures[-1]["warm_ms"] <= GOALS["dataset_warm_ms"]})
    return out


def other_rows(result):
    """(figure, goal, values per scale, met) of the imports, gunicorn, the
    load walk and the reports; met is judged at the largest scale."""
    scales = [str(s) for s in result["scales"]]
    by = result["by_scale"]
    out = []
    for size in by[scales[0]]["imports"]:
        figures = [by[s]["imports"][size] for s in scales]
        goal = f"≤ {GOALS['import_10k_s']} s" if size == "10000" else "accepted"
        own = [f.get("import_s") if f["exit"] == 0 else "refused" for f in figures]
        out.append((f"import of {int(size):,} values, whole template rows (`manage.py "
                    f"import_values`, {figures[-1]['kb']} kB): read, check and save, s", goal,
                    own, figures[-1]["exit"] == 0 and (
                        size != "10000" or (own[-1] or 1e9) <= GOALS["import_10k_s"])))
        out.append(("… the command in all (with starting Python and Django), s", "–",
                    [f["seconds"] for f in figures], None))
        if all("peak_mb" in f for f in figures):
            out.append(("… peak memory (RSS) of the preview (`--dry-run`); of preview and save "
                        "in one process, MB", "–",
                        [f"{f['preview']['peak_mb']}; {f['peak_mb']}" for f in figures], None))
        if any("lean" in f for f in figures):
            lean = [f.get("lean", {}) for f in figures]
            reason = figures[-1]["output"].strip().splitlines() or ["?"]
            out.append((f"… refused: {reason[-1][:160]}", "–", [None] * len(figures), None))
            out.append((f"import of {int(size):,} values, lean file (only the columns read, "
                        f"{lean[-1].get('kb')} kB), s", goal,
                        [x.get("import_s") if x.get("exit") == 0 else "refused" for x in lean],
                        lean[-1].get("exit") == 0 and (
                            size != "10000" or (lean[-1].get("import_s") or 1e9)
                            <= GOALS["import_10k_s"])))
    if "static_vs_cached" in by[scales[-1]]:
        served = [by[s]["static_vs_cached"] for s in scales]
        out.append(("cached page through gunicorn (3 workers): static file's median ÷ the "
                    "slower page's (`/`, `/indicators/`)", f"≥ {GOALS['static_ratio']}",
                    [x["ratio"] for x in served], served[-1]["ratio"] >= GOALS["static_ratio"]))
        out.append(("… the static file's median, ms", "–",
                    [x["medians_ms"][x["static"]] for x in served], None))
    if "load" in by[scales[-1]]:
        load = [by[s]["load"] for s in scales]
        out.append(("load walk: public pages crawled from `/` (with a POST form)", "–",
                    [f"{len(x['crawl']['pages'])} ({len(x['crawl']['forms'])})"
                     + (", stopped at the limit" if x["crawl"].get("truncated") else "")
                     for x in load],
                    None))
        for name, label in (("static", "the static file alone"), ("walk", "the walk"),
                            ("datasets", "the walk, 1 request in 20 a dataset"),
                            ("emptied", "the walk, cache emptied every 5 s")):
            if name in load[-1]["runs"]:
                out.append((f"load walk, {label}: requests/s; p99 ms", "–",
                            [f"{x['runs'][name]['rps']:.0f}; {x['runs'][name]['p99_ms']:.0f}"
                             if name in x["runs"] else None for x in load], None))
        by_figure = [{g[0]: g for g in x["goals"]} for x in load]
        for figure, goal, _value, met in load[-1]["goals"]:
            out.append((f"load walk: {figure}", goal,
                        [v[figure][2] if figure in v else None for v in by_figure], met))
    reports = result.get("reports", {})
    if "concurrent" in reports:
        c = reports["concurrent"]
        pad = [None] * (len(scales) - 1)
        two = c["runs"].get("2") or c["runs"].get(2)
        out += [
            (f"4 report runs at {reports['factor']}×, all finished, s: 1 process; 2 processes",
             "–", [*pad, f"{c['seconds']['1']:.0f}; {c['seconds']['2']:.0f}"], None),
            ("4 report runs: speed-up 1 → 2 worker processes", f"≥ {GOALS['report_speedup']}×",
             [*pad, c["speedup"]], (c["speedup"] or 0) >= GOALS["report_speedup"]),
            ("4 report runs: rendering side by side with 2 processes, at most", "2",
             [*pad, max(r["max_side_by_side"] for r in two)],
             max(r["max_side_by_side"] for r in two) == 2),
            ("4 report runs: none ran twice, one file each", "yes", [*pad, c["ok"]], c["ok"]),
            ("4 report runs: peak memory per worker process, MB", f"≤ {GOALS['report_mb']}",
             [*pad, c["peak_mb"]], c["peak_mb"] <= GOALS["report_mb"]),
            ("4 report runs: cores the pool processes kept busy (CPU s ÷ wall s): 1 process; "
             "2 processes", "–",
             [*pad, f"{_series([r.get('cores_busy') for r in c['runs'].get('1') or c['runs'][1]])}"
                    f"; {_series([r.get('cores_busy') for r in two])}"], None),
            ("cores two processes got around the report runs (probe; 2.0 = two free cores)", "–",
             [*pad, _series(c["cpu_capacity"])], None),
        ]
    elif reports:
        out.append(("report runs (bench.reports)", "exit 0", [None] * (len(scales) - 1)
                    + [reports.get("exit")], False))
    return out


def summary_rows(result):
    """The "Done when" list, one row each: (figure, goal, value, met)."""
    pages, datasets = page_rows(result), dataset_rows(result)
    public = [r for r in pages if r["page"]["role"] == "public"]
    officer = [r for r in pages if r["page"]["role"] == "officer"]

    def worst(items, key):
        row = max(items, key=lambda r: r[key][-1])
        return f"slowest `{row['page']['path']}` {_fmt(row[key][-1])}"

    out = [
        ("main-menu pages and the first detail page under each, anonymous, uncached median",
         f"≤ {GOALS['public_ms']} ms",
         f"{sum(r['ms'][-1] <= GOALS['public_ms'] for r in public)} of {len(public)}; "
         + worst(public, "ms") + " ms",
         all(r["ms"][-1] <= GOALS["public_ms"] for r in public)),
        ("officer pages reached from the menu (lists, details, forms, reporting overview)",
         f"≤ {GOALS['officer_ms']} ms and ≤ {GOALS['page_kb']} kB",
         f"{sum(r['checks']['time'] and r['checks']['size'] for r in officer)} of "
         f"{len(officer)}; " + worst(officer, "ms") + " ms; largest "
         f"{_fmt(max(r['kb'][-1] for r in officer))} kB",
         all(r["checks"]["time"] and r["checks"]["size"] for r in officer)),
        ("query counts do not grow with the scale", "every page",
         f"{sum(r['checks']['queries'] for r in pages)} of {len(pages)}",
         all(r["checks"]["queries"] for r in pages)),
        ("public pages answered from the page cache on the next request (in process)",
         "every page", f"{sum(r['checks']['cached'] for r in public)} of {len(public)}",
         all(r["checks"]["cached"] for r in public)),
        ("open datasets warm, with an ETag answering 304", f"≤ {GOALS['dataset_warm_ms']} ms",
         f"{sum(d['met'] for d in datasets)} of {len(datasets)}; slowest "
         + (f"`{max(datasets, key=lambda d: d['warm'][-1])['url']}` "
            f"{_fmt(max(d['warm'][-1] for d in datasets))} ms" if datasets else "–"),
         all(d["met"] for d in datasets)),
    ]
    for figure, goal, values, met in other_rows(result):
        if met is not None:
            out.append((figure, goal, _fmt(values[-1]), met))
    return out


def markdown(result):
    scales = result["scales"]
    head_scales = [f"{s}×" for s in scales]
    summary = summary_rows(result)
    lines = [
        "# Benchmark results (`make bench`)",
        "",
        "Written by `python -m bench.all` (bench/README.md says what is measured and how).",
        f"Goals are judged at the largest scale measured ({scales[-1]}×); growth is each "
        "scale's figure over the 1× figure.",
        "",
        f"Run {result['generated_at']} on {result['machine']['cpus']} CPU cores (load average "
        f"{result['machine']['load_start']} at the start, {result['machine']['load_end']} at "
        f"the end), Python {result['machine']['python']}; scales "
        f"{', '.join(head_scales)}; {result['repeat']} timed requests per figure (medians); "
        f"the run took {result['seconds'] / 60:.0f} min. Data: "
        + "; ".join(f"{s}×: {result['by_scale'][str(s)]['data'].get('indicators')} indicators, "
                    f"{result['by_scale'][str(s)]['data'].get('projects')} projects, "
                    f"{result['by_scale'][str(s)]['data'].get('organisations')} organisations, "
                    f"{result['by_scale'][str(s)]['data'].get('meetings')} meetings"
                    for s in scales) + ".",
        "",
        "## Done when",
        "",
        f"**{sum(r[3] for r in summary)} of {len(summary)} met.**",
        "",
        f"| figure | goal | at {scales[-1]}× | met |",
        "|---|---|---|---|",
    ]
    lines += [f"| {figure} | {goal} | {value} | {_met(met)} |"
              for figure, goal, value, met in summary]
    lines += [
        "", "## Pages", "",
        "In process (django.test.Client, production settings); uncached = the page cache "
        "invalidated before each request; cached = a page-cache hit. Figures per scale "
        f"({' / '.join(head_scales)}).", "",
        "| page | who | uncached ms | growth | cached ms | kB | SQL queries | goal | met |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in page_rows(result):
        page = row["page"]
        missed = [name for name, ok in row["checks"].items() if not ok]
        lines.append(
            f"| `{page['path']}` ({page['name']}) | {page['role']} | {_series(row['ms'])} | "
            f"{_growth(row['ms'])} | "
            f"{_series(row['cached_ms']) if page['role'] == 'public' else '–'} | "
            f"{_series(row['kb'])} | {_series(row['queries'])} | {row['goal']} | "
            f"{'yes' if row['met'] else '**NO** (' + ', '.join(missed) + ')'} |")
    lines += [
        "", "## Open data", "",
        "Cold = the first request after a change (written once); warm = served from the "
        "file; 304 = a conditional request with the ETag. Figures per scale "
        f"({' / '.join(head_scales)}).",
        "", "| dataset | kB | cold ms | warm ms | growth (warm) | gzip ms | 304 ms | met "
        f"(warm ≤ {GOALS['dataset_warm_ms']} ms) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in dataset_rows(result):
        lines.append(f"| `{row['url']}` | {_series(row['kb'])} | {_series(row['cold'])} | "
                     f"{_series(row['warm'])} | {_growth(row['warm'])} | {_series(row['gzip'])} "
                     f"| {_series(row['not_modified'])} | {_met(row['met'])} |")
    lines += ["", "## Imports, gunicorn, load walk, reports", "",
              "| figure | goal | " + " | ".join(head_scales) + " | growth | met |",
              "|---|---|" + "---|" * len(scales) + "---|---|"]
    for figure, goal, values, met in other_rows(result):
        lines.append(f"| {figure} | {goal} | " + " | ".join(_fmt(v) for v in values)
                     + f" | {_growth(values)} | {_met(met)} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.all", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default=os.environ.get("BENCH_SCALES", "1,10,100"))
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", 5)),
                        help="timed requests per page and figure (5; medians)")
    parser.add_argument("--load-seconds", type=int,
                        default=int(os.environ.get("BENCH_LOAD_SECONDS", 30)),
                        help="seconds per load-walk run (30; 0 leaves the walk out)")
    parser.add_argument("--static-repeat", type=int, default=200,
                        help="requests per URL, cached page vs static file (200)")
    parser.add_argument("--imports", default=os.environ.get("BENCH_IMPORTS", "10000,100000"),
                        help="value import sizes (10000,100000; empty: none)")
    parser.add_argument("--max-pages", type=int, default=2000,
                        help="the load walk's crawl stops after this many pages (2000)")
    parser.add_argument("--no-reports", action="store_true")
    parser.add_argument("--no-results-file", action="store_true")
    parser.add_argument("--from-json", metavar="FILE",
                        help="write bench/RESULTS.md from a saved run (bench/results/all.json)")
    args = parser.parse_args(argv)
    if args.from_json:
        text = markdown(json.loads(Path(args.from_json).read_text(encoding="utf-8")))
        RESULTS_FILE.write_text(text, encoding="utf-8")
        print(text)
        return 0
    scales = _scales(args.scales)
    started = time.perf_counter()
    load_start = f"{os.getloadavg()[0]:.1f}"
    print(f"Creating database {DB_NAME}; scales {scales}", flush=True)
    recreate_database(DB_NAME)
    setup()
    result = run(scales, args.repeat, args.load_seconds, args.static_repeat,
                 [int(n) for n in args.imports.split(",") if n.strip()], args.max_pages)
    if not args.no_reports:
        result["reports"] = run_reports(scales)
    result.update({
        "generated_at": datetime.now(UTC).isoformat(timespec="minutes"),
        "seconds": round(time.perf_counter() - started),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_start": load_start, "load_end": f"{os.getloadavg()[0]:.1f}"},
    })
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "all.json").write_text(json.dumps(result, indent=1, ensure_ascii=False,
                                                     default=str), encoding="utf-8")
    text = markdown(result)
    if not args.no_results_file:
        RESULTS_FILE.write_text(text, encoding="utf-8")
        print(f"Wrote {RESULTS_FILE}")
    print(text)
    status = 0
    growing = [r["page"]["path"] for r in page_rows(result) if not r["checks"]["queries"]]
    if growing:
        print("FAIL: the query count grows with the data on: " + ", ".join(growing))
        status = 1
    bad = [key for s in scales for key, page in result["by_scale"][str(s)]["pages"].items()
           if page["status"] != 200]
    if bad:
        print(f"FAIL: pages not answering 200: {sorted(set(bad))}")
        status = 1
    if result.get("reports", {}).get("exit"):
        status = 1
    print(f"bench.all took {(time.perf_counter() - started) / 60:.1f} min")
    return status


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
