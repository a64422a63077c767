"""Bad input to the city's workbooks, in Czech and in English: each error names
its row and column in the language of the page (a whole-file refusal says
why), and nothing is saved. The kinds of bad input of issue #14: wrong
levels, cycles in parent codes, unknown territories, ambiguous numbers,
10 MB of text in one cell (of the items, of the plan's own title, of a
definition), 100,000 rows (here at a limit made small; the real limit in
tests/planning/test_plan_workbook.py, marked slow)."""

import io
import re

import pytest
from django.utils import translation
from openpyxl import Workbook

from core.imports.services import import_file
from indicators.imports_definitions import COLUMNS, DEFINITION_IMPORTER, SHEET_TITLE
from indicators.models import Indicator
from planning.imports import PLAN_IMPORTER
from planning.models import Plan, PlanItem
from tests.indicators.factories import ostrava
from tests.planning.factories import PlanFactory
from tests.planning.test_plan_workbook import workbook as plan_workbook

pytestmark = pytest.mark.django_db

TEN_MB = "y" * (10 * 1024 * 1024)
ROW_AND_COLUMN = {
    "cs": re.compile(r"^Řádek (\d+), sloupec „([^“]+)“: \S"),
    "en": re.compile(r"^Row (\d+), column “([^”]+)”: \S"),
}


def _definitions(**change):
    plan = PlanFactory(code="east")
    ostrava()
    row = {"plan": plan.code, "code": "1", "position": 1, "name": "Beds", "kind": "global",
           "unit": "count", "territory": "ostrava", "frequency": "yearly", **change}
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    sheet.append([c.header for c in COLUMNS])
    sheet.append([row.get(c.name) for c in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return DEFINITION_IMPORTER, out.getvalue()


NEW_PLAN = {"title": "Community plan of Springfield", "code": "springfield", "kind": "kp",
            "period_start": 2025, "period_end": 2028}


def _plan(rows, **options):
    return PLAN_IMPORTER, plan_workbook(rows, **options)


def _many_plan_rows(monkeypatch):
    monkeypatch.setattr(type(PLAN_IMPORTER), "max_rows", 20)
    return _plan([{"code": str(n), "title": "t"} for n in range(60)])


CASES = {
    "wrong level": (lambda mp: _plan([{"code": "1", "title": "A", "level": "Measure"}]),
                    [(2, "level")]),
    "unknown level": (lambda mp: _plan([{"code": "1", "title": "A", "level": "Section"}]),
                      [(2, "level")]),
    "cycle of parent codes": (lambda mp: _plan([{"code": "A", "title": "a", "parent": "B"},
                                                {"code": "B", "title": "b", "parent": "A"}]),
                              [(2, "parent"), (3, "parent")]),
    "unknown territory": (lambda mp: _definitions(territory="Atlantis"), [(2, "Území")]),
    "ambiguous number": (lambda mp: _plan([{"code": "1", "title": "A",
                                            "costs_amount": "83,511"}],
                                          number_format="English"),
                         [(2, "costs_amount")]),
    "10 MB in a plan cell": (lambda mp: _plan([{"code": "1", "title": TEN_MB}]),
                             [(2, "title")]),
    "10 MB in a definition cell": (lambda mp: _definitions(definition=TEN_MB),
                                   [(2, "Definice")]),
    "10 MB in the plan's title": (lambda mp: _plan([{"code": "1", "title": "A"}],
                                                   plan={**NEW_PLAN, "title": TEN_MB}),
                                  [(2, "Plán: B")]),
    "plan title over its field": (lambda mp: _plan([{"code": "1", "title": "A"}],
                                                   plan={**NEW_PLAN, "title": "T" * 301}),
                                  [(2, "Plán: title")]),
    "too many rows": (_many_plan_rows, []),
}
ROWS_WORD = {"cs": "řádk", "en": "rows"}


@pytest.mark.parametrize("language", ["cs", "en"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_names_row_and_column_in_the_page_language_and_saves_nothing(
        officer, monkeypatch, case, language):
    build, expected = CASES[case]
    importer, content = build(monkeypatch)
    with translation.override(language):
        result = import_file(importer=importer, actor=officer, content=content)
    errors = [str(error) for error in result.errors]
    assert errors, case
    assert all(len(error) < 600 for error in errors)  # never the cell's 10 MB again
    if expected:
        found = [ROW_AND_COLUMN[language].match(error) for error in errors]
        assert all(found), errors
        assert [(int(m.group(1)), m.group(2)) for m in found] == expected
    else:
        assert len(errors) == 1 and ROWS_WORD[language] in errors[0], errors
    assert not PlanItem.objects.exists()
    assert not Plan.objects.exclude(code="east").exists()
    assert not Indicator.objects.exists()
