"""The value workbook: the template and reading it back (indicators.imports)."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.utils.translation import gettext
from openpyxl import load_workbook

from core.imports.reader import read_sheet
from indicators import imports as vx
from indicators.models import PeriodKind
from indicators.selectors import reportable_indicators
from tests.indicators.factories import IndicatorFactory, year_value
from tests.indicators.import_factories import fill_template, reporting_world, sheet_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(organisation_x):
    return reporting_world(organisation_x)


def _load(content):
    return load_workbook(io.BytesIO(content))


def _preview(rows, user, **kwargs):
    return vx.preview_value_workbook(sheet_bytes(rows, **kwargs), user)


# --- Template ----------------------------------------------------------------------------


def test_template_lists_what_the_user_may_report(world, implementer_x, officer):
    year_value(world["own"], 2023, 1190, value_text="1 190")
    workbook = _load(vx.template_xlsx_bytes(reportable_indicators(implementer_x)))
    assert workbook.sheetnames == ["Hodnoty", "Návod"]
    sheet = workbook["Hodnoty"]
    assert [c.value for c in sheet[1]] == vx.HEADERS
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]}
    assert set(rows) == {"R-own", "R-composite", "R-project"}  # not R-other
    own = dict(zip(vx.HEADERS, rows["R-own"], strict=True))
    assert own["Ukazatel"] == "Počet klientů"
    assert own["Území"] == "Ostrava"
    assert own["Poslední období"] == "2023"
    assert own["Poslední hodnota"] == "1 190"
    assert own["Období"] is None and own["Hodnota"] is None
    composite = dict(zip(vx.HEADERS, rows["R-composite"], strict=True))
    assert composite["Části hodnoty"] == "muži / ženy / děti / celkem"
    assert sheet.freeze_panes == "C2"
    # Period and value columns are text so Excel keeps 12/2024 as typed.
    period_col = vx.HEADERS.index("Období") + 1
    assert sheet.cell(row=2, column=period_col).number_format == "@"
    assert len(sheet.data_validations.dataValidation) == 4

    everything = _load(vx.template_xlsx_bytes(reportable_indicators(officer)))
    codes = {r[0] for r in everything["Hodnoty"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert {"R-own", "R-other", "R-composite", "R-project"} <= codes


def test_help_sheet_documents_every_column_in_czech(world, officer):
    sheet = _load(vx.template_xlsx_bytes(reportable_indicators(officer)))["Návod"]
    documented = {r[0]: r for r in sheet.iter_rows(min_row=6, values_only=True) if r[0]}
    assert set(documented) == set(vx.HEADERS)
    assert "k 30. 4. 2024" in documented["Období"][3]
    assert "12/12/4/22" in documented["Hodnota"][3]
    assert all(row[2] for row in documented.values())


@pytest.mark.parametrize("name", ["=1+1", "+420", "-5", "@SUM(A1)"])
def test_template_cells_are_neutralised(name, officer):
    IndicatorFactory(code="danger", name=name, unit_label=name)
    sheet = _load(vx.template_xlsx_bytes(reportable_indicators(officer)))["Hodnoty"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "danger")
    cells = dict(zip(vx.HEADERS, row, strict=True))
    for header in ("Ukazatel", "Jednotka"):
        assert cells[header].data_type == "s"
        assert cells[header].value == "'" + name


def test_an_untouched_template_reads_as_nothing_to_do(world, officer):
    content = vx.template_xlsx_bytes(reportable_indicators(officer))
    preview = vx.preview_value_workbook(content, officer)
    assert preview.errors == [] and preview.rows == []
    assert preview.skipped == 4


def test_a_filled_template_reads_back(world, implementer_x):
    content = vx.template_xlsx_bytes(reportable_indicators(implementer_x))
    filled = fill_template(content, {
        "R-own": {"period": "12/2024", "value": "1 190", "note": "'=poznámka"},
        "R-composite": {"period": "k 30. 4. 2024", "value": "12/12/4/22"},
        "R-project": {"period": "1. pol. 2024", "value": "n. a.",
                      "reason": "Data ČSÚ vyjdou v červnu."},
    }, extra=[{"code": "R-own", "territory": "MSK", "period": "2023/24",
               "value": "cca 3 100"}])
    preview = vx.preview_value_workbook(filled, implementer_x)
    assert preview.errors == []
    rows = {(r["code"], r["territory_label"]): r for r in preview.rows}
    own = rows["R-own", "Ostrava"]
    assert own["outcome"] == vx.NEW
    assert own["period_kind"] == PeriodKind.MONTH
    assert (own["period_start"], own["period_end"]) == ("2024-12-01", "2024-12-31")
    assert own["value"] == "1190" and own["value_text"] == "1 190"
    assert own["note"] == "=poznámka"  # neutralised text comes back as typed
    composite = rows["R-composite", "Ostrava"]
    assert composite["parts"] == [["muži", "12"], ["ženy", "12"], ["děti", "4"],
                                  ["celkem", "22"]]
    assert composite["period_kind"] == PeriodKind.AS_OF
    project = rows["R-project", "Ostrava"]
    assert project["available"] is False
    assert project["not_available_reason"] == "Data ČSÚ vyjdou v červnu."
    regional = rows["R-own", "MSK"]
    assert regional["is_estimate"] is True and regional["value"] == "3100"
    assert regional["territory"] == world["msk"].pk
    assert preview.can_confirm


def test_rank_percent_and_numbers_typed_as_numbers(world, officer):
    preview = _preview([
        {"code": "R-own", "period": 2022, "value": "174,1, 2. v ČR"},
        {"code": "R-own", "period": "2023", "value": 174.1},
        {"code": "R-own", "period": date(2024, 4, 30), "value": "3,01 %"},
    ], officer)
    assert preview.errors == []
    first, second, third = preview.rows
    assert (first["value"], first["rank"], first["rank_scope"]) == ("174.1", 2, "v ČR")
    assert second["value"] == "174.1" and second["value_text"] == ""
    assert third["period_kind"] == PeriodKind.AS_OF and third["value"] == "3.01"


def test_outcomes_compare_with_saved_values(world, officer):
    year_value(world["own"], 2022, 100)
    year_value(world["own"], 2023, 200)
    preview = _preview([
        {"code": "R-own", "period": "2022", "value": "100"},
        {"code": "R-own", "period": "2023", "value": "250"},
        {"code": "R-own", "period": "2024", "value": "300"},
    ], officer)
    assert [r["outcome"] for r in preview.rows] == [vx.UNCHANGED, vx.CHANGED, vx.NEW]
    changed = preview.rows[1]
    assert (changed["old"], changed["new"]) == ("200", "250")
    assert [r["row"] for r in preview.to_apply] == [3, 4]


def _errors_of(preview, row):
    return next(r["errors"] for r in preview.rows if r["row"] == row)


def test_every_error_names_row_column_and_reason(world, implementer_x):
    preview = _preview([
        {"code": "NOPE", "period": "2024", "value": "1"},                 # row 2
        {"code": "R-other", "period": "2024", "value": "1"},              # row 3: not theirs
        {"code": "R-own", "period": "2024/2026", "value": "1"},           # row 4
        {"code": "R-own", "period": "2024", "value": "hodně"},            # row 5
        {"code": "R-composite", "period": "2024", "value": "1/2/3"},      # row 6
        {"code": "R-composite", "period": "2023", "value": "5"},          # row 7
        {"code": "R-own", "period": "2021", "value": "1"},                # row 8
        {"code": "R-own", "period": "2021", "value": "2"},                # row 9: duplicate
        {"code": "R-own", "period": "2020", "value": "3", "reason": "x"},  # row 10
        {"code": "R-own", "period": "2019", "value": "3", "territory": "Praha"},  # row 11
        {"period": "2019", "value": "3"},                                 # row 12: no code
        {"code": "R-own", "period": "=A1", "value": "3"},                 # row 13: formula
    ], implementer_x)
    assert not preview.can_confirm
    outcome = {r["row"]: r["outcome"] for r in preview.rows}
    assert outcome == {**dict.fromkeys(range(2, 14), vx.ERROR), 8: vx.NEW}

    def cell(row, key):
        return gettext("Row %(row)d, column %(column)s: %(message)s") % {
            "row": row, "column": f"{vx._letter(key)} ({vx.BY_KEY[key].header})",
            "message": ""}

    assert _errors_of(preview, 2)[0].startswith(cell(2, "code"))
    assert "NOPE" in _errors_of(preview, 2)[0]
    assert _errors_of(preview, 3)[0] == cell(3, "code") + gettext(
        "There is no indicator with the code “%(code)s” that you may report.") % {
            "code": "R-other"}
    assert _errors_of(preview, 4)[0].startswith(cell(4, "period"))
    assert _errors_of(preview, 5)[0].startswith(cell(5, "value"))
    assert _errors_of(preview, 6)[0].startswith(cell(6, "value"))
    assert "muži / ženy / děti / celkem" in _errors_of(preview, 6)[0]
    assert _errors_of(preview, 7)[0].startswith(cell(7, "value"))
    assert _errors_of(preview, 9)[0] == cell(9, "period") + gettext(
        "Row %(row)d has a value of the same indicator, territory and period already.") % {
            "row": 8}
    assert _errors_of(preview, 10)[0].startswith(cell(10, "reason"))
    assert _errors_of(preview, 11)[0].startswith(cell(11, "territory"))
    assert _errors_of(preview, 12)[0].startswith(cell(12, "code"))
    assert _errors_of(preview, 13)[0] == cell(13, "period") + gettext(
        "Formulas are not accepted; type the value.")
    assert len(preview.errors) == 11


def test_officer_gets_a_plain_unknown_code_message(world, officer):
    preview = _preview([{"code": "NOPE", "period": "2024", "value": "1"}], officer)
    assert preview.errors[0].endswith(gettext(
        "There is no indicator with the code “%(code)s”.") % {"code": "NOPE"})


def test_column_sanity(world, officer):
    missing = _preview([["R-own", "1"]], officer, headers=["Kód", "Hodnota"])
    assert any(gettext("The column “%(column)s” is missing; use the template.")
               % {"column": "Období"} in e for e in missing.errors)
    unknown = _preview([], officer, headers=[*vx.HEADERS, "Něco navíc"])
    assert unknown.errors == [gettext("Row %(row)d, column %(column)s: %(message)s") % {
        "row": 1, "column": "M (Něco navíc)",
        "message": gettext("Unknown column; use the columns of the template.")}]
    twice = _preview([], officer, headers=[*vx.HEADERS, "Hodnota"])
    assert gettext("The column is there twice.") in twice.errors[0]
    wide = _preview([], officer, headers=[*vx.HEADERS, *[""] * 30, "x"])
    assert any(gettext("The sheet has more than %(max)d columns; use the template.")
               % {"max": vx.ValueImporter.max_columns} in e for e in wide.errors)
    # Keys instead of Czech headers are fine too; the order does not matter.
    keys = _preview([["2024", "5", "R-own"]], officer, headers=["period", "value", "code"])
    assert keys.errors == [] and keys.rows[0]["value"] == "5"


def test_row_limit(world, officer, monkeypatch):
    monkeypatch.setattr(vx.ValueImporter, "max_rows", 3)
    rows = [{"code": "R-own", "period": str(2000 + n), "value": "1"} for n in range(4)]
    preview = _preview(rows, officer)
    assert preview.rows == []
    assert preview.errors == [gettext(
        "The sheet has more than %(max)d filled rows; split it into several files.")
        % {"max": 3}]
    assert _preview(rows[:3], officer).errors == []


def test_empty_rows_are_skipped(world, officer):
    preview = _preview([{"code": "R-own", "period": "2024", "value": "1"}, {}, {},
                        {"code": "R-own", "period": "2023", "value": "2"}], officer)
    assert [r["row"] for r in preview.rows] == [2, 5]
    assert preview.errors == []


@pytest.mark.parametrize("content", [b"", b"not a workbook", b"PK\x03\x04broken"])
def test_unreadable_files_are_one_error(content, officer):
    read = read_sheet(vx.VALUE_IMPORTER, content)
    assert read.rows == []
    assert [str(e) for e in read.errors] == [gettext("The file is not an XLSX workbook.")]


def test_the_sheet_hodnoty_is_preferred(world, officer):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Jiný"
    workbook.active.append(["nic"])
    sheet = workbook.create_sheet("Hodnoty")
    sheet.append(vx.HEADERS)
    sheet.append(["R-own", None, None, None, None, None, None, "2024", "7"])
    out = io.BytesIO()
    workbook.save(out)
    preview = vx.preview_value_workbook(out.getvalue(), officer)
    assert preview.errors == [] and preview.rows[0]["value"] == "7"
    assert Decimal(preview.rows[0]["value"]) == 7
