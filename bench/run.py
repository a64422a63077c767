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
template, serialisation; no network, no gunicorn). Anonymous indicator pages
are measured as a page-cache miss (the namespace invalidated before every
request) and as a hit; officers bypass the cache. After the last factor,
cached indicator pages are timed against static files, in process and through
gunicorn (bench.serving).

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


def recreate_database(name=DB_NAME):
    """Drop and create the benchmark database (before Django is set up)."""
    import psycopg
    from psycopg import sql

    if not name.startswith("portal_bench"):
        raise SystemExit(f"refusing to drop {name!r}: the bench database must be portal_bench*")
    with psycopg.connect(f"{DB_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(name=DB_NAME):
    os.environ["DATABASE_URL"] = f"{DB_SERVER}/{name}"
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
    """The objects whose detail pages are measured, picked once at 1x (the
    richest of each kind a visitor may see) and kept: the base group,
    organisation and person with the most memberships; the public indicator
    with the most values and parts; the published project with the most
    funding lines, key activities, measures, indicators and reports; the
    meeting with published minutes with the most programme items,
    attendance, minutes items and tasks."""
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Count

    from directory.models import Organisation, Person, WorkingGroup
    from indicators.models import Indicator
    from indicators.permissions import can_view_indicator
    from meetings.models import Meeting
    from projects.models import Project

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
    public_indicators = can_view_indicator.filter(
        AnonymousUser(), Indicator.objects.all()).values("pk")
    indicator = (
        Indicator.objects.filter(pk__in=public_indicators)
        .annotate(n=Count("values", distinct=True) + Count("values__parts", distinct=True))
        .order_by("-n", "pk")
        .first()
    )
    project = (
        Project.objects.published()
        .annotate(n=Count("funding", distinct=True) + Count("key_activities", distinct=True)
                  + Count("measures", distinct=True) + Count("indicator_links", distinct=True)
                  + Count("reports", distinct=True))
        .order_by("-n", "pk")
        .first()
    )
    meeting = (
        Meeting.objects.published()
        .annotate(n=Count("programme", distinct=True) + Count("attendance", distinct=True)
                  + Count("items", distinct=True) + Count("tasks", distinct=True))
        .order_by("-n", "pk")
        .first()
    )
    return {"group": group, "organisation": organisation, "person": person,
            "indicator": indicator, "project": project, "meeting": meeting}


# Anonymous indicator pages come from the whole-page cache (core.pagecache).
# Each is measured twice for anonymous readers: as a cache miss (the namespace
# invalidated before every request, so the page is rendered and stored) and as
# a cache hit; officers always bypass the cache (signed in).
MISS, HIT = "miss", "hit"
INDICATOR_CACHE = "indicators"


def _page(name, path, role="public", cache=None):
    return {"name": name, "path": path, "role": role, "cache": cache}


def pages(targets):
    """Every measured page: name, path, role ('public' or 'officer') and, for
    page-cached anonymous pages, the cache state measured ('miss' or 'hit')."""
    from django.urls import reverse

    group, organisation, person = targets["group"], targets["organisation"], targets["person"]
    indicator, project, meeting = targets["indicator"], targets["project"], targets["meeting"]

    def dataset(slug, fmt="json"):
        return reverse(f"core:dataset_{fmt}", args=[slug])

    result = [
        _page("home", reverse("core:home")),
        _page("organisation list", reverse("directory:organisation_list")),
        _page("group list", reverse("directory:group_list")),
        _page("people list", reverse("directory:person_list"), "officer"),
        _page("organisations.json", dataset("organisations")),
        _page("working-groups.json", dataset("working-groups")),
        _page("working-groups.csv", dataset("working-groups", "csv")),
        _page("group detail", reverse("directory:group_detail", args=[group.code])),
        _page("group detail", reverse("directory:group_detail", args=[group.code]), "officer"),
        _page("organisation detail",
              reverse("directory:organisation_detail", args=[organisation.pk])),
        _page("person detail", reverse("directory:person_detail", args=[person.pk]), "officer"),
    ]
    if indicator is not None:
        indicator_list = reverse("indicators:list")
        indicator_detail = reverse("indicators:detail", args=[indicator.slug])
        result += [
            _page("indicator list", indicator_list, cache=MISS),
            _page("indicator list", indicator_list, cache=HIT),
            _page("indicator list", indicator_list, "officer"),
            _page("indicator detail", indicator_detail, cache=MISS),
            _page("indicator detail", indicator_detail, cache=HIT),
            _page("indicator detail", indicator_detail, "officer"),
            _page("indicators.json", dataset("indicators")),
            _page("indicator-values.csv", dataset("indicator-values", "csv")),
        ]
    if project is not None:
        project_detail = reverse("projects:project_detail", args=[project.pk])
        result += [
            _page("project list", reverse("projects:list")),
            _page("project list", reverse("projects:list"), "officer"),
            _page("project totals", reverse("projects:project_totals")),
            _page("project detail", project_detail),
            _page("project detail", project_detail, "officer"),
            _page("projects.json", dataset("projects")),
        ]
    if meeting is not None:
        meeting_detail = reverse("meetings:detail", args=[meeting.pk])
        result += [
            _page("meeting list", reverse("meetings:list")),
            _page("event list", reverse("meetings:events")),
            _page("meeting detail", meeting_detail),
            _page("meeting detail", meeting_detail, "officer"),
            _page("meetings dashboard", reverse("meetings:dashboard"), "officer"),
            _page("calendar.ics", reverse("meetings:calendar")),
            _page("meetings.json", dataset("meetings")),
        ]
    return result


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


def _get(client, path, cache=None):
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code}, expected 200")
    if cache is not None and response.get("X-Page-Cache") != cache:
        raise SystemExit(f"GET {path}: expected a page-cache {cache}, "
                         f"got X-Page-Cache: {response.get('X-Page-Cache')!r}")
    # Consume a streaming body inside the measurement: its queries run here.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return len(body)


def _before_request(cache):
    """A cache miss is forced by invalidating the indicator pages' namespace
    (one Redis INCR, outside the timed and counted part)."""
    if cache == MISS:
        from core import pagecache

        pagecache.invalidate(INDICATOR_CACHE)


def measure(client, path, repeat, cache=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _before_request(cache)
    _get(client, path)  # warm-up: URL resolver, template loader, content types; fills the cache
    counts = []
    for _ in range(2):
        _before_request(cache)
        with CaptureQueriesContext(connection) as ctx:
            size = _get(client, path, cache)
        counts.append(len(ctx.captured_queries))
    if counts[0] != counts[1]:
        raise SystemExit(f"GET {path}: query count not stable between requests: {counts}")
    times = []
    for _ in range(repeat):
        _before_request(cache)
        started = time.perf_counter()
        _get(client, path, cache)
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
    if page["role"] != "public":
        return f"{page['name']} ({page['role']})"
    if page.get("cache"):
        return f"{page['name']} (cache {page['cache']})"
    return page["name"]


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
        f"Run {result['generated_at']} on {result['machine']['cpus']} CPU cores "
        f"(load average {result['machine'].get('load', '?')} at the start), "
        f"Python {result['machine']['python']}, {result['machine']['postgres']}; "
        f"{result['repeat']} timed requests per page and factor.",
    ]
    if "static_comparison" in result:
        from bench import serving

        lines += [
            "",
            f"**Cached indicator pages against static files** (at "
            f"{result['static_comparison']['factor']}× data):",
            "",
            serving.markdown(result["static_comparison"]),
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
        "load": f"{os.getloadavg()[0]:.1f}",
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
    parser.add_argument("--static-repeat", type=int, default=200,
                        help="requests per URL for cached pages vs static files (200; 0: skip)")
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
        "pages": [{**page, "by_factor": {}} for page in page_list],
    }

    base_counts = generate.counts()
    current = 1
    for factor in factors:
        if factor > current:
            # multiply() multiplies what is there; the base rows stay the same.
            before = generate.counts()
            started = time.perf_counter()
            generate.multiply(factor // current)
            generate.analyze()
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
                clients[page["role"]], page["path"], args.repeat, page["cache"]
            )

    for page in result["pages"]:
        page["queries_equal"] = len({m["queries"] for m in page["by_factor"].values()}) == 1

    if args.static_repeat and targets["indicator"] is not None:
        from django.urls import reverse

        from bench import serving
        from indicators.models import Indicator

        code = "G05" if Indicator.objects.filter(slug="G05").exists() else targets[
            "indicator"].slug
        print(f"Cached indicator pages vs static files at {factors[-1]}x")
        result["static_comparison"] = serving.compare(
            [reverse("indicators:list"), reverse("indicators:detail", args=[code])],
            repeat=args.static_repeat)
        result["static_comparison"]["factor"] = factors[-1]

    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "latest.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print()
    print(text_table(result))
    if "static_comparison" in result:
        from bench import serving

        print()
        print(serving.markdown(result["static_comparison"]))
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
