"""The tests' PostgreSQL backend: Django's, except that flushing the database
(after each transactional test, `manage.py flush`) deletes the rows instead of
truncating the tables. TRUNCATE gives each of the ~80 tables a new file, about
150 ms however few rows they hold; DELETE of the handful of rows a test leaves
takes a few ms. Foreign keys are deferrable (Django creates them so), so the
order of the deletes does not matter within the flush's transaction.

The content types and permissions stay: the flush's post_migrate would make
them again at once, with new ids, and then no copy of rows made before
(tests/shared_db.py, whose rows name content types) could be restored in
this process again. So do the reference tables a data migration fills (the
kinds of social services of the Act, target groups, capacity units): no
factory makes them, and a test after a transactional one would find them
empty."""

from django.apps import apps
from django.db.backends.postgresql import base, operations

# Rows every migrated database holds from the start: post_migrate's, and those of
# the models a data migration fills (marked `reference_data = True`).
POST_MIGRATE_TABLES = frozenset({"django_content_type", "auth_permission"})


def kept_tables():
    return POST_MIGRATE_TABLES | {
        model._meta.db_table for model in apps.get_models()
        if getattr(model, "reference_data", False)}


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences:
            # Restarting the id sequences is TRUNCATE's job (RESTART IDENTITY).
            return super().sql_flush(style, tables, reset_sequences=reset_sequences,
                                     allow_cascade=allow_cascade)
        kept = kept_tables()
        return ["SET CONSTRAINTS ALL DEFERRED;"] + [
            f"{style.SQL_KEYWORD('DELETE')} {style.SQL_KEYWORD('FROM')} "
            f"{style.SQL_FIELD(self.quote_name(table))};"
            for table in tables if table not in kept
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def _savepoint_rollback(self, sid):
        """Django's atomic block releases a savepoint right after rolling back
        to it (django.db.transaction.Atomic.__exit__, its only caller): here
        both go in one round trip, and the release that follows is not sent
        again. Every test runs in such a savepoint (pytest-django's atomic
        block inside tests/shared_db.py's, or inside a test's own)."""
        with self.cursor() as cursor:
            cursor.execute(f"{self.ops.savepoint_rollback_sql(sid)}; "
                           f"{self.ops.savepoint_commit_sql(sid)}")
        self._released_savepoints.add(sid)

    def _savepoint_commit(self, sid):
        if sid in self._released_savepoints:
            self._released_savepoints.discard(sid)
            return
        super()._savepoint_commit(sid)

    @property
    def _released_savepoints(self):
        if not hasattr(self, "_released"):
            self._released = set()
        return self._released

    def check_constraints(self, table_names=None):
        """Django's check (every deferred constraint made immediate, so that a
        violation raises here, then deferred again) in one round trip instead
        of two: django.test.TestCase runs it after every test."""
        with self.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED")

    def is_usable(self):
        """Whether the connection can take a query, read from the client's
        state instead of a `SELECT 1` round trip: django.test.TestCase asks
        after every test before checking the constraints. A connection the
        server closed, or a transaction a failed statement aborted, answers
        False as before; a server that went away unnoticed shows at the next
        query instead."""
        if self.connection is None:
            return False
        from psycopg import pq

        return (not self.connection.closed and not self.connection.broken
                and self.connection.info.transaction_status != pq.TransactionStatus.INERROR)
