#!/bin/sh
# Entrypoint of every portal container (web, worker, beat, one-off commands).
#
# 1. Waits until the database accepts connections (DB_WAIT_TIMEOUT seconds,
#    default 60; 0 skips the wait).
# 2. When RUN_MIGRATIONS=1 (docker-compose.yml sets it for the web role only),
#    applies migrations. A PostgreSQL advisory lock makes several web replicas
#    starting at once take turns instead of migrating concurrently.
# 3. Replaces itself with the container's command (gunicorn, celery, ...), so
#    that the command is PID 1 and receives the stop signal.
set -eu

: "${DB_WAIT_TIMEOUT:=60}"
: "${RUN_MIGRATIONS:=0}"
export DB_WAIT_TIMEOUT RUN_MIGRATIONS

if [ "$DB_WAIT_TIMEOUT" != "0" ] || [ "$RUN_MIGRATIONS" = "1" ]; then
    python - <<'PY'
import os
import sys
import time

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.db.utils import OperationalError  # noqa: E402

connection = connections["default"]
timeout = int(os.environ["DB_WAIT_TIMEOUT"])
deadline = time.monotonic() + timeout
while timeout > 0:
    try:
        connection.ensure_connection()
        break
    except OperationalError as exc:
        connection.close()
        if time.monotonic() >= deadline:
            print(f"entrypoint: database not reachable after {timeout}s: {exc}", file=sys.stderr)
            sys.exit(1)
        print("entrypoint: waiting for the database...", file=sys.stderr, flush=True)
        time.sleep(2)

if os.environ["RUN_MIGRATIONS"] == "1":
    # Arbitrary constant shared by every replica of this portal.
    lock_id = 7_242_019
    locked = connection.vendor == "postgresql"
    if locked:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [lock_id])
    try:
        print("entrypoint: applying migrations", file=sys.stderr, flush=True)
        call_command("migrate", "--noinput")
    finally:
        if locked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_id])
connection.close()
PY
fi

exec "$@"
