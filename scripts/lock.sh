#!/usr/bin/env bash
# Rewrites the locks from pyproject.toml: requirements/runtime.txt (what
# running needs) and requirements/dev.txt (runtime + tests, lint, benchmarks),
# every package at an exact version. Run after changing a dependency.
set -euo pipefail
cd "$(dirname "$0")/.."

uv=.venv-lock/bin/uv
if [ ! -x "$uv" ]; then
  python3.11 -m venv .venv-lock && .venv-lock/bin/pip install --quiet uv
fi
common=(--python-version 3.11 --python-platform x86_64-manylinux_2_28 --quiet --no-header
        --annotation-style line)
"$uv" pip compile pyproject.toml "${common[@]}" -o requirements/runtime.txt
"$uv" pip compile pyproject.toml --group dev "${common[@]}" -o requirements/dev.txt
