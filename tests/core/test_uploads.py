"""core.uploads: the type of an upload by its bytes, size caps, zip bombs."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from core.uploads import MiB, check_xlsx_upload, check_zip, read_upload, sniff_type

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes():
    workbook = Workbook()
    workbook.active.append(["id", "title"])
    workbook.active.append([1, "Bydlení"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zip_bytes(entries, compression=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def upload(content, name="plan.xlsx", content_type=XLSX_TYPE):
    return SimpleUploadedFile(name, content, content_type=content_type)


def zip_bomb(size=60 * MiB):
    """One entry of `size` zeros, written in chunks: about 60 KB on disk."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive, \
            archive.open("xl/workbook.xml", "w", force_zip64=True) as entry:
        chunk = bytes(MiB)
        for _ in range(size // MiB):
            entry.write(chunk)
    return out.getvalue()


def _code(call):
    with pytest.raises(ValidationError) as caught:
        call()
    assert caught.value.messages and all(caught.value.messages)
    return caught.value.code


def test_a_real_workbook_passes_and_its_bytes_come_back():
    content = xlsx_bytes()
    assert check_xlsx_upload(upload(content)) == content
    assert sniff_type(content) == "xlsx"


@pytest.mark.parametrize(("content", "kind"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "xls"),
    (b"%PDF-1.7\n%...", "pdf"),
    (b"\x89PNG\r\n\x1a\n" + bytes(20), "png"),
    (b"\xff\xd8\xff\xe0" + bytes(20), "jpeg"),
    (b"MZ\x90\x00" + bytes(60), None),  # a Windows executable
    ("id;title\n1;Bydlení\n".encode(), None),  # CSV
    (b"", None),
])
def test_sniff_type_by_magic_bytes(content, kind):
    assert sniff_type(content) == kind


def test_sniff_type_tells_a_workbook_from_other_zips():
    assert sniff_type(zip_bytes({"word/document.xml": "<w/>"})) == "zip"
    assert sniff_type(b"PK\x03\x04 broken") == "zip"


@pytest.mark.parametrize("content", [
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),  # .xls renamed
    "id;title\n1;Bydlení\n".encode(),  # .csv renamed
    b"%PDF-1.4\n1 0 obj\n",  # .pdf renamed
    b"MZ\x90\x00\x03" + bytes(200),  # .exe renamed
])
def test_a_renamed_file_is_refused_whatever_its_name_and_content_type(content):
    assert _code(lambda: check_xlsx_upload(upload(content))) == "type"


def test_an_empty_file_is_refused():
    assert _code(lambda: check_xlsx_upload(upload(b""))) == "empty"


def test_no_file_is_refused():
    assert _code(lambda: check_xlsx_upload(None)) == "required"


def test_a_broken_zip_is_refused():
    assert _code(lambda: check_xlsx_upload(upload(b"PK\x03\x04" + bytes(300)))) == "broken"
    truncated = xlsx_bytes()[:-200]  # the central directory is cut off
    assert _code(lambda: check_xlsx_upload(upload(truncated))) == "broken"


def test_a_zip_without_a_workbook_is_refused():
    content = zip_bytes({"word/document.xml": "<w/>"})
    assert _code(lambda: check_xlsx_upload(upload(content))) == "not_xlsx"


def test_an_oversize_file_is_refused_before_reading_it():
    content = xlsx_bytes() + bytes(2000)
    assert _code(lambda: check_xlsx_upload(upload(content), max_bytes=1000)) == "too_large"


def test_the_size_cap_holds_when_the_size_is_not_known():
    class Stream(io.BytesIO):
        pass  # no .size: the cap is enforced by reading at most max + 1 bytes

    stream = Stream(b"PK\x03\x04" + bytes(5000))
    assert _code(lambda: check_xlsx_upload(stream, max_bytes=1000)) == "too_large"


def test_a_zip_bomb_is_refused_by_its_declared_size():
    bomb = zip_bomb()
    assert len(bomb) < 1 * MiB
    assert _code(lambda: check_xlsx_upload(upload(bomb))) == "zip_bomb"


def test_a_zip_bomb_under_the_total_is_refused_by_its_ratio():
    bomb = zip_bomb(10 * MiB)
    assert _code(lambda: check_xlsx_upload(upload(bomb))) == "zip_bomb"


def test_many_entries_are_refused():
    content = zip_bytes({f"xl/part{i}.xml": "x" for i in range(30)} | {"xl/workbook.xml": "<w/>"})
    assert _code(lambda: check_zip(content, max_uncompressed=MiB, max_entries=20)) == (
        "too_many_entries")


def test_the_sum_of_entries_counts():
    content = zip_bytes({f"xl/part{i}.xml": bytes(range(256)) * 200 for i in range(5)},
                        compression=zipfile.ZIP_STORED)
    assert _code(lambda: check_zip(content, max_uncompressed=200_000, max_entries=10)) == (
        "zip_bomb")
    assert check_zip(content, max_uncompressed=300_000, max_entries=10)


def test_read_upload_for_scans():
    pdf = b"%PDF-1.7\n..."
    assert read_upload(upload(pdf, "scan.pdf", "application/pdf"),
                       allowed=("pdf", "png", "jpeg"), max_bytes=MiB) == pdf
    assert _code(lambda: read_upload(upload(xlsx_bytes(), "scan.pdf"),
                                     allowed=("pdf", "png", "jpeg"), max_bytes=MiB)) == "type"


@pytest.mark.django_db
def test_an_oversized_anonymous_post_is_refused_unread(client, settings, tmp_path):
    """The penetration test's 300 MB anonymous POST: refused by its length with a
    Czech 413, before Django parses the body (no temporary file is written)."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    before = set(tmp_path.iterdir())
    body = b"x" * 1024
    response = client.generic(
        "POST", "/accounts/login/", body, content_type="multipart/form-data; boundary=b",
        CONTENT_LENGTH=str(300 * 1024 * 1024))
    assert response.status_code == 413
    assert "Požadavek je příliš velký" in response.content.decode()
    assert set(tmp_path.iterdir()) == before


def test_the_length_is_judged_before_anything_reads_the_body(settings):
    from django.test import RequestFactory

    from core.middleware import RequestSizeLimitMiddleware

    def view(request):
        raise AssertionError("the body was handed on")

    request = RequestFactory().post("/", data=b"", content_type="application/octet-stream",
                                    CONTENT_LENGTH=str(settings.MAX_REQUEST_BODY_BYTES + 1))
    assert RequestSizeLimitMiddleware(view)(request).status_code == 413


@pytest.mark.django_db
def test_a_post_within_the_limit_reaches_the_view(client):
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 200
