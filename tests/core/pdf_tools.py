"""Outside tools that read the portal's PDFs as a reader's software does:
poppler's `pdfinfo` (tagging, title, language), `pdfinfo -struct` (the
structure tree a screen reader follows) and `pdftotext` (the words a search or
a copy gets). Debian's poppler-utils; scripts/test.sh installs it if missing."""

import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

PDFINFO = shutil.which("pdfinfo") or "/usr/bin/pdfinfo"
PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"


@dataclass
class PdfFacts:
    info: dict  # pdfinfo's "Key: value" lines
    struct: list  # the structure tree's element names, in document order
    text: str  # pdftotext's words, one space between
    outline: list  # the bookmarks' titles
    lang: str | None  # the catalog's /Lang

    @property
    def tagged(self):
        return self.info.get("Tagged") == "yes"


def _run(*args):
    if not Path(args[0]).exists():
        raise AssertionError(f"{args[0]} is missing: install Debian's poppler-utils "
                             "(scripts/test.sh does)")
    # The arguments are the tool's path and a temporary file's: nothing untrusted.
    return subprocess.run(  # noqa: S603
        args, check=True, capture_output=True, text=True, timeout=120).stdout


def pdf_text(pdf: bytes) -> str:
    """pdftotext's text, a form feed after each page."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        return _run(PDFTOTEXT, "-enc", "UTF-8", str(path), "-")


def read_pdf(pdf: bytes) -> PdfFacts:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        info = {}
        for line in _run(PDFINFO, str(path)).splitlines():
            key, _, value = line.partition(":")
            info[key.strip()] = value.strip()
        tree = _run(PDFINFO, "-struct", str(path)).splitlines()
        struct = [line.split()[0].rstrip(":") for line in tree
                  if line.strip() and not line.strip().startswith("/")]
        text = re.sub(r"\s+", " ", _run(PDFTOTEXT, "-enc", "UTF-8", str(path), "-"))
    reader = PdfReader(io.BytesIO(pdf))
    lang = reader.trailer["/Root"].get("/Lang")
    return PdfFacts(info=info, struct=struct, text=text, outline=_outline(reader),
                    lang=str(lang) if lang is not None else None)


def _outline(reader):
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


def assert_accessible(facts: PdfFacts, *, title: str, lang: str = "cs"):
    """What every PDF the portal serves must be: tagged PDF/UA with its title,
    language, bookmarks and a structure tree with headings."""
    assert facts.tagged, facts.info
    assert facts.info.get("Title") == title, facts.info.get("Title")
    assert facts.lang == lang, facts.lang
    assert facts.outline, "no bookmarks"
    assert facts.struct[0] == "Document", facts.struct[:5]
    assert any(re.fullmatch(r"H[1-6]", name) for name in facts.struct), facts.struct[:40]
    assert "P" in facts.struct
    return facts


def figure_alts(pdf: bytes):
    """The alternative text of each Figure of the structure tree, in order."""
    reader = PdfReader(io.BytesIO(pdf))
    found = []

    def walk(node):
        node = node.get_object()
        if not hasattr(node, "get"):
            return
        if node.get("/S") == "/Figure":
            found.append(str(node.get("/Alt")))
        kids = node.get("/K")
        if kids is None:
            return
        kids = kids.get_object()
        for kid in kids if isinstance(kids, list) else [kids]:
            walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found
