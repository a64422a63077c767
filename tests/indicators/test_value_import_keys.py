"""A code printed for several indicators does not say which one a row of the
value workbook means: the template carries each indicator's key (its
address), a row with the key goes to that indicator, and a row with only such
a code is refused with its row and column, never guessed."""

import io

import pytest
from openpyxl import load_workbook

from indicators.imports import BY_KEY, VALUE_IMPORTER, template_xlsx_bytes
from indicators.models import Indicator
from indicators.selectors import reportable_indicators
from tests.indicators.factories import IndicatorFactory, PlanItemFactory
from tests.indicators.import_factories import reporting_world, sheet_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(organisation_x):
    world = reporting_world(organisation_x, prefix="K")
    measure = world["own_measure"]
    first = IndicatorFactory.for_measure(measure, code="B2", slug="b2", name="Housed")
    second = IndicatorFactory.for_measure(PlanItemFactory.measure(plan=measure.plan),
                                          code="B2", slug="b2-2", name="Shelter beds")
    return first, second


def test_the_template_carries_each_indicators_key(twins, officer):
    content = template_xlsx_bytes(reportable_indicators(officer))
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    key_column = header.index(BY_KEY["key"].header)
    code_column = header.index(BY_KEY["code"].header)
    pairs = {(row[code_column].value, row[key_column].value) for row in sheet.iter_rows(min_row=2)}
    assert {("B2", "b2"), ("B2", "b2-2")} <= pairs


def test_a_row_with_the_key_goes_to_that_indicator(twins, officer):
    first, second = twins
    preview = VALUE_IMPORTER.preview(sheet_bytes([
        {"code": "B2", "key": "b2-2", "period": "2024", "value": "12"}]), actor=officer)
    assert preview.errors == []
    assert preview.rows[0]["indicator"] == second.pk


def test_a_code_of_several_indicators_without_the_key_is_refused(twins, officer):
    preview = VALUE_IMPORTER.preview(sheet_bytes([
        {"code": "B2", "period": "2024", "value": "12"}]), actor=officer)
    assert [(e.row, e.column) for e in preview.errors] == [(2, "Kód")]
    assert "Klíč ukazatele" in preview.errors[0] and "2" in preview.errors[0]


def test_a_key_that_belongs_to_another_code_is_refused(twins, officer):
    preview = VALUE_IMPORTER.preview(sheet_bytes([
        {"code": "K-own", "key": "b2", "period": "2024", "value": "12"}]), actor=officer)
    assert [(e.row, e.column) for e in preview.errors] == [(2, "Kód")]
    assert Indicator.objects.get(slug="b2").values.count() == 0
