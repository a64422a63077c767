# Command 1: `make run`  - set up and start the portal (embedded default) on http://127.0.0.1:8000
# Command 2: `make test` - set up and run every test against PostgreSQL, Redis and Chromium
.PHONY: setup run test test-fast test-deep lint bench check-deploy messages

setup:
	bash scripts/setup.sh

run: setup
	bash scripts/run.sh

test: setup
	bash scripts/test.sh

# While working: no browser, no Celery worker, 25 Hypothesis examples per test.
test-fast: setup
	bash scripts/test.sh --fast

# Everything, with 1,000 Hypothesis examples per form and upload (make test: 200);
# run it before closing an issue that touches forms or imports.
test-deep: setup
	bash scripts/test.sh --hypothesis-profile=deep

lint: setup
	.venv/bin/ruff check .

bench: setup
	bash scripts/bench.sh

check-deploy: setup
	bash scripts/check_deploy.sh

# The project catalogue (locale/) holds core, accounts and planning; each
# later app keeps its own catalogue in <app>/locale/ beside its templates.
APP_CATALOGUES = indicators meetings projects reports

messages: setup
	.venv/bin/python manage.py makemessages -l cs --no-obsolete --ignore='.venv/*' --ignore='var/*' $(foreach app,$(APP_CATALOGUES),--ignore='$(app)/*')
	for app in $(APP_CATALOGUES); do (cd $$app && ../.venv/bin/python ../manage.py makemessages -l cs --no-obsolete) || exit 1; done
	.venv/bin/python manage.py compilemessages --ignore='.venv/*'
