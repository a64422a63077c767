"""The interim evaluation (001): what the PDF holds, how it is printed, what it
never fetches or prints, its XLSX tables and the cost of collecting its data."""

import http.server
import io
import json
import logging
import re
import threading
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.text import capfirst
from openpyxl import load_workbook
from pypdf import PdfReader

from indicators.models import Indicator, IndicatorKind, Status
from planning.models import Plan
from reports.interim import (
    build_pdf,
    interim_context,
    interim_html,
    interim_tables,
    interim_xlsx,
)
from reports.models import EvaluationText
from tests.core.pdf_tools import assert_accessible, figure_alts, read_pdf

PLAN = "psz-2022-2027"
SEED = json.loads((Path(settings.BASE_DIR) / "fixtures" / "seed_psz.json")
                  .read_text(encoding="utf-8"))
REGISTRATION_NUMBERS = [row["registration_number"] for row in SEED["appendix_a"]]


def _measure_codes():
    codes = []
    for area in SEED["areas"]:
        for goal in area["strategic_goals"]:
            for specific in goal["specific_goals"]:
                codes += [m["code"] for m in specific["measures"]]
    return codes


MEASURE_CODES = _measure_codes()
with translation.override("cs"):
    STATUS_LABELS_CS = {status: capfirst(str(status.label)) for status in Status}
assert STATUS_LABELS_CS[Status.OFF_TRACK] == "Mimo očekávaný trend"


def normalise(text):
    """PDF text as a reader sees it: hyphenated line ends joined, no-break and
    line breaks as plain spaces."""
    text = text.replace("\u2010\n", "").replace("\u00ad\n", "")
    text = text.replace("\xa0", " ").replace("\n", " ")
    return re.sub(r"\s+", " ", text)


@dataclass
class Rendered:
    html: str
    pdf: bytes
    pages: list  # normalised text per page
    raw_pages: list
    anchors: dict  # anchor id -> page number (1-based)
    global_indicators: list  # (name, status)
    command_output: str


@pytest.fixture(scope="module")
def rendered(_seeded_once, django_db_blocker, tmp_path_factory):
    """The interim evaluation as `manage.py render_report` writes it (the Celery
    task's own path, reports.kinds), rendered once: the tests below read it."""
    output = tmp_path_factory.mktemp("interim") / "interim.pdf"
    out = io.StringIO()
    with django_db_blocker.unblock():
        call_command("render_report", "interim-evaluation", "--plan", PLAN, "--year", "2023",
                     "--output", str(output), stdout=out)
        html = interim_html(Plan.objects.get(code=PLAN), year=2023)
        globals_ = [(i.name, i.status) for i in
                    Indicator.objects.filter(kind=IndicatorKind.GLOBAL).order_by("position")]
    pdf = output.read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    # WeasyPrint writes every id as a named destination on the page of its box.
    anchors = {name: reader.get_destination_page_number(destination) + 1
               for name, destination in reader.named_destinations.items()}
    raw = [page.extract_text() for page in reader.pages]
    return Rendered(html, pdf, [normalise(t) for t in raw], raw, anchors, globals_,
                    out.getvalue())


def test_the_pdf_names_every_project_of_appendix_a(rendered):
    text = " ".join(rendered.pages)
    missing = [number for number in REGISTRATION_NUMBERS if number not in text]
    assert len(REGISTRATION_NUMBERS) == 20
    assert missing == []


def test_the_pdf_names_every_measure_code_of_appendix_b(rendered):
    start = rendered.anchors["appendix-b"]
    text = " ".join(rendered.pages[start - 1:])
    missing = [code for code in MEASURE_CODES if not re.search(rf"(?<![\d.]){re.escape(code)}"
                                                                 rf"(?![\d])", text)]
    assert len(set(MEASURE_CODES)) > 40
    assert missing == []


def test_the_pdf_prints_the_computed_totals_in_czech_and_the_printed_ones_with_the_difference(
        rendered):
    text = " ".join(rendered.pages)
    # Sums of the rows (001 prints 143 945 506,20 and 178 730 828,50).
    assert "Celkem OPZ+ (18 projektů)" in text
    assert "143 945 506,16 Kč" in text
    assert "34 785 322,35 Kč" in text
    assert "Celkem KPSV+ (20 projektů)" in text
    assert "178 730 828,51 Kč" in text
    # The totals as published, with the difference.
    assert "143 945 506,20 Kč (rozdíl +0,04 Kč)" in text
    assert "178 730 828,50 Kč (rozdíl −0,01 Kč)" in text
    # The budgets of the rows, Czech formatted.
    assert "30 969 331,66 Kč" in text
    # The no-break spaces of Czech typography are in the PDF itself.
    assert "178\xa0730\xa0828,51\xa0Kč" in " ".join(rendered.raw_pages)


def test_every_global_indicator_is_printed_with_its_status(rendered):
    start = rendered.anchors["global-indicators"]
    end = rendered.anchors["commentary"]
    table = " ".join(rendered.pages[start - 1:end])
    assert len(rendered.global_indicators) == 11
    names = [name for name, _status in rendered.global_indicators]
    positions = [table.find(name) for name in names]
    assert -1 not in positions, [n for n, p in zip(names, positions, strict=True) if p < 0]
    assert positions == sorted(positions)
    for index, (name, status) in enumerate(rendered.global_indicators):
        row_end = positions[index + 1] if index + 1 < len(positions) else len(table)
        row = table[positions[index]:row_end]
        assert STATUS_LABELS_CS[status] in row, (name, status, row)
    assert "3,01 % vs. 2,28 % (12/2021, Ostrava vs. MSK)" in table
    assert "Očekávaná hodnota/trend 2027" in table


def test_the_structure_of_001(rendered):
    text = " ".join(rendered.pages)
    for heading in ("Průběžné vyhodnocení I.", "Seznam zkratek", "Manažerské shrnutí",
                    "Globální indikátory sociálního začleňování",
                    "Komentář ke globálním indikátorům, které nesplňují očekávaný trend",
                    "Spolupráce v roce 2023", "Přílohy",
                    "Příloha A Projekty podle tematických oblastí",
                    "Příloha B Vyhodnocení opatření", "Indikátory dopadu",
                    "Opatření specifického cíle",
                    "▼ Shrnutí za rok 2023 a příležitosti v roce 2024"):
        assert heading in text, heading
    assert "OPZ+ Operační program Zaměstnanost plus" in text
    # Officer text and the computed highlights.
    assert "Co v dokumentu naleznete?" in text
    assert "18 projektů OPZ+, 2 projekty IROP, celkem 178 730 828,51 Kč." in text
    assert "Mimo očekávaný trend: 5" in text
    # Measures: status with n/N, implementer, activity type, period.
    assert "V realizaci (3/6)" in text and "Nerealizováno" in text and "Dokončeno" in text
    assert "Projektová aktivita (SAS)" in text
    assert re.search(r"1\. 7\. 2023– ?30\. 6\. 2026", text)
    # Impact indicators with their "as of" date; composite values.
    assert "Data dostupná k 30. 4. 2024" in text and "Stav k 31. 12. 2023" in text
    assert "12/12/4/22" in text
    # Timeline: events of 2023 by month, and the measures starting.
    assert "03 Březen" in text
    assert "Kulatý stůl k problematice předlužených rodin" in text
    assert "Zahájení opatření" in text
    # Events of other years stay out.
    assert "Vánoční posezení KP" not in text
    # Charts of the indicators off their trend are SVG in the HTML.
    assert rendered.html.count("<svg") == 5
    assert '<html lang="cs">' in rendered.html


def test_the_table_of_contents_points_at_the_pages_of_the_headings(rendered):
    toc = rendered.raw_pages[1]
    entries = re.findall(r"^(.+?)\s*\.{3,}\s*(\d+)\s*$", toc, re.M)
    assert len(entries) >= 12, toc
    expected = {
        "Seznam zkratek": "abbreviations", "Manažerské shrnutí": "summary",
        "Globální indikátory sociálního začleňování": "global-indicators",
        "Spolupráce v roce 2023": "timeline", "Příloha A": "appendix-a",
        "Příloha B": "appendix-b",
    }
    checked = 0
    for title, number in entries:
        title = title.replace("\xa0", " ").strip()
        page = int(number)
        # The heading is on the page the contents name.
        assert title.split(" ", 1)[-1][:20] in rendered.pages[page - 1], (title, page)
        for prefix, anchor in expected.items():
            if title.startswith(prefix):
                assert rendered.anchors[anchor] == page, (title, page)
                checked += 1
    assert checked == len(expected)


def test_running_header_and_page_numbers_on_every_page_but_the_first(rendered):
    total = len(rendered.pages)
    assert total > 20
    assert "Průběžné vyhodnocení I." in rendered.pages[0]
    assert f"1 / {total}" not in rendered.pages[0]
    for number, page in enumerate(rendered.pages[1:], start=2):
        assert f"{number} / {total}" in page, number
        assert "Průběžné vyhodnocení I." in page, number
    # The section names the running header on a page of Appendix B.
    bydleni = rendered.anchors[next(a for a in rendered.anchors if a.startswith("item-"))]
    assert "1 Bydlení" in rendered.pages[bydleni]


def test_the_font_is_dejavu_and_embedded(rendered):
    reader = PdfReader(io.BytesIO(rendered.pdf))
    names, embedded = set(), 0
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            names.add(str(font["/BaseFont"]))
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                embedded += "/FontFile2" in descriptor
    assert names and all("DejaVu" in name for name in names), names
    assert any("Bold" in name for name in names)
    assert embedded > 0


def test_a_table_spanning_pages_repeats_its_header(rendered):
    pages = [number for number, text in enumerate(rendered.pages, start=1)
             if any(reg in text for reg in REGISTRATION_NUMBERS)]
    assert len(pages) >= 2, "Appendix A fits one page; the test needs it to span two"
    for number in pages:
        assert "Realizátor (reg. číslo projektu)" in rendered.pages[number - 1], number
    measure_pages = [n for n, text in enumerate(rendered.pages, start=1)
                     if "Opatření specifického cíle" in text]
    assert len(measure_pages) > 8


def test_render_report_command_makes_the_pdf_the_issue_asks_for(rendered):
    assert f"{len(rendered.pages)} pages" in rendered.command_output
    text = " ".join(rendered.pages)
    # The kind's own path (kinds.render) writes tagged PDF/UA too (issue 15).
    facts = assert_accessible(read_pdf(rendered.pdf),
                              title="Průběžné vyhodnocení I. – Plán sociálního začleňování "
                                    "Ostrava 2022–2027")
    assert "PLÁN SOCIÁLNÍHO ZAČLEŇOVÁNÍ" in facts.text
    assert all(number in text for number in REGISTRATION_NUMBERS)
    assert all(code in text for code in MEASURE_CODES)
    for amount in ("143 945 506,16 Kč", "34 785 322,35 Kč", "178 730 828,51 Kč"):
        assert amount in text
    assert len(rendered.global_indicators) == 11
    for name, status in rendered.global_indicators:
        assert name in text
        assert STATUS_LABELS_CS[status] in text


def test_the_pdf_is_tagged_with_title_language_outline_and_structure(rendered):
    """PDF/UA: pdfinfo reads it as tagged, with the HTML's title and language; the
    structure tree has headings, paragraphs and tables; the bookmarks are the
    headings; pdftotext gets whole words (issue 15)."""
    title = re.search(r"<title>(.*?)</title>", rendered.html, re.S).group(1)
    facts = assert_accessible(read_pdf(rendered.pdf), title=title.replace("&#x27;", "'"))
    assert "Průběžné vyhodnocení I." in facts.info["Title"]
    assert {"H1", "H2", "Table", "TH", "TD", "L", "LI"} <= set(facts.struct)
    assert "Manažerské shrnutí" in facts.outline and "Seznam zkratek" in facts.outline
    assert any(entry.startswith("Příloha A") for entry in facts.outline)
    # The charts of the indicators off their trend are figures with their titles.
    alts = figure_alts(rendered.pdf)
    assert len(alts) == 5 and all(alt and alt != "None" for alt in alts), alts
    # The title page's kicker is upper case (CSS): its words whole, not "PL ÁN".
    for words in ("PLÁN SOCIÁLNÍHO ZAČLEŇOVÁNÍ", "Průběžné vyhodnocení I.", "Manažerské shrnutí",
                  "Globální indikátory sociálního začleňování"):
        assert words in facts.text, words


# --- Officer text never prints as markup nor fetches anything --------------------


@pytest.fixture
def internal_server():
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()


def _write_markup_into_officer_texts(base):
    """Written straight to the database, past the services that sanitise on save."""
    plan = Plan.objects.get(code=PLAN)
    EvaluationText.objects.filter(plan=plan, year=2023).update(summary=(
        "<p>Shrnutí úředníka <b>tučně</b><script>alert('summary')</script>"
        "<a href=\"javascript:alert(1)\">odkaz</a>"
        f"<img src=\"file:///etc/passwd\"><img src=\"{base}/summary.png\">"
        "<iframe src=\"http://127.0.0.1:6379/\"></iframe> konec.</p>"))
    Indicator.objects.filter(code="G05").update(commentary=(
        "<p>Komentář k indexu<script>document.write('x')</script>"
        f"<a href=\"javascript:alert(2)\" onclick=\"x()\">zdroj</a>"
        f"<img src=\"{base}/commentary.png\"></p>"))
    html = interim_html(plan, year=2023)
    for bad in ("<script", "javascript:", "onclick", "<img", "<iframe", "file:///etc/passwd",
                base):
        assert bad not in html, bad
    return html


def _render_refusing(html, base, hits, caplog):
    # A template that let a URL through would still not fetch it.
    poisoned = html.replace(
        "</body>",
        f"<img src=\"file:///etc/passwd\"><img src=\"{base}/leak.png\"></body>")
    with caplog.at_level(logging.WARNING, logger="portal.reports"):
        pdf, pages = build_pdf(poisoned)
    assert pdf.startswith(b"%PDF")
    assert hits == []
    refusals = [r.getMessage() for r in caplog.records
                if "refused to fetch" in r.getMessage()]
    assert any("file:///etc/passwd" in m for m in refusals)
    assert any(base in m for m in refusals)
    return pdf, pages


def test_markup_in_officer_texts_is_escaped_and_the_renderer_fetches_nothing(
        seeded, internal_server, caplog):
    """The fast twin of the test below: the report's HTML, and the fetcher on a
    page of the report's head and officer texts only."""
    base, hits = internal_server
    html = _write_markup_into_officer_texts(base)
    texts = [text for text in re.findall(r'<div class="officer-text">.*?</div>', html, re.S)
             if "Shrnutí úředníka" in text or "Komentář" in text]
    assert len(texts) == 2, texts
    assert "&lt;" not in "".join(texts)  # sanitised away, not printed as markup
    page = re.sub(r"<body\b.*</body>", lambda _: "<body>" + "".join(texts) + "</body>", html,
                  flags=re.S)
    pdf, _pages = _render_refusing(page, base, hits, caplog)
    text = normalise(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "Shrnutí úředníka tučně" in text and "odkaz" in text and "konec." in text
    assert "Komentář k indexu" in text and "zdroj" in text


@pytest.mark.slow
def test_markup_in_officer_texts_prints_as_text_and_fetches_nothing(seeded, internal_server,
                                                                    caplog):
    base, hits = internal_server
    html = _write_markup_into_officer_texts(base)
    pdf, pages = _render_refusing(html, base, hits, caplog)
    assert pages > 20
    text = normalise(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "Shrnutí úředníka tučně" in text and "odkaz" in text and "konec." in text
    assert "Komentář k indexu" in text and "zdroj" in text
    for bad in ("<script", "alert(", "javascript", "<b>", "root:x:0"):
        assert bad not in text, bad


# --- XLSX ---------------------------------------------------------------------------


def test_xlsx_has_one_sheet_per_table_with_numbers_and_neutralised_formulas(seeded):
    plan = Plan.objects.get(code=PLAN)
    Indicator.objects.filter(code="G01").update(name="=HYPERLINK(\"http://evil\",\"x\")")
    tables = interim_tables(plan, year=2023)
    workbook = load_workbook(io.BytesIO(interim_xlsx(plan, year=2023)))
    assert workbook.sheetnames == ["Globální indikátory", "Příloha A – projekty",
                                   "Příloha B – opatření", "Indikátory dopadu"]
    assert [t[0] for t in tables] == workbook.sheetnames
    for (title, header, rows), sheet in zip(tables, workbook.worksheets, strict=True):
        assert [c.value for c in sheet[1]] == header, title
        assert sheet.max_row == len(rows) + 1, title
    globals_ = workbook["Globální indikátory"]
    names = [row[1] for row in globals_.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in names
    assert not any(isinstance(n, str) and n.startswith(("=", "+", "-", "@")) for n in names)
    projects = workbook["Příloha A – projekty"]
    rows = list(projects.iter_rows(min_row=2, values_only=True))
    assert {r[3] for r in rows if r[3]} == set(REGISTRATION_NUMBERS)
    totals = {r[0]: r[4] for r in rows if r[0] and str(r[0]).startswith("Celkem")}
    assert Decimal(str(totals["Celkem OPZ+"])) == Decimal("143945506.16")
    assert Decimal(str(totals["Celkem KPSV+"])) == Decimal("178730828.51")
    measures = workbook["Příloha B – opatření"]
    codes = {r[3] for r in measures.iter_rows(min_row=2, values_only=True)}
    assert set(MEASURE_CODES) <= codes
    statuses = {r[5] for r in measures.iter_rows(min_row=2, values_only=True)}
    assert "V realizaci (3/6)" in statuses
    impact = list(workbook["Indikátory dopadu"].iter_rows(min_row=2, values_only=True))
    assert len(impact) == Indicator.objects.filter(kind=IndicatorKind.IMPACT).count()


# --- Queries ------------------------------------------------------------------------


def _count_queries(plan):
    with CaptureQueriesContext(connection) as queries:
        interim_context(plan, year=2023)
    return len(queries)


def test_interim_context_takes_a_fixed_number_of_queries(seeded):
    from meetings.models import Event
    from planning.models import PlanItem
    from tests.indicators.factories import IndicatorFactory, year_value
    from tests.projects.factories import ProjectFactory

    plan = Plan.objects.get(code=PLAN)
    at_seed_size = _count_queries(plan)
    assert at_seed_size <= 25

    specific_goals = list(PlanItem.objects.filter(plan=plan, level__role="specific_goal"))
    measures = list(PlanItem.objects.filter(plan=plan, level__role="measure"))
    areas = list(PlanItem.objects.filter(plan=plan, level__role="area"))
    for n in range(30):
        indicator = IndicatorFactory(plans=[plan], name=f"Další globální {n}",
                                     target_kind="decrease")
        year_value(indicator, 2021, 10 + n, is_baseline=True)
        year_value(indicator, 2023, 20 + n)
        impact = IndicatorFactory.impact(specific_goals[n % len(specific_goals)],
                                         name=f"Další dopadový {n}")
        year_value(impact, 2023, n)
        ProjectFactory(measures=[measures[n % len(measures)]],
                       thematic_area=areas[n % len(areas)])
        Event.objects.create(title=f"Událost {n}", starts_on=date(2023, 1 + n % 12, 1))
    assert _count_queries(plan) == at_seed_size



def test_the_pdf_counts_measures_and_names_the_code_printed_twice(rendered):
    """001 prints 46 measures in 47 rows (#15): 14 not implemented, not 15."""
    text = " ".join(rendered.pages)
    assert "46 opatření; kód 2.1.3.3 uveden dvakrát" in text
    assert "Nerealizováno: 14" in text and "V realizaci: 31" in text
    assert "47 opatření" not in text


def test_appendix_a_names_the_code_it_printed_where_it_is_not_the_plan_s(rendered):
    text = " ".join(rendered.pages)
    assert "(v příloze A: 2.1.2.1)" in text
    assert text.count("v příloze A:") == 1


def test_the_advisory_programmes_chapter_of_001_follows_the_timeline(rendered):
    """001 prints "Poradenské programy" after the year's timeline: every paragraph
    of it, word for word, and its two programmes as sections."""
    seeds = Path(settings.SEEDS_DIR)
    document = next(seeds.glob("001_*.txt"), None) if seeds.is_dir() else None
    inline_free = re.sub(r"</?(?:strong|b|em|i|a)\b[^>]*>", "", rendered.html)
    html_text = " ".join(re.sub(r"<[^>]+>", " ", inline_free).split())
    if document is not None:
        source = document.read_text(encoding="utf-8")
        section = source[source.index("## Poradenské programy"):source.index("# Přílohy")]
        paragraphs = [" ".join(line.replace("**", "").split()) for line in section.splitlines()
                      if line.strip() and not line.startswith(("#", "["))]
        assert len(paragraphs) == 7, paragraphs
        for paragraph in paragraphs:
            assert paragraph in html_text, paragraph
    text = " ".join(rendered.pages)
    timeline = text.index("Spolupráce v roce 2023", text.index("Manažerské shrnutí"))
    chapter = text.index("Poradenské programy", timeline)
    assert timeline < chapter < text.index("Příloha A Projekty podle tematických oblastí",
                                           chapter)
    assert "Poradenský program: Práce s daty" in text
    assert "Poradenský program: Podpora zdraví" in text
    assert 'href="#chapter"' in rendered.html  # in the table of contents
