"""The number column on the framework: the workbook's number format (upload
form, then the workbook's own statement, then the language), ambiguous numbers
kept per row, a confirm refused while any is unconfirmed (the preview stays
open) and saving once they all are."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from openpyxl import Workbook

from core.imports.base import ERROR, NEW, Importer, ImportUnconfirmed
from core.imports.columns import Column, number, text
from core.imports.services import import_file, pending_import_confirm, pending_import_preview
from core.models import PendingImportState
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


class PaidImporter(Importer):
    """One account per row with an amount: the amount becomes the last name,
    written as the importer read it (so a test sees what was read)."""

    name = "tests.paid"
    sheet = "Platby"
    columns = (
        Column("username", "Uživatel", text, required=True),
        Column("amount", "Částka", number(places=3)),
    )

    def check(self, read, *, actor, target):
        return [{"row": row.number, "username": row.values.get("username", ""),
                 "amount": row.values.get("amount"), "errors": list(row.errors),
                 "outcome": ERROR if row.errors else NEW} for row in read.rows]

    def apply(self, rows, *, actor, target, pending):
        for row in rows:
            user = User(username=row["username"], last_name=str(row["amount"]))
            user.set_unusable_password()
            user.save()
        return len(rows)


IMPORTER = PaidImporter()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def czech():
    with translation.override("cs"):
        yield


def workbook(rows, stated=None, label="Formát čísel"):
    book = Workbook()
    sheet = book.active
    sheet.title = "Platby"
    sheet.append(["Uživatel", "Částka"])
    for row in rows:
        sheet.append(list(row))
    if stated is not None:
        guide = book.create_sheet("Návod")
        guide.append(["Jak vyplnit"])
        guide.append([label, stated, "vysvětlení"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def preview(actor, content, **kwargs):
    return pending_import_preview(importer=IMPORTER, actor=actor, content=content,
                                  file_name="platby.xlsx", session_key="s1", **kwargs)


def confirm(actor, pending, rows=()):
    return pending_import_confirm(importer=IMPORTER, actor=actor, pending_id=pending.pk,
                                  session_key="s1", confirmed_rows=rows)


def test_the_importer_knows_it_reads_numbers():
    assert IMPORTER.reads_numbers is True
    assert IMPORTER.column("amount").reads_numbers
    assert not IMPORTER.column("username").reads_numbers


def test_the_format_stated_in_the_workbook_reads_the_numbers(officer):
    rows = [("ana", "1,234.5"), ("bob", 83.5), ("eva", "1 000")]
    result, pending = preview(officer, workbook(rows, stated="anglický (1,234.5)"))
    assert not result.errors
    assert (result.number_format, result.number_format_source) == ("en", "workbook")
    assert [str(r["amount"]) for r in result.rows] == ["1234.5", "83.5", "1000"]
    assert not result.ambiguous and pending.number_format == "en"
    # The same text in a Czech workbook is an error naming the row and the column.
    result, pending = preview(officer, workbook(rows, stated="český (1 234,5)"))
    assert pending is None
    assert [str(e) for e in result.errors] == [
        "Řádek 2, sloupec „Částka“: „1,234.5“ není číslo v číselném formátu tohoto sešitu, "
        "český (1 234,5). Napište je v tomto formátu (např. 1 234,5), nebo uveďte druhý "
        "číselný formát."]


def test_the_form_choice_wins_and_the_language_is_the_fallback(officer):
    content = workbook([("ana", "1.5")], stated="český")
    result, _pending = preview(officer, content, number_format="en")
    assert (result.number_format, result.number_format_source) == ("en", "form")
    assert str(result.rows[0]["amount"]) == "1.5"
    result, _pending = preview(officer, workbook([("ana", "1,5")]))
    assert (result.number_format, result.number_format_source) == ("cs", "language")
    result, _pending = preview(officer, workbook([("ana", "1,5")], stated=""))  # left empty
    assert (result.number_format, result.number_format_source) == ("cs", "language")
    assert str(result.rows[0]["amount"]) == "1.5"
    with translation.override("en"):
        result, _pending = preview(officer, workbook([("ana", "1.5")]))
    assert (result.number_format, result.number_format_source) == ("en", "language")


def test_a_stated_format_nobody_knows_is_an_error_naming_the_cell(officer):
    result, pending = preview(officer, workbook([("ana", "1")], stated="německý"))
    assert pending is None and not result.rows
    assert [str(e) for e in result.errors] == [
        "List „Návod“, buňka B2: „německý“ není číselný formát; napište „český (1 234,5)“ "
        "nebo „anglický (1,234.5)“."]


def test_an_ambiguous_number_must_be_confirmed_on_its_row(officer):
    content = workbook([("ana", "83,511"), ("bob", "12"), ("eva", "1.234")], stated="česky")
    result, pending = preview(officer, content)
    assert pending is not None and not result.errors
    assert [r["row"] for r in result.ambiguous] == [2, 4]
    first = result.rows[0]["ambiguous"][0]
    assert (first["column"], first["text"], first["value"], first["other"]) == (
        "amount", "83,511", "83.511", "83511")
    assert first["label"] == "Potvrzuji, že „83,511“ znamená 83,511 (ne 83\u00a0511)."
    # Confirming only one of the two rows: refused, nothing saved, the preview stays open.
    with pytest.raises(ImportUnconfirmed) as refusal:
        confirm(officer, pending, rows=["2", "x"])
    assert [str(e) for e in refusal.value.errors] == [
        "Řádek 4, sloupec „Částka“: „1.234“ se v číselném formátu tohoto sešitu, český "
        "(1 234,5), čte jako 1\u00a0234, ale ve druhém formátu jako 1,234. Zaškrtněte "
        "potvrzení v náhledu, nebo číslo v sešitu opravte. Oddělené mezerami se nedá splést: "
        "1 234."]
    assert not User.objects.filter(username__in=["ana", "bob", "eva"]).exists()
    pending.refresh_from_db()
    assert pending.state == PendingImportState.PREVIEWED and pending.confirmed_rows == []
    # Both confirmed: saved as read in the workbook's format, and the confirmation recorded.
    _pending, count = confirm(officer, pending, rows=["2", "4"])
    assert count == 3
    assert dict(User.objects.filter(username__in=["ana", "bob", "eva"]).values_list(
        "username", "last_name")) == {"ana": "83.511", "bob": "12", "eva": "1234"}
    pending.refresh_from_db()
    assert pending.state == PendingImportState.CONFIRMED and pending.confirmed_rows == [2, 4]


def test_numbers_typed_as_numbers_are_never_ambiguous(officer):
    result, pending = preview(officer, workbook([("ana", 83.511), ("bob", 83511)]))
    assert not result.ambiguous and pending is not None
    assert [str(r["amount"]) for r in result.rows] == ["83.511", "83511"]
    confirm(officer, pending)
    assert User.objects.filter(username="ana", last_name="83.511").exists()


def test_import_file_saves_nothing_while_an_ambiguity_is_unconfirmed(officer):
    content = workbook([("ana", "83,511"), ("bob", "7")], stated="anglický")
    result = import_file(importer=IMPORTER, actor=officer, content=content)
    assert [str(e) for e in result.errors][0].startswith("Řádek 2, sloupec „Částka“: „83,511“")
    assert not User.objects.filter(username__in=["ana", "bob"]).exists()
    result = import_file(importer=IMPORTER, actor=officer, content=content, confirmed_rows=[2])
    assert not result.errors
    assert User.objects.get(username="ana").last_name == "83511"


def test_a_file_with_errors_shows_its_ambiguities_but_cannot_be_confirmed(officer):
    result, pending = preview(officer, workbook([("ana", "83,511"), ("bob", "dvanáct")]))
    assert pending is None  # the file must be fixed first
    assert [r["row"] for r in result.ambiguous] == [2]
    assert [str(e) for e in result.errors] == [
        "Řádek 3, sloupec „Částka“: „dvanáct“ není číslo."]


def test_importers_without_numbers_are_as_before(officer):
    class Plain(PaidImporter):
        name = "tests.plain"
        columns = (Column("username", "Uživatel", text, required=True),
                   Column("amount", "Částka", text))

    plain = Plain()
    assert plain.reads_numbers is False
    # A statement the importer does not read is no error either.
    result = plain.preview(workbook([("ana", "83,511")], stated="xyz"), actor=UserFactory())
    assert not result.errors and result.rows[0]["amount"] == "83,511"
    assert "ambiguous" not in result.rows[0]
