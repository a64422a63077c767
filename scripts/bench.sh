#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
export DJANGO_SETTINGS_MODULE=config.settings.test
.venv/bin/python -m bench.run "$@"
