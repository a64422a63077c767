"""Tests run against real PostgreSQL and Redis (see .ci/run)."""

import hashlib
import os

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-secret-key-not-for-production-use-0123456789abcdef"  # noqa: S105
DEBUG = False
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/portal")
}
# A commit of the tests need not wait for the disk (transactional tests, the
# flush after each of them, a Celery worker's writes): what is committed is
# visible at once all the same; only a crash of PostgreSQL could lose it.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same backend, flushing with DELETE (tests/dbbackend/base.py says why).
    DATABASES["default"]["ENGINE"] = "tests.dbbackend"
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/5")

# pytest-xdist runs the suite in several processes. Each gets its own test
# database (pytest-django), and here its own Redis database (cache, broker,
# Celery queue of its worker) and its own MEDIA_ROOT, so that no process clears,
# consumes or overwrites what another one relies on. A Celery worker started by
# a test inherits the mapping already done (PORTAL_TEST_REDIS_MAPPED).
_XDIST = os.environ.get("PYTEST_XDIST_WORKER", "")
_XDIST_INDEX = int(_XDIST[2:]) if _XDIST.startswith("gw") and _XDIST[2:].isdigit() else 0
if _XDIST_INDEX and not env.bool("PORTAL_TEST_REDIS_MAPPED", default=False):
    _base, _, _db = REDIS_URL.rpartition("/")
    REDIS_URL = f"{_base}/{(int(_db or 0) + _XDIST_INDEX) % 16}"
# Also in one process (-n 0): never the media of the portal `make run` serves.
# A worker the bench starts is told the folder its parent reads
# (PORTAL_TEST_MEDIA_MAPPED with MEDIA_ROOT).
if not env.bool("PORTAL_TEST_MEDIA_MAPPED", default=False):  # noqa: F405
    MEDIA_ROOT = MEDIA_ROOT / f"test-{_XDIST or 'single'}"  # noqa: F405
# Generous timeouts: two busy test processes must not trip the breaker (the
# fault drills set the production value).
CACHES = {"default": {  # noqa: F405
    **redis_cache(REDIS_URL, timeout=env.float("CACHE_SOCKET_TIMEOUT", default=5)),  # noqa: F405
    # Named after the checkout: two checkouts whose Redis databases overlap (gw1
    # of one is the first of another) never read each other's cached rows, such
    # as the city, while a Celery worker a test starts (same checkout) shares them.
    "KEY_PREFIX": "portal-test-" + hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:8],  # noqa: F405
}}
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
# A message a killed worker left unacknowledged comes back after this many
# seconds (the worker-kill test shortens it; Redis' default is an hour).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # A worker looks for such messages every second, not kombu's every 100 s
    # (a sweep every 10 s, the Redis scan on every 10th): the worker-kill test
    # otherwise waits up to that long for the killed run to be handed out again.
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
# WhiteNoise looks a static file up when it is asked for, as under runserver:
# without this every new test client (one a test) lists and stats every file
# of static/ again when its first request builds the middleware, about a third
# of a simple page's CPU time in the tests. The files served are the same.
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = env("TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
# A Celery worker a test starts writes its mails here (TEST_EMAIL_BACKEND set
# to the file backend): the test reads what the worker really sent.
EMAIL_FILE_PATH = env("TEST_EMAIL_FILE_PATH", default=str(VAR_DIR / "test-mail"))  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMBEDDED_DEMO = False
