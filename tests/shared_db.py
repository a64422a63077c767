"""Rows built once for many tests. `shared_rows` opens a transaction that
outlives the tests using it and rolls it back at the end; each test runs in
pytest-django's own atomic block, which inside it is a savepoint, so a test
sees the shared rows and whatever it changes is rolled back to them.

`module_rows(build)` makes such a module-scoped fixture. Only for tests that
use `django_db` without `transaction=True` (a transactional test flushes the
database). Within a module, the tests using one run after the others (the
hook below; this module is a plugin of conftest.py), so that no test expecting
an empty database runs while the shared rows exist."""

from contextlib import contextmanager

import pytest
from django.db import connection, transaction


@contextmanager
def shared_rows(django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        # Marked like django.test.TestCase's own blocks, so that a durable
        # atomic block in the code under test still counts as outermost.
        outer._from_testcase = True
        outer.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            # Anything left behind by a test that failed half-way goes too.
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            assert not connection.in_atomic_block


def module_rows(build):
    """A module-scoped fixture whose value is `build()`, run once inside
    `shared_rows`."""

    def fixture(django_db_setup, django_db_blocker):
        with shared_rows(django_db_blocker):
            with django_db_blocker.unblock():
                value = build()
            yield value

    fixture.shares_rows = True
    fixture.__doc__ = build.__doc__
    return pytest.fixture(scope="module")(fixture)


def _uses_shared_rows(item):
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(getattr(definition.func, "shares_rows", False)
               for name in item.fixturenames
               for definition in info.name2fixturedefs.get(name, ()))


def _db_kind(item):
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction")
                                     or (marker.args and marker.args[0])))
    fixtures = set(getattr(item, "fixturenames", ()))
    return (marker is not None or "db" in fixtures,
            transactional or bool({"transactional_db", "live_server"} & fixtures))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests on rows shared by a module run after the module's other tests, so
    that those never see the shared rows. Runs of one module's tests keep
    pytest-django's order (transactional tests after the others); among
    adjacent runs of the same kind the longest goes first, so that the
    processes of `make test` (a module each, --dist loadscope) do not end
    waiting for one that drew the role matrix last."""

    def module(item):
        return getattr(item, "module", None)

    runs, run = [], []
    for item in [*items, None]:
        if run and (item is None or module(item) is not module(run[0])):
            runs.append(sorted(run, key=_uses_shared_rows))
            run = []
        if item is not None:
            run.append(item)
    ordered, block = [], []
    for run in [*runs, None]:
        if block and (run is None or _db_kind(run[0]) != _db_kind(block[0][0])):
            for each in sorted(block, key=len, reverse=True):
                ordered += each
            block = []
        if run is not None:
            block.append(run)
    items[:] = ordered
