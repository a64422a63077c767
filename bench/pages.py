"""The pages part of bench.all alone, on a database generated once.

    python -m bench.pages --prepare 100          # drop, create, migrate, seed_demo, x100
    python -m bench.pages --repeat 3             # measure every page (as bench.all does)
    python -m bench.pages --only /indicators/    # only pages whose path starts with this
    python -m bench.pages --profile /rounds/ --role officer   # cProfile one request

Same database and Redis as bench.all (BENCH_DATABASE_NAME, BENCH_REDIS_URL;
the Redis database is emptied), production settings, the same pages
(`bench.all.public_pages` and `officer_pages`) and the same measurement
(`bench.all.measure_page`: median of `--repeat` uncached requests; size; SQL
queries). Unlike bench.all it keeps the database between runs, so a change
can be measured before and after on the same data; each line carries the
load average of the machine at that moment.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time

from bench import all as bench_all
from bench.run import DB_NAME, REDIS_URL, recreate_database


def prepare(scale):
    from django.core.management import call_command

    from bench import generate, serving

    call_command("migrate", verbosity=0, interactive=False)
    serving.collectstatic(bench_all.production_env())
    print(f"base data from {generate.load_base()}", flush=True)
    if scale > 1:
        started = time.perf_counter()
        generate.multiply(scale)
        generate.analyze()
        print(f"multiplied to {scale}x in {time.perf_counter() - started:.1f} s", flush=True)
    print(generate.counts(), flush=True)


def _clients():
    from django.test import Client

    officer = bench_all.make_officer()
    officer_client = Client()
    officer_client.force_login(officer)
    return {"public": Client(), "officer": officer_client}


def profile(path, role, sort="cumulative", lines=40, rounds=5):
    """cProfile `rounds` uncached requests (after two warm-ups); the SQL of the last."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core import pagecache

    client = _clients()[role]
    for _ in range(2):  # warm-up: imports, templates, connections
        pagecache.invalidate()
        client.get(path)
    profiler = cProfile.Profile()
    for _ in range(rounds):
        pagecache.invalidate()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            profiler.enable()
            response = client.get(path)
            body = bench_all._body(response)
            profiler.disable()
            took = (time.perf_counter() - started) * 1000
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(lines)
    print(out.getvalue())
    for query in ctx.captured_queries:
        print(f"{query['time']:>7} s  {query['sql'][:400]}")
    print(f"{path} as {role}: {response.status_code}, {len(body) / 1024:.1f} kB, "
          f"{len(ctx.captured_queries)} queries, {took:.1f} ms (the last, profiled); "
          f"the profile is of {rounds} requests")


def measure(repeat, only=None):
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    clients = _clients()
    pages = bench_all.public_pages(clients["public"]) + bench_all.officer_pages(
        clients["officer"])
    if only:
        pages = [p for p in pages if any(p["path"].startswith(o) for o in only)]
    results = []
    for page in pages:
        measured = bench_all.measure_page(clients[page["role"]], page, repeat)
        goal = bench_all.GOALS["public_ms" if page["role"] == "public" else "officer_ms"]
        over = measured["ms"] > goal or measured["kb"] > bench_all.GOALS["page_kb"]
        row = {**page, **measured, "load": round(os.getloadavg()[0], 2), "over": over}
        results.append(row)
        print(f"{'OVER' if over else '    '} {page['role']:8} {page['path']:48} "
              f"{measured['ms']:>7.1f} ms {measured['kb']:>7.1f} kB "
              f"{measured['queries']:>3} q  load {row['load']:.2f}", flush=True)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prepare", type=int, metavar="SCALE",
                        help="drop and create the database and generate the data at SCALE")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", action="append", metavar="PATH_PREFIX")
    parser.add_argument("--profile", metavar="PATH")
    parser.add_argument("--role", choices=("public", "officer"), default="officer")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--json", metavar="FILE", help="write the figures to FILE")
    args = parser.parse_args(argv)
    if args.prepare:
        recreate_database(DB_NAME)
    bench_all.setup()
    if args.prepare:
        prepare(args.prepare)
        return 0
    if args.profile:
        profile(args.profile, args.role, args.sort)
        return 0
    print(f"{DB_NAME}, load average {os.getloadavg()[0]:.2f} at the start", flush=True)
    results = measure(args.repeat, args.only)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(results, out, indent=1, ensure_ascii=False)
    over = [r for r in results if r["over"]]
    print(f"{len(over)} of {len(results)} pages over their goal; "
          f"load average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
