#!/usr/bin/env bash
# Runs the tests against real PostgreSQL and Redis; arguments go to pytest.
#   bash scripts/test.sh [ARGS]          everything CI runs: Chromium, real Celery
#                                        workers, Hypothesis profile `ci` (make test)
#   bash scripts/test.sh --fast [ARGS]   no browser, no worker, no `slow` test,
#                                        profile `dev`, and neither of the two
#                                        checks before pytest (make test-fast)
# A later --hypothesis-profile wins: make test-deep passes `deep`.
set -euo pipefail
cd "$(dirname "$0")/.."

fast=0
if [ "${1:-}" = "--fast" ]; then
  fast=1
  shift
fi

if [ "$fast" = 0 ] && [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian chromium for the browser tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core
fi
if ! command -v java >/dev/null 2>&1; then
  echo "Installing Debian default-jre-headless for the HTML validity check (vnu)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless
fi
if ! command -v pdfinfo >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
  echo "Installing Debian poppler-utils for the PDF accessibility checks (pdfinfo, pdftotext)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils
fi
bash scripts/services.sh

export DJANGO_SETTINGS_MODULE=config.settings.test
# Compiled modules are kept between runs in var/pycache/ (the project's, the
# .venv's, and the test modules as pytest rewrites their asserts), also where
# the environment says not to write bytecode beside the sources: without them
# each test process compiles every module it imports again, about 8 s of CPU
# of its 14 s collection. The first run on a fresh clone still compiles.
unset PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX="$PWD/var/pycache"
export DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal}
export REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/5}

# Migrations complete, `check --deploy` clean: about 5 s of Django start-ups
# before pytest, so only in the full run (CI); make test-fast leaves them out.
if [ "$fast" = 0 ]; then
  .venv/bin/python manage.py makemigrations --check --dry-run -v1
  bash scripts/check_deploy.sh
fi

if [ "$fast" = 1 ]; then
  set -- -m "not browser and not worker and not slow" --hypothesis-profile=dev "$@"
else
  # The slowest tests are named at the end of every full run (and so of every
  # CI log): where the budget of make test goes is read there.
  set -- --hypothesis-profile=ci --durations=30 "$@"
fi
# Two processes (pytest-xdist): each with its own test database, Redis
# database and MEDIA_ROOT (config/settings/test.py). A module goes to one
# process as a whole (loadscope), so that the rows it shares (tests/shared_db.py)
# are built once. PYTEST_WORKERS=0 runs in one.
.venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" --dist loadscope "$@"
