#!/usr/bin/env bash
# The embedded default: SQLite in var/, a filesystem Celery broker with a real
# worker and beat, demo data from the seeds, the portal on 127.0.0.1:8000.
# The last lines it prints, once the portal answers, are the demo logins.
set -euo pipefail
cd "$(dirname "$0")/.."
unset DATABASE_URL REDIS_URL
export DJANGO_SETTINGS_MODULE=config.settings.local
PORT=${PORT:-8000}
started=$SECONDS

mkdir -p var/celery/queue var/celery/processed var/celery/results var/celery/control var/media
echo "==> Migrating the database in var/ (first run: about 30 s) …"
.venv/bin/python manage.py migrate --noinput -v0
echo "==> Loading the demo data from the seed documents (first run: 1–3 minutes; later: a few seconds) …"
.venv/bin/python manage.py seed_demo | tee var/seed_demo.log

echo "==> Starting the Celery worker with beat (log: var/celery/worker.log) …"
.venv/bin/celery -A config worker --beat --concurrency 1 --loglevel INFO \
  --schedule var/celery/beat-schedule >var/celery/worker.log 2>&1 &
worker=$!
echo "==> Starting the portal …"
.venv/bin/python manage.py runserver "127.0.0.1:$PORT" &
server=$!
trap 'kill $server $worker 2>/dev/null || true' EXIT INT TERM

# Wait until the portal answers (its banner comes first), then say how to sign in.
for _ in $(seq 1 120); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
  kill -0 "$server" 2>/dev/null || break
  sleep 0.5
done
sleep 0.5
echo
echo "Ready in $((SECONDS - started)) s. Stop with Ctrl+C."
echo "Celery worker and beat: log in var/celery/worker.log. E-mails are printed here."
# The demo logins, as seed_demo printed them (its whole output: var/seed_demo.log).
awk '/^Demo accounts/ {on=1} on && /^Loading / {exit} on' var/seed_demo.log
echo "Portal: http://127.0.0.1:$PORT/"
wait "$server"
