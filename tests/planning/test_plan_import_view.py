"""Officers upload an edited plan sheet: upload → preview (nothing saved) →
confirm (saved, audited). Bad files of every kind give a clear message on a
200 page, never a 500, and save nothing; a kept file can be confirmed only by
the session, user and plan that uploaded it."""

import io
import uuid
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditEntry, PendingImport, PendingImportState
from planning.imports import HEADER, plan_xlsx_bytes
from planning.models import PlanItem
from planning.services import plans as plan_services
from tests.accounts.factories import UserFactory
from tests.core.test_uploads import zip_bomb
from tests.planning.test_plan_pages import build_kp, build_psz

pytestmark = pytest.mark.django_db

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def psz():
    return build_psz()


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def import_url(plan):
    return reverse("planning:plan_import", args=[plan.code])


def confirm_url(plan):
    return reverse("planning:plan_import_confirm", args=[plan.code])


def edited_sheet(plan, edits):
    """The export of `plan` with {item: {column: value}} typed in."""
    workbook = load_workbook(io.BytesIO(plan_xlsx_bytes(plan)))
    sheet = workbook["items"]
    rows = {}
    id_col = HEADER.index("id") + 1
    for row in range(2, sheet.max_row + 1):
        rows[sheet.cell(row=row, column=id_col).value] = row
    for item, values in edits.items():
        for column, value in values.items():
            sheet.cell(row=rows[item.pk], column=HEADER.index(column) + 1).value = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), {item: rows[item.pk] for item in edits}


def upload(client, plan, content, name="plan.xlsx", content_type=XLSX_TYPE):
    return client.post(import_url(plan), {
        "file": SimpleUploadedFile(name, content, content_type=content_type)})


def snapshot(plan):
    return list(PlanItem.objects.filter(plan=plan).order_by("pk").values())


def pending_files(media):
    folder = media / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_the_form_names_the_columns_and_links_the_export(officer_client, psz):
    response = officer_client.get(import_url(psz["plan"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert '<label for="id_file">' in html
    assert 'aria-describedby="id_file_help"' in html
    assert reverse("planning:plan_export_xlsx", args=[psz["plan"].code]) in html
    for column in ("id", "version", "title", "status", "implementers"):
        assert f"<code>{column}</code>" in html


def test_the_editor_links_to_the_import(officer_client, psz):
    response = officer_client.get(reverse("planning:plan_editor", args=[psz["plan"].code]))
    assert f'href="{import_url(psz["plan"])}"' in response.content.decode()


def test_upload_previews_then_confirm_saves_audited(officer_client, officer, psz, media,
                                                    import_jobs):
    plan, m1 = psz["plan"], psz["m1"]
    content, _rows = edited_sheet(plan, {m1: {"title": "Prostupné bydlení – nově",
                                              "status": "completed"}})
    before = snapshot(plan)
    audits = AuditEntry.objects.count()

    response = upload(officer_client, plan, content)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<del>Prostupné bydlení</del>" in html
    assert "<ins>Prostupné bydlení – nově</ins>" in html
    assert "<del>in_progress</del>" in html and "<ins>completed</ins>" in html
    assert response.context["preview"].unchanged == 8
    token = str(response.context["pending"].pk)
    assert f'value="{token}"' in html
    # Nothing saved yet; the file is kept outside the static path, by its uuid.
    assert snapshot(plan) == before
    assert AuditEntry.objects.count() == audits
    assert [p.name for p in pending_files(media)] == [f"{uuid.UUID(token).hex}.xlsx"]

    with import_jobs():
        response = officer_client.post(confirm_url(plan), {"upload": token})
    assert response.status_code == 302
    # The confirm started a job; its page, once saved, leads on to the editor.
    assert response["Location"] == reverse("core:import_job", args=[token])
    done = officer_client.get(response["Location"])
    assert done["Location"] == reverse("planning:plan_editor", args=[plan.code])
    m1.refresh_from_db()
    assert m1.title == "Prostupné bydlení – nově"
    assert m1.status == "completed"
    entry = AuditEntry.objects.filter(object_id=str(m1.pk)).latest("pk")
    assert entry.actor == officer
    assert entry.changes["title"] == ["Prostupné bydlení", "Prostupné bydlení – nově"]
    assert pending_files(media) == []
    # The same id cannot be confirmed twice.
    again = officer_client.post(confirm_url(plan), {"upload": token})
    assert again.status_code == 400
    assert "import-refused" in again.content.decode()


def test_a_row_error_is_listed_with_row_and_column_and_no_confirm(officer_client, psz, media):
    plan = psz["plan"]
    content, rows = edited_sheet(plan, {psz["m3"]: {"title": "Dobrá změna"},
                                        psz["m1"]: {"target_year": "letos"}})
    before = snapshot(plan)
    response = upload(officer_client, plan, content)
    assert response.status_code == 200
    html = response.content.decode()
    row = rows[psz["m1"]]
    # Czech is the default language: "Řádek N, sloupec „X“: důvod".
    errors = [str(e) for e in response.context["preview"].errors]
    assert len(errors) == 1
    assert errors[0].startswith(f"Řádek {row}, sloupec „target_year“: ")
    assert "letos" in errors[0]
    assert f"<li>{errors[0]}</li>" in html
    assert 'name="upload"' not in html
    assert response.context["pending"] is None
    assert snapshot(plan) == before
    assert pending_files(media) == []


def test_an_unchanged_sheet_has_nothing_to_confirm(officer_client, psz):
    response = upload(officer_client, psz["plan"], plan_xlsx_bytes(psz["plan"]))
    assert response.status_code == 200
    assert response.context["preview"].unchanged == 9
    assert 'name="upload"' not in response.content.decode()


def _bomb():
    return zip_bomb()


def _broken_zip():
    return b"PK\x03\x04" + bytes(500)


def _zip_without_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    return out.getvalue()


def _garbage_sheet():
    """A zip that looks like a workbook but whose sheet is not XML."""
    workbook_bytes = plan_xlsx_bytes(build_kp(code="donor")["plan"])
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2] + b"<<<not xml"
            archive.writestr(info, data)
    return out.getvalue()


BAD_FILES = {
    "csv renamed": lambda: "id;title\n1;Bydlení\n".encode(),
    "xls renamed": lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000),
    "pdf renamed": lambda: b"%PDF-1.4\n1 0 obj\n<<>>\n",
    "exe renamed": lambda: b"MZ\x90\x00\x03" + bytes(500),
    "empty": lambda: b"",
    "broken zip": _broken_zip,
    "zip without a workbook": _zip_without_workbook,
    "zip bomb": _bomb,
    "oversize": lambda: b"PK\x03\x04" + bytes(5 * 1024 * 1024 + 10),
}
MESSAGES = {
    "csv renamed": "not of an accepted type",
    "xls renamed": "XLS",
    "pdf renamed": "PDF",
    "exe renamed": "not of an accepted type",
    "empty": "empty",
    "broken zip": "damaged",
    "zip without a workbook": "no workbook",
    "zip bomb": "zip bomb",
    "oversize": "too large",
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_bad_file_gets_a_clear_message_never_a_500(client, officer, psz, media, kind):
    client.force_login(officer)
    client.cookies.load({"django_language": "en"})
    plan = psz["plan"]
    before = snapshot(plan)
    audits = AuditEntry.objects.count()
    response = upload(client, plan, BAD_FILES[kind](), content_type=XLSX_TYPE)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="import-file-errors"' in html
    assert MESSAGES[kind] in " ".join(response.context["form"].errors["file"])
    assert 'name="upload"' not in html
    assert snapshot(plan) == before
    assert AuditEntry.objects.count() == audits
    assert pending_files(media) == []


def test_a_file_whose_sheet_is_not_xml_is_an_error_not_a_500(officer_client, psz, media):
    response = upload(officer_client, psz["plan"], _garbage_sheet())
    assert response.status_code == 200
    assert response.context["preview"].errors
    assert 'name="upload"' not in response.content.decode()
    assert pending_files(media) == []


def test_no_file_at_all(officer_client, psz):
    response = officer_client.post(import_url(psz["plan"]), {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def _preview(client, plan, item, title):
    content, _rows = edited_sheet(plan, {item: {"title": title}})
    response = upload(client, plan, content)
    assert response.status_code == 200
    return str(response.context["pending"].pk)


def test_another_sessions_file_is_refused(officer, psz, media, import_jobs):
    plan = psz["plan"]
    first = Client()
    first.force_login(officer)
    token = _preview(first, plan, psz["m1"], "Z první relace")
    second = Client()  # the same officer, another session
    second.force_login(officer)
    response = second.post(confirm_url(plan), {"upload": token})
    assert response.status_code == 400
    assert "import-refused" in response.content.decode()
    assert PlanItem.objects.get(pk=psz["m1"].pk).title == "Prostupné bydlení"
    # The owner can still confirm it.
    with import_jobs():
        assert first.post(confirm_url(plan), {"upload": token}).status_code == 302
    assert PlanItem.objects.get(pk=psz["m1"].pk).title == "Z první relace"


def test_another_users_file_is_refused(client, officer, psz, media):
    plan = psz["plan"]
    client.force_login(officer)
    token = _preview(client, plan, psz["m1"], "Cizí změna")
    # Another officer somehow holding the id is refused.
    other = UserFactory(username="officer2", is_city_officer=True)
    client.force_login(other)
    response = client.post(confirm_url(plan), {"upload": token})
    assert response.status_code == 400
    assert PlanItem.objects.get(pk=psz["m1"].pk).title == "Prostupné bydlení"


def test_a_file_of_another_plan_is_refused(officer_client, psz, media):
    kp = build_kp()
    token = _preview(officer_client, psz["plan"], psz["m1"], "Jiný plán")
    response = officer_client.post(confirm_url(kp["plan"]), {"upload": token})
    assert response.status_code == 400
    assert PlanItem.objects.get(pk=psz["m1"].pk).title == "Prostupné bydlení"


@pytest.mark.parametrize("token", ["", "../../etc/passwd", "not-a-uuid",
                                   "00000000000000000000000000000000"])
def test_made_up_ids_are_refused(officer_client, psz, token):
    response = officer_client.post(confirm_url(psz["plan"]), {"upload": token})
    assert response.status_code == 400


def test_a_row_changed_after_the_preview_is_refused_and_nothing_saved(
        officer_client, officer, psz, media, import_jobs):
    plan = psz["plan"]
    content, rows = edited_sheet(plan, {psz["m1"]: {"title": "Z tabulky"},
                                        psz["m3"]: {"title": "Také z tabulky"}})
    token = upload(officer_client, plan, content).context["pending"].pk
    plan_services.plan_item_update(actor=officer, item=psz["m1"], title="Mezitím v portálu")
    with import_jobs():
        response = officer_client.post(confirm_url(plan), {"upload": token})
    assert response.status_code == 302
    html = officer_client.get(response["Location"]).content.decode()
    assert "import-refused" in html and "import-stale-hint" in html
    assert f"Řádek {rows[psz['m1']]}, sloupec „version“" in html
    assert PlanItem.objects.get(pk=psz["m1"].pk).title == "Mezitím v portálu"
    assert PlanItem.objects.get(pk=psz["m3"].pk).title == "Sociální podnik"
    assert pending_files(media) == []


def test_a_change_without_version_column_is_still_what_was_previewed(
        officer_client, officer, psz, media, import_jobs):
    """Without the version column the import cannot tell; the confirm compares
    its changes with the preview and saves nothing when they differ."""
    plan = psz["plan"]
    workbook = load_workbook(io.BytesIO(plan_xlsx_bytes(plan)))
    sheet = workbook["items"]
    sheet.delete_cols(HEADER.index("version") + 1)
    id_col = HEADER.index("id") + 1
    title_col = HEADER.index("title") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=id_col).value == psz["m3"].pk:
            sheet.cell(row=row, column=title_col).value = "Z tabulky"
    out = io.BytesIO()
    workbook.save(out)
    token = upload(officer_client, plan, out.getvalue()).context["pending"].pk
    plan_services.plan_item_update(actor=officer, item=psz["m1"], title="Mezitím v portálu")
    with import_jobs():
        response = officer_client.post(confirm_url(plan), {"upload": token})
    html = officer_client.get(response["Location"]).content.decode()
    assert "import-refused" in html
    assert "Plán se po zobrazení náhledu změnil" in html
    assert PlanItem.objects.get(pk=psz["m3"].pk).title == "Sociální podnik"
    assert PlanItem.objects.get(pk=psz["m1"].pk).title == "Mezitím v portálu"


def test_confirm_is_post_only_and_for_officers(client, psz, manager_a):
    plan = psz["plan"]
    client.force_login(manager_a)
    assert client.get(import_url(plan)).status_code == 403
    assert upload(client, plan, plan_xlsx_bytes(plan)).status_code == 403
    assert client.post(confirm_url(plan), {"upload": "x"}).status_code == 403


def test_a_session_keeps_only_its_latest_uploads(officer_client, psz, media):
    plan = psz["plan"]
    tokens = [_preview(officer_client, plan, psz["m1"], f"Verze {i}") for i in range(5)]
    assert len(set(tokens)) == 5
    kept = {p.stem for p in pending_files(media)}
    waiting = PendingImport.objects.filter(state=PendingImportState.PREVIEWED)
    assert kept == {pk.hex for pk in waiting.values_list("pk", flat=True)} == {
        uuid.UUID(token).hex for token in tokens[-3:]}
