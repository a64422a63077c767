#!/usr/bin/env bash
# Runs every test against real PostgreSQL, Redis, a Celery worker and Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian chromium for the browser tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core
fi
if ! command -v java >/dev/null 2>&1; then
  echo "Installing Debian default-jre-headless for the HTML validity check (vnu)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless
fi
bash scripts/services.sh

export DJANGO_SETTINGS_MODULE=config.settings.test
export DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal}
export REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/5}

.venv/bin/python manage.py makemigrations --check --dry-run -v1
bash scripts/check_deploy.sh
# Two processes (pytest-xdist): each with its own test database, Redis
# database and MEDIA_ROOT (config/settings/test.py). PYTEST_WORKERS=0 runs in one.
.venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
