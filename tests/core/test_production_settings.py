"""Production settings, exercised in a separate process (they read the
environment at import time)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "x" * 64,
    "ALLOWED_HOSTS": "kp.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/5",
    "CACHE_URL": "redis://127.0.0.1:6379/5",
    "LOG_LEVEL": "CRITICAL",
}

# One process answers what the tests below ask of production settings (each
# start-up of Django with every app costs a second or more). PRODUCTION_ENV
# gives the cache the broker's Redis; `check --deploy` runs there as it is,
# then with the cache's URL and backend (production.py makes both of
# CACHE_URL) set to a Redis of its own.
PROBE = """
import io, json, django
django.setup()
from django.conf import settings as s
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client, RequestFactory, override_settings
from config.settings.production import redis_cache
from core.middleware import client_ip
response = Client().get("/healthz", secure=True, HTTP_HOST="kp.example.org")
seen = set()
for n in range(15):
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
                                   REMOTE_ADDR="192.0.2.50")
    seen.add(client_ip(request))


def check_deploy():
    # What `manage.py check --deploy --fail-level WARNING` exits with and prints
    # to stderr (a failed check raises, and its message is what stderr shows).
    err = io.StringIO()
    try:
        call_command("check", deploy=True, fail_level="WARNING", stdout=io.StringIO(), stderr=err)
    except SystemCheckError as error:
        return {"returncode": 1, "stderr": err.getvalue() + str(error)}
    return {"returncode": 0, "stderr": err.getvalue()}


checks = {"shared": check_deploy()}
own = "redis://127.0.0.1:6380/0"  # another server than the broker's, as check_deploy.sh has it
with override_settings(CACHE_URL=own, CACHES={"default": redis_cache(own)}):
    checks["own"] = check_deploy()
print(json.dumps({
    "headers": dict(response.headers.items()),
    "settings": [s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,
                 s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, s.CELERY_BROKER_URL],
    "client_ips_of_forged_logins": sorted(seen),
    "check_deploy": checks,
}))
"""


def _run(env_overrides, code):
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    env.update(env_overrides)
    return subprocess.run(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def production():
    result = _run(PRODUCTION_ENV, PROBE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _run(env, "import django; django.setup()")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_responses_carry_hsts_csp_and_secure_cookies(production):
    headers = production["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert production["settings"] == [False, True, True, True, True, "redis://127.0.0.1:6379/5"]


def test_production_believes_no_forwarded_address_by_default(production):
    """With gunicorn reachable directly, a rotating X-Forwarded-For must not
    give the client a new address per guess (the penetration test's bypass of
    the login lock and the throttles)."""
    assert production["client_ips_of_forged_logins"] == ["192.0.2.50"]


def test_check_deploy_warns_when_the_cache_shares_the_brokers_redis(production):
    assert PRODUCTION_ENV["CACHE_URL"] == PRODUCTION_ENV["REDIS_URL"]
    result = production["check_deploy"]["shared"]
    assert result["returncode"] != 0
    assert "core.W001" in result["stderr"]
    result = production["check_deploy"]["own"]
    assert "core.W001" not in result["stderr"]
