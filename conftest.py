"""Shared fixtures: one user per role, a group A the roles belong to and a group
B they do not, and an organisation X the implementer works for (made by
tests/roles.py)."""

import gc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests import roles
from tests.accounts.factories import PASSWORD
from tests.clients import PortalClient

# Property-based tests (marked `fuzz`) run as many examples as the profile says:
# `dev` while working (the default, and `make test-fast`), `ci` in `make test`,
# `deep` in `make test-deep`. Choose one with `--hypothesis-profile NAME`.
# Examples are not stored between runs (no .hypothesis database): every run
# draws afresh, and a failure prints the example that broke.
_FUZZ = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                              HealthCheck.data_too_large],
}
settings.register_profile("dev", max_examples=25, **_FUZZ)
settings.register_profile("ci", max_examples=200, **_FUZZ)
settings.register_profile("deep", max_examples=1000, **_FUZZ)
settings.load_profile("dev")


# Orders the tests on rows shared by a module (its pytest_collection_modifyitems).
pytest_plugins = ["tests.shared_db"]

BROWSER_TESTS = Path(__file__).parent / "tests" / "browser"

# Modules that read the demo through the session's one load (`seed_demo(*DEMO)`,
# tests/shared_db.py): one unit of work for pytest-xdist, so that one process
# loads the demo and copies it, and the other never waits for that load. A
# module missing here still works; it may only wait or load the demo itself.
DEMO_MODULES = frozenset({
    "tests/accounts/test_otp.py",
    "tests/core/test_datapackage.py",
    "tests/directory/test_seed.py",
    "tests/indicators/test_definitions_import.py",
    "tests/indicators/test_seed.py",
    "tests/meetings/test_anonymise_demo.py",
    "tests/meetings/test_seed.py",
    "tests/planning/test_plan_seed.py",
    "tests/projects/test_seed.py",
    "tests/reports/test_interim.py",
    "tests/reports/test_plan_content.py",
    "tests/rounds/test_seed.py",
    "tests/test_fast_cells.py",
})


def pytest_configure(config):
    """Python's cycle collector, at its default thresholds, ran about 8,000
    times in each process of make test-fast and took 8-11 s of it: every full
    collection walked Django, the test items and the loaded modules again. It
    runs less often here (a young generation of 50,000 objects, not 700), and
    what exists once the tests are collected is frozen out of its walk
    (`pytest_collection_finish`). Back to back, make test-fast took 2 min 15 s
    and 2 min 10 s so, 2 min 28 s and 2 min 22 s without."""
    gc.set_threshold(50_000, 20, 100)


def pytest_collection_finish(session):
    gc.collect()
    gc.freeze()


def pytest_xdist_make_scheduler(config, log):
    """`--dist loadscope` (scripts/test.sh), with DEMO_MODULES as one scope."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class DemoModulesTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            scope = super()._split_scope(nodeid)
            return "demo-modules" if scope.split("::", 1)[0] in DEMO_MODULES else scope

    return DemoModulesTogether(config, log)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """The markers `make test-fast` deselects by (pyproject.toml) follow from
    what a test is where that can be told: tests/browser is `browser`, the
    `celery_worker_process` fixture `worker`, a Hypothesis test `fuzz`. A test
    starting its own worker, or posting through tests/fuzz.py or an inner
    @given, carries its marker itself."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if item.path.is_relative_to(BROWSER_TESTS):
            item.add_marker(pytest.mark.browser)
        if "celery_worker_process" in fixtures:
            item.add_marker(pytest.mark.worker)
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.fuzz)


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_use_migrations,
                    django_db_keepdb, django_db_createdb, django_db_modify_db_settings):
    """pytest-django's fixture, except that on PostgreSQL with migrations each
    process's test database is a copy of one migrated template, kept between
    runs until a migration file changes (tests/template_db.py)."""
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases

    from tests.template_db import create_from_template

    verbosity = request.config.option.verbose
    keepdb = django_db_keepdb and not django_db_createdb
    connection = connections["default"]
    with django_db_blocker.unblock():
        if (django_db_use_migrations and not keepdb and connection.vendor == "postgresql"
                and list(connections) == ["default"]):
            db_cfg = [create_from_template(connection, verbosity=max(verbosity, 0))]
        else:
            if not django_db_use_migrations:
                from pytest_django.fixtures import _disable_migrations

                _disable_migrations()
            db_cfg = setup_databases(verbosity=verbosity, interactive=False, keepdb=keepdb)
    yield
    if not keepdb:
        with django_db_blocker.unblock():
            teardown_databases(db_cfg, verbosity=verbosity)


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the portal's language: a request in English leaves
    its language active in the thread (LocaleMiddleware does not reset it), and
    a later test's service call would otherwise write in it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield


@pytest.fixture(autouse=True)
def _clear_cache():
    from tests.caches import clear_cache

    clear_cache()
    yield


@pytest.fixture(autouse=True)
def _the_city(request):
    """The portal runs for a city (directory.City), which every plan belongs to:
    a test that uses the database finds the one row there from the start, as a
    portal does after its administrator set it, so that creating the first plan
    mid-test neither fails nor changes what a page costs. Transactional tests,
    and tests of the state before the city is set (`no_city`), make their own."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)))
    if transactional or (marker is None and "db" not in request.fixturenames):
        yield
        return
    request.getfixturevalue("db")
    from tests.directory.factories import the_city

    the_city()
    yield


@pytest.fixture
def migrated_to(transactional_db):
    """For a migration test: `migrated_to(targets)` points the connection, for
    the rest of the test, at a copy of the test database as `migrate` leaves it
    at `targets` (a template of that state, made once: tests/template_db.py)
    and returns the models of that state. The test database itself is left
    as it was, so the test need not migrate it forward again."""
    from contextlib import ExitStack

    from django.db import connection

    from tests.template_db import migrated_to as copy_at

    with ExitStack() as stack:
        yield lambda targets: stack.enter_context(copy_at(connection, targets))


@pytest.fixture
def no_city(db):
    """A portal whose administrator has not set the city yet."""
    from directory.models import City

    City.objects.all().delete()


@pytest.fixture
def client():
    """pytest-django's `client`, with the second factor of `force_login`
    (tests/clients.py)."""
    return PortalClient()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def organisation_x(db):
    return roles.make_organisation_x()


@pytest.fixture
def group_a(db):
    return roles.make_group_a()


@pytest.fixture
def group_b(db):
    return roles.make_group_b()


@pytest.fixture
def administrator(db):
    return roles.make_administrator()


@pytest.fixture
def officer(db):
    return roles.make_officer()


@pytest.fixture
def manager_a(group_a):
    return roles.make_manager_a(group_a)


@pytest.fixture
def contact_a(group_a):
    return roles.make_contact_a(group_a)


@pytest.fixture
def member_a(group_a):
    return roles.make_member_a(group_a)


@pytest.fixture
def implementer_x(organisation_x):
    return roles.make_implementer_x(organisation_x)


@pytest.fixture
def plain_user(db):
    return roles.make_plain_user()


@pytest.fixture
def users_by_role(administrator, officer, manager_a, contact_a, member_a, implementer_x, group_b):
    return {
        "administrator": administrator,
        "city_officer": officer,
        "manager_a": manager_a,
        "contact_a": contact_a,
        "member_a": member_a,
        "implementer_x": implementer_x,
    }


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, tmp_path_factory):
    """A real Celery worker in its own process, consuming from the real Redis
    broker with the test settings. Tasks that touch the database need the test
    to use `transactional_db` so that the worker sees committed rows."""
    import os
    import subprocess
    import sys
    import time

    from django.conf import settings
    from django.db import connection

    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    db = connection.settings_dict
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env["REDIS_URL"] = settings.REDIS_URL
    env["PORTAL_TEST_REDIS_MAPPED"] = "1"  # config/settings/test.py: already per process
    # The worker's mails are files a test reads (`process.mail_dir`).
    mail_dir = tmp_path_factory.mktemp("worker-mail")
    env["TEST_EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
    env["TEST_EMAIL_FILE_PATH"] = str(mail_dir)
    # The worker's output goes to a file: a pipe nobody reads fills up and
    # blocks the worker mid-task.
    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
         "--without-heartbeat", "--without-mingle", "--without-gossip", "--loglevel", "WARNING"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.log_path = log_path
    process.mail_dir = mail_dir
    from config.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(log_path.read_text(errors="replace"))
        replies = app.control.ping(timeout=1)
        if replies:
            break
    else:
        process.kill()
        raise RuntimeError("Celery worker did not answer within 60 s")
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def _check_at_once(func):
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        func()
    finally:
        app.conf.task_always_eager = eager


@pytest.fixture(scope="session", autouse=True)
def _import_checks_at_once():
    """An upload is checked by a Celery task sent once the upload's
    transaction commits (core.imports.services.pending_import_upload); a test
    runs in a transaction that never commits. So, as with an eager Celery, the
    check runs at once, in process, and the upload's answer is its preview
    (also for module-scoped fixtures). Tests marked `import_queue` see the
    check queued (and sent to a real worker, with `transactional_db`)."""
    from core.imports import services

    queued = services._after_commit
    services._after_commit = _check_at_once
    yield
    services._after_commit = queued


@pytest.fixture(scope="session", autouse=True)
def _mails_sent_at_once():
    """A mail is queued in the outbox and handed to a Celery task once its
    transaction commits (notifications.services._dispatch). Tests with no
    worker see it sent at once, in process, as a worker would send it; tests
    marked `mail_queue` hand it to the real broker."""
    from notifications import services

    queued = services._dispatch

    def at_once(ids):
        _check_at_once(lambda: queued(ids))

    at_once.queued = queued
    services._dispatch = at_once
    yield
    services._dispatch = queued


@pytest.fixture(autouse=True)
def _mail_queue(request, monkeypatch):
    if request.node.get_closest_marker("mail_queue"):
        from notifications import services

        monkeypatch.setattr(services, "_dispatch",
                            getattr(services._dispatch, "queued", services._dispatch))


@pytest.fixture(autouse=True)
def _import_queue(request, monkeypatch):
    if request.node.get_closest_marker("import_queue"):
        from django.db import transaction

        from core.imports import services

        monkeypatch.setattr(services, "_after_commit", transaction.on_commit)


@pytest.fixture
def import_jobs(django_capture_on_commit_callbacks):
    """For tests that confirm an import through the pages: the confirm starts
    a background job (core.imports.tasks) once its transaction commits; `with
    import_jobs():` runs the on-commit callbacks of what it wraps with Celery
    eager, so the task applies the job at once, as a worker would."""
    from contextlib import contextmanager

    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True

    @contextmanager
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            yield

    yield run
    app.conf.task_always_eager = eager
