import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.backup import media_files, table_counts

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    scan = settings.MEDIA_ROOT / "attendance" / "2025-01-16-prezencni-listina.pdf"
    scan.parent.mkdir(parents=True)
    scan.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    (settings.MEDIA_ROOT / "reports").mkdir()
    (settings.MEDIA_ROOT / "reports" / "vyhodnoceni.pdf").write_bytes(b"%PDF-1.7 report")
    return settings.MEDIA_ROOT


def _wipe(media_root):
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(Path(media_root).rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def test_backup_wipe_restore_gives_equal_counts_and_checksums(media, tmp_path):
    call_command("seed_demo", "--with-accounts", verbosity=0)
    counts_before, files_before = table_counts(), media_files()
    # The two files above and the interim evaluation the demo renders.
    assert counts_before["directory_membership"] > 0 and len(files_before) == 3
    assert counts_before["reports_reportjob"] == 1

    call_command("backup", output=str(tmp_path / "backups"), verbosity=0)
    archive = next((tmp_path / "backups").glob("portal-backup-*.tar.gz"))

    _wipe(media)
    assert table_counts()["directory_organisation"] == 0 and media_files() == {}

    call_command("restore", str(archive), verbosity=0)
    assert table_counts() == counts_before
    assert media_files() == files_before


def test_restore_refuses_a_database_that_is_not_empty(media, tmp_path, officer):
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=str(archive), verbosity=0)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), verbosity=0)


def test_restore_refuses_a_tampered_archive_and_changes_nothing(media, tmp_path, officer):
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=str(archive), verbosity=0)
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.endswith("vyhodnoceni.pdf"):
                data = data.replace(b"report", b"REPORT")
            member.size = len(data)
            import io

            target.addfile(member, io.BytesIO(data))
    _wipe(media)
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(tampered), verbosity=0)
    assert table_counts()["accounts_user"] == 0
    assert media_files() == {}
