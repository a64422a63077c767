"""tests/shared_db.py's `copied`: a build done once, then restored from its copy
with the same rows, ids, files and return value, and sequences past the rows."""

import pytest
from django.db import transaction

from directory.models import Organisation
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
