"""Backups an operator can restore: one tar.gz with the database as a Django
fixture, every uploaded and generated file, and a manifest with table counts
and SHA-256 checksums that the restore verifies.

An archive holds password hashes and TOTP keys (a restored portal needs them),
so it is written readable by its owner only and must be kept as a secret. Live
sessions and the login lock's logs are left out: a stolen archive must not
sign anybody in, and a restore starts with nobody signed in."""

import hashlib
import io
import json
import os
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

FORMAT_VERSION = 1
# Rebuilt by `migrate` itself; restoring them would clash with what it creates.
REBUILT_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}
# Live state, not records: valid sessions (anyone holding one is signed in)
# and the login lock's attempts and logs.
# The version of the published data (core.dataversion) is derived: a
# restore moves it on anyway, and its files are written again on demand.
LEFT_OUT = {"sessions.session", "axes.accessattempt", "axes.accessattemptexpiration",
            "axes.accesslog", "axes.accessfailurelog", "core.dataversion"}
# Generated files under MEDIA_ROOT, written again when asked for (core.opendata).
GENERATED_MEDIA = ("opendata",)


class BackupError(Exception):
    pass


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def table_counts() -> dict[str, int]:
    """Rows per table a backup keeps, many-to-many link tables included."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        if model._meta.label_lower in LEFT_OUT:
            continue
        counts[model._meta.db_table] = model._base_manager.count()
    return dict(sorted(counts.items()))


def media_files() -> dict[str, str]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return {}
    return {
        str(path.relative_to(root)): _file_sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.relative_to(root).parts[0] not in GENERATED_MEDIA
    }


def _dump_database() -> tuple[bytes, dict[str, int]]:
    """The fixture and the counts, read from one snapshot of the database."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        counts = table_counts()
        out = io.StringIO()
        call_command(
            "dumpdata",
            natural_foreign=True,
            exclude=sorted(REBUILT_BY_MIGRATE | LEFT_OUT),
            indent=None,
            stdout=out,
        )
    return out.getvalue().encode("utf-8"), counts


def _applied_migrations() -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def backup_create(*, destination: Path) -> Path:
    """Write a backup archive; `destination` is a file or a folder."""
    destination = Path(destination)
    if destination.is_dir() or not destination.suffix:
        destination.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        destination = destination / f"portal-backup-{stamp}.tar.gz"
    database, counts = _dump_database()
    files = media_files()
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(timespec="seconds"),
        "database_vendor": connection.vendor,
        "migrations": _applied_migrations(),
        "table_counts": counts,
        "database_sha256": _sha256(database),
        "files": files,
    }
    partial = destination.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    # Owner-only from the first byte (not chmod afterwards): it holds secrets.
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
        _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
        _add_bytes(archive, "database.json", database)
        root = Path(settings.MEDIA_ROOT)
        for relative in files:
            archive.add(root / relative, arcname=f"media/{relative}", recursive=False)
    partial.replace(destination)  # never leave a half-written archive under the real name
    return destination


def _add_bytes(archive, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _member_bytes(archive, name):
    try:
        member = archive.getmember(name)
    except KeyError:
        raise BackupError(f"the archive has no {name}") from None
    if not member.isfile():
        raise BackupError(f"{name} in the archive is not a regular file")
    return archive.extractfile(member).read()


def _read_manifest(archive):
    try:
        manifest = json.loads(_member_bytes(archive, "manifest.json"))
    except (ValueError, UnicodeDecodeError):
        raise BackupError("manifest.json is not valid JSON") from None
    required = {"format": int, "database_sha256": str, "files": dict, "table_counts": dict,
                "created_at": str}
    for key, kind in required.items():
        if not isinstance(manifest, dict) or not isinstance(manifest.get(key), kind):
            raise BackupError(f"manifest.json lacks a valid '{key}'")
    return manifest


def _read_archive(path: Path):
    try:
        archive = tarfile.open(path, "r:gz")  # noqa: SIM115 - closed by the with below
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{path} is not a backup archive: {error}") from None
    with archive:
        manifest = _read_manifest(archive)
        if manifest["format"] != FORMAT_VERSION:
            raise BackupError(f"unknown backup format {manifest['format']}")
        database = _member_bytes(archive, "database.json")
        if _sha256(database) != manifest["database_sha256"]:
            raise BackupError("database.json does not match its checksum in the manifest")
        listed = {f"media/{relative}" for relative in manifest["files"]}
        unlisted = [m.name for m in archive.getmembers()
                    if m.name.startswith("media/") and m.name not in listed]
        if unlisted:
            raise BackupError(f"files in the archive that the manifest does not list: {unlisted}")
        files = {}
        for relative, checksum in manifest["files"].items():
            if (not isinstance(relative, str) or ".." in Path(relative).parts
                    or relative.startswith("/") or "\\" in relative):
                raise BackupError(f"unsafe entry in the archive: {relative}")
            data = _member_bytes(archive, f"media/{relative}")
            if _sha256(data) != checksum:
                raise BackupError(f"{relative} does not match its checksum in the manifest")
            files[relative] = data
    return manifest, database, files


def _database_is_empty() -> bool:
    counts = table_counts()
    ignored = {apps.get_model(label)._meta.db_table for label in REBUILT_BY_MIGRATE}
    ignored.add("django_migrations")
    return all(n == 0 for table, n in counts.items() if table not in ignored)


def backup_restore(*, archive: Path) -> dict:
    """Restore into an empty, migrated database; every checksum and every
    table count is verified. Returns the manifest."""
    manifest, database, files = _read_archive(Path(archive))
    if not _database_is_empty():
        raise BackupError("the database is not empty; restore only into an empty database")
    with tempfile.TemporaryDirectory() as tmp:
        fixture = Path(tmp) / "database.json"
        fixture.write_bytes(database)
        with transaction.atomic():
            call_command("loaddata", str(fixture), verbosity=0)
            restored = table_counts()
            if restored != manifest["table_counts"]:
                diff = {t: (manifest["table_counts"].get(t), restored.get(t))
                        for t in set(restored) | set(manifest["table_counts"])
                        if restored.get(t) != manifest["table_counts"].get(t)}
                raise BackupError(f"table counts differ after restore (expected, got): {diff}")
            # Inside the transaction: if a file cannot be written, the database
            # restore is rolled back too.
            root = Path(settings.MEDIA_ROOT)
            for relative, data in files.items():
                target = root / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            current = media_files()
            wrong = [r for r, checksum in manifest["files"].items() if current.get(r) != checksum]
            if wrong:
                raise BackupError(f"restored files do not match their checksums: {wrong}")
    return manifest
