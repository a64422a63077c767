# Command 1: `make run`  - set up and start the portal (embedded default) on http://127.0.0.1:8000
# Command 2: `make test` - set up and run every test against PostgreSQL, Redis and Chromium
.PHONY: setup setup-dev run test test-fast test-deep lint bench check-deploy messages lock

# Running needs only the runtime lock; tests, lint and benchmarks add the dev one.
setup:
	bash scripts/setup.sh runtime

setup-dev:
	bash scripts/setup.sh dev

run: setup
	bash scripts/run.sh

test: setup-dev
	bash scripts/test.sh

# While working: no browser, no Celery worker, 25 Hypothesis examples per test.
test-fast: setup-dev
	bash scripts/test.sh --fast

# Everything, with 1,000 Hypothesis examples per form and upload (make test: 200);
# run it before closing an issue that touches forms or imports.
test-deep: setup-dev
	bash scripts/test.sh --hypothesis-profile=deep

lint: setup-dev
	.venv/bin/ruff check .
	.venv/bin/lint-imports

bench: setup-dev
	bash scripts/bench.sh

check-deploy: setup
	bash scripts/check_deploy.sh

# Rewrites requirements/*.txt from pyproject.toml after a dependency changed.
lock:
	bash scripts/lock.sh

# The project catalogue (locale/) holds core and accounts; each
# app keeps its own catalogue in <app>/locale/ beside its templates.
APP_CATALOGUES = notifications directory planning indicators meetings projects network rounds reports

messages: setup-dev
	.venv/bin/python manage.py makemessages -l cs --no-obsolete --ignore='.venv/*' --ignore='var/*' $(foreach app,$(APP_CATALOGUES),--ignore='$(app)/*')
	for app in $(APP_CATALOGUES); do (cd $$app && ../.venv/bin/python ../manage.py makemessages -l cs --no-obsolete) || exit 1; done
	.venv/bin/python manage.py compilemessages --ignore='.venv/*'
