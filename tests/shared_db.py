"""Rows built once for many tests. `shared_rows` opens a transaction that
outlives the tests using it and rolls it back at the end; each test runs in
pytest-django's own atomic block, which inside it is a savepoint, so a test
sees the shared rows and whatever it changes is rolled back to them.

`module_rows(build)` makes such a module-scoped fixture. Only for tests that
use `django_db` without `transaction=True` (a transactional test flushes the
database). Within a module, the tests using one run after the others (the
hook below; this module is a plugin of conftest.py), so that no test expecting
an empty database runs while the shared rows exist."""

import contextlib
import fcntl
import functools
import hashlib
import io
import os
import pickle
import subprocess
import sys
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import django
import psycopg
import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core import dataversion
from tests.caches import clear_cache
from tests.template_db import _exists


@contextmanager
def shared_rows(django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        # Marked like django.test.TestCase's own blocks, so that a durable
        # atomic block in the code under test still counts as outermost.
        outer._from_testcase = True
        outer.__enter__()
        # What the previous module's last test cached (its city, say) names
        # rows rolled back since: the build starts from an empty cache, as
        # each test does (conftest.py's `_clear_cache`).
        clear_cache()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            # Anything left behind by a test that failed half-way goes too.
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            assert not connection.in_atomic_block


def module_rows(build, *, copied_as=None):
    """A module-scoped fixture whose value is `build()`, run once inside
    `shared_rows`. With `copied_as` (a name for what `build` loads, the same in
    every module that loads the same), `build` runs once per session and the
    other modules get a copy of its rows and files (`copied`)."""

    def fixture(django_db_setup, django_db_blocker):
        with shared_rows(django_db_blocker):
            with django_db_blocker.unblock():
                value = copied(copied_as, build) if copied_as else build()
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


# What `copied` keeps of a build: in memory for this process, and as a file in
# a folder all processes of the run share (_copies_dir).
_copies = {}
_config = None


def pytest_configure(config):
    global _config
    _config = config


def _copies_dir():
    base = _config._tmp_path_factory.getbasetemp()
    # Under xdist each process has its own popen-gwN folder in the run's one.
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "copied-rows"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# Not compared nor copied: the open data's version token (core.dataversion),
# which any committed write anywhere replaces and which no row refers to; with it
# compared, no database would ever be "as before" a build in another process.
UNCOPIED_TABLES = frozenset({"core_dataversion"})


def _tables():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                       "ORDER BY tablename")
        return [row[0] for row in cursor.fetchall() if row[0] not in UNCOPIED_TABLES]


def _dump(tables):
    """Each table's rows in PostgreSQL's COPY text format, ordered so that two
    dumps of the same rows are equal."""
    dumps = {}
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for table in tables:
            name = connection.ops.quote_name(table)
            query = f"COPY (SELECT * FROM {name} ORDER BY 1) TO STDOUT"  # noqa: S608 - a table name
            with raw.copy(query) as copy:
                dumps[table] = b"".join(bytes(chunk) for chunk in copy)
    return dumps


def _media():
    """Size and modification time of each file under MEDIA_ROOT."""
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return {}
    return {str(path.relative_to(root)): (stat.st_size, stat.st_mtime_ns)
            for path in root.rglob("*") if path.is_file() and (stat := path.stat())}


def _fingerprint(dumps):
    digest = hashlib.sha256()
    for table, data in sorted(dumps.items()):
        digest.update(table.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def _restore(copy):
    """Puts the copied tables' rows back (foreign keys are deferred, so the
    order does not matter), moves each table's id sequence past its rows, and
    writes the copied files. In a transaction of its own if the test has none
    (a transactional test): the deferral lasts only as long as one."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        raw = cursor.cursor
        for table, data in copy["rows"].items():
            if copy["before"].get(table):
                cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 - a table name
            with raw.copy(f"COPY {quote(table)} FROM STDIN") as stream:
                stream.write(data)
        for table in copy["rows"]:
            # Sequences of serial and identity columns, owned by the table.
            cursor.execute(
                "SELECT s.oid::regclass::text, a.attname FROM pg_class s"
                " JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass"
                " AND d.refclassid = 'pg_class'::regclass"
                " JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                " WHERE s.relkind = 'S' AND d.refobjid = %s::regclass", [quote(table)])
            for sequence, column in cursor.fetchall():
                cursor.execute(f"SELECT setval(%s, MAX({quote(column)})) FROM {quote(table)}"  # noqa: S608 - names
                               f" HAVING MAX({quote(column)}) IS NOT NULL", [sequence])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    # COPY passes by the data version's SQL wrapper: say that published data
    # was written, as the build's own statements did.
    if any(dataversion.writes_data(f"INSERT INTO {table}") for table in copy["rows"]):
        dataversion.note_write(connection)
    root = Path(settings.MEDIA_ROOT)
    for name, data in copy["files"].items():
        path = root / name
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    for name in copy["deleted_files"]:
        (root / name).unlink(missing_ok=True)


def copied(name, build):
    """What `build()` does to the database and to MEDIA_ROOT, done once: the
    first call runs it and keeps the rows of every table it changed (COPY ...
    TO STDOUT), the files it wrote and what it returned; later calls, in any
    process of the run (and in later runs, `_kept`), restore those instead of
    running it, if the database is then exactly as it was before the first
    build (every row of every table compared), and otherwise run `build()`
    again. Rows keep their ids; only PostgreSQL is supported."""
    tables = _tables()
    before = _dump(tables)
    state = _fingerprint(before)
    key = hashlib.sha256(f"{name}\0{state}".encode()).hexdigest()[:16]
    if key in _copies:
        _restore(_copies[key])
        return _copies[key]["value"]
    path = _copies_dir() / f"{key}.pickle"
    kept_key = _kept_key(key, build)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be building it
        data = path.read_bytes() if path.exists() else _kept.get(kept_key)
        if data is not None:
            _copies[key] = pickle.loads(data)  # noqa: S301 - this checkout's own build
            _restore(_copies[key])
            if not path.exists():
                _write_file(path, data)
            return _copies[key]["value"]
        files_before = _media()
        value = build()
        after = _dump(tables)
        files_after = _media()
        copy = {
            "value": value,
            "before": {table: bool(before[table]) for table in tables},
            "rows": {table: data for table, data in after.items() if data != before[table]},
            "files": {name: (Path(settings.MEDIA_ROOT) / name).read_bytes()
                      for name, stat in files_after.items() if files_before.get(name) != stat},
            "deleted_files": sorted(set(files_before) - set(files_after)),
        }
        data = pickle.dumps(copy)
        _write_file(path, data)
        _kept.put(kept_key, data)
    _copies[key] = copy
    return value


def _write_file(path, data):
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(data)
    temporary.rename(path)


@functools.cache
def _checkout_hash():
    """A hash of every file of the checkout a build may read (tracked or new,
    not ignored; test modules aside, which no build reads but its own) and of
    the seed documents; None outside a git checkout."""
    base = Path(settings.BASE_DIR)
    try:
        listed = subprocess.run(  # noqa: S603 - a fixed git command
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607
            cwd=base, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    # Named relative to the checkout and the seeds' folder: a clone elsewhere
    # (CI's) with the same files has the same hash.
    files = [(name, base / name) for name in sorted(set(listed.decode().split("\0")) - {""})
             if not _unread_by_builds(name)]
    seeds = Path(settings.SEEDS_DIR)
    if seeds.is_dir():
        files += sorted((f"seeds/{path.relative_to(seeds)}", path)
                        for path in seeds.rglob("*") if path.is_file())
    digest = hashlib.sha256(f"{sys.version}\0{django.get_version()}".encode())
    for name, path in files:
        if path.is_file():
            digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _unread_by_builds(name):
    path = Path(name)
    return (name.startswith(("bench/", "docs/")) or path.suffix == ".md"
            or (name.startswith("tests/") and path.name.startswith("test_")))


def _kept_key(key, build):
    checkout = _checkout_hash()
    if checkout is None:
        return None
    own_module = Path(build.__code__.co_filename)
    module = hashlib.sha256(own_module.read_bytes()).hexdigest() if own_module.is_file() else ""
    return hashlib.sha256(f"{key}\0{checkout}\0{module}".encode()).hexdigest()


class _KeptCopies:
    """Builds kept between runs, in a database of their own on the test
    server (as the migrated templates are, tests/template_db.py), so that a
    run whose checkout and seeds are unchanged does not load the demo again
    (about 17 s of CPU each time). A copy is used only on the day it was built
    and for KEPT_FOR: the rows carry the build's timestamps, which a test may
    compare with today. Any failure of this store counts as a miss."""

    DATABASE = "portal_test_kept_copies"
    KEPT_FOR = timedelta(hours=6)

    def _connect(self):
        if not _exists(connection, self.DATABASE):
            # Another run may make it meanwhile.
            with contextlib.suppress(DatabaseError), connection._nodb_cursor() as cursor:
                cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(self.DATABASE)}")
        store = psycopg.connect(**{**connection.get_connection_params(),
                                   "dbname": self.DATABASE, "autocommit": True})
        store.execute("CREATE TABLE IF NOT EXISTS kept (key text PRIMARY KEY,"
                      " built_at timestamptz NOT NULL, data bytea NOT NULL)")
        return store

    def get(self, key):
        if key is None:
            return None
        try:
            with self._connect() as store:
                row = store.execute("SELECT built_at, data FROM kept WHERE key = %s",
                                    [key]).fetchone()
        except (psycopg.Error, DatabaseError):
            return None
        if row is None:
            return None
        built_at, data = row
        now = timezone.now()
        today = timezone.localdate(now)
        if now - built_at > self.KEPT_FOR or timezone.localdate(built_at) != today:
            return None
        return bytes(data)

    def put(self, key, data):
        if key is None:
            return
        try:
            with self._connect() as store:
                store.execute("DELETE FROM kept WHERE built_at < now() - interval '1 day'")
                store.execute("INSERT INTO kept (key, built_at, data) VALUES (%s, now(), %s)"
                              " ON CONFLICT (key) DO UPDATE SET built_at = now(),"
                              " data = EXCLUDED.data", [key, data])
        except (psycopg.Error, DatabaseError):
            pass


_kept = _KeptCopies()


# The demo as `make run` loads it (with its accounts): the modules that read
# the demo's data load this one, so that it is built once per session.
DEMO = ("--with-accounts",)


def seed_demo(*args, **options):
    """`call_command("seed_demo", *args, **options)` through `copied`: the demo
    is loaded once per session for each set of arguments (and value of
    EMBEDDED_DEMO) and database state before it, and copied after that.
    Returns what the command wrote."""
    from django.core.management import call_command

    def build():
        out = io.StringIO()
        call_command("seed_demo", *args, stdout=out, **options)
        return out.getvalue()

    name = f"seed_demo {args!r} {sorted(options.items())!r} embedded={settings.EMBEDDED_DEMO}"
    return copied(name, build)
