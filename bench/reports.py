"""Report speed: the interim-evaluation PDF at 1x and 10x the seed data.

    python -m bench.reports                        # 1x and 10x, writes the README table
    python -m bench.reports --factors 1 --repeat 3 --no-readme

On a database of its own (`portal_bench_reports`, dropped and created like
bench.run's; seed_demo, then bench.generate.multiply), for the plan
`psz-2022-2027` and each factor:

(a) **Overhead.** `reports.kinds.render("interim-evaluation", ...)` - what the
    Celery task, `render_report` and the bench all call: data collection,
    template, WeasyPrint - against WeasyPrint's own render of the same final
    HTML, both as `HTML(string=html, base_url=..., url_fetcher=...).write_pdf()`
    and as `HTML(...).render().write_pdf()` (what core.pdf.render_pdf
    does; the shortcut measured a few per cent slower on WeasyPrint 70).
    Rotating order after a warm-up; each ratio is the median of the ratios of
    neighbouring runs, on this process's CPU time (other processes on a
    shared machine inflate it less) and on wall time; a third estimate adds
    the separately timed data collection and template to WeasyPrint's time.
    Target: ratio <= 1.1. The SQL queries of the data collection are counted
    too (same at 1x and 10x).
(b) **Memory.** Peak resident memory (VmHWM of /proc/self/status) of a
    fresh subprocess that renders the report once, with the peak after Django
    and WeasyPrint are imported for comparison; the same for WeasyPrint alone
    on the saved HTML. RSS, not tracemalloc: most of WeasyPrint's memory is in
    C libraries (Pango, HarfBuzz, fontTools' buffers) that tracemalloc does
    not see. Not `getrusage().ru_maxrss` either: on Linux a child inherits its
    parent's high-water mark across fork and exec. The time of that cold run
    (fonts loaded from scratch) is shown too.
(c) **Parallel sections.** The HTML is split at forced page breaks into the
    front matter (title page, contents) and contiguous body chunks of about
    equal size; the chunks are rendered in a pool of 1 or 2 worker processes,
    with the footer left out; then the front matter is rendered with the
    contents' page numbers filled in from the chunks' anchors, the chunks are
    merged with pypdf, every page is stamped with its "n / N" footer (an
    overlay rendered by WeasyPrint with the same @page rules), and the outline
    and the contents' links are rebuilt. The merged PDF is checked against the
    single render: same page count, footers "2 / N" ... "N / N" on every page
    but the title page (text extracted from the bottom margin with pypdf),
    the same text on every page (contents page numbers included) and the same
    outline. Exits with status 1 if any check fails.

Results: stdout, bench/results/reports.json and the table in bench/README.md
between the reports markers.
"""

import argparse
import gc
import io
import json
import logging
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
README = BENCH_DIR / "README.md"
RESULTS_DIR = BENCH_DIR / "results"
START, END = "<!-- reports:start -->", "<!-- reports:end -->"
DB_NAME = os.environ.get("BENCH_REPORTS_DATABASE_NAME", "portal_bench_reports")
PLAN = "psz-2022-2027"
KIND = "interim-evaluation"
PX = 0.75  # CSS px -> PDF pt
FOOTER_BELOW_PT = 50  # the footer's baseline is in the bottom margin (20 mm = 56.7 pt)


def _clock(fn):
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _median(values):
    return round(statistics.median(values), 3) if values else None


# --- (a) overhead --------------------------------------------------------------


def measure_overhead(plan_code, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from weasyprint import HTML

    from core.pdf import PORTAL_BASE_URL, PortalURLFetcher
    from planning.models import Plan
    from reports import kinds
    from reports.interim import interim_html

    plan = Plan.objects.get(code=plan_code)
    with CaptureQueriesContext(connection) as ctx:
        html = interim_html(plan)
    queries = len(ctx.captured_queries)
    same_html = interim_html(plan) == html

    def weasyprint_only():
        return HTML(string=html, base_url=PORTAL_BASE_URL,
                    url_fetcher=PortalURLFetcher()).write_pdf()

    def weasyprint_render_write():
        # What core.pdf.render_pdf does: render(), then write_pdf().
        return HTML(string=html, base_url=PORTAL_BASE_URL,
                    url_fetcher=PortalURLFetcher()).render().write_pdf()

    def total():
        return kinds.render(KIND, {"plan": plan_code})

    reference = total()  # warm-up (templates, fonts) and the reference PDF for (c)
    weasyprint_only()
    weasyprint_render_write()
    runs = {"total": [], "weasyprint": [], "weasyprint_render": [], "data_and_template": []}
    variants = [("total", total), ("weasyprint", weasyprint_only),
                ("weasyprint_render", weasyprint_render_write)]
    for i in range(repeat):
        order = variants[i % 3:] + variants[:i % 3]  # each goes first in turn
        order.append(("data_and_template", lambda: interim_html(plan)))
        for name, fn in order:
            _, wall, cpu = _clock(fn)
            runs[name].append((wall, cpu))
    summary = {name: {"wall_s": _median([w for w, _ in values]),
                      "cpu_s": _median([c for _, c in values]),
                      "min_wall_s": round(min(w for w, _ in values), 3)}
               for name, values in runs.items()}
    # Each total is paired with the WeasyPrint run next to it: the median of
    # the pairs' ratios is less disturbed by the machine's load drifting.
    pairs = list(zip(runs["total"], runs["weasyprint"], strict=True))
    same_path = list(zip(runs["total"], runs["weasyprint_render"], strict=True))
    return {
        **summary,
        "ratio_wall": round(statistics.median(t[0] / w[0] for t, w in pairs), 3),
        "ratio_cpu": round(statistics.median(t[1] / w[1] for t, w in pairs), 3),
        "ratio_same_path_wall": round(statistics.median(t[0] / w[0] for t, w in same_path), 3),
        "ratio_same_path_cpu": round(statistics.median(t[1] / w[1] for t, w in same_path), 3),
        # kinds.render = data collection + template + the same WeasyPrint call;
        # wall time, as the queries' own work is done by the PostgreSQL server.
        "ratio_from_parts": round(1 + summary["data_and_template"]["wall_s"]
                                  / summary["weasyprint"]["wall_s"], 3),
        "pages": reference.pages,
        "pdf_bytes": len(reference.pdf),
        "html_bytes": len(html.encode()),
        "queries": queries,
        "same_html": same_html,
    }, html, reference.pdf


# --- (b) memory: one render in a fresh process ----------------------------------------


def _peak_rss_mb():
    """This process's peak resident set size in MB: VmHWM from /proc (Linux).
    Not getrusage's ru_maxrss: Linux carries the parent's high-water mark
    over fork and exec into it, so a child started by a 300 MB parent shows
    300 MB whatever it does itself."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M).group(1)) / 1024


def child_main(args):
    """One render in this fresh process; prints its time and memory as JSON."""
    from bench.run import setup_django

    setup_django(args.database)
    import weasyprint  # noqa: F401 - imported before the baseline is taken

    from core.pdf import PORTAL_BASE_URL, PortalURLFetcher
    from reports import kinds

    baseline = _peak_rss_mb()
    started = time.perf_counter()
    if args.child == "total":
        kinds.render(KIND, {"plan": args.plan})
    else:
        html = Path(args.html).read_text(encoding="utf-8")
        weasyprint.HTML(string=html, base_url=PORTAL_BASE_URL,
                        url_fetcher=PortalURLFetcher()).write_pdf()
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": round(seconds, 3), "baseline_mb": round(baseline, 1),
                      "peak_mb": round(_peak_rss_mb(), 1)}))
    return 0


def measure_memory(plan_code, html_path, database):
    result = {}
    for mode in ("total", "weasyprint"):
        done = subprocess.run(  # noqa: S603 - fixed argv
            [sys.executable, "-m", "bench.reports", "--child", mode, "--plan", plan_code,
             "--html", str(html_path), "--database", database],
            cwd=ROOT, capture_output=True, text=True, check=False,
            env={**os.environ, "LOG_LEVEL": "CRITICAL"},
        )
        if done.returncode != 0:
            raise SystemExit(f"memory run ({mode}) failed:\n{done.stderr[-3000:]}")
        result[mode] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- (c) parallel sections ---------------------------------------------------------


class _TopLevel(HTMLParser):
    """Offsets of the top-level elements inside <body>."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.line_starts = [0]
        for match in re.finditer("\n", text):
            self.line_starts.append(match.end())
        self.depth = None
        self.body_open_end = self.body_close = None
        self.starts = []

    def _offset(self):
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.depth = 0
            self.body_open_end = self._offset() + len(self.get_starttag_text())
            return
        if self.depth is None:
            return
        if self.depth == 0:
            self.starts.append(self._offset())
        if tag not in self.VOID:
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        if self.depth == 0:
            self.starts.append(self._offset())

    def handle_endtag(self, tag):
        if tag == "body":
            if self.depth != 0:
                raise ValueError(f"unbalanced report HTML: depth {self.depth} at </body>")
            self.body_close = self._offset()
            self.depth = None
        elif self.depth is not None and tag not in self.VOID:
            self.depth -= 1


# Where the print stylesheet (reports/static/reports/print.css) forces a page
# break before a top-level block: only there may the report be cut without
# changing its pagination (checked against the single render every run).
_PAGE_STARTS = re.compile(
    r'^<(?:section|nav)\b[^>]*(?:id="(?:abbreviations|summary|global-indicators|timeline)"'
    r'|class="[^"]*\bappendix(?:es)?\b)')
_AREA_HEADING = re.compile(r'<h2 class="area-heading"')


def split_report(html):
    """(head, body tag, front matter, [(weight, html of a block that starts a page)])."""
    parser = _TopLevel(html)
    parser.feed(html)
    parser.close()
    if parser.body_open_end is None or parser.body_close is None:
        raise ValueError("report HTML without a body")
    head = html[:html.index("<body")]
    body_tag = html[html.index("<body"):parser.body_open_end]
    starts = [*parser.starts, parser.body_close]
    units = [html[a:b] for a, b in zip(starts, starts[1:], strict=False)]
    front = [u for u in units
             if 'class="title-page"' in u[:200] or u.startswith('<nav class="toc"')]
    if len(front) != 2 or units[:2] != front:
        raise ValueError("the report does not start with its title page and contents")
    blocks = []
    for unit in units[2:]:
        if 'id="appendix-b"' in unit[:200]:
            # Appendix B: one block per thematic area (each starts a page).
            cuts = [m.start() for m in _AREA_HEADING.finditer(unit)][1:]
            if cuts:
                close = unit.rindex("</section>")
                pieces = [unit[:cuts[0]] + "</section>\n"]
                for a, b in zip(cuts, [*cuts[1:], close], strict=False):
                    pieces.append('<section class="chapter">\n' + unit[a:b] + "</section>\n")
                blocks.extend(pieces)
                continue
        if blocks and not _PAGE_STARTS.match(unit.lstrip()):
            blocks[-1] += unit  # no forced page break before it: keep with the previous block
        else:
            blocks.append(unit)
    return head, body_tag, "".join(front), blocks


def partition(weights, parts):
    """Cut `weights` into at most `parts` contiguous runs with the smallest
    largest sum; returns the runs' (start, end) index pairs."""
    n = len(weights)
    parts = max(1, min(parts, n))
    prefix = [0]
    for w in weights:
        prefix.append(prefix[-1] + w)
    inf = float("inf")
    best = [[inf] * (n + 1) for _ in range(parts + 1)]
    cut = [[0] * (n + 1) for _ in range(parts + 1)]
    best[0][0] = 0
    for p in range(1, parts + 1):
        for end in range(1, n + 1):
            for start in range(p - 1, end):
                cost = max(best[p - 1][start], prefix[end] - prefix[start])
                if cost < best[p][end]:
                    best[p][end], cut[p][end] = cost, start
    runs, end = [], n
    for p in range(parts, 0, -1):
        start = cut[p][end]
        runs.append((start, end))
        end = start
    return [r for r in reversed(runs) if r[0] < r[1]]


def _css_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _doc(head, style, body_tag, content):
    head = head.replace("</head>", f"<style>{style}</style></head>")
    return f"{head}{body_tag}{content}</body></html>"


def _render_part(html):
    """Render one document: PDF, page count, and where its anchors, bookmarks
    and internal links are (page index, CSS px)."""
    from weasyprint import HTML

    from core.pdf import PORTAL_BASE_URL, PortalURLFetcher

    logging.getLogger("weasyprint").setLevel(logging.CRITICAL)  # the front's links dangle
    started, cpu = time.perf_counter(), time.process_time()
    document = HTML(string=html, base_url=PORTAL_BASE_URL,
                    url_fetcher=PortalURLFetcher()).render()
    pdf = document.write_pdf()
    anchors, bookmarks, links = {}, [], []
    for index, page in enumerate(document.pages):
        for name, point in page.anchors.items():
            anchors.setdefault(name, (index, point[0], point[1]))
        for level, label, target, _state in page.bookmarks:
            bookmarks.append((index, level, label, target[0], target[1]))
        for link_type, target, rect, _box in page.links:
            if link_type == "internal":
                links.append((index, target, tuple(rect)))
    return {"pdf": pdf, "pages": len(document.pages), "anchors": anchors,
            "bookmarks": bookmarks, "links": links,
            "seconds": round(time.perf_counter() - started, 3),
            "cpu_seconds": round(time.process_time() - cpu, 3)}


NO_FOOTER = "@page { @bottom-center { content: none; } }"


def _front_html(head, body_tag, front, numbers):
    """Title page and contents, the contents' page numbers written in."""
    def number(match):
        anchor = match.group(1)
        return f'{match.group(0)} data-page="{numbers.get(anchor, "")}"'

    front = re.sub(r'<a href="#([^"]+)"', number, front)
    style = NO_FOOTER + ' .toc a::after { content: leader(".") " " attr(data-page); }'
    return _doc(head, style, body_tag, front)


def _chunk_html(head, body_tag, title, content):
    """A body chunk: no footer (stamped later), the running title written in
    (its string-set is on the title page), headers on its first page too."""
    title = _css_string(title)
    style = (NO_FOOTER + f" @page {{ @top-left {{ content: {title}; }} }}"
             f" @page :first {{ @top-left {{ content: {title}; }}"
             " @top-right { content: string(section); } }")
    return _doc(head, style, body_tag, content)


def _overlay_html(head, pages):
    """`pages` empty pages with only the print stylesheet's footer."""
    style = ("body > div + div { break-before: page; } "
             "@page { @top-left { content: none; } @top-right { content: none; } }")
    return _doc(head, style, "<body>", "<div></div>" * pages)


def render_split(plan_code, workers, chunks):
    """The interim evaluation rendered in `chunks` body chunks by `workers`
    processes and merged. Returns (PDF bytes, timings)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from django.db import connections
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link
    from pypdf.generic import ArrayObject, Fit, NameObject

    from planning.models import Plan
    from reports.interim import interim_html

    timings = {}
    started = time.perf_counter()
    html = interim_html(Plan.objects.get(code=plan_code))
    timings["data_and_template"] = time.perf_counter() - started
    head, body_tag, front, blocks = split_report(html)
    title_match = re.search(r'class="report-title">(.*?)</h1>', html, re.S)
    title = " ".join(unescape(re.sub("<[^>]+>", "", title_match.group(1))).split())
    runs = partition([len(b) for b in blocks], chunks)
    parts = [_chunk_html(head, body_tag, title, "".join(blocks[a:b])) for a, b in runs]
    connections.close_all()  # the workers are forked: they must not share the connection

    mark = time.perf_counter()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        results = list(pool.map(_render_part, parts))
    timings["chunks_parallel"] = time.perf_counter() - mark
    timings["chunk_seconds"] = [r["seconds"] for r in results]
    timings["chunk_cpu_seconds"] = [r["cpu_seconds"] for r in results]
    timings["chunk_pages"] = [r["pages"] for r in results]

    mark = time.perf_counter()
    front_pages = 2  # title page and contents; corrected below if the contents run longer
    for _attempt in range(3):
        offsets, page_of = [], {}
        offset = front_pages
        for result in results:
            offsets.append(offset)
            for anchor, (index, _x, _y) in result["anchors"].items():
                page_of.setdefault(anchor, offset + index + 1)
            offset += result["pages"]
        front_result = _render_part(_front_html(head, body_tag, front, page_of))
        if front_result["pages"] == front_pages:
            break
        front_pages = front_result["pages"]
    total_pages = offset
    overlay = _render_part(_overlay_html(head, total_pages))
    timings["front_and_footer"] = time.perf_counter() - mark

    mark = time.perf_counter()
    writer = PdfWriter()
    for result in [front_result, *results]:
        writer.append(PdfReader(io.BytesIO(result["pdf"])), import_outline=False)
    height = float(writer.pages[0].mediabox.height)
    stamps = PdfReader(io.BytesIO(overlay["pdf"]))
    for page, stamp in zip(writer.pages, stamps.pages, strict=True):
        page.merge_page(stamp)
    # The contents' links: WeasyPrint dropped them (their targets were in other
    # chunks); point them at the right pages again.
    for index in range(front_pages):
        page = writer.pages[index]
        if "/Annots" in page:
            page[NameObject("/Annots")] = ArrayObject(
                a for a in page["/Annots"].get_object() if "/Dest" not in a.get_object())
    page_index = {}
    for result, offset in zip([front_result, *results], [0, *offsets], strict=True):
        for anchor, (index, x, y) in result["anchors"].items():
            page_index.setdefault(anchor, (offset + index, x, y))
    for index, target, (x, y, w, h) in front_result["links"]:
        if target in page_index:
            target_page, tx, ty = page_index[target]
            writer.add_annotation(index, Link(
                rect=(x * PX, height - (y + h) * PX, (x + w) * PX, height - y * PX),
                target_page_index=target_page, fit=Fit.xyz(left=tx * PX, top=height - ty * PX)))
    # The outline (bookmarks), in document order, nested by level.
    stack = []
    for result, offset in zip([front_result, *results], [0, *offsets], strict=True):
        for index, level, label, x, y in result["bookmarks"]:
            while stack and stack[-1][0] >= level:
                stack.pop()
            item = writer.add_outline_item(
                title=label, page_number=offset + index,
                parent=stack[-1][1] if stack else None,
                fit=Fit.xyz(left=x * PX, top=height - y * PX))
            stack.append((level, item))
    out = io.BytesIO()
    writer.write(out)
    timings["merge_and_stamp"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    timings["chunks"] = len(parts)
    return out.getvalue(), timings


# --- checks ------------------------------------------------------------------------


_PAGE_NUMBER = re.compile(r"\d+ / \d+")


def page_texts(pdf):
    """[(footer, text of the rest)] per page, whitespace collapsed. The footer
    is the "n / N" text in the bottom margin."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    pages = []
    for page in reader.pages:
        footer, body = [], []

        def visit(text, cm, tm, font, size, footer=footer, body=body):
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            clean = " ".join(text.split())
            if y < FOOTER_BELOW_PT and _PAGE_NUMBER.fullmatch(clean):
                footer.append(clean)
            else:
                body.append(text)

        page.extract_text(visitor_text=visit)
        pages.append((" ".join(footer), " ".join("".join(body).split())))
    return pages


def outline_of(pdf):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    flat = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                flat.append((depth, " ".join(item.title.split()),
                             reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return flat


def links_of(pdf):
    """[(page, target page)] of the internal links, in page order."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    named = reader.named_destinations
    found = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            dest = annotation.get("/Dest")
            if dest is None:
                continue
            if isinstance(dest, str):
                target = reader.get_destination_page_number(named[dest]) if dest in named else None
            else:
                target = reader.get_page_number(dest[0].get_object())
            found.append((number, target))
    return found


def check_merged(merged, reference):
    """Compare the merged PDF with the single render."""
    got, want = page_texts(merged), page_texts(reference)
    n = len(got)
    expected_footers = [""] + [f"{i} / {n}" for i in range(2, n + 1)]
    checks = {
        "pages": n,
        "same_page_count": n == len(want),
        "footers_1_to_n": [f for f, _ in got] == expected_footers,
        "footers_as_single_render": [f for f, _ in got] == [f for f, _ in want],
        "pages_with_other_text": sum(1 for (_, a), (_, b) in zip(got, want, strict=False)
                                     if a != b),
        "same_outline": outline_of(merged) == outline_of(reference),
        "same_links": links_of(merged) == links_of(reference),
    }
    checks["ok"] = (checks["same_page_count"] and checks["footers_1_to_n"]
                    and checks["footers_as_single_render"]
                    and checks["pages_with_other_text"] == 0 and checks["same_outline"]
                    and checks["same_links"])
    return checks


def _spin(_=None):
    """A fixed amount of pure CPU work; returns its wall time."""
    started = time.perf_counter()
    total = 0
    for i in range(4_000_000):
        total += i * i % 7
    return time.perf_counter() - started


def cpu_capacity():
    """How many cores two processes actually get right now: the time of the
    work alone, times two, over the time of two copies side by side (2.0 =
    two free cores; 1.0 = one core's worth, e.g. on a busy shared machine)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        list(pool.map(_spin, range(2)))  # start both workers
        alone = min(pool.submit(_spin).result() for _ in range(2))
        started = time.perf_counter()
        list(pool.map(_spin, range(2)))
        together = time.perf_counter() - started
    return round(2 * alone / together, 2)


def measure_parallel(plan_code, reference, repeat, chunks):
    from reports import kinds

    runs = {"single": [], "1 worker": [], "2 workers": []}
    detail = {}
    merged = {}
    capacity = [cpu_capacity()]
    for i in range(repeat):
        modes = ["single", "1 worker", "2 workers"]
        if i % 2:
            modes.reverse()
        for mode in modes:
            gc.collect()
            started = time.perf_counter()
            if mode == "single":
                kinds.render(KIND, {"plan": plan_code})
                runs[mode].append(time.perf_counter() - started)
            else:
                pdf, timings = render_split(plan_code, workers=int(mode[0]), chunks=chunks)
                runs[mode].append(timings["total"])
                detail.setdefault(mode, []).append(timings)
                merged[mode] = pdf
    capacity.append(cpu_capacity())
    summary = {mode: _median(values) for mode, values in runs.items()}
    best = {mode: round(min(values), 3) for mode, values in runs.items()}
    checks = {mode: check_merged(pdf, reference) for mode, pdf in merged.items()}
    stages = {}
    for mode, items in detail.items():
        stages[mode] = {key: _median([t[key] for t in items]) for key in (
            "data_and_template", "chunks_parallel", "front_and_footer", "merge_and_stamp")}
        stages[mode]["chunk_seconds"] = items[-1]["chunk_seconds"]
        stages[mode]["chunk_cpu_seconds"] = items[-1]["chunk_cpu_seconds"]
        stages[mode]["chunk_pages"] = items[-1]["chunk_pages"]
        stages[mode]["chunks"] = items[-1]["chunks"]
    return {
        "seconds": summary,
        "best_seconds": best,
        "cpu_capacity": capacity,
        "speedup_vs_single": round(summary["single"] / summary["2 workers"], 2),
        "speedup_2_vs_1_worker": round(summary["1 worker"] / summary["2 workers"], 2),
        "best_speedup_vs_single": round(best["single"] / best["2 workers"], 2),
        "stages": stages,
        "checks": checks,
    }, merged.get("2 workers")


# --- output --------------------------------------------------------------------------


def markdown(result):
    factors = result["factors"]
    by = result["by_factor"]
    lines = [
        "| | " + " | ".join(f"{f}×" for f in factors) + " |",
        "|---|" + "---|" * len(factors),
    ]

    def row(label, fn):
        lines.append(f"| {label} | " + " | ".join(fn(by[str(f)]) for f in factors) + " |")

    row("pages / PDF size", lambda r: f"{r['overhead']['pages']} / "
        f"{r['overhead']['pdf_bytes'] / 1024:.0f} kB")
    row("SQL queries of the data collection", lambda r: str(r["overhead"]["queries"]))
    row("**`kinds.render` total** (median wall / CPU s)", lambda r: (
        f"{r['overhead']['total']['wall_s']:.2f} / {r['overhead']['total']['cpu_s']:.2f}"))
    row("WeasyPrint alone, same HTML: `HTML(…).write_pdf()` (wall / CPU s)", lambda r: (
        f"{r['overhead']['weasyprint']['wall_s']:.2f} / "
        f"{r['overhead']['weasyprint']['cpu_s']:.2f}"))
    row("WeasyPrint alone, same HTML: `HTML(…).render().write_pdf()`, as `render_pdf` "
        "(wall / CPU s)", lambda r: (
            f"{r['overhead']['weasyprint_render']['wall_s']:.2f} / "
            f"{r['overhead']['weasyprint_render']['cpu_s']:.2f}"))
    row("data collection + template alone (wall s)",
        lambda r: f"{r['overhead']['data_and_template']['wall_s']:.2f}")
    row("**overhead ratio** total ÷ `write_pdf()` (CPU; wall)", lambda r: (
        f"**{r['overhead']['ratio_cpu']:.3f}**; {r['overhead']['ratio_wall']:.3f}"))
    row("**overhead ratio** total ÷ `render().write_pdf()` (CPU; wall)", lambda r: (
        f"**{r['overhead']['ratio_same_path_cpu']:.3f}**; "
        f"{r['overhead']['ratio_same_path_wall']:.3f}"))
    row("overhead from the parts: 1 + data and template ÷ WeasyPrint (wall)", lambda r: (
        f"{r['overhead']['ratio_from_parts']:.3f}"))
    row("peak RSS, `kinds.render` in a fresh process (MB)", lambda r: (
        f"{r['memory']['total']['peak_mb']:.0f} (after imports "
        f"{r['memory']['total']['baseline_mb']:.0f}; cold run "
        f"{r['memory']['total']['seconds']:.1f} s)"))
    row("peak RSS, WeasyPrint alone in a fresh process (MB)", lambda r: (
        f"{r['memory']['weasyprint']['peak_mb']:.0f} (after imports "
        f"{r['memory']['weasyprint']['baseline_mb']:.0f})"))
    row("single render, 1 process (s)", lambda r: f"{r['parallel']['seconds']['single']:.2f}")
    row("split + merged, 1 worker (s)", lambda r: f"{r['parallel']['seconds']['1 worker']:.2f}")
    row("split + merged, 2 workers (s)", lambda r: f"{r['parallel']['seconds']['2 workers']:.2f}")
    row("**speed-up 2 workers** vs single render (medians; best runs); vs 1 worker", lambda r: (
        f"**{r['parallel']['speedup_vs_single']:.2f}×**; "
        f"{r['parallel']['best_speedup_vs_single']:.2f}×; "
        f"{r['parallel']['speedup_2_vs_1_worker']:.2f}×"))
    row("estimate with two free cores: data + slower chunk's CPU + front/footer + merge "
        "(s); speed-up vs the single render's CPU", lambda r: _estimate(r))
    row("cores two processes got (probe before; after; 2.00 = two free cores)", lambda r: (
        "; ".join(f"{c:.2f}" for c in r["parallel"]["cpu_capacity"])))
    row("2 workers: data+template / chunks / front+footer / merge (s)", lambda r: " / ".join(
        f"{r['parallel']['stages']['2 workers'][k]:.2f}" for k in (
            "data_and_template", "chunks_parallel", "front_and_footer", "merge_and_stamp")))
    row("2 workers, per chunk: pages, wall s (CPU s)", lambda r: ", ".join(
        f"{p} p. {s:.2f} ({c:.2f})" for p, s, c in zip(
            r["parallel"]["stages"]["2 workers"]["chunk_pages"],
            r["parallel"]["stages"]["2 workers"]["chunk_seconds"],
            r["parallel"]["stages"]["2 workers"]["chunk_cpu_seconds"], strict=False)))
    row("merged PDF checks (pages, footers 1..N, text, outline, links)", lambda r: (
        "pass" if all(c["ok"] for c in r["parallel"]["checks"].values())
        else "**FAIL** " + json.dumps(r["parallel"]["checks"])))
    machine = result["machine"]
    lines += [
        "",
        f"Plan `{result['plan']}`; data: {result['data_line']}. {result['repeat']} alternating "
        f"runs per figure (medians). Run {result['generated_at']} on {machine['cpus']} CPU "
        f"cores (load average {machine['load']} at the start), Python {machine['python']}, "
        f"WeasyPrint {machine['weasyprint']}, pypdf {machine['pypdf']}.",
    ]
    return "\n".join(lines)


def _estimate(r):
    """What 2 workers would take with two free cores, from measured parts: not
    a measurement, an upper bound on the speed-up."""
    stages = r["parallel"]["stages"]["2 workers"]
    seconds = (stages["data_and_template"] + max(stages["chunk_cpu_seconds"])
               + stages["front_and_footer"] + stages["merge_and_stamp"])
    single = r["overhead"]["total"]["cpu_s"]
    return f"{seconds:.2f}; {single / seconds:.2f}×"


def update_readme(table):
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        return False
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{table}\n{END}{tail}", encoding="utf-8")
    return True


# --- main ------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.reports", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--factors", default="1,10", help="data factors, ascending (1,10)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (5)")
    parser.add_argument("--chunks", type=int, default=2, help="body chunks for (c) (2)")
    parser.add_argument("--plan", default=PLAN)
    parser.add_argument("--no-readme", action="store_true")
    parser.add_argument("--keep-pdf", metavar="DIR", help="save the single and merged PDFs")
    parser.add_argument("--child", choices=["total", "weasyprint"], help=argparse.SUPPRESS)
    parser.add_argument("--html", help=argparse.SUPPRESS)
    parser.add_argument("--database", default=DB_NAME, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(args)

    factors = sorted({int(f) for f in args.factors.split(",")})
    if factors[0] != 1 or any(b % a for a, b in zip(factors, factors[1:], strict=False)):
        raise SystemExit("factors: the first must be 1, each a multiple of the one before")

    from bench.run import recreate_database, setup_django

    print(f"Creating database {DB_NAME}")
    recreate_database(DB_NAME)
    setup_django(DB_NAME)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    import platform

    import pypdf
    import weasyprint
    from django.core.management import call_command

    from bench import generate

    call_command("migrate", verbosity=0, interactive=False)
    base = generate.load_base()
    if base != "seed_demo":
        raise SystemExit("the report benchmark needs seed_demo (the plan and its data)")
    result = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "weasyprint": weasyprint.__version__, "pypdf": pypdf.__version__,
                    "load": f"{os.getloadavg()[0]:.1f}"},
        "plan": args.plan, "repeat": args.repeat, "factors": factors, "by_factor": {},
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    keep = Path(args.keep_pdf) if args.keep_pdf else None
    scratch = tempfile.TemporaryDirectory(prefix="bench-reports-")
    current = 1
    for factor in factors:
        if factor > current:
            started = time.perf_counter()
            generate.multiply(factor // current)
            current = factor
            print(f"Multiplied to {factor}x in {time.perf_counter() - started:.1f} s")
        counts = generate.counts()
        print(f"{factor}x: measuring the overhead")
        overhead, html, reference = measure_overhead(args.plan, args.repeat)
        html_path = Path(scratch.name) / f"interim-{factor}x.html"
        html_path.write_text(html, encoding="utf-8")
        print(f"{factor}x: {overhead['pages']} pages; total {overhead['total']['wall_s']} s, "
              f"WeasyPrint {overhead['weasyprint']['wall_s']} s, ratio CPU "
              f"{overhead['ratio_cpu']} wall {overhead['ratio_wall']}; memory")
        memory = measure_memory(args.plan, html_path, DB_NAME)
        print(f"{factor}x: {memory}; parallel sections")
        parallel, merged = measure_parallel(args.plan, reference, args.repeat, args.chunks)
        print(f"{factor}x: {parallel['seconds']} speed-up {parallel['speedup_vs_single']} "
              f"checks {[c['ok'] for c in parallel['checks'].values()]}")
        if keep:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / f"interim-{factor}x-single.pdf").write_bytes(reference)
            if merged:
                (keep / f"interim-{factor}x-merged.pdf").write_bytes(merged)
        result["by_factor"][str(factor)] = {
            "counts": {k: counts[k] for k in ("indicators", "projects", "events", "meetings")},
            "overhead": overhead, "memory": memory, "parallel": parallel,
        }
    result["data_line"] = "; ".join(
        f"{f}×: " + ", ".join(f"{v} {k}" for k, v in result["by_factor"][str(f)]["counts"].items())
        for f in factors)
    scratch.cleanup()
    (RESULTS_DIR / "reports.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    table = markdown(result)
    print()
    print(table)
    if not args.no_readme and update_readme(table):
        print(f"Updated {README}")
    failed = [f for f in factors if not all(
        c["ok"] for c in result["by_factor"][str(f)]["parallel"]["checks"].values())]
    queries = {result["by_factor"][str(f)]["overhead"]["queries"] for f in factors}
    status = 0
    if failed:
        print(f"FAIL: the merged PDF differs from the single render at {failed}")
        status = 1
    if len(queries) > 1:
        print(f"FAIL: the report's data collection runs {sorted(queries)} queries: "
              "it grows with the data")
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
