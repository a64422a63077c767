"""The import framework itself (core.imports), on a small importer of its own:
errors name the sheet row and the column, a confirm applies the stored
preview once, refuses a changed file, an expired preview and anyone else's,
and saves nothing when any row fails."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from openpyxl import Workbook

from core.imports import storage
from core.imports.base import CHANGED, ERROR, NEW, UNCHANGED, Importer, ImportRefused
from core.imports.columns import Column, RowError, integer, text
from core.imports.services import (
    import_file,
    pending_import_confirm,
    pending_import_preview,
    pending_imports_expire,
)
from core.models import PendingImport, PendingImportState
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


class AccountImporter(Importer):
    """One user account per row: username, and an optional age that must be
    at most 120 (checked only when writing, to fail mid-way)."""

    name = "tests.accounts"
    sheet = "Účty"
    columns = (
        Column("username", "Uživatel", text, "login", required=True),
        Column("age", "Věk", integer, "years"),
    )
    keep_per_user = 2

    def check(self, read, *, actor, target):
        rows, seen = [], {}
        for sheet_row in read.rows:
            errors = list(sheet_row.errors)
            username = sheet_row.values.get("username", "")
            if not username and "username" not in sheet_row.failed:
                errors.append(read.error(self, sheet_row.number, "username", "Chybí."))
            if username in seen:
                errors.append(read.error(self, sheet_row.number, "username",
                                         f"Už je v řádku {seen[username]}."))
            seen.setdefault(username, sheet_row.number)
            exists = User.objects.filter(username=username).exists()
            outcome = ERROR if errors else UNCHANGED if exists else NEW
            rows.append({"row": sheet_row.number, "username": username,
                         "age": sheet_row.values.get("age"), "outcome": outcome,
                         "errors": errors})
        return rows

    def apply(self, rows, *, actor, target, pending):
        written = 0
        for row in rows:
            if row["outcome"] not in (NEW, CHANGED):
                continue
            if (row["age"] or 0) > 120:
                raise ImportRefused([RowError(row["row"], "Věk", "Příliš mnoho.")])
            user = User(username=row["username"])
            user.set_unusable_password()
            try:
                user.full_clean()
            except ValidationError as error:
                raise ImportRefused([RowError(row["row"], "Uživatel", " ".join(
                    error.messages))]) from None
            user.save()
            written += 1
        return written


class LetteredImporter(AccountImporter):
    name = "tests.accounts-lettered"
    column_letters = True


IMPORTER = AccountImporter()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def czech():
    with translation.override("cs"):
        yield


def workbook(rows, header=("Uživatel", "Věk"), title="Účty"):
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def preview(actor, content, importer=IMPORTER, session_key="s1"):
    return pending_import_preview(importer=importer, actor=actor, content=content,
                                  file_name="ucty.xlsx", session_key=session_key)


def confirm(actor, pending, importer=IMPORTER, session_key="s1"):
    return pending_import_confirm(importer=importer, actor=actor, pending_id=pending.pk,
                                  session_key=session_key)


# --- Row and column naming -----------------------------------------------------------------


def test_errors_name_the_row_and_the_czech_header(officer):
    content = workbook([("ana", 30), ("", 5), ("bob", "třicet"), ("ana", 1), ("eva", "=1+1")])
    result, pending = preview(officer, content)
    assert pending is None
    assert [str(e) for e in result.errors] == [
        "Řádek 3, sloupec „Uživatel“: Chybí.",
        "Řádek 4, sloupec „Věk“: „třicet“ není celé číslo.",
        "Řádek 5, sloupec „Uživatel“: Už je v řádku 2.",
        "Řádek 6, sloupec „Věk“: Vzorce nejsou přípustné; zadejte přímo hodnotu.",
    ]
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "Uživatel"), (4, "Věk"), (5, "Uživatel"), (6, "Věk")]
    assert [r["outcome"] for r in result.rows] == [NEW, ERROR, ERROR, ERROR, ERROR]
    assert not PendingImport.objects.exists()


def test_errors_name_the_column_letter_when_the_importer_asks(officer):
    result, _pending = preview(officer, workbook([("ana", "x")]), importer=LetteredImporter())
    assert [str(e) for e in result.errors] == ["Řádek 2, sloupec B (Věk): „x“ není celé číslo."]


def test_header_errors_name_row_one(officer):
    result, _pending = preview(officer, workbook([("ana", 1)], header=("Věk", "Jméno", "Věk")))
    assert {(e.row, e.column) for e in result.errors} == {
        (1, "Jméno"), (1, "Věk"), (1, "Uživatel")}
    assert "Řádek 1, sloupec „Uživatel“: Sloupec chybí." in result.errors
    # Keys are accepted as headers too, and the order does not matter.
    result, _pending = preview(officer, workbook([(40, "ana")], header=("age", "username")))
    assert result.errors == [] and result.rows[0]["username"] == "ana"


@pytest.mark.parametrize("content", [b"", b"not a workbook", b"PK\x03\x04broken"])
def test_an_unreadable_file_is_one_error(officer, content):
    result, pending = preview(officer, content)
    assert [(e.row, e.column) for e in result.errors] == [(None, None)]
    assert pending is None


def test_row_limits(officer, monkeypatch):
    monkeypatch.setattr(AccountImporter, "max_rows", 2)
    result, _pending = preview(officer, workbook([("a", 1), ("b", 2), ("c", 3)]))
    assert result.rows == [] and len(result.errors) == 1


# --- Preview and confirm -------------------------------------------------------------------


def test_confirm_applies_the_stored_preview_once(officer, media):
    UserFactory(username="bob")
    content = workbook([("ana", 30), ("bob", 40), ("cyril", None)])
    result, pending = preview(officer, content)
    assert result.counts == {NEW: 2, CHANGED: 0, UNCHANGED: 1, ERROR: 0}
    assert pending.state == PendingImportState.PREVIEWED
    assert pending.created_by == officer and pending.importer == "tests.accounts"
    assert pending.file_name == "ucty.xlsx" and len(pending.checksum) == 64
    assert [row["username"] for row in pending.preview] == ["ana", "bob", "cyril"]
    assert storage.read(pending.pk) == content
    assert pending.expires_at > timezone.now() + timedelta(hours=23)
    assert not User.objects.filter(username="ana").exists()

    confirmed, count = confirm(officer, pending)
    assert count == 2
    assert set(User.objects.values_list("username", flat=True)) >= {"ana", "bob", "cyril"}
    confirmed.refresh_from_db()
    assert confirmed.state == PendingImportState.CONFIRMED and confirmed.confirmed_at
    assert storage.read(pending.pk) is None  # the file is gone

    users = User.objects.count()
    with pytest.raises(ImportRefused) as refusal:
        confirm(officer, pending)
    assert refusal.value.status == 400
    assert User.objects.count() == users
    confirmed.refresh_from_db()
    assert confirmed.state == PendingImportState.CONFIRMED


def test_the_confirm_writes_what_was_previewed_not_the_file_read_again(officer):
    _result, pending = preview(officer, workbook([("ana", 30)]))
    # The stored rows are the contract: the confirm applies them as they are.
    PendingImport.objects.filter(pk=pending.pk).update(
        preview=[{**pending.preview[0], "username": "ana-previewed"}])
    confirm(officer, pending)
    assert User.objects.filter(username="ana-previewed").exists()
    assert not User.objects.filter(username="ana").exists()


def test_a_file_changed_between_preview_and_confirm_is_refused(officer, media):
    _result, pending = preview(officer, workbook([("ana", 30)]))
    path = media / "imports" / f"{pending.pk.hex}.xlsx"
    path.write_bytes(workbook([("mallory", 30)]))
    with pytest.raises(ImportRefused) as refusal:
        confirm(officer, pending)
    assert refusal.value.status == 400
    assert not User.objects.filter(username__in=["ana", "mallory"]).exists()
    pending.refresh_from_db()
    assert pending.state == PendingImportState.FAILED
    assert pending.errors
    assert not path.exists()


def test_a_missing_file_is_refused(officer, media):
    _result, pending = preview(officer, workbook([("ana", 30)]))
    storage.remove(pending.pk)
    with pytest.raises(ImportRefused):
        confirm(officer, pending)
    assert not User.objects.filter(username="ana").exists()


def test_an_expired_preview_is_refused(officer, media):
    _result, pending = preview(officer, workbook([("ana", 30)]))
    PendingImport.objects.filter(pk=pending.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ImportRefused) as refusal:
        confirm(officer, pending)
    assert refusal.value.status == 400
    pending.refresh_from_db()
    assert pending.state == PendingImportState.EXPIRED
    assert storage.read(pending.pk) is None
    assert not User.objects.filter(username="ana").exists()


def test_expiry_and_the_few_latest_per_user(officer, media):
    other = UserFactory()
    _result, old = preview(other, workbook([("old", 1)]))
    PendingImport.objects.filter(pk=old.pk).update(expires_at=timezone.now())
    kept = [preview(officer, workbook([(f"u{i}", i)]))[1] for i in range(4)]
    old.refresh_from_db()
    assert old.state == PendingImportState.EXPIRED and storage.read(old.pk) is None
    waiting = PendingImport.objects.filter(created_by=officer,
                                           state=PendingImportState.PREVIEWED)
    assert set(waiting.values_list("pk", flat=True)) == {p.pk for p in kept[-2:]}
    assert {p.name for p in (media / "imports").iterdir()} == {
        f"{p.pk.hex}.xlsx" for p in kept[-2:]}
    # Finished ones are kept for a while as a record, then deleted.
    PendingImport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=365))
    pending_imports_expire()
    assert not PendingImport.objects.filter(pk=old.pk).exists()


@pytest.mark.parametrize("who", ["another user", "another session", "another importer"])
def test_anyone_else_is_refused_and_the_owner_still_can(officer, who):
    _result, pending = preview(officer, workbook([("ana", 30)]))
    actor, importer, session_key = officer, IMPORTER, "s1"
    if who == "another user":
        actor = UserFactory(is_city_officer=True)
    elif who == "another session":
        session_key = "s2"
    else:
        importer = LetteredImporter()
    with pytest.raises(ImportRefused) as refusal:
        confirm(actor, pending, importer=importer, session_key=session_key)
    assert refusal.value.status == 400
    pending.refresh_from_db()
    assert pending.state == PendingImportState.PREVIEWED
    confirm(officer, pending)
    assert User.objects.filter(username="ana").exists()


@pytest.mark.parametrize("made_up", ["", "x", "../../etc/passwd",
                                     "00000000-0000-0000-0000-000000000000"])
def test_made_up_ids_are_refused(officer, made_up):
    with pytest.raises(ImportRefused):
        pending_import_confirm(importer=IMPORTER, actor=officer, pending_id=made_up)


def test_a_row_failing_at_confirm_saves_nothing(officer):
    _result, pending = preview(officer, workbook([("ana", 30), ("bob", 130)]))
    with pytest.raises(ImportRefused) as refusal:
        confirm(officer, pending)
    assert refusal.value.status == 409
    assert [str(e) for e in refusal.value.errors] == ["Řádek 3, sloupec „Věk“: Příliš mnoho."]
    assert not User.objects.filter(username__in=["ana", "bob"]).exists()  # ana rolled back
    pending.refresh_from_db()
    assert pending.state == PendingImportState.FAILED
    assert pending.errors == ["Řádek 3, sloupec „Věk“: Příliš mnoho."]
    with pytest.raises(ImportRefused):
        confirm(officer, pending)


def test_import_file_previews_and_applies_at_once(officer):
    result = import_file(importer=IMPORTER, actor=officer,
                         content=workbook([("ana", 30), ("bob", 130)]))
    assert [str(e) for e in result.errors] == ["Řádek 3, sloupec „Věk“: Příliš mnoho."]
    assert not User.objects.filter(username="ana").exists()
    result = import_file(importer=IMPORTER, actor=officer, content=workbook([("ana", 30)]))
    assert result.errors == [] and User.objects.filter(username="ana").exists()


def test_the_rows_applied_without_a_preview_are_shared_when_already_json():
    """import_file hands `apply` the rows as the database would give them back,
    copying only the rows that differ (a 100,000-row value import would
    otherwise hold its preview twice)."""
    import datetime
    from decimal import Decimal

    from core.imports.services import _json, _json_shared

    plain = {"row": 2, "outcome": "new", "value": "12.5", "parts": [["a", "1"]], "note": None}
    typed = {"row": 3, "outcome": "new", "day": datetime.date(2024, 1, 31),
             "amount": Decimal("1.50"), "parts": [("a", Decimal("1"))]}
    rows = [plain, typed]
    shared = _json_shared(rows)
    assert shared == _json(rows)
    assert shared[0] is plain
    assert shared[1] is not typed and shared[1]["day"] == "2024-01-31"
    assert rows == [plain, typed] and typed["day"] == datetime.date(2024, 1, 31)
