"""core.pdf writes tagged PDF/UA-1 (issue 15), as poppler's pdfinfo and
pdftotext read it: the structure tree of the HTML (headings, paragraphs,
lists, tables, figures with their alternative text), the title from <title>,
the language from <html lang>, and bookmarks from the headings."""

import base64
import io

from pypdf import PdfReader

from core.pdf import html_to_pdf, render_pdf
from tests.core.pdf_tools import assert_accessible, figure_alts, read_pdf

SVG = base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Plán – zkouška</title>
<style>.kicker { text-transform: uppercase; } h1 { font-variant: small-caps; }</style>
</head><body>
<p class="kicker">plán sociálního začleňování</p>
<h1>Průběžné vyhodnocení</h1>
<p>Odstavec.</p>
<h2>Tabulka</h2>
<table><thead><tr><th>Kód</th><th>Stav</th></tr></thead>
<tbody><tr><td>1.1.1</td><td>Dokončeno</td></tr></tbody></table>
<ul><li>první</li><li>druhá</li></ul>
<img src="data:image/svg+xml;base64,SVG" alt="Graf hodnot">
</body></html>""".replace("SVG", SVG.decode())


def test_the_pdf_is_tagged_with_title_language_outline_and_structure():
    pdf = html_to_pdf(HTML)
    facts = assert_accessible(read_pdf(pdf), title="Plán – zkouška", lang="en")
    assert facts.info["PDF version"] == "1.7"
    for element in ("H1", "H2", "P", "Table", "THead", "TH", "TD", "L", "LI", "Figure"):
        assert element in facts.struct, element
    assert facts.outline == ["Průběžné vyhodnocení", "Tabulka"]
    assert figure_alts(pdf) == ["Graf hodnot"]
    # Capitals and small capitals set by CSS extract as the words they are.
    assert "PLÁN SOCIÁLNÍHO ZAČLEŇOVÁNÍ" in facts.text
    assert "Průběžné vyhodnocení" in facts.text


def test_render_pdf_writes_the_same_tagged_document_and_counts_its_pages():
    pdf, pages = render_pdf(HTML)
    assert pages == 1
    facts = read_pdf(pdf)
    assert facts.tagged and facts.info["Title"] == "Plán – zkouška"
    # PDF/UA asks the viewer to show the title, not the file name.
    catalog = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert bool(catalog["/MarkInfo"]["/Marked"])
