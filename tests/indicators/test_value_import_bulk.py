"""The value import applies its rows set-based (indicators.services.
indicator_values_import): a constant number of queries per batch, and the
same values, audit trail and statuses as recording the rows one by one."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.imports.base import CHANGED, NEW, ImportRefused
from core.imports.services import _json
from core.models import AuditEntry
from indicators import services
from indicators.imports import VALUE_IMPORTER
from indicators.models import (
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    TargetKind,
    Territory,
)
from indicators.services import BATCH, indicator_value_record
from tests.indicators.factories import year_value
from tests.indicators.import_factories import reporting_world, sheet_bytes

pytestmark = pytest.mark.django_db


def _rows(world, months, *, first_year=2000):
    """`months` monthly values of each of: own (its city and its region) and
    composite; the composite's every fifth value not available."""
    rows = []
    for n in range(months):
        period = f"{n % 12 + 1}/{first_year + n // 12}"
        rows.append({"code": world["own"].code, "period": period, "value": str(100 + n)})
        rows.append({"code": world["own"].code, "territory": "MSK", "period": period,
                     "value": f"cca {200 + n},5", "note": "odhad"})
        rows.append({"code": world["composite"].code, "period": period,
                     "value": "n. a." if n % 5 == 4 else f"{n}/1/2/{n + 3}",
                     "reason": "nezveřejněno" if n % 5 == 4 else None})
    return rows


def _preview_rows(rows, actor):
    preview = VALUE_IMPORTER.preview(sheet_bytes(rows), actor=actor)
    assert not preview.errors, preview.errors[:3]
    return _json(preview.rows)


def _apply(rows, actor):
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        count = VALUE_IMPORTER.apply(rows, actor=actor, target=None, pending=None)
    return count, len(captured)


def test_the_apply_costs_the_same_queries_for_ten_and_six_hundred_values(organisation_x,
                                                                         officer):
    world = reporting_world(organisation_x)
    # Some rows change saved values (bulk_update, their parts replaced).
    year_value(world["own"], 1990, 1)
    small = _preview_rows(_rows(world, 4)[:9] + [
        {"code": world["own"].code, "period": "1990", "value": "2"}], officer)
    assert len(small) == 10 and {r["outcome"] for r in small} == {NEW, CHANGED}
    count, small_queries = _apply(small, officer)
    assert count == 10

    year_value(world["own"], 1991, 1)
    big = _preview_rows(_rows(world, 200, first_year=2040)[:599] + [
        {"code": world["own"].code, "period": "1991", "value": "2"}], officer)
    assert len(big) == 600
    count, big_queries = _apply(big, officer)
    assert count == 600
    assert IndicatorValue.objects.count() == 2 + 9 + 599
    # 600 rows are one batch of BATCH more than 10: at most one more query
    # per batch (the locks, the parts replaced; the values, parts and audit
    # entries go in one COPY each), nothing per row.
    assert BATCH < 600 <= 2 * BATCH
    assert big_queries <= small_queries + 3, (small_queries, big_queries)


def _trail(indicator):
    return [(e.action, e.message, e.changes) for e in
            AuditEntry.objects.filter(object_id=str(indicator.pk),
                                      content_type__model="indicator").order_by("pk")]


def _values(indicator):
    return [(v.territory_id, v.period_start, v.period_end, v.period_text, v.value, v.available,
             v.not_available_reason, v.is_estimate, v.is_composite, v.rank, v.rank_scope,
             v.value_text, v.note, v.is_baseline, v.source, v.version,
             [(p.position, p.label, p.amount) for p in v.parts.order_by("position")])
            for v in indicator.values.order_by("territory_id", "period_start")]


def _setup(world):
    """Saved values (one a baseline) and targets, so that the statuses move."""
    for key in ("own", "composite"):
        IndicatorTarget.objects.create(indicator=world[key], position=1, year=2030,
                                       kind=TargetKind.AT_LEAST, value=Decimal("150"))
    year_value(world["own"], 2000, 50, is_baseline=True, source="ČSÚ")
    year_value(world["own"], 2001, 60)


def _rows_with_changes(world):
    return [
        {"code": world["own"].code, "period": "2000", "value": "55"},  # the baseline
        {"code": world["own"].code, "period": "2001", "value": "n. a.", "reason": "chybí"},
        {"code": world["own"].code, "period": "2024", "value": "160, 2. v ČR"},
        {"code": world["own"].code, "territory": "MSK", "period": "2024", "value": "cca 12,5"},
        {"code": world["composite"].code, "period": "2024", "value": "1/2/3/6",
         "note": "k 31. 12."},
    ]


def test_the_bulk_apply_writes_what_recording_row_by_row_writes(organisation_x, officer):
    bulk = reporting_world(organisation_x, prefix="B")
    single = reporting_world(organisation_x, prefix="S")
    for world in (bulk, single):
        _setup(world)
    _apply(_preview_rows(_rows_with_changes(bulk), officer), officer)

    # The same rows, recorded one by one the way the import did before.
    for row in _preview_rows(_rows_with_changes(single), officer):
        indicator = Indicator.objects.select_related("home_territory").get(pk=row["indicator"])
        existing = indicator.values.filter(
            territory_id=row["territory"], period_start=row["period_start"],
            period_end=row["period_end"]).first()
        with transaction.atomic():
            indicator_value_record(
                actor=officer, indicator=indicator,
                territory=Territory.objects.get(pk=row["territory"]),
                period_kind=row["period_kind"],
                period_start=date.fromisoformat(row["period_start"]),
                period_end=date.fromisoformat(row["period_end"]),
                period_text=row["period_text"],
                value=None if row["value"] is None else Decimal(row["value"]),
                available=row["available"], not_available_reason=row["not_available_reason"],
                is_estimate=row["is_estimate"], rank=row["rank"], rank_scope=row["rank_scope"],
                value_text=row["value_text"], note=row["note"],
                is_baseline=existing.is_baseline if existing else False,
                source=existing.source if existing else "",
                parts=[(label, Decimal(amount)) for label, amount in row["parts"]])

    for key in ("own", "composite"):
        b = Indicator.objects.get(pk=bulk[key].pk)
        s = Indicator.objects.get(pk=single[key].pk)
        assert _values(b) == _values(s)
        # One entry per value, with the same changes; the message differs only
        # because recording one by one names the period.
        assert [(a, c) for a, _m, c in _trail(b)] == [(a, c) for a, _m, c in _trail(s)]
        assert b.status == s.status
    trail = _trail(bulk["own"])
    assert len(trail) == 4
    assert trail[0][2]["2000 ostrava: value"][1] == "55"
    assert "2000 ostrava: is_baseline" not in trail[0][2]  # kept, not changed
    assert bulk["own"].status == "no_data"  # before the import
    assert Indicator.objects.get(pk=bulk["own"].pk).status == "on_track"  # 160 ≥ 150
    assert Indicator.objects.get(pk=bulk["composite"].pk).values.get().parts.count() == 4


def test_a_value_changed_after_the_preview_refuses_the_whole_import(organisation_x, officer):
    world = reporting_world(organisation_x)
    saved = year_value(world["own"], 2020, 1)
    rows = _preview_rows(_rows(world, 3) + [
        {"code": world["own"].code, "period": "2020", "value": "2"}], officer)
    IndicatorValue.objects.filter(pk=saved.pk).update(version=saved.version + 1)
    with pytest.raises(ImportRefused) as refused:
        _apply(rows, officer)
    assert [error.row for error in refused.value.errors] == [rows[-1]["row"]]
    assert refused.value.errors[0].message == "Hodnota byla v portálu po zobrazení náhledu změněna."
    assert IndicatorValue.objects.count() == 1
    assert not AuditEntry.objects.filter(content_type__model="indicator").exists()


def test_the_audit_trail_writes_round_numbers_as_digits(organisation_x, officer):
    world = reporting_world(organisation_x, prefix="R")
    _apply(_preview_rows([{"code": world["own"].code, "period": "1/2001", "value": "50"}],
                         officer), officer)
    entry = AuditEntry.objects.filter(object_id=str(world["own"].pk)).latest("id")
    assert "5E+1" not in str(entry.changes)
    assert "50" in str(entry.changes)


# --- Written in slices --------------------------------------------------------------------


@pytest.fixture
def one_indicator_a_slice(monkeypatch):
    """Every indicator a slice of its own (a slice closes after one row)."""
    monkeypatch.setattr(services, "IMPORT_SLICE", 1)


def test_each_indicator_is_written_in_one_slice_and_assessed_once(
        organisation_x, officer, one_indicator_a_slice, monkeypatch):
    world = reporting_world(organisation_x)
    _setup(world)
    assessed, slices = [], []
    real_assess, real_slice = services.assess, services._values_import_slice
    monkeypatch.setattr(services, "assess", lambda indicator, values: (
        assessed.append(indicator.pk), real_assess(indicator, values))[1])
    monkeypatch.setattr(services, "_values_import_slice", lambda rows, **kwargs: (
        slices.append(sorted({row["indicator"].pk for row in rows})),
        real_slice(rows, **kwargs))[1])
    # The rows of the two indicators interleaved, as a workbook may hold them.
    rows = _preview_rows(_rows_with_changes(world) + _rows(world, 3, first_year=2040), officer)
    assert [row["indicator"] for row in rows] != sorted(row["indicator"] for row in rows)
    count, _queries = _apply(rows, officer)
    assert count == len(rows)
    own, composite = world["own"].pk, world["composite"].pk
    assert slices == [[own], [composite]] if own < composite else [[composite], [own]]
    assert sorted(assessed) == sorted([own, composite])
    for pk in (own, composite):
        indicator = Indicator.objects.prefetch_related("targets").get(pk=pk)
        assert indicator.status == real_assess(indicator, list(indicator.values.filter(
            review_state="approved"))).status
    assert Indicator.objects.get(pk=own).status != "no_data"
    assert IndicatorValue.objects.filter(indicator=world["own"]).count() == 2 + 2 + 6


def test_a_refusal_in_a_later_slice_undoes_the_slices_written_before(
        organisation_x, officer, one_indicator_a_slice):
    world = reporting_world(organisation_x)
    first, last = sorted([world["own"], world["composite"]], key=lambda i: i.pk)
    saved = year_value(last, 2020, 1)
    rows = _preview_rows(_rows(world, 3) + [
        {"code": last.code, "period": "2020",
         "value": "1/1/1/3" if last == world["composite"] else "2"}], officer)
    IndicatorValue.objects.filter(pk=saved.pk).update(version=saved.version + 1)
    # No transaction around it: the service itself must undo the first slice.
    with pytest.raises(ImportRefused) as refused:
        VALUE_IMPORTER.apply(rows, actor=officer, target=None, pending=None)
    assert [error.row for error in refused.value.errors] == [rows[-1]["row"]]
    assert not IndicatorValue.objects.filter(indicator=first).exists()
    assert IndicatorValue.objects.count() == 1
    assert not AuditEntry.objects.filter(content_type__model="indicator").exists()


def test_every_refused_row_is_listed_whichever_slice_it_is_in(organisation_x, officer,
                                                              one_indicator_a_slice):
    world = reporting_world(organisation_x)
    own_value = year_value(world["own"], 2020, 1)
    composite_value = year_value(world["composite"], 2020, 1)
    rows = _preview_rows([{"code": world["own"].code, "period": "2020", "value": "2"},
                          {"code": world["composite"].code, "period": "2020",
                           "value": "1/1/1/3"}], officer)
    for value in (own_value, composite_value):
        IndicatorValue.objects.filter(pk=value.pk).update(version=value.version + 1)
    with pytest.raises(ImportRefused) as refused:
        VALUE_IMPORTER.apply(rows, actor=officer, target=None, pending=None)
    assert sorted(error.row for error in refused.value.errors) == sorted(r["row"] for r in rows)


def test_a_rows_broken_checks_are_told_in_words_not_by_the_constraints_names():
    """The import reports a row's broken checks itself (services._check_errors),
    with the messages of the constraints: never Django's default, which prints
    the constraint's name."""
    record = IndicatorValue(period_start=date(2025, 12, 31), period_end=date(2025, 1, 1),
                            available=False, value=Decimal(1), is_composite=False,
                            is_estimate=True)
    with translation.override("cs"):
        czech = services._check_errors(record)
    with translation.override("en"):
        english = services._check_errors(record)
    assert len(czech) == 3
    assert not [message for message in czech if "indicator_value" in message]
    assert [a for a, b in zip(czech, english, strict=True) if a == b] == []
