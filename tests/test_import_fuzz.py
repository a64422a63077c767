"""Property-based workbooks for every sheet importer (core.imports): the
importer's own export or template with random cells written over it - what a
workbook looks like after another office has typed into it. Whatever it holds:

* the preview reads it without an exception (the upload page would otherwise
  tell the user that the file is not a workbook at all);
* every error the preview reports is in words, never a constraint's name;
* a preview that can be confirmed is applied whole, or refused whole with
  errors in words (ImportRefused), and never half-saved.

Every importer the apps declare has its workbook here (the gate at the end),
so a new importer is fuzzed from the day it is declared. The number of
workbooks is the Hypothesis profile's (conftest.py). The malformed files (not
a workbook at all) are tests/test_upload_fuzz.py's."""

import datetime
import io

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from core.imports.base import _IMPORTERS, ImportRefused, importer_named
from core.imports.services import _json_shared
from directory.selectors import current_city
from tests.fuzz import constraint_names, row_counter
from tests.indicators.factories import IndicatorFactory
from tests.indicators.import_factories import reporting_world
from tests.network.factories import make_indicator, make_manual, make_service
from tests.planning.factories import PlanFactory, PlanItemFactory

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

# Cells of the kinds a person types: empty, text, numbers written both ways,
# dates as text and as dates, codes, formulas, overflowing lengths and numbers.
CELLS = st.one_of(
    st.none(),
    st.text(max_size=30).map(lambda text: "".join(ch for ch in text if ch.isprintable())),
    st.sampled_from(["2024", "12/2024", "1. pololetí", "2. pol. 2024", "2023/24", "-1", "0",
                     "1 190", "1,234,567.50", "1 234 567,50", "cca 3 100", "n. a.", "ano", "ne",
                     "31. 2. 2025", "1. 1. 1899", "2101", "CZK", "EUR", "XYZ", "=1+1", "'=A1",
                     "-", "9" * 30, "1e400", "0,00001", "x" * 2000]),
    st.integers(-10**20, 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)),
)


def _plan():
    plan = PlanFactory(code="fuzz", status="draft")
    PlanItemFactory.measure(plan=plan)
    PlanItemFactory.measure(plan=plan)
    IndicatorFactory(code="F1", plans=[plan])
    return plan


def _plan_into_plan(request):
    from planning.imports import plan_xlsx_bytes

    officer = request.getfixturevalue("officer")
    plan = _plan()
    return officer, plan, plan_xlsx_bytes(plan)


def _plan_as_new(request):
    from planning.imports import plan_template_bytes

    return request.getfixturevalue("officer"), None, plan_template_bytes()


def _indicator_values(request):
    from indicators.imports import template_xlsx_bytes
    from indicators.selectors import reportable_indicators

    implementer = request.getfixturevalue("implementer_x")
    reporting_world(request.getfixturevalue("organisation_x"))
    return implementer, None, template_xlsx_bytes(reportable_indicators(implementer))


def _indicator_definitions(request):
    from indicators.imports_definitions import definitions_xlsx_bytes

    officer = request.getfixturevalue("officer")
    plan = _plan()
    return officer, None, definitions_xlsx_bytes(list(plan.indicators.all()))


def _services(request):
    from network.imports import export_rows, network_xlsx_bytes

    officer = request.getfixturevalue("officer")
    make_service(actor=officer, capacity="2.5")
    make_service(actor=officer, category="activity", forms=[], capacity=None, name="Klub")
    return officer, None, network_xlsx_bytes(export_rows(current_city()))


def _service_indicator_values(request):
    from network.value_imports import template_rows, values_xlsx_bytes

    implementer = request.getfixturevalue("implementer_x")
    manual = make_manual(valid_from=datetime.date(2023, 1, 1))
    make_indicator(manual=manual, code="intervence", comment_allowed=True)
    make_indicator(manual=manual, code="kontakty", comment_allowed=False)
    make_service(provider=implementer.implementer_organisation, name="SAS Přístav")
    rows = template_rows(implementer, current_city(), 2024, "half")
    return implementer, None, values_xlsx_bytes(rows)


# importer name -> {case: (request -> (actor, target, the workbook to write over))}
WORKBOOKS = {
    "planning.plan": {"into_plan": _plan_into_plan, "new_plan": _plan_as_new},
    "indicators.values": {"values": _indicator_values},
    "indicators.definitions": {"definitions": _indicator_definitions},
    "network.services": {"services": _services},
    "network.indicator_values": {"values": _service_indicator_values},
}
# Not a sheet: the register's JSON file (network.register), fuzzed as a file in
# tests/test_upload_fuzz.py; a sheet read only inside another importer's preview.
NOT_SHEETS = {"network.register": "the register's JSON file",
              "indicators.definitions.milestones": "read by indicators.definitions"}
# What an import may write: counted before and after a refused confirm.
APPS = {"core", "directory", "planning", "indicators", "projects", "network"}


@st.composite
def written_over(draw, content, cells=CELLS):
    """`content` with 1-12 cells of its sheets overwritten with `cells`:
    anywhere in its rows and two past them (the header too, now and then) and
    one column past the last."""
    workbook = load_workbook(io.BytesIO(content))
    sheets = workbook.worksheets
    for _ in range(draw(st.integers(1, 12))):
        sheet = sheets[draw(st.integers(0, len(sheets) - 1))]
        row = draw(st.integers(1, max(sheet.max_row, 2) + 2))
        column = draw(st.integers(1, max(sheet.max_column, 1) + 1))
        sheet.cell(row=row, column=column, value=draw(cells))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class _RollBack(Exception):  # noqa: N818 - not an error: undoes one example
    pass


def _in_words(errors, label):
    shown = constraint_names().findall(" ".join(str(error) for error in errors))
    assert not shown, f"{label} tells the user the constraint {shown}: {errors}"


CASES = [(name, case) for name, cases in WORKBOOKS.items() for case in cases]


@pytest.mark.parametrize(("name", "case"), CASES, ids=[f"{n}:{c}" for n, c in CASES])
def test_no_workbook_makes_an_import_fail_or_half_save(request, name, case):
    importer = importer_named(name)
    actor, target, content = WORKBOOKS[name][case](request)
    label = f"{name}:{case}"
    counts = row_counter(APPS)
    sent = []

    @given(workbook=written_over(content))
    def upload(workbook):
        sent.append(workbook)
        try:
            with transaction.atomic():
                preview = importer.preview(workbook, actor=actor, target=target)
                _in_words(preview.errors, label)
                if preview.can_confirm and not preview.ambiguous:
                    before = counts()
                    try:
                        with transaction.atomic():
                            importer.apply(_json_shared(preview.rows), actor=actor,
                                           target=target, pending=None)
                    except ImportRefused as refusal:
                        _in_words(refusal.errors, label)
                        assert counts() == before, f"{label}: a refused confirm saved rows"
                raise _RollBack
        except _RollBack:
            pass

    upload()
    assert len(sent) >= settings.default.max_examples  # the workbooks really were read


def test_every_sheet_importer_is_fuzzed():
    importer_named("")  # declares every importer of the apps
    declared = {name for name, importer in _IMPORTERS.items()
                if not type(importer).__module__.startswith("tests.")}  # the framework's tests'
    assert declared - set(NOT_SHEETS) == set(WORKBOOKS)
