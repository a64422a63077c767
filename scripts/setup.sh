#!/usr/bin/env bash
# Creates .venv with the pinned dependencies and compiles the Czech catalogue.
# Safe to run again: it only installs what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

# `setup.sh` installs what running needs (requirements/runtime.txt);
# `setup.sh dev` adds the tests, lint and benchmarks (requirements/dev.txt).
# Both files lock every package at an exact version (scripts/lock.sh).
profile=${1:-runtime}
case "$profile" in
  runtime|dev) ;;
  *) echo "usage: setup.sh [runtime|dev]" >&2; exit 2 ;;
esac
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.deps-$profile-$(sha256sum "requirements/$profile.txt" | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "requirements/$profile.txt"
  rm -f .venv/.deps-"$profile"-* && touch "$stamp"
fi

# WeasyPrint needs Pango; gettext compiles the translations.
missing=()
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

mkdir -p var
.venv/bin/python manage.py compilemessages --ignore='.venv/*' --ignore='var/*' -v0
