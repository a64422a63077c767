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


@pytest.mark.django_db
def test_the_constraint_check_raises_on_a_dangling_key_and_leaves_the_checks_deferred():
    from django.db import IntegrityError, connection, transaction

    from directory.models import Person

    connection.check_constraints()  # nothing dangling: no error
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(given_name="Jana", family_name="Nikdo", organisation_id=987654)
        connection.check_constraints()
    # Deferred again after a check that passed: a dangling key raises only at the check.
    with pytest.raises(IntegrityError), transaction.atomic():
        connection.check_constraints()
        Person.objects.create(given_name="Jana", family_name="Nikdo", organisation_id=987654)
        assert Person.objects.filter(family_name="Nikdo").exists()
        connection.check_constraints()


@pytest.mark.django_db
def test_a_connection_is_unusable_in_an_aborted_transaction_or_closed():
    from django.db import DatabaseError, connection, transaction

    assert connection.is_usable()
    with transaction.atomic():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1/0")
        except DatabaseError:
            assert not connection.is_usable()
        transaction.set_rollback(True)
    assert connection.is_usable()


def test_a_closed_connection_is_unusable(django_db_blocker):
    from django.db import connection

    with django_db_blocker.unblock():
        connection.ensure_connection()
        raw = connection.connection
        raw.close()
        assert not connection.is_usable()
        connection.close()
        assert not connection.is_usable()


@pytest.mark.django_db
def test_a_rolled_back_atomic_block_takes_its_writes_back_in_one_round_trip():
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from directory.models import Organisation

    Organisation.objects.create(name="Před savepointem")
    block = transaction.atomic()
    block.__enter__()
    Organisation.objects.create(name="V savepointu")
    sid = connection.savepoint_ids[-1]
    transaction.set_rollback(True)
    with CaptureQueriesContext(connection) as queries:
        block.__exit__(None, None, None)
    assert [q["sql"] for q in queries] == [
        f'ROLLBACK TO SAVEPOINT "{sid}"; RELEASE SAVEPOINT "{sid}"']
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Před savepointem"]
    # A later block rolls back as well.
    with pytest.raises(transaction.TransactionManagementError), transaction.atomic():
        Organisation.objects.create(name="Druhý savepoint")
        raise transaction.TransactionManagementError("undo")
    assert Organisation.objects.count() == 1
