"""Checks for uploaded files, shared by every upload of the portal.

The type of a file is decided by its first bytes (magic numbers), never by its
name or by the content type the browser sent: a .xls, .csv, .pdf or .exe
renamed to .xlsx is refused as what it is. Every check raises Django's
ValidationError with a message an officer understands (translated); none reads
more than the size cap into memory.

* `sniff_type(data)` names the kind of the bytes: "xlsx", "zip", "xls", "pdf",
  "png", "jpeg" or None.
* `read_upload(uploaded_file, allowed=..., max_bytes=...)` checks size and
  type and returns the bytes (for scans and attachments: pdf, png, jpeg).
* `check_zip(data, ...)` refuses broken archives and zip bombs by the sizes
  declared in the archive's central directory (nothing is decompressed).
* `check_xlsx_upload(uploaded_file)` = all of the above for spreadsheets.

Declared sizes are binding: Python's zipfile (used by openpyxl) stops reading
an entry at its declared size and fails on a CRC mismatch, so an archive that
lies about its sizes cannot inflate past the limits checked here.
"""

import io
import zipfile

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MiB = 1024 * 1024

XLSX_MAX_BYTES = 5 * MiB
XLSX_MAX_UNCOMPRESSED = 50 * MiB
XLSX_MAX_ENTRIES = 2000
# An entry that inflates more than this many times its compressed size is
# refused. Entries smaller than RATIO_FLOOR are exempt: they cannot inflate
# to anything harmful (and tiny runs compress very well), while the total and
# the entry count still bound them.
MAX_COMPRESSION_RATIO = 100
RATIO_FLOOR = 64 * 1024

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc (Office 97–2003)
PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
XLSX_WORKBOOK = "xl/workbook.xml"

TYPE_LABELS = {
    "xlsx": gettext_lazy("an Excel workbook (XLSX)"),
    "zip": gettext_lazy("a ZIP archive"),
    "xls": gettext_lazy("an old Excel or Word file (XLS, DOC)"),
    "pdf": gettext_lazy("a PDF document"),
    "png": gettext_lazy("a PNG image"),
    "jpeg": gettext_lazy("a JPEG image"),
}


def _zip_names(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return None


def sniff_type(data):
    """The kind of file `data` is, by its first bytes: "xlsx" (a readable ZIP
    with an Excel workbook inside), "zip" (any other ZIP, a broken one too),
    "xls", "pdf", "png", "jpeg", or None when unknown (text, CSV,
    executables…)."""
    data = bytes(data)
    if data.startswith(ZIP_MAGIC):
        names = _zip_names(data)
        return "xlsx" if names and XLSX_WORKBOOK in names else "zip"
    if data.startswith(OLE_MAGIC):
        return "xls"
    if data.startswith(PDF_MAGIC):
        return "pdf"
    if data.startswith(PNG_MAGIC):
        return "png"
    if data.startswith(JPEG_MAGIC):
        return "jpeg"
    return None


def _magic_type(data):
    """Like sniff_type, without opening archives: a ZIP is just "zip"."""
    return "zip" if data.startswith(ZIP_MAGIC) else sniff_type(data)


def read_upload(uploaded_file, *, allowed, max_bytes):
    """Check the size and the type (by magic bytes) of an uploaded file and
    return its bytes. `allowed` are kinds of `sniff_type`; archives are not
    opened here, so "xlsx" admits any ZIP (check_zip and the parser look
    inside). Raises ValidationError."""
    if uploaded_file is None:
        raise ValidationError(_("Choose a file to upload."), code="required")
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > max_bytes:
        raise _too_large(max_bytes)
    try:
        if hasattr(uploaded_file, "seek"):
            uploaded_file.seek(0)
        data = uploaded_file.read(max_bytes + 1)
    except (OSError, ValueError):
        raise ValidationError(_("The file could not be read; upload it again."),
                              code="unreadable") from None
    if isinstance(data, str):  # a text stream: never one of our binary types
        data = data.encode("utf-8", "replace")
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    kind = _magic_type(data)
    if kind not in allowed and not (kind == "zip" and "xlsx" in allowed):
        wanted = ", ".join(str(TYPE_LABELS.get(a, a)) for a in allowed)
        if kind is None:
            message = _("The file is not of an accepted type (expected: %(wanted)s). "
                        "Its name does not matter, only its content.") % {"wanted": wanted}
        else:
            message = _("The file is %(kind)s, not of an accepted type (expected: "
                        "%(wanted)s).") % {"kind": TYPE_LABELS[kind], "wanted": wanted}
        raise ValidationError(message, code="type")
    return data


def _too_large(max_bytes):
    return ValidationError(
        _("The file is too large: at most %(max)s is accepted.") % {
            "max": filesizeformat(max_bytes)},
        code="too_large",
    )


def check_zip(data, *, max_uncompressed, max_entries, max_ratio=MAX_COMPRESSION_RATIO,
              ratio_floor=RATIO_FLOOR):
    """Refuse a broken ZIP and a zip bomb, by the sizes its directory declares.
    Returns the set of names in the archive."""
    broken = ValidationError(_("The file is damaged (not a readable ZIP/XLSX archive)."),
                             code="broken")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError,
            NotImplementedError):
        raise broken from None
    if not infos:
        raise broken
    if len(infos) > max_entries:
        raise ValidationError(
            _("The archive has too many parts (%(count)d; at most %(max)d).") % {
                "count": len(infos), "max": max_entries},
            code="too_many_entries",
        )
    bomb = ValidationError(
        _("The file would unpack to too much data (at most %(max)s); it is refused as "
          "a possible “zip bomb”.") % {"max": filesizeformat(max_uncompressed)},
        code="zip_bomb",
    )
    total = 0
    for info in infos:
        if info.file_size < 0 or info.compress_size < 0:
            raise broken
        total += info.file_size
        if total > max_uncompressed:
            raise bomb
        if info.file_size > ratio_floor and info.file_size > max_ratio * max(
                info.compress_size, 1):
            raise bomb
    return {info.filename for info in infos}


def check_xlsx_upload(uploaded_file, *, max_bytes=XLSX_MAX_BYTES,
                      max_uncompressed=XLSX_MAX_UNCOMPRESSED, max_entries=XLSX_MAX_ENTRIES):
    """An uploaded spreadsheet: an XLSX by its content, within the size caps,
    not a zip bomb, with a workbook inside. Returns the bytes for parsing;
    raises ValidationError with a clear message otherwise."""
    data = read_upload(uploaded_file, allowed=("xlsx",), max_bytes=max_bytes)
    names = check_zip(data, max_uncompressed=max_uncompressed, max_entries=max_entries)
    if XLSX_WORKBOOK not in names:
        raise ValidationError(
            _("The archive is not an Excel workbook (XLSX): it has no workbook inside."),
            code="not_xlsx",
        )
    return data
