"""The tests' database backend (tests/dbbackend): a flush empties what tests
wrote and keeps the rows a data migration filled, found by the models' mark."""

import pytest
from django.apps import apps
from django.core.management import call_command

from tests.dbbackend.base import kept_tables


def _reference_models():
    return [model for model in apps.get_models() if getattr(model, "reference_data", False)]


def test_the_reference_models_are_found_by_their_mark():
    tables = kept_tables()
    assert {"network_servicekind", "network_targetgroup", "network_capacityunit"} <= tables
    assert "network_service" not in tables


@pytest.mark.django_db(transaction=True)
def test_a_flush_keeps_the_reference_rows_and_empties_the_rest():
    from directory.models import Organisation

    Organisation.objects.create(name="Spolek na chvíli")
    before = {model: model.objects.count() for model in _reference_models()}
    assert before and all(before.values())

    # As a transactional test's teardown flushes (TransactionTestCase._fixture_teardown).
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)

    assert {model: model.objects.count() for model in _reference_models()} == before
    assert not Organisation.objects.exists()
