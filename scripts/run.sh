#!/usr/bin/env bash
# The embedded default: SQLite in var/, a filesystem Celery broker with a real
# worker and beat, demo data from the seeds, the portal on 127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
unset DATABASE_URL REDIS_URL
export DJANGO_SETTINGS_MODULE=config.settings.local

mkdir -p var/celery/queue var/celery/processed var/celery/results var/celery/control var/media
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py seed_demo

.venv/bin/celery -A config worker --beat --concurrency 1 --loglevel INFO \
  --schedule var/celery/beat-schedule >var/celery/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo "Celery worker and beat running (log: var/celery/worker.log)"
echo "Portal: http://127.0.0.1:8000/"
.venv/bin/python manage.py runserver 127.0.0.1:8000
