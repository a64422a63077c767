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
# start-up of Django with every app costs a second or more).
PROBE = """
import json, django
django.setup()
from django.conf import settings as s
from django.test import Client, RequestFactory
from core.middleware import client_ip
response = Client().get("/healthz", secure=True, HTTP_HOST="kp.example.org")
seen = set()
for n in range(15):
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
                                   REMOTE_ADDR="192.0.2.50")
    seen.add(client_ip(request))
print(json.dumps({
    "headers": dict(response.headers.items()),
    "settings": [s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,
                 s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, s.CELERY_BROKER_URL],
    "client_ips_of_forged_logins": sorted(seen),
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


def test_check_deploy_warns_when_the_cache_shares_the_brokers_redis():
    shared = {**PRODUCTION_ENV, "CACHE_URL": PRODUCTION_ENV["REDIS_URL"]}
    result = _run(shared, (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')"))
    assert result.returncode != 0
    assert "core.W001" in result.stderr
    own = {**PRODUCTION_ENV, "CACHE_URL": "redis://127.0.0.1:6380/0"}
    result = _run(own, (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')"))
    assert "core.W001" not in result.stderr
