"""core.bulk.bulk_update_rows: one UPDATE per batch, NULLs and decimals kept."""

from decimal import Decimal

import pytest
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
