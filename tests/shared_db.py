"""Rows built once for many tests. `shared_rows` opens a transaction that
outlives the tests using it and rolls it back at the end; each test runs in
pytest-django's own atomic block, which inside it is a savepoint, so a test
sees the shared rows and whatever it changes is rolled back to them.

Only for tests that use `django_db` without `transaction=True`: a
transactional test flushes the database and would wipe the shared rows."""

from contextlib import contextmanager

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
