# Command 1: `make run`  - set up and start the portal (embedded default) on http://127.0.0.1:8000
# Command 2: `make test` - set up and run every test against PostgreSQL, Redis and Chromium
.PHONY: setup run test lint bench check-deploy messages

setup:
	bash scripts/setup.sh

run: setup
	bash scripts/run.sh

test: setup
	bash scripts/test.sh

lint: setup
	.venv/bin/ruff check .

bench: setup
	bash scripts/bench.sh

check-deploy: setup
	bash scripts/check_deploy.sh

messages: setup
	.venv/bin/python manage.py makemessages -l cs --no-obsolete --ignore='.venv/*' --ignore='var/*'
	.venv/bin/python manage.py compilemessages --ignore='.venv/*'
