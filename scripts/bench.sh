#!/usr/bin/env bash
# make bench: the whole benchmark of "Fast at any size" in one run (bench.all):
# pages uncached and cached, officer pages, open data, value imports, cached
# page vs static file and the load walk through gunicorn, at 1x, 10x and 100x,
# then concurrent report runs (bench.reports); the table goes to
# bench/RESULTS.md. Arguments are passed on (python -m bench.all --help).
#   BENCH_SCALES=1,10 make bench        # a subset (the first scale must be 1)
#   BENCH_LOAD_SECONDS=10 make bench    # shorter load-walk runs (default 30 s)
#   BENCH_REPORTS_ARGS="--concurrent-repeat 2" make bench
# Fails if a query count grows with the data, a page does not answer 200 or a
# report run failed, ran twice or left two files.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
# Processes start from compiled modules, as in the image (Dockerfile:
# compileall): kept in var/pycache/ also where the environment says not to
# write bytecode, else every gunicorn worker, import and Celery process the
# bench starts compiles the project's code first.
unset PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX="$PWD/var/pycache"
command -v wrk >/dev/null || { echo "make bench needs wrk (apt install wrk)" >&2; exit 1; }
exec .venv/bin/python -m bench.all "$@"
