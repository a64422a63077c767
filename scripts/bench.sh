#!/usr/bin/env bash
# make bench: query counts and page times at 1x and 100x (bench.run; its
# arguments are passed on), then the report benchmark at 1x and 10x
# (bench.reports; extra arguments in BENCH_REPORTS_ARGS). Fails if either fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
export DJANGO_SETTINGS_MODULE=config.settings.test
status=0
.venv/bin/python -m bench.run "$@" || status=$?
# shellcheck disable=SC2086 # word splitting of the extra arguments is intended
.venv/bin/python -m bench.reports ${BENCH_REPORTS_ARGS:-} || status=$?
exit "$status"
