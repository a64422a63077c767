"""A database migrated before territories left `indicators` keeps every territory,
indicator and value, and its audit entries, after `migrate` moves Territory to the
directory; its plans belong to the one city row the migration creates."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import AuditEntry
from directory.models import City, Territory
from indicators.models import Indicator, IndicatorValue
from planning.models import Plan

# The last migration of each app before the move.
BEFORE = [
    ("directory", "0002_rename_tables"),
    ("indicators", "0005_project_links_in_projects"),
    ("planning", "0005_directory_models"),
    ("core", "0003_pending_import"),
    ("contenttypes", "0002_remove_content_type_name"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _rows_before_the_move(apps):
    get = apps.get_model
    OldTerritory = get("indicators", "Territory")
    city = OldTerritory.objects.create(code="mesto", name="Testov", short_name="Testov")
    region = OldTerritory.objects.create(code="kraj", name="Testovský kraj", short_name="TK")
    plan = get("planning", "Plan").objects.create(kind="psz", title="Plán", code="plan",
                                                  period_start=2022, status="in_force")
    other = get("planning", "Plan").objects.create(kind="kp", title="Jiný plán", code="jiny",
                                                   period_start=2020, status="draft")
    indicators = [get("indicators", "Indicator").objects.create(
        code=f"G{n}", name=f"Indikátor {n}", kind="global", home_territory=city,
        comparison_territory=region if n == 0 else None) for n in range(2)]
    values = [get("indicators", "IndicatorValue").objects.create(
        indicator=indicators[0], territory=territory, period_kind="year",
        period_start=datetime.date(2023, 1, 1), period_end=datetime.date(2023, 12, 31),
        period_text="2023", value=value, value_text=str(value))
        for territory, value in ((city, 12), (region, 9))]
    territory_type = get("contenttypes", "ContentType").objects.get_or_create(
        app_label="indicators", model="territory")[0]
    entry = get("core", "AuditEntry").objects.create(
        action="create", content_type=territory_type, object_id=str(region.pk),
        object_repr=region.name)
    return {"city": city.pk, "region": region.pk, "plans": {plan.pk, other.pk},
            "indicators": [i.pk for i in indicators], "values": [v.pk for v in values],
            "entry": entry.pk}


# Applies migrations to a database migrated back: `make test` runs it,
# `make test-fast` leaves it out (marker `slow`, README).
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_migrating_territories_to_the_directory_keeps_every_row_and_makes_the_city(migrated_to):
    pks = _rows_before_the_move(migrated_to(BEFORE))
    _migrate(_latest())
    ContentType.objects.clear_cache()

    home, region = Territory.objects.get(pk=pks["city"]), Territory.objects.get(pk=pks["region"])
    assert (home.code, home.name, home.short_name, home.kind, home.official_code) == (
        "mesto", "Testov", "Testov", "", "")
    assert region.name == "Testovský kraj"
    first, second = (Indicator.objects.get(pk=pk) for pk in pks["indicators"])
    assert (first.home_territory, first.comparison_territory) == (home, region)
    assert (second.home_territory, second.comparison_territory) == (home, None)
    assert sorted(IndicatorValue.objects.filter(pk__in=pks["values"])
                  .values_list("territory__code", "value_text")) == [("kraj", "9"),
                                                                    ("mesto", "12")]
    entry = AuditEntry.objects.get(pk=pks["entry"])
    assert entry.content_type == ContentType.objects.get_for_model(Territory)
    assert not ContentType.objects.filter(app_label="indicators", model="territory").exists()

    # One city, named after the territory its indicators are measured in; every plan is its.
    city = City.objects.get()
    assert (city.name, city.home_territory) == ("Testov", home)
    assert set(Plan.objects.filter(city=city).values_list("pk", flat=True)) == pks["plans"]

    # New rows get ids after the old ones: the sequence came along with the table.
    assert Territory.objects.create(code="novy", name="Nový").pk > region.pk


# Applies migrations to a database migrated back: `make test` runs it,
# `make test-fast` leaves it out (marker `slow`, README).
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_database_without_plans_gets_no_city(migrated_to):
    migrated_to(BEFORE)
    _migrate(_latest())
    assert not City.objects.exists()
