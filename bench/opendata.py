"""Open data at 1x and 100x: every dataset of /data/ (CSV and JSON), the zip
of all of them and each public plan's report tables (XLSX), timed cold (the
first request after a change: the file is written) and warm (served from the
file), and the answer to a conditional request (304).

    python -m bench.opendata                    # factors 1,100; 5 timed requests each
    python -m bench.opendata --factors 1,10,100 --repeat 9

Its own database (`portal_bench_opendata`, dropped and created; override with
BENCH_OPENDATA_DATABASE_NAME), migrated and loaded with seed_demo, then
multiplied with bench.generate. Requests go through django.test.Client in
process (middleware, view, file; no network). "Cold" is one request after
`core.dataversion.bump()`; "warm" and "304" are medians of --repeat requests.
Results on stdout and in bench/results/opendata.json (gitignored).
"""

import argparse
import json
import os
import statistics
import time

from bench.run import RESULTS_DIR, recreate_database, setup_django

DB_NAME = os.environ.get("BENCH_OPENDATA_DATABASE_NAME", "portal_bench_opendata")


def _timed(client, url, **headers):
    started = time.perf_counter()
    response = client.get(url, **headers)
    if hasattr(response, "streaming_content"):
        size = sum(len(chunk) for chunk in response.streaming_content)
    else:
        size = len(response.content)
    return (time.perf_counter() - started) * 1000, response, size


def measure(client, urls, repeat):
    from core import dataversion

    rows = []
    for url in urls:
        dataversion.bump()
        cold, response, size = _timed(client, url)
        assert response.status_code == 200, (url, response.status_code)
        etag = response["ETag"]
        warm = [_timed(client, url)[0] for _ in range(repeat)]
        gz = [_timed(client, url, HTTP_ACCEPT_ENCODING="gzip")[0] for _ in range(repeat)]
        cond = []
        for _ in range(repeat):
            ms, answer, _size = _timed(client, url, HTTP_IF_NONE_MATCH=etag)
            assert answer.status_code == 304, (url, answer.status_code)
            cond.append(ms)
        rows.append({"url": url, "bytes": size, "cold_ms": round(cold, 1),
                     "warm_ms": round(statistics.median(warm), 2),
                     "warm_gzip_ms": round(statistics.median(gz), 2),
                     "not_modified_ms": round(statistics.median(cond), 2)})
        row = rows[-1]
        print(f"{url:45} {size:>11,} B  cold {cold:8.1f} ms  warm {row['warm_ms']:6.2f} ms"
              f"  gzip {row['warm_gzip_ms']:6.2f} ms  304 {row['not_modified_ms']:6.2f} ms",
              flush=True)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.opendata", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--factors", default="1,100")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    factors = sorted({int(f) for f in args.factors.split(",")})

    recreate_database(DB_NAME)
    setup_django(DB_NAME)
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from bench import generate
    from core import opendata
    from planning.models import PUBLIC_PLAN_STATUSES, Plan

    call_command("migrate", verbosity=0, interactive=False)
    print(f"base data from {generate.load_base()}", flush=True)
    urls = [reverse(f"core:dataset_{fmt}", args=[d.slug])
            for d in opendata.datasets() for fmt in ("csv", "json")]
    urls.append(reverse("core:dataset_zip"))
    urls += [reverse("reports:plan_tables_xlsx", args=[code]) for code in
             Plan.objects.filter(status__in=PUBLIC_PLAN_STATUSES).values_list("code", flat=True)]
    client = Client()
    result, done = {}, 1
    for factor in factors:
        if factor > done:
            started = time.perf_counter()
            generate.multiply(factor // done)
            print(f"multiplied to {factor}x in {time.perf_counter() - started:.1f} s", flush=True)
            done = factor
        print(f"--- {factor}x", flush=True)
        result[str(factor)] = measure(client, urls, args.repeat)
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "opendata.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
