import io
import json
import tarfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings

from core.backup import media_files, table_counts
from tests.shared_db import DEMO, seed_demo

# An archive is read and checked whole before restore looks at the database,
# so the refusals are tested inside a test's transaction, on a database that
# still holds what was backed up: a refusal must leave it exactly as it was.
pytestmark = pytest.mark.django_db


def _fill_media(root):
    scan = root / "attendance" / "2025-01-16-prezencni-listina.pdf"
    scan.parent.mkdir(parents=True)
    scan.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    (root / "reports").mkdir()
    (root / "reports" / "vyhodnoceni.pdf").write_bytes(b"%PDF-1.7 report")
    return root


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = _fill_media(tmp_path / "media")
    return settings.MEDIA_ROOT


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker, tmp_path_factory):
    """One archive of an account and the two files, shared by the refusal tests.
    Taken outside any test's transaction: a backup reads one snapshot, which must
    be its transaction's first query."""
    root = tmp_path_factory.mktemp("backup")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=_fill_media(root / "media")):
        owner = get_user_model().objects.create_user("backup-owner")
        try:
            call_command("backup", output=str(root / "b.tar.gz"), verbosity=0)
        finally:
            owner.delete()
    return root / "b.tar.gz"


def _wipe(media_root):
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(Path(media_root).rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


# The whole demo with its rendered PDF, backed up, wiped and restored: `make
# test` runs it, `make test-fast` leaves it out (marker `slow`, README).
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_gives_equal_counts_and_checksums(media, tmp_path, migrated_to):
    # On a copy of the migrated template, dropped after the test: the restore
    # gives the content types and permissions new ids, which the flush after a
    # transactional test keeps, so that no later load of the demo in this
    # process would find the database as before the kept copy's (shared_db).
    migrated_to(MigrationExecutor(connection).loader.graph.leaf_nodes())
    seed_demo(*DEMO)  # copied if loaded before (tests/shared_db.py)
    counts_before, files_before = table_counts(), media_files()
    # The two files above, the interim evaluation the demo renders and the
    # attachments of the demo's update requests of the network.
    assert counts_before["directory_membership"] > 0
    assert {"attendance/2025-01-16-prezencni-listina.pdf", "reports/vyhodnoceni.pdf"} < set(
        files_before) and len(files_before) > 3
    assert counts_before["reports_reportjob"] == 1

    call_command("backup", output=str(tmp_path / "backups"), verbosity=0)
    archive = next((tmp_path / "backups").glob("portal-backup-*.tar.gz"))

    _wipe(media)
    assert table_counts()["directory_organisation"] == 0 and media_files() == {}

    call_command("restore", str(archive), verbosity=0)
    assert table_counts() == counts_before
    assert media_files() == files_before


def test_restore_refuses_a_database_that_is_not_empty(media, archive, officer):
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), verbosity=0)


def test_restore_refuses_a_tampered_archive_and_changes_nothing(media, archive, tmp_path,
                                                                officer):
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.endswith("vyhodnoceni.pdf"):
                data = data.replace(b"report", b"REPORT")
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    counts, files = table_counts(), media_files()
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(tampered), verbosity=0)
    assert table_counts() == counts
    assert media_files() == files


@pytest.mark.django_db(transaction=True)
def test_the_archive_is_for_its_owner_only_and_holds_no_live_session(
        media, tmp_path, officer, client):
    from django.contrib.sessions.models import Session

    client.force_login(officer)
    client.post("/accounts/login/", {"username": "officer", "password": "wrong"})
    assert Session.objects.exists()
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=str(archive), verbosity=0)
    assert archive.stat().st_mode & 0o777 == 0o600
    with tarfile.open(archive) as opened:
        database = opened.extractfile("database.json").read().decode()
        manifest = opened.extractfile("manifest.json").read().decode()
    assert '"sessions.session"' not in database and '"axes.' not in database
    assert "django_session" not in manifest
    assert '"accounts.user"' in database  # what a restore needs stays


def _doctor(archive, target, *, drop=(), add=(), manifest_change=None):
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as out:
        for member in source.getmembers():
            if member.name in drop:
                continue
            data = source.extractfile(member).read()
            if member.name == "manifest.json" and manifest_change:
                manifest = json.loads(data)
                manifest_change(manifest)
                data = json.dumps(manifest).encode()
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
        for name, data in add:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    return target


def _traverse(manifest):
    manifest["files"]["../../etc/cron.d/x"] = "0" * 64


@pytest.mark.parametrize(("doctoring", "message"), [
    ({"drop": ("manifest.json",)}, "no manifest.json"),
    ({"drop": ("database.json",)}, "no database.json"),
    ({"drop": ("media/reports/vyhodnoceni.pdf",)}, "no media/reports/vyhodnoceni.pdf"),
    ({"add": (("media/extra.sh", b"#!/bin/sh"),)}, "does not list"),
    ({"manifest_change": _traverse}, "unsafe entry"),
    ({"manifest_change": lambda m: m.pop("files")}, "lacks a valid 'files'"),
])
def test_a_doctored_archive_is_refused_with_a_clear_message(
        media, archive, tmp_path, officer, doctoring, message):
    doctored = _doctor(archive, tmp_path / "doctored.tar.gz", **doctoring)
    counts, files = table_counts(), media_files()
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(doctored), verbosity=0)
    assert table_counts() == counts
    assert media_files() == files


def test_a_file_that_is_no_archive_is_refused(tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not a tar file")
    with pytest.raises(CommandError, match="not a backup archive"):
        call_command("restore", str(bogus), verbosity=0)
