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
started=$SECONDS
if [ ! -x .venv/bin/python ]; then
  echo "==> Creating .venv …"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.deps-$profile-$(sha256sum "requirements/$profile.txt" | cut -c1-16)
if [ ! -f "$stamp" ]; then
  count=$(grep -c '==' "requirements/$profile.txt" || true)
  echo "==> Installing $count Python packages from requirements/$profile.txt"
  echo "    (first time about 2–3 minutes on a 2-core machine; later runs skip this) …"
  .venv/bin/python -m pip install --quiet --upgrade pip
  # One line per package, so the wait is visible.
  # (pipefail: a failed install still stops the set-up.)
  .venv/bin/python -m pip install --progress-bar off -r "requirements/$profile.txt" \
    | { grep --line-buffered -E '^(Collecting|Installing|Successfully)' || true; }
  rm -f .venv/.deps-"$profile"-* && touch "$stamp"
  echo "    packages installed in $((SECONDS - started)) s"
fi

# WeasyPrint needs Pango; gettext compiles the translations.
missing=()
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> Installing Debian packages: ${missing[*]} (about a minute) …"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

mkdir -p var
echo "==> Compiling the Czech translations …"
.venv/bin/python manage.py compilemessages --ignore='.venv/*' --ignore='var/*' -v0
echo "==> Set-up done in $((SECONDS - started)) s."
