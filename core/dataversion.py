"""The version of the published data: one token that every committed write to
the tables the open data is made of replaces.

Every SQL statement of every database connection passes a small wrapper
(installed when the connection opens): an INSERT, UPDATE, DELETE or TRUNCATE
of a table of the data apps marks the connection. Inside a transaction the
token is replaced once, right after the commit (nothing happens on a
rollback); outside one, right away. So services, bulk upserts, imports,
`loaddata`, `seed_demo` and raw SQL through Django all move the version on,
without any of them having to remember it.

A write that bypasses Django (psql, pg_restore) is not seen:
`python manage.py opendata_refresh` moves the version on by hand.

Readers take the version before they read the data, and the token changes only
after the data is committed, so a file built for a token holds at least what
was committed when the token was set. On a connection that has written data
not yet committed (a test, a request inside a transaction), `current()` answers
None: what it would build may still be rolled back, so it must not be kept."""

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connections
from django.db.backends.signals import connection_created
from django.utils import timezone
from django.utils.dateparse import parse_datetime

logger = logging.getLogger(__name__)

# The apps whose tables the open data and the published tables are made of.
DATA_APPS = ("directory", "planning", "indicators", "projects", "meetings", "reports",
             "network")
# Tables of those apps that change often and feed no dataset: report runs'
# progress and the schedules.
IGNORED_TABLES = frozenset({"reports_reportjob", "reports_reportschedule"})

_WRITE = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?'
    r'(?:\s+ONLY)?)\s+[`"\[]?(\w+)', re.IGNORECASE)
_PREFIXES = tuple(f"{app}_" for app in DATA_APPS)


@dataclass(frozen=True)
class Version:
    token: str
    changed_at: datetime


def writes_data(sql):
    """Whether the SQL statement writes to a table of the data apps."""
    if not isinstance(sql, str):
        return False
    match = _WRITE.match(sql)
    if match is None:
        return False
    table = match.group(1).lower()
    return table.startswith(_PREFIXES) and table not in IGNORED_TABLES


def _after_commit(using="default"):
    # Also for a write in autocommit mode: a database whose schema predates the
    # data version (a migration being tested, a restore) must still take writes.
    try:
        bump(using=using)
    except Exception:  # noqa: BLE001 - the data is committed; a lost bump must not raise
        logger.exception("open data: could not move the data version on")


def _pending(connection):
    """Whether the callback is registered in this transaction. Django only
    ever drops callbacks by giving the connection a new list (commit,
    rollback, savepoint rollback), so once the callback is seen in a list,
    that same list object still holds it: a transaction of thousands of
    writes scans the list once, not once per write."""
    hooks = connection.run_on_commit
    if getattr(connection, "_opendata_hooks", None) is hooks:
        return True
    if any(func is _after_commit for _sids, func, _robust in hooks):
        connection._opendata_hooks = hooks
        return True
    return False


def note_write(connection):
    """The connection wrote published data: replace the token after the commit."""
    if connection.in_atomic_block:
        if not _pending(connection):
            connection.on_commit(_after_commit)
            connection._opendata_hooks = connection.run_on_commit
    else:
        _after_commit(using=connection.alias)


def _watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if writes_data(sql):
        note_write(context["connection"])
    return result


def install(sender=None, connection=None, **kwargs):
    if connection is not None and _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def connect():
    """Install the wrapper on every connection opened from now on (and on the
    ones already open)."""
    connection_created.connect(install, dispatch_uid="core.dataversion.install")
    for connection in connections.all(initialized_only=True):
        install(connection=connection)


def bump(using="default"):
    """A new token, now. Also `manage.py opendata_refresh`."""
    from .models import DataVersion

    token, now = uuid.uuid4().hex, timezone.now()
    manager = DataVersion.objects.using(using)
    if not manager.filter(pk=1).update(token=token, changed_at=now):
        manager.bulk_create([DataVersion(pk=1, token=token, changed_at=now)],
                            ignore_conflicts=True)
        manager.filter(pk=1).update(token=token, changed_at=now)
    return Version(token, now)


def _read(connection):
    """(token, changed_at) of the one row, or None. Every open-data request
    reads it first (core.opendata.OpenDataMiddleware): one plain SELECT, since
    compiling the same query as a queryset costs about four times running it."""
    from .models import DataVersion

    table = connection.ops.quote_name(DataVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token, changed_at FROM {table} WHERE id = 1")  # noqa: S608 - our table name
        row = cursor.fetchone()
    if row is None:
        return None
    token, changed_at = row
    if isinstance(changed_at, str):  # SQLite answers text
        changed_at = parse_datetime(changed_at)
    if timezone.is_naive(changed_at):  # stored in UTC (USE_TZ)
        changed_at = timezone.make_aware(changed_at, UTC)
    return Version(token, changed_at)


def current(using="default"):
    """The version of the committed data, or None when this connection has
    written data that is not committed yet."""
    connection = connections[using]
    if connection.in_atomic_block and _pending(connection):
        return None
    return _read(connection) or bump(using=using)
