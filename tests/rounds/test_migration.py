"""Values and half-year reports entered before the review existed stay public:
the migration approves every one of them."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from indicators.models import IndicatorValue
from projects.models import HalfYearReport

BEFORE = [
    ("indicators", "0011_value_latest_index"),
    ("projects", "0006_field_verbose_names"),
    ("rounds", None),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    # ("rounds", None): the app unapplied, no node of the graph to build from.
    return executor.loader.project_state([t for t in targets if t[1]]).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _rows_before_the_review(apps):
    get = apps.get_model
    territory = get("directory", "Territory").objects.create(code="mesto", name="Testov")
    indicator = get("indicators", "Indicator").objects.create(
        code="G1", slug="G1", name="Ukazatel", kind="global", home_territory=territory)
    value = get("indicators", "IndicatorValue").objects.create(
        indicator=indicator, territory=territory, period_kind="year",
        period_start=datetime.date(2023, 1, 1), period_end=datetime.date(2023, 12, 31),
        period_text="2023", value=12, value_text="12")
    programme = get("projects", "Programme").objects.create(code="p", name="Program")
    call = get("projects", "Call").objects.create(programme=programme, number="1")
    project = get("projects", "Project").objects.create(
        registration_number="CZ.1", title="Projekt", call=call, total_budget=1)
    report = get("projects", "HalfYearReport").objects.create(
        project=project, number=1, total=2, period_start=datetime.date(2023, 1, 1),
        period_end=datetime.date(2023, 6, 30), submitted_on=datetime.date(2023, 7, 1),
        narrative="Text.")
    return value.pk, report.pk


# Applies migrations to a database migrated back: `make test` runs it, `make
# test-fast` leaves it out (marker `slow`, README).
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_migration_approves_what_was_entered_before(migrated_to):
    value_pk, report_pk = _rows_before_the_review(migrated_to(BEFORE))
    _migrate(_latest())
    value = IndicatorValue.objects.get(pk=value_pk)
    report = HalfYearReport.objects.get(pk=report_pk)
    assert (value.review_state, value.closed) == ("approved", False)
    assert (report.review_state, report.closed) == ("approved", False)
    # New rows of the system or an officer are approved too; an implementer's
    # get their state from the services.
    assert IndicatorValue._meta.get_field("review_state").default == "approved"
