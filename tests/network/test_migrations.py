"""Service indicator values reported before the review existed were counted
and shown: the migration approves every one of them."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from network.indicator_models import IndicatorValue

BEFORE = [("network", "0010_service_indicators")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _value_before_the_review(apps):
    get = apps.get_model
    city = get("directory", "City").objects.first() or get("directory", "City").objects.create(
        name="Testov")
    provider = get("directory", "Organisation").objects.create(name="Poskytovatel")
    kind = get("network", "ServiceKind").objects.get(paragraph="65")
    service = get("network", "Service").objects.create(
        city=city, provider=provider, name="SAS", register_id="1234567", kind=kind,
        network_from=datetime.date(2023, 1, 1))
    manual = get("network", "IndicatorManual").objects.create(
        city=city, number="1.0", valid_from=datetime.date(2023, 1, 1))
    indicator = get("network", "ServiceIndicator").objects.create(
        manual=manual, code="intervence", name="Intervence", definition="Činnost.",
        unit="intervence")
    return get("network", "IndicatorValue").objects.create(
        service=service, indicator=indicator, year=2023, period="year", value=12).pk


# Applies migrations to a database migrated back: `make test` runs it, `make
# test-fast` leaves it out (marker `slow`, README).
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_migration_approves_the_values_reported_before(migrated_to):
    value_pk = _value_before_the_review(migrated_to(BEFORE))
    _migrate(_latest())
    value = IndicatorValue.objects.get(pk=value_pk)
    assert (value.review_state, value.closed, value.reviewed_by) == ("approved", False, None)
    # New rows of the system or an officer are approved too; a provider's get
    # their state from the services.
    assert IndicatorValue._meta.get_field("review_state").default == "approved"
