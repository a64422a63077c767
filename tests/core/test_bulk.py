"""core.bulk: bulk_update_rows (one UPDATE per batch, NULLs and decimals kept),
bulk_insert and bulk_upsert (COPY, ids from the sequence)."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.bulk import bulk_update_rows
from indicators.models import IndicatorValue
from tests.indicators.factories import IndicatorFactory, year_value

pytestmark = pytest.mark.django_db


def test_updates_the_fields_of_every_row_one_query_per_batch():
    indicator = IndicatorFactory()
    values = [year_value(indicator, 2000 + n, n) for n in range(5)]
    untouched = year_value(indicator, 1999, 7)
    for n, value in enumerate(values):
        value.value = None if n == 0 else Decimal(f"{n}.125")
        value.available = n != 0
        value.note = f"poznámka {n}"
        value.rank = n or None
    with CaptureQueriesContext(connection) as captured:
        assert bulk_update_rows(IndicatorValue, values, ["value", "available", "note", "rank"],
                                batch_size=2) == 5
    assert len(captured) == 3
    saved = {v.pk: v for v in IndicatorValue.objects.all()}
    assert (saved[values[0].pk].value, saved[values[0].pk].available,
            saved[values[0].pk].rank) == (None, False, None)
    assert saved[values[3].pk].value == Decimal("3.125")
    assert saved[values[3].pk].note == "poznámka 3" and saved[values[3].pk].rank == 3
    assert saved[untouched.pk].value == Decimal(7) and saved[untouched.pk].note == ""
    assert bulk_update_rows(IndicatorValue, [], ["note"]) == 0


def test_bulk_insert_copies_the_rows_and_gives_them_their_ids():
    from core.audit import AuditAction
    from core.bulk import bulk_insert
    from core.models import AuditEntry

    kind = ContentType.objects.get_for_model(IndicatorValue)
    entries = [AuditEntry(action=AuditAction.CREATE, object_id=str(n), object_repr="x\ty\n",
                          changes={"hodnota": [None, f"{n},5"]}, message="Import „a“",
                          content_type=kind) for n in range(3)]
    with CaptureQueriesContext(connection) as captured:
        bulk_insert(AuditEntry, entries)
    # The ids from the sequence; the COPY itself passes no execute wrapper.
    assert len(captured) == 1
    assert all(e.pk for e in entries) and len({e.pk for e in entries}) == 3
    saved = AuditEntry.objects.filter(pk__in=[e.pk for e in entries]).order_by("pk")
    assert [(e.object_id, e.object_repr, e.changes, e.message) for e in saved] == [
        (str(n), "x\ty\n", {"hodnota": [None, f"{n},5"]}, "Import „a“") for n in range(3)]
    assert all(e.created_at is not None for e in saved)  # auto_now_add
    assert bulk_insert(AuditEntry, []) == []


def test_bulk_upsert_copies_the_new_rows_in_and_updates_the_saved_ones_in_one_statement():
    from core.bulk import bulk_upsert

    indicator = IndicatorFactory()
    saved = year_value(indicator, 2000, 1)
    untouched = year_value(indicator, 2001, 2)
    saved.value, saved.note, saved.version = Decimal("1.125"), "nová", saved.version + 1
    new = IndicatorValue(indicator=indicator, territory=saved.territory,
                         period_kind=saved.period_kind, period_start=saved.period_start.replace(
                             year=2002), period_end=saved.period_end.replace(year=2002),
                         period_text="2002", value=Decimal(3))
    with CaptureQueriesContext(connection) as captured:
        bulk_upsert(IndicatorValue, [saved, new], ["value", "note", "version"])
    assert new.pk is not None
    # nextval (and the new row's COPY); CREATE TEMPORARY TABLE, (the saved row's
    # COPY), INSERT ... ON CONFLICT, DROP
    assert len(captured) == 4
    rows = {v.pk: v for v in IndicatorValue.objects.all()}
    assert len(rows) == 3
    assert (rows[saved.pk].value, rows[saved.pk].note, rows[saved.pk].version) == (
        Decimal("1.125"), "nová", saved.version)
    assert rows[new.pk].period_text == "2002" and rows[new.pk].value == Decimal(3)
    assert rows[untouched.pk].value == Decimal(2)


def test_bulk_upsert_of_new_rows_only_copies_them_in_without_a_staging_table():
    from core.bulk import bulk_upsert

    indicator = IndicatorFactory()
    first = year_value(indicator, 2000, 1)
    new = [IndicatorValue(indicator=indicator, territory=first.territory,
                          period_kind=first.period_kind,
                          period_start=first.period_start.replace(year=2001 + n),
                          period_end=first.period_end.replace(year=2001 + n),
                          period_text=str(2001 + n), value=Decimal(n)) for n in range(3)]
    with CaptureQueriesContext(connection) as captured:
        bulk_upsert(IndicatorValue, new, ["value", "version"])
    assert len(captured) == 1 and "nextval" in captured[0]["sql"]  # then the COPY
    assert sorted(IndicatorValue.objects.values_list("period_text", "value")) == [
        ("2000", Decimal(1)), ("2001", Decimal(0)), ("2002", Decimal(1)), ("2003", Decimal(2))]
    assert all(value.pk for value in new)


def test_prefetch_children_reads_the_parts_in_one_query_and_nothing_more():
    from core.bulk import prefetch_children
    from indicators.models import IndicatorValuePart

    indicator = IndicatorFactory()
    plain = year_value(indicator, 2000, 1)
    composite = year_value(indicator, 2001, 2)
    IndicatorValuePart.objects.create(value=composite, position=2, label="ženy",
                                      amount=Decimal(5))
    IndicatorValuePart.objects.create(value=composite, position=1, label="muži",
                                      amount=Decimal(4))
    values = list(IndicatorValue.objects.filter(pk__in=[plain.pk, composite.pk]).order_by("pk"))
    with CaptureQueriesContext(connection) as captured:
        prefetch_children(values, "parts", IndicatorValuePart.objects.order_by("position"))
    assert len(captured) == 1
    with CaptureQueriesContext(connection) as captured:
        parts = {v.pk: [(p.label, p.amount, p.value is v) for p in v.parts.all()]
                 for v in values}
    assert len(captured) == 0
    assert parts == {plain.pk: [], composite.pk: [("muži", Decimal(4), True),
                                                  ("ženy", Decimal(5), True)]}


def test_instance_maker_makes_what_the_model_makes_from_keywords():
    from datetime import date

    from accounts.models import User
    from core.bulk import instance_maker
    from core.models import AuditEntry
    from indicators.models import Territory

    territory, user = Territory(pk=7, code="CZ"), User(pk=3, username="u")
    values = {"territory": territory, "indicator_id": 5, "period_kind": "year",
              "period_start": date(2024, 1, 1), "period_end": date(2024, 12, 31),
              "period_text": "2024", "value": Decimal("1.5"), "reviewed_by": user}
    made, expected = instance_maker(IndicatorValue)(**values), IndicatorValue(**values)

    def state(instance):
        return ({k: v for k, v in instance.__dict__.items() if k != "_state"},
                instance._state.adding, instance._state.db, instance._state.fields_cache)

    assert state(made) == state(expected)
    assert made.territory is territory and made.reviewed_by is user
    entry = {"actor_id": 3, "action": "create", "content_type_id": 1, "object_id": "5",
             "object_repr": "x", "message": ""}
    make = instance_maker(AuditEntry)
    first, second = make(**entry), make(**entry)
    assert state(first) == state(AuditEntry(**entry))
    assert first.changes == {} and first.changes is not second.changes  # default=dict per entry
