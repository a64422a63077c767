#!/usr/bin/env bash
# `check --deploy` under production settings must print no warnings at all.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(DJANGO_SETTINGS_MODULE=config.settings.production \
  SECRET_KEY="check-deploy-$(head -c 48 /dev/urandom | base64 | tr -d '/+=')" \
  ALLOWED_HOSTS=portal.example.org \
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal \
  REDIS_URL=redis://127.0.0.1:6379/5 \
  CACHE_URL=redis://127.0.0.1:6380/0 \
  LOG_LEVEL=WARNING \
  .venv/bin/python manage.py check --deploy --fail-level WARNING 2>&1) || { echo "$out"; exit 1; }
echo "$out" | grep -v "^$"
