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
the way of pytest-django's own `django_db_setup` (conftest.py).

The migration tests start from an older state of the schema: `migrated_to`
gives each a copy of a template migrated back to that state, made the same way
(once, kept between runs, named after the migrations' hash and the state).
Unapplying migrations costs Django 15-60 s of state rendering, and each test
used to do it on its own database and then migrate forward again so that the
tests after it found the latest schema."""

import fcntl
import hashlib
import re
import tempfile
from contextlib import contextmanager
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


def _copy(connection, template, name):
    """`name` made anew as a copy of the database `template`."""
    quote = connection.ops.quote_name
    _drop(connection, name)
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")


def _build_once(connection, template, build, *, stale_like, kept_like):
    """Makes the database `template` if it is missing: `build(name)` fills one
    under a temporary name, renamed only once complete (an interrupted build is
    never reused); then the databases named LIKE `stale_like` go, except those
    LIKE `kept_like` (templates of migration files that changed)."""
    if _exists(connection, template):
        return
    quote = connection.ops.quote_name
    building = f"{template}_new"
    _drop(connection, building)
    build(building)
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"ALTER DATABASE {quote(building)} RENAME TO {quote(template)}")
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s "
                       "AND datname NOT LIKE %s", [stale_like, kept_like])
        stale = [row[0] for row in cursor.fetchall()]
    for name in stale:
        _drop(connection, name)


def _lock_path(base):
    return Path(tempfile.gettempdir()) / f"portal-test-template-{base}.lock"


# This process's test database and the template it was copied from
# (create_from_template), which `migrated_to` copies too.
_made = {}


def create_from_template(connection, verbosity=0):
    """Creates this process's test database as a copy of the template (made
    first if missing) and points `connection` at it. Returns the old-config
    entry that django.test.utils.teardown_databases takes."""
    original_name = connection.settings_dict["NAME"]
    test_name = connection.creation._get_test_db_name()
    base = re.sub(r"_gw\d+$", "", test_name)
    digest = migrations_hash()
    template = f"{base[:40]}_tpl_{digest}"
    with open(_lock_path(base), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _build_once(connection, template,
                    lambda building: _migrate_into(connection, building, verbosity),
                    stale_like=f"{_like(base[:40])}\\_tpl\\_%", kept_like=_like(template))
        _copy(connection, template, test_name)
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = test_name
    connection.settings_dict["NAME"] = test_name
    connection.ensure_connection()
    _made.update(base=base, template=template, digest=digest, test_name=test_name)
    return (connection, original_name, True)


def _like(prefix):
    return prefix.replace("_", "\\_")


def _point_at(connection, name):
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name


def _migrate(connection, targets):
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def _state_apps(connection, targets):
    """The models as of `targets`; a target `(app, None)` (the app unapplied)
    has no node to build from."""
    from django.db.migrations.executor import MigrationExecutor

    return MigrationExecutor(connection).loader.project_state(
        [target for target in targets if target[1] is not None]).apps


@contextmanager
def migrated_to(connection, targets):
    """The test database as `migrate` to `targets` leaves a fresh copy of the
    test template, for the duration of the block: a copy of a template of that
    state (made from the test template if missing), dropped after the block,
    when the test database, untouched, is the connection's again. Yields the models of that
    state. Without a template (not PostgreSQL, --reuse-db) the test database
    itself is migrated back, and to the latest state after the block."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.migrations.executor import MigrationExecutor

    if not _made or connection.settings_dict["NAME"] != _made["test_name"]:
        _migrate(connection, targets)
        try:
            yield _state_apps(connection, targets)
        finally:
            _migrate(connection, MigrationExecutor(connection).loader.graph.leaf_nodes())
            ContentType.objects.clear_cache()
        return
    base, test_name = _made["base"], _made["test_name"]
    state = hashlib.sha256(repr(list(targets)).encode()).hexdigest()[:8]
    prefix = f"{base[:24]}_at_"
    template = f"{prefix}{_made['digest']}_{state}"
    copy = f"{test_name[:50]}_at"
    # Built under a lock of its own, not the test template's: another process
    # may meanwhile copy that template or build another state.
    def build(building):
        _copy(connection, _made["template"], building)
        try:
            _point_at(connection, building)
            _migrate(connection, targets)
        finally:
            _point_at(connection, test_name)

    with open(_lock_path(template), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _build_once(connection, template, build, stale_like=f"{_like(prefix)}%",
                    kept_like=f"{_like(prefix)}{_made['digest']}%")
        _copy(connection, template, copy)
    _point_at(connection, copy)
    try:
        yield _state_apps(connection, targets)
    finally:
        _point_at(connection, test_name)
        _drop(connection, copy)
        ContentType.objects.clear_cache()
