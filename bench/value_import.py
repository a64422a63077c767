"""10,000 values from the portal's own value template, imported with
`manage.py import_values` (the issue's goal: ≤ 5 s), timed as a user runs it.

The database (`portal_bench_values`, dropped and created) is migrated and
loaded with `seed_demo`; the template a city officer downloads
(`indicators.imports.template_xlsx_bytes` over every reportable indicator) is
filled with N values: each indicator's row copied with monthly periods
(2001 on, earlier when they would run past 2100), values such as
„12 345,5“, every seventh an estimate („cca“), every third with a note. The
workbook is written to `--out` and imported with `manage.py import_values
FILE --user bench-officer` in a child process (wall and CPU time, process
start included); the open data
(`/data/indicator-values.csv`) is requested right after and must hold the
new values. `--dry-run` times the preview alone; `--changed` imports again with every
value changed (the update path).

    python -m bench.value_import                     # 10,000 values
    python -m bench.value_import --reuse-seed        # again, on a copy of the seeded database
    python -m bench.value_import --values 100000 --dry-run
    python -m bench.value_import --reuse-seed --profile var/bench/import.prof

Not a timed test; the figures go into bench/README.md by hand.
"""

import argparse
import io
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench.run import DB_SERVER, REDIS_URL, recreate_database, setup_django

DB_NAME = os.environ.get("BENCH_VALUES_DATABASE_NAME", "portal_bench_values")
TARGET_SECONDS = 5
USERNAME = "bench-officer"


SEED_NAME = f"{DB_NAME}_seed"


def _admin(statement, *names):
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{DB_SERVER}/postgres", autocommit=True) as conn:
        return conn.execute(sql.SQL(statement).format(*map(sql.Identifier, names))).rowcount


def _keep_seed():
    """The migrated, seeded database as a template for --reuse-seed."""
    from django.db import connections

    connections.close_all()
    _admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", SEED_NAME)
    _admin("CREATE DATABASE {} TEMPLATE {}", SEED_NAME, DB_NAME)


def _copy_seed():
    import psycopg

    try:
        _admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", DB_NAME)
        _admin("CREATE DATABASE {} TEMPLATE {}", DB_NAME, SEED_NAME)
    except psycopg.Error:
        return False
    return True


def filled_template(count, *, shift=0):
    """The officer's value template with `count` value rows filled in."""
    from openpyxl import load_workbook

    from accounts.models import User
    from indicators.imports import BY_KEY, HEADERS, SHEET_TITLE, template_xlsx_bytes
    from indicators.selectors import reportable_indicators

    officer = User.objects.get(username=USERNAME)
    indicators = [i for i in reportable_indicators(officer) if not i.part_labels]
    book = load_workbook(io.BytesIO(template_xlsx_bytes(indicators, number_format="cs")))
    sheet = book[SHEET_TITLE]
    template_rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)
                     if row[0].value]
    # The template's own rows, then copies of them: one value per row.
    sheet.delete_rows(2, sheet.max_row)
    column = {key: HEADERS.index(BY_KEY[key].header) for key in BY_KEY}
    # From 2001, or earlier when the months would run past 2100 (the last
    # year a period may have): 100,000 values of 57 indicators span 146 years.
    first_year = min(2001, 2100 - count // len(template_rows) // 12 - 1)
    for n in range(count):
        cells = list(template_rows[n % len(template_rows)])
        month = n // len(template_rows)
        cells[column["period"]] = f"{month % 12 + 1}/{first_year + month // 12}"
        amount = 1000 + n + shift
        text = f"{amount // 1000} {amount % 1000:03d},5"
        cells[column["value"]] = f"cca {text}" if n % 7 == 0 else text
        cells[column["note"]] = "odhad ČSÚ" if n % 3 == 0 else None
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), len(template_rows)


# Runs manage.py and tells the process's own peak RSS (VmHWM, Linux) on exit:
# getrusage(RUSAGE_CHILDREN) would report the bench's own size, which the
# child inherits until it execs.
_PEAK = """import atexit, runpy, sys
def _peak():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    sys.stderr.write("peak-rss-kb " + line.split()[1] + "\\n")
    except OSError:
        pass
atexit.register(_peak)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def import_values(path, *extra, profile=None):
    """(wall s, CPU s of the child, output with its peak RSS) of `manage.py
    import_values`;
    with `profile` (a path) the child runs under cProfile, which writes its
    statistics there (the wall time then includes the profiler's cost)."""
    env = {**os.environ, "DATABASE_URL": f"{DB_SERVER}/{DB_NAME}", "REDIS_URL": REDIS_URL}
    profiler = ["-m", "cProfile", "-o", str(profile)] if profile else ["-c", _PEAK]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, *profiler, "manage.py", "import_values", str(path),  # noqa: S603
                           "--user", USERNAME, *extra], env=env, capture_output=True,
                          text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode:
        raise SystemExit(f"import_values failed ({done.returncode}):\n{done.stderr[-3000:]}")
    peak = [line.split()[1] for line in done.stderr.splitlines()
            if line.startswith("peak-rss-kb ")]
    rss = f"; peak RSS {int(peak[-1]) // 1024} MB" if peak else ""
    return wall, cpu, done.stdout.strip() + rss


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--values", type=int, default=10_000)
    parser.add_argument("--out", default="var/bench/values.xlsx")
    parser.add_argument("--dry-run", action="store_true", help="time the preview alone")
    parser.add_argument("--changed", action="store_true",
                        help="import again with every value changed")
    parser.add_argument("--profile", metavar="FILE",
                        help="run the (first) import under cProfile, statistics to FILE "
                             "(python -m pstats FILE)")
    parser.add_argument("--reuse-seed", action="store_true",
                        help="copy the seeded database of an earlier run (kept as "
                             f"{SEED_NAME}) instead of migrating and seeding again")
    args = parser.parse_args(argv)
    seeded = args.reuse_seed and _copy_seed()
    if not seeded:
        recreate_database(DB_NAME)
    setup_django(DB_NAME)
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import User
    from core.review import ReviewState
    from indicators.models import IndicatorValue

    if not seeded:
        call_command("migrate", verbosity=0, interactive=False)
        call_command("seed_demo", "--without-accounts", verbosity=0)
        User.objects.get_or_create(username=USERNAME, defaults={"is_city_officer": True})
        _keep_seed()
    content, indicators = filled_template(args.values)
    path = Path(args.out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    print(f"{args.values:,} values of {indicators} indicators, {len(content) // 1024:,} kB: "
          f"{path}")
    before = IndicatorValue.objects.count()
    # The open data shows approved values only (a seed's draft or submitted ones not).
    public = IndicatorValue.objects.filter(review_state=ReviewState.APPROVED).count()
    wall, cpu, output = import_values(path, *(["--dry-run"] if args.dry_run else []),
                                      profile=args.profile)
    print(f"import_values{' --dry-run' if args.dry_run else ''}: {wall:.2f} s wall, "
          f"{cpu:.2f} s CPU ({output})")
    results = [wall]
    if not args.dry_run:
        # Every row a new value, but for the few whose month a seed value has
        # already (100,000 rows span the years 1953-2100).
        added = IndicatorValue.objects.count() - before
        assert args.values - 10 <= added <= args.values, (added, args.values)
        cache.clear()
        started = time.perf_counter()
        csv = Client().get("/data/indicator-values.csv")
        body = b"".join(csv.streaming_content) if csv.streaming else csv.content
        lines = body.count(b"\n") - 1
        print(f"/data/indicator-values.csv right after: {csv.status_code}, {lines:,} rows "
              f"({time.perf_counter() - started:.2f} s)")
        assert lines >= public + added, (lines, public, added)
        if args.changed:
            path.write_bytes(filled_template(args.values, shift=1)[0])
            wall, cpu, output = import_values(path)
            print(f"import_values, every value changed: {wall:.2f} s wall, {cpu:.2f} s CPU "
                  f"({output})")
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} "
          f"CPUs; target ≤ {TARGET_SECONDS} s: {'met' if results[0] <= TARGET_SECONDS else 'NO'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
