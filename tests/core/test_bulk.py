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


def test_bulk_upsert_inserts_the_new_and_updates_the_saved_rows_in_one_statement():
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
    # nextval, CREATE TEMPORARY TABLE, INSERT ... ON CONFLICT, DROP (and the COPY)
    assert len(captured) == 4
    rows = {v.pk: v for v in IndicatorValue.objects.all()}
    assert len(rows) == 3
    assert (rows[saved.pk].value, rows[saved.pk].note, rows[saved.pk].version) == (
        Decimal("1.125"), "nová", saved.version)
    assert rows[new.pk].period_text == "2002" and rows[new.pk].value == Decimal(3)
    assert rows[untouched.pk].value == Decimal(2)


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
