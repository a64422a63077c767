"""The test database of each pytest process is a copy of one migrated template.

Running `migrate` from zero costs about 8 s of CPU per process and run. Here the
first process that needs it migrates a template database named after the test
database and a hash of every migration file of every installed app (the
project's and Django's own), under a file lock; every process, in this run and
the next ones, then gets its database by `CREATE DATABASE ... TEMPLATE`, which
copies files and takes a fraction of a second. When any migration file changes
(or an app is added), the hash changes: a new template is migrated and the old
ones of this checkout's database are dropped. A template is built under a
temporary name and renamed only once `migrate` finished, so an interrupted
build is never reused.

Only for PostgreSQL with migrations and without --reuse-db; anything else goes
the way of pytest-django's own `django_db_setup` (conftest.py)."""

import fcntl
import hashlib
import re
import tempfile
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings


def migrations_hash():
    """A hash of the files `migrate` reads: every installed app's migration
    modules (and the Django version, whose schema editor writes the SQL)."""
    digest = hashlib.sha256(django.get_version().encode())
    for app in sorted(apps.get_app_configs(), key=lambda app: app.label):
        digest.update(app.label.encode())
        folder = Path(app.path) / "migrations"
        for path in sorted(folder.rglob("*.py")) if folder.is_dir() else ():
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _exists(connection, name):
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def _drop(connection, name):
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")


def _migrate_into(connection, name, verbosity):
    """Django's own creation of a test database (migrate, createcachetable)
    under the name `name`, then the connection closed so that the database can
    serve as a template."""
    test = connection.settings_dict.setdefault("TEST", {})
    original_test_name = test.get("NAME")
    original_name = connection.settings_dict["NAME"]
    test["NAME"] = name
    try:
        connection.creation.create_test_db(verbosity=verbosity, autoclobber=True,
                                           serialize=False, keepdb=False)
    finally:
        connection.close()
        test["NAME"] = original_test_name
        connection.settings_dict["NAME"] = original_name
        settings.DATABASES[connection.alias]["NAME"] = original_name


def create_from_template(connection, verbosity=0):
    """Creates this process's test database as a copy of the template (made
    first if missing) and points `connection` at it. Returns the old-config
    entry that django.test.utils.teardown_databases takes."""
    quote = connection.ops.quote_name
    original_name = connection.settings_dict["NAME"]
    test_name = connection.creation._get_test_db_name()
    base = re.sub(r"_gw\d+$", "", test_name)
    template = f"{base[:40]}_tpl_{migrations_hash()}"
    lock_path = Path(tempfile.gettempdir()) / f"portal-test-template-{base}.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _exists(connection, template):
            building = f"{template}_new"
            _drop(connection, building)
            _migrate_into(connection, building, verbosity)
            with connection._nodb_cursor() as cursor:
                cursor.execute(f"ALTER DATABASE {quote(building)} RENAME TO {quote(template)}")
                cursor.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
                    [f"{base[:40]}\\_tpl\\_%", template])
                stale = [row[0] for row in cursor.fetchall()]
            for name in stale:
                _drop(connection, name)
        _drop(connection, test_name)
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {quote(test_name)} TEMPLATE {quote(template)}")
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = test_name
    connection.settings_dict["NAME"] = test_name
    connection.ensure_connection()
    return (connection, original_name, True)
