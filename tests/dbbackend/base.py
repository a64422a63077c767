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
