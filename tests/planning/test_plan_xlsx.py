"""The plan as XLSX: export, and the same sheet read back (round trip)."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.imports.reader import read_sheet
from core.imports.services import import_file
from core.models import AuditEntry
from planning.imports import HEADER, PLAN_IMPORTER, plan_xlsx_bytes
from planning.models import MeasureStatus, PlanItem, PlanStatus
from tests.directory.factories import OrganisationFactory
from tests.planning.test_plan_pages import build_kp, build_psz

pytestmark = pytest.mark.django_db


def _sheet(content):
    workbook = load_workbook(io.BytesIO(content))
    return workbook, workbook["items"]


def _rows(sheet):
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, (c.value for c in row), strict=True))
            for row in sheet.iter_rows(min_row=2)]


def _row_number(sheet, item):
    id_col = HEADER.index("id") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=id_col).value == item.pk:
            return row
    raise AssertionError(f"item {item.pk} not in the sheet")


def _set(sheet, item, column, value):
    row = _row_number(sheet, item)
    sheet.cell(row=row, column=HEADER.index(column) + 1).value = value
    return row


def _save(workbook):
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def plan_import(*, actor, plan, file, dry_run=False):
    """The sheet previewed (dry run) or imported at once."""
    content = file.getvalue()
    if dry_run:
        return PLAN_IMPORTER.preview(content, actor=actor, target=plan)
    return import_file(importer=PLAN_IMPORTER, actor=actor, target=plan, content=content)


def read_plan(file):
    return read_sheet(PLAN_IMPORTER, file.getvalue())


def _snapshot(plan):
    return list(PlanItem.objects.filter(plan=plan).order_by("pk").values())


def test_export_is_a_flat_sheet_in_tree_order(client):
    w = build_psz()
    response = client.get(reverse("planning:plan_export_xlsx", args=[w["plan"].code]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert 'filename="psz-test.xlsx"' in response["Content-Disposition"]
    _wb, sheet = _sheet(response.content)
    assert [c.value for c in sheet[1]] == HEADER
    rows = _rows(sheet)
    assert [r["code"] for r in rows] == ["1", "1.1", "1.1.1", "1.1.1.1", "1.1.1.2", "2", "2.1",
                                         "2.1.1", "2.1.1.1"]
    m1 = rows[3]
    assert m1["path"] == "1 / 1.1 / 1.1.1"
    assert m1["level"] == "Opatření"
    assert m1["status"] == "in_progress"
    assert m1["status_text"] == "V realizaci"
    assert (m1["reports_done"], m1["reports_total"]) == (3, 6)
    assert m1["implementers"] == "Charita Ostrava"
    assert m1["ongoing"] == "ano"
    assert m1["id"] == w["m1"].pk
    m2 = rows[4]
    assert m2["implementers"] == "SD"
    assert m2["period_start"].date() == datetime.date(2023, 1, 1)
    assert rows[2]["target_year"] == 2025


def test_export_neutralises_formulas(client):
    w = build_kp()
    PlanItem.objects.filter(pk=w["measure"].pk).update(title="=HYPERLINK(\"http://x\")",
                                                       footnote="-1+2")
    content = client.get(reverse("planning:plan_export_xlsx", args=[w["plan"].code])).content
    _wb, sheet = _sheet(content)
    row = _rows(sheet)[1]
    assert row["title"] == "'=HYPERLINK(\"http://x\")"
    assert row["footnote"] == "'-1+2"
    # ...and an untouched sheet reads back to the original text.
    read = read_plan(io.BytesIO(content))
    assert not read.errors
    assert read.rows[1].values["title"] == "=HYPERLINK(\"http://x\")"


def test_round_trip_unchanged_changes_nothing(officer):
    w = build_psz()
    build_kp()  # another plan, untouched
    before = _snapshot(w["plan"])
    audits = AuditEntry.objects.count()
    result = plan_import(actor=officer, plan=w["plan"],
                              file=io.BytesIO(plan_xlsx_bytes(w["plan"])), dry_run=False)
    assert result.errors == []
    assert result.to_apply == []
    assert result.unchanged == 9
    assert _snapshot(w["plan"]) == before
    assert AuditEntry.objects.count() == audits


def test_round_trip_two_edited_cells_update_the_items_audited(officer):
    w = build_psz()
    workbook, sheet = _sheet(plan_xlsx_bytes(w["plan"]))
    _set(sheet, w["m1"], "status", "completed")
    _set(sheet, w["m3"], "title", "Sociální podnik – nový název")
    result = plan_import(actor=officer, plan=w["plan"], file=_save(workbook),
                              dry_run=False)
    assert result.errors == []
    assert result.can_confirm
    assert {(r["item"], tuple(r["changes"])) for r in result.to_apply} == {
        (w["m1"].pk, ("status",)), (w["m3"].pk, ("title",))}
    w["m1"].refresh_from_db()
    w["m3"].refresh_from_db()
    assert w["m1"].status == MeasureStatus.COMPLETED
    assert w["m1"].version == 2
    assert w["m3"].title == "Sociální podnik – nový název"
    entry = AuditEntry.objects.filter(object_id=str(w["m1"].pk)).latest("pk")
    assert entry.actor == officer
    assert entry.changes["status"] == ["in_progress", "completed"]
    assert AuditEntry.objects.filter(object_id=str(w["m3"].pk), actor=officer).exists()
    # Untouched rows stayed untouched.
    w["m2"].refresh_from_db()
    assert w["m2"].version == 1


def test_dry_run_reports_but_saves_nothing(officer):
    w = build_psz()
    workbook, sheet = _sheet(plan_xlsx_bytes(w["plan"]))
    _set(sheet, w["m1"], "status_text", "Dokončeno")
    before = _snapshot(w["plan"])
    result = plan_import(actor=officer, plan=w["plan"], file=_save(workbook), dry_run=True)
    assert result.errors == []
    assert [r["changes"] for r in result.to_apply] == [
        {"status_text": ["V realizaci", "Dokončeno"]}]
    assert _snapshot(w["plan"]) == before


def test_round_trip_of_lists_dates_and_flags(officer, group_a):
    w = build_psz()
    OrganisationFactory(name="Armáda spásy")
    workbook, sheet = _sheet(plan_xlsx_bytes(w["plan"]))
    _set(sheet, w["m2"], "implementers", "SD; Armáda spásy")
    _set(sheet, w["m2"], "working_groups", group_a.code)
    _set(sheet, w["m2"], "period_end", "31. 12. 2025")
    _set(sheet, w["m2"], "cross_cutting_priority", "ano")
    _set(sheet, w["spec1"], "target_year", 2026)
    result = plan_import(actor=officer, plan=w["plan"], file=_save(workbook))
    assert result.errors == []
    m2 = PlanItem.objects.get(pk=w["m2"].pk)
    assert [str(link) for link in m2.implementer_links.all()] == ["SD", "Armáda spásy"]
    assert list(m2.working_groups.all()) == [group_a]
    assert m2.period_end == datetime.date(2025, 12, 31)
    assert m2.cross_cutting_priority is True
    assert PlanItem.objects.get(pk=w["spec1"].pk).target_year == 2026
    # Exported again, the sheet reads back as unchanged.
    again = plan_import(actor=officer, plan=w["plan"],
                             file=io.BytesIO(plan_xlsx_bytes(w["plan"])))
    assert again.errors == [] and again.to_apply == []


@pytest.mark.parametrize(("column", "value"), [
    ("status", "hotovo-ish"),
    ("target_year", "letos"),
    ("target_year", 1066),
    ("period_start", "31. 2. 2023"),
    ("period_end", "zítra"),
    ("reports_done", 9),
    ("ongoing", "možná"),
    ("title", ""),
    ("working_groups", "NEEXISTUJE"),
    ("id", 987654321),
])
def test_a_bad_row_names_row_and_column_and_nothing_is_saved(officer, column, value):
    w = build_psz()
    workbook, sheet = _sheet(plan_xlsx_bytes(w["plan"]))
    _set(sheet, w["m3"], "title", "Tato změna se neuloží")  # a good change in another row
    row = _set(sheet, w["m1"], column, value)
    before = _snapshot(w["plan"])
    audits = AuditEntry.objects.count()
    result = plan_import(actor=officer, plan=w["plan"], file=_save(workbook))
    assert result.errors, result
    assert [(e.row, e.column) for e in result.errors] == [(row, column)], result.errors
    # The message names both, in whatever language is active.
    assert f"{row}" in str(result.errors[0]) and column in str(result.errors[0])
    assert not result.can_confirm
    assert _snapshot(w["plan"]) == before
    assert AuditEntry.objects.count() == audits


def test_an_item_changed_after_the_export_is_not_overwritten(officer):
    from planning.services import plans as plan_services

    w = build_psz()
    workbook, sheet = _sheet(plan_xlsx_bytes(w["plan"]))
    plan_services.plan_item_update(actor=officer, item=w["m1"], title="Změněno v portálu")
    row = _set(sheet, w["m1"], "status_text", "Dokončeno")
    result = plan_import(actor=officer, plan=w["plan"], file=_save(workbook))
    assert [(e.row, e.column) for e in result.errors] == [(row, "version")]
    w["m1"].refresh_from_db()
    assert w["m1"].title == "Změněno v portálu"
    assert w["m1"].status_text == "V realizaci"


def test_rows_of_another_plan_are_refused(officer):
    w = build_psz()
    other = build_kp()
    result = plan_import(actor=officer, plan=w["plan"],
                              file=io.BytesIO(plan_xlsx_bytes(other["plan"])))
    assert {e.column for e in result.errors} == {"id"}
    assert [e.row for e in result.errors] == [2, 3, 4, 5]


@pytest.mark.parametrize("content", [b"", b"not a workbook", b"PK\x03\x04broken zip"])
def test_a_broken_file_is_an_error_not_a_crash(officer, content):
    w = build_kp()
    result = plan_import(actor=officer, plan=w["plan"], file=io.BytesIO(content))
    assert len(result.errors) == 1
    assert (result.errors[0].row, result.errors[0].column) == (None, None)


def test_unknown_and_missing_columns(officer):
    w = build_kp()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["titel", "code"])
    sheet.append(["x", "y"])
    result = read_plan(_save(workbook))
    assert {(e.row, e.column) for e in result.errors} == {(1, "titel")}
    assert plan_import(actor=officer, plan=w["plan"], file=_save(workbook)).errors


def test_formulas_typed_into_the_sheet_are_refused(officer):
    w = build_kp()
    workbook, sheet = _sheet(plan_xlsx_bytes(w["plan"]))
    row = _set(sheet, w["measure"], "reports_total", "=1+5")
    result = plan_import(actor=officer, plan=w["plan"], file=_save(workbook))
    assert [(e.row, e.column) for e in result.errors] == [(row, "reports_total")]


def test_export_of_a_draft_for_its_group(client, group_a, member_a):
    w = build_kp(code="kp-draft", status=PlanStatus.DRAFT, group=group_a)
    url = reverse("planning:plan_export_xlsx", args=[w["plan"].code])
    assert client.get(url).status_code == 404
    client.force_login(member_a)
    assert client.get(url).status_code == 200


def test_round_trip_with_large_item_ids(officer):
    """Ids are not small integers: a database that has seen many items must
    still round-trip (regression: ids above 32767 were refused)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('planning_planitem', 'id'), 900000)")
    w = build_kp()
    assert w["measure"].pk > 900000
    result = plan_import(actor=officer, plan=w["plan"],
                              file=io.BytesIO(plan_xlsx_bytes(w["plan"])), dry_run=False)
    assert result.errors == []
