"""tests/shared_db.py's `copied`: a build done once, then restored from its copy
with the same rows, ids, files and return value, and sequences past the rows;
kept for the next runs of an unchanged checkout on the same day."""

import pytest
from django.db import transaction

from directory.models import Organisation
from tests import shared_db
from tests.directory.factories import OrganisationFactory
from tests.shared_db import _dump, _tables, copied

pytestmark = pytest.mark.django_db


def test_a_copied_build_runs_once_and_its_copy_has_the_same_rows_files_and_value(settings,
                                                                                  tmp_path):
    settings.MEDIA_ROOT = tmp_path
    builds = []

    def build():
        builds.append(1)
        OrganisationFactory.create_batch(3)
        (tmp_path / "seed" / "scan.pdf").parent.mkdir()
        (tmp_path / "seed" / "scan.pdf").write_bytes(b"%PDF-1.4 seeded")
        return "3 organisations"

    def load():
        with transaction.atomic():
            value = copied(f"test build {tmp_path}", build)
            rows = _dump(_tables())
            # The sequence is past the copied rows: a new row gets a new id.
            extra = OrganisationFactory()
            assert extra.pk > max(Organisation.objects.exclude(pk=extra.pk)
                                  .values_list("pk", flat=True))
            transaction.set_rollback(True)
        return value, rows

    first = load()
    (tmp_path / "seed" / "scan.pdf").unlink()
    assert not Organisation.objects.exists()

    second = load()

    assert builds == [1]
    assert second == first
    assert (tmp_path / "seed" / "scan.pdf").read_bytes() == b"%PDF-1.4 seeded"


def test_a_database_not_as_before_the_first_build_runs_the_build_again(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    builds = []

    def build():
        builds.append(1)
        return OrganisationFactory().name

    with transaction.atomic():
        first = copied(f"test rebuild {tmp_path}", build)
        transaction.set_rollback(True)
    OrganisationFactory(name="Already there")
    second = copied(f"test rebuild {tmp_path}", build)

    assert builds == [1, 1]
    assert Organisation.objects.count() == 2
    assert "Already there" not in (first, second)


def _next_run(monkeypatch, tmp_path, name):
    """What a later run of pytest starts from: no copy in memory nor in the
    run's folder, only the kept ones."""
    run = tmp_path / name
    run.mkdir()
    monkeypatch.setattr(shared_db, "_copies", {})
    monkeypatch.setattr(shared_db, "_copies_dir", lambda: run)


def _load(name, build):
    with transaction.atomic():
        value = copied(name, build)
        names = sorted(Organisation.objects.values_list("name", flat=True))
        transaction.set_rollback(True)
    return value, names


def test_a_later_run_of_the_same_checkout_restores_the_kept_copy(monkeypatch, tmp_path):
    builds = []

    def build():
        builds.append(1)
        return [o.name for o in OrganisationFactory.create_batch(2)]

    _next_run(monkeypatch, tmp_path, "first")
    first = _load(f"kept {tmp_path}", build)
    _next_run(monkeypatch, tmp_path, "second")
    second = _load(f"kept {tmp_path}", build)

    assert builds == [1]
    assert second == first and len(first[1]) == 2


def test_a_kept_copy_of_another_day_or_checkout_is_built_again(monkeypatch, tmp_path):
    builds, kept = [], []
    put = shared_db._kept.put
    monkeypatch.setattr(shared_db._kept, "put", lambda key, data: (kept.append(key),
                                                                   put(key, data)))

    def build():
        builds.append(1)
        return OrganisationFactory().name

    name = f"stale {tmp_path}"
    _next_run(monkeypatch, tmp_path, "first")
    _load(name, build)
    # Built yesterday: its rows carry yesterday's timestamps.
    with shared_db._kept._connect() as store:
        store.execute("UPDATE kept SET built_at = built_at - interval '1 day' WHERE key = %s",
                      [kept[0]])
    _next_run(monkeypatch, tmp_path, "second")
    _load(name, build)
    assert builds == [1, 1]

    # A file of the checkout changed: the kept copy is not the build's any more.
    monkeypatch.setattr(shared_db, "_checkout_hash", lambda: "another checkout")
    _next_run(monkeypatch, tmp_path, "third")
    _load(name, build)
    assert builds == [1, 1, 1]
