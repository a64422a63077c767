"""Moving the single target into milestones keeps every row: a database as it
was (target_* on Indicator) migrated forward has one milestone per target,
same kind, value, year, due date and text, the codes as addresses, and
migrated back has its targets again."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("indicators", "0005_project_links_in_projects")]
AFTER = [("indicators", "0007_drop_single_target")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


# Applies migrations to a database migrated back, and unapplies them (10-25 s
# of CPU): `make test` runs it, `make test-fast` leaves it out (marker `slow`,
# README).
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_every_target_becomes_one_milestone_and_back(migrated_to):
    old = migrated_to(BEFORE)
    Territory = old.get_model("indicators", "Territory")
    Indicator = old.get_model("indicators", "Indicator")
    home = Territory.objects.create(code="ostrava", name="Ostrava")
    msk = Territory.objects.create(code="msk", name="MSK")
    targets = {
        "G2": dict(target_kind="below", target_value=Decimal("16"), target_year=2025,
                   target_text="Méně než 16"),
        "G10": dict(target_kind="below_comparison", comparison_territory=msk),
        "P1": dict(target_kind="at_least", target_value=Decimal("20"),
                   target_due=date(2019, 10, 31), target_text="20 osob"),
        "G3": dict(target_kind="decrease", target_year=2027),
        "X": {},  # no target: no milestone
    }
    for code, fields in targets.items():
        Indicator.objects.create(code=code, name=code, kind="global", home_territory=home,
                                 **fields)

    new = _migrate(AFTER)
    Indicator = new.get_model("indicators", "Indicator")
    IndicatorTarget = new.get_model("indicators", "IndicatorTarget")
    assert set(Indicator.objects.values_list("code", "slug")) == {(c, c) for c in targets}
    keys = dict(Indicator.objects.values_list("code", "sort_key"))
    assert keys["G2"] < keys["G3"] < keys["G10"]
    milestones = {t.indicator.code: (t.position, t.kind, t.value, t.year, t.due, t.text)
                  for t in IndicatorTarget.objects.select_related("indicator")}
    assert milestones == {
        "G2": (1, "below", Decimal("16"), 2025, None, "Méně než 16"),
        "G10": (1, "below_comparison", None, None, None, ""),
        "P1": (1, "at_least", Decimal("20"), None, date(2019, 10, 31), "20 osob"),
        "G3": (1, "decrease", None, 2027, None, ""),
    }
    assert IndicatorTarget.objects.count() == 4

    back = _migrate(BEFORE)
    rows = set(back.get_model("indicators", "Indicator").objects.values_list(
        "code", "target_kind", "target_value", "target_year", "target_due", "target_text"))
    assert rows == {
        ("G2", "below", Decimal("16"), 2025, None, "Méně než 16"),
        ("G10", "below_comparison", None, None, None, ""),
        ("P1", "at_least", Decimal("20"), None, date(2019, 10, 31), "20 osob"),
        ("G3", "decrease", None, 2027, None, ""),
        ("X", "", None, None, None, ""),
    }
