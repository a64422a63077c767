"""The benchmark: SQL query count and server time of the list and detail pages
at 1x and 100x the seed data.

    make bench                      # = scripts/bench.sh = python -m bench.run
    python -m bench.run --repeat 50 --factors 1,10,100

Steps: drop and create a PostgreSQL database of its own (`portal_bench`, never
the development or test database), migrate, load `seed_demo` (or, while the
project has no seed_demo, a factory-made base set), then for each factor
multiply the data up to it (bench.generate.multiply) and request every page
through django.test.Client: one warm-up request, two requests under
CaptureQueriesContext for the query count (which must agree), then `--repeat`
timed requests. Server time is the in-process request time (middleware, view,
template, serialisation; no network, no gunicorn).

Output: a table on stdout, bench/results/latest.json (gitignored) and the
results table in bench/README.md between the results markers. Exits with
status 1 when a page's query count differs between the factors: that page has
an N+1 problem.
"""

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
README = BENCH_DIR / "README.md"
START_MARKER = "<!-- results:start -->"
END_MARKER = "<!-- results:end -->"

DB_SERVER = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DATABASE_NAME", "portal_bench")
# A Redis database of its own, so the benchmark never touches the test suite's.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")


def recreate_database():
    """Drop and create the benchmark database (before Django is set up)."""
    import psycopg
    from psycopg import sql

    if not DB_NAME.startswith("portal_bench"):
        raise SystemExit(f"refusing to drop {DB_NAME!r}: the bench database must be portal_bench*")
    with psycopg.connect(f"{DB_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(DB_NAME)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))


def setup_django():
    os.environ["DATABASE_URL"] = f"{DB_SERVER}/{DB_NAME}"
    os.environ["REDIS_URL"] = REDIS_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import logging
    import warnings

    import django

    # The static files are not collected for the benchmark; pages do not need them.
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
    django.setup()
    logging.getLogger("axes").setLevel(logging.WARNING)
    from django.test.utils import setup_test_environment

    setup_test_environment()


# --- pages -------------------------------------------------------------------


def pick_targets():
    """The objects whose detail pages are measured: the base group, organisation
    and person with the most memberships. Picked once, at 1x, and kept."""
    from django.db.models import Count

    from planning.models import Organisation, Person, WorkingGroup

    group = WorkingGroup.objects.annotate(n=Count("memberships")).order_by("-n", "pk").first()
    organisation = (
        Organisation.objects.annotate(n=Count("memberships")).order_by("-n", "pk").first()
    )
    person = (
        Person.objects.annotate(
            n=Count("memberships", distinct=True)
            + Count("substitute_memberships", distinct=True)
            + Count("managed_groups", distinct=True),
        )
        .order_by("-n", "pk")
        .first()
    )
    return {"group": group, "organisation": organisation, "person": person}


def pages(targets):
    """(name, path, role) of every measured page; role is 'public' or 'officer'."""
    from django.urls import reverse

    group, organisation, person = targets["group"], targets["organisation"], targets["person"]
    return [
        ("home", reverse("core:home"), "public"),
        ("organisation list", reverse("planning:organisation_list"), "public"),
        ("group list", reverse("planning:group_list"), "public"),
        ("people list", reverse("planning:person_list"), "officer"),
        ("organisations.json", reverse("core:dataset_json", args=["organisations"]), "public"),
        ("working-groups.json", reverse("core:dataset_json", args=["working-groups"]), "public"),
        ("working-groups.csv", reverse("core:dataset_csv", args=["working-groups"]), "public"),
        ("group detail", reverse("planning:group_detail", args=[group.code]), "public"),
        ("group detail", reverse("planning:group_detail", args=[group.code]), "officer"),
        ("organisation detail",
         reverse("planning:organisation_detail", args=[organisation.pk]), "public"),
        ("person detail", reverse("planning:person_detail", args=[person.pk]), "officer"),
    ]


def make_clients():
    from django.test import Client

    from accounts.models import User

    officer, _ = User.objects.get_or_create(
        username="bench-officer", defaults={"is_city_officer": True}
    )
    if not officer.is_city_officer:
        officer.is_city_officer = True
        officer.save(update_fields=["is_city_officer"])
    officer_client = Client()
    officer_client.force_login(officer)
    return {"public": Client(), "officer": officer_client}


def _get(client, path):
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code}, expected 200")
    # Consume a streaming body inside the measurement: its queries run here.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return len(body)


def measure(client, path, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _get(client, path)  # warm-up: URL resolver, template loader, content types
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            size = _get(client, path)
        counts.append(len(ctx.captured_queries))
    if counts[0] != counts[1]:
        raise SystemExit(f"GET {path}: query count not stable between requests: {counts}")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        _get(client, path)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[max(0, math.ceil(0.95 * len(times)) - 1)]
    return {
        "queries": counts[0],
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(p95, 1),
        "bytes": size,
    }


# --- reporting ----------------------------------------------------------------


def _label(page):
    return f"{page['name']} ({page['role']})" if page["role"] != "public" else page["name"]


def markdown_table(result):
    factors = result["factors"]
    head = ["page", "path"]
    for f in factors:
        head += [f"queries {f}×", f"median {f}× ms", f"p95 {f}× ms"]
    head.append("same queries")
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * len(head)) + "|"]
    for page in result["pages"]:
        row = [_label(page), f"`{page['path']}`"]
        for f in factors:
            m = page["by_factor"][str(f)]
            row += [str(m["queries"]), f"{m['median_ms']:.1f}", f"{m['p95_ms']:.1f}"]
        row.append("yes" if page["queries_equal"] else "**NO – grows with data**")
        lines.append("| " + " | ".join(row) + " |")
    data_line = "; ".join(
        f"{f}×: " + ", ".join(f"{v} {k}" for k, v in result["data"][str(f)].items())
        for f in factors
    )
    lines += [
        "",
        f"Data — {data_line}. Seed: {result['base']}. "
        f"Multiplying to {factors[-1]}× took {result['multiply_seconds'][str(factors[-1])]} s.",
        f"Run {result['generated_at']} on {result['machine']['cpus']} CPU cores, "
        f"Python {result['machine']['python']}, {result['machine']['postgres']}; "
        f"{result['repeat']} timed requests per page and factor.",
    ]
    return "\n".join(lines)


def text_table(result):
    factors = result["factors"]
    width = max(len(_label(p)) for p in result["pages"]) + 2
    head = f"{'page':<{width}}" + "".join(
        f"{f'q {f}x':>8}{f'med {f}x':>10}{f'p95 {f}x':>10}" for f in factors
    ) + "  same"
    lines = [head, "-" * len(head)]
    for page in result["pages"]:
        line = f"{_label(page):<{width}}"
        for f in factors:
            m = page["by_factor"][str(f)]
            line += f"{m['queries']:>8}{m['median_ms']:>10.1f}{m['p95_ms']:>10.1f}"
        line += "  " + ("yes" if page["queries_equal"] else "NO - grows with data")
        lines.append(line)
    return "\n".join(lines)


def update_readme(table):
    if not README.exists():
        return False
    text = README.read_text(encoding="utf-8")
    start, end = text.find(START_MARKER), text.find(END_MARKER)
    if start < 0 or end < start:
        return False
    text = text[: start + len(START_MARKER)] + "\n" + table + "\n" + text[end:]
    README.write_text(text, encoding="utf-8")
    return True


def machine_info():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "postgres": f"PostgreSQL {version}",
        "platform": platform.platform(),
    }


# --- main ---------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page (30)")
    parser.add_argument("--factors", default="1,100", help="data factors, ascending (1,100)")
    parser.add_argument("--no-readme", action="store_true", help="do not update bench/README.md")
    args = parser.parse_args(argv)
    factors = sorted({int(f) for f in args.factors.split(",")})
    if factors[0] != 1:
        raise SystemExit("the first factor must be 1")
    if any(b % a for a, b in zip(factors, factors[1:], strict=False)):
        raise SystemExit("each factor must be a multiple of the one before")

    print(f"Creating database {DB_NAME}")
    recreate_database()
    setup_django()

    from django.core.management import call_command

    from bench import generate

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    base = generate.load_base()
    print(f"Base data from {base} in {time.perf_counter() - started:.1f} s: {generate.counts()}")

    targets = pick_targets()
    page_list = pages(targets)
    clients = make_clients()
    result = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "repeat": args.repeat,
        "factors": factors,
        "base": base,
        "data": {},
        "multiply_seconds": {},
        "pages": [{"name": n, "path": p, "role": r, "by_factor": {}} for n, p, r in page_list],
    }

    base_counts = generate.counts()
    current = 1
    for factor in factors:
        if factor > current:
            # multiply() multiplies what is there; the base rows stay the same.
            before = generate.counts()
            started = time.perf_counter()
            generate.multiply(factor // current)
            took = time.perf_counter() - started
            after = generate.counts()
            expected = {k: v * factor for k, v in base_counts.items()}
            if after != expected:
                raise SystemExit(f"multiply gave {after}, expected {expected} (from {before})")
            current = factor
            result["multiply_seconds"][str(factor)] = round(took, 1)
            print(f"Multiplied to {factor}x in {took:.1f} s")
        else:
            result["multiply_seconds"][str(factor)] = 0.0
        result["data"][str(factor)] = generate.counts()
        print(f"Measuring at {factor}x: {result['data'][str(factor)]}")
        for page in result["pages"]:
            page["by_factor"][str(factor)] = measure(
                clients[page["role"]], page["path"], args.repeat
            )

    for page in result["pages"]:
        page["queries_equal"] = len({m["queries"] for m in page["by_factor"].values()}) == 1

    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "latest.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print()
    print(text_table(result))
    print(f"\nWrote {RESULTS_DIR / 'latest.json'}")
    if not args.no_readme and update_readme(markdown_table(result)):
        print(f"Updated {README}")

    growing = [_label(p) for p in result["pages"] if not p["queries_equal"]]
    if growing:
        print("\nFAIL: the SQL query count grows with the data on: " + ", ".join(growing))
        return 1
    print("\nOK: every page runs the same number of SQL queries at every factor.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
