"""Report speed: the interim-evaluation PDF at 1x and 10x the seed data, and
report runs side by side.

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
(c) **Concurrent runs.** At the highest factor, `--runs` (4) runs of the
    interim evaluation are requested at once the way an officer's request
    makes them (`reports.services.report_job_request`: a ReportJob each, sent
    to the workers after commit) to a real Celery worker started for the
    purpose (prefork pool, prefetch 1, late acknowledgement, as deployed) with
    1 and then 2 pool processes, alternating, `--concurrent-repeat` times
    each. Measured: the wall time from the request until every run
    succeeded, how many runs rendered at the same moment, each run's attempts
    (1: none ran twice) and file (one each), and the peak resident memory
    (VmHWM) of every pool process. A probe before and after says how many
    cores two processes actually got (on a shared machine, often fewer than
    two). Exits with status 1 if a run failed, ran twice or left two files.
    (The split-and-merge rendering measured here before is gone: it was not
    how the product renders, gained 0.98x with 2 workers, and merging PDFs
    loses the structure tags an accessible PDF needs.)

Results: stdout, bench/results/reports.json and the table in bench/README.md
between the reports markers.
"""

import argparse
import gc
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


# --- (c) concurrent runs ------------------------------------------------------------


QUEUE = "bench-reports"  # only the bench's workers consume it


def _children(pid):
    """The pool processes of a Celery worker (its direct children)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _hwm_mb(pid):
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    return int(match.group(1)) / 1024 if match else None


def _cpu_s(pid):
    """CPU seconds (user + system) a process has used so far, or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _start_worker(processes, database, media_root, log_path):
    from bench.run import DB_SERVER, REDIS_URL

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "DATABASE_URL": f"{DB_SERVER}/{database}", "REDIS_URL": REDIS_URL,
           "PORTAL_TEST_REDIS_MAPPED": "1", "MEDIA_ROOT": str(media_root),
           "PORTAL_TEST_MEDIA_MAPPED": "1",
           "LOG_LEVEL": "CRITICAL"}
    env.pop("PYTEST_XDIST_WORKER", None)
    log = open(log_path, "ab")  # noqa: SIM115 - the process owns it until it ends
    name = f"bench-{processes}-{os.getpid()}@%h"
    process = subprocess.Popen(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork",
         "--concurrency", str(processes), "-Q", QUEUE, "-n", name, "--without-heartbeat",
         "--without-mingle", "--without-gossip", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    return process


def _wait_ready(process, processes, timeout=90):
    from config.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the bench's Celery worker died at start")
        if app.control.ping(timeout=1) and len(_children(process.pid)) >= processes:
            return
    raise SystemExit("the bench's Celery worker did not answer")


def concurrent_run(plan_codes, processes, database):
    """`len(plan_codes)` report runs requested at once (one ReportJob each, as
    an officer's request makes them: reports.services.report_job_request, sent
    after commit) to a fresh worker with `processes` pool processes; the wall
    time until every run succeeded, each run's attempts, the artifacts, and
    the peak memory of each pool process."""
    from django.conf import settings

    from config.celery import app
    from reports import services
    from reports.models import JobStatus, ReportJob

    scratch = Path(tempfile.mkdtemp(prefix="bench-reports-media-"))
    log_path = scratch / "worker.log"
    media_root = Path(settings.MEDIA_ROOT)  # the worker writes where this process reads
    process = _start_worker(processes, database, media_root, log_path)
    peaks, cpu = {}, {}
    try:
        _wait_ready(process, processes)
        # CPU the pool processes used before the first run (start, imports).
        cpu_before = {child: _cpu_s(child) or 0 for child in _children(process.pid)}
        app.conf.task_default_queue = QUEUE
        started = time.perf_counter()
        jobs = [services.report_job_request(actor=None, kind=KIND, parameters={"plan": code})
                for code in plan_codes]
        ids = [job.pk for job in jobs]
        deadline = time.monotonic() + 1800
        while True:
            for child in _children(process.pid):
                peak = _hwm_mb(child)
                if peak is not None:
                    peaks[child] = max(peaks.get(child, 0), peak)
                used = _cpu_s(child)
                if used is not None:
                    cpu[child] = max(cpu.get(child, 0), used)
            statuses = list(ReportJob.objects.filter(pk__in=ids).values_list("status",
                                                                               flat=True))
            if all(s in (JobStatus.SUCCEEDED, JobStatus.FAILED) for s in statuses):
                break
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit(f"the runs did not finish: {statuses}\n"
                                 f"{log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.1)
        seconds = time.perf_counter() - started
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
    done = list(ReportJob.objects.filter(pk__in=ids))
    artifacts = {job.pk: sorted(p.name for p in (media_root / "reports").glob(f"{job.pk}*"))
                 for job in done}
    overlap = _overlap([(job.started_at, job.finished_at) for job in done])
    return {
        "processes": processes, "runs": len(ids), "seconds": round(seconds, 2),
        "statuses": sorted({job.status for job in done}),
        "errors": [job.error for job in done if job.error],
        "attempts": sorted(job.attempts for job in done),
        "one_artifact_each": all(names == [f"{pk}.pdf"] for pk, names in artifacts.items()),
        "render_seconds": sorted(round(job.duration_seconds or 0, 2) for job in done),
        "max_side_by_side": overlap,
        "peak_mb_per_process": sorted(round(p) for p in peaks.values()),
        # CPU seconds the pool processes spent on the runs, and that over the
        # wall time: how many cores the runs kept busy (2.0 = both, with two
        # processes; about 1.0 with two means a core short, not a lock).
        "cpu_s": round(sum(used - cpu_before.get(child, 0) for child, used in cpu.items()), 1),
        "cores_busy": round(sum(used - cpu_before.get(child, 0) for child, used in cpu.items())
                            / seconds, 2),
    }


def _overlap(spans):
    """How many runs were rendering at the same moment, at most."""
    events = sorted([(s, 1) for s, f in spans if s and f] + [(f, -1) for s, f in spans
                                                              if s and f])
    current = best = 0
    for _when, step in events:
        current += step
        best = max(best, current)
    return best


def measure_concurrent(plan_codes, repeat, database):
    """1 and 2 worker processes in turn, `repeat` times each, with a probe of
    how many cores two processes got before and after."""
    capacity = [cpu_capacity()]
    runs = {1: [], 2: []}
    for i in range(repeat):
        for processes in ((1, 2) if i % 2 == 0 else (2, 1)):
            result = concurrent_run(plan_codes, processes, database)
            print(f"  {processes} process(es): {result['seconds']} s, attempts "
                  f"{result['attempts']}, side by side {result['max_side_by_side']}, peak MB "
                  f"{result['peak_mb_per_process']}, CPU {result['cpu_s']} s, cores busy "
                  f"{result['cores_busy']}")
            runs[processes].append(result)
    capacity.append(cpu_capacity())
    one = _median([r["seconds"] for r in runs[1]])
    two = _median([r["seconds"] for r in runs[2]])
    return {
        "plans": plan_codes, "runs": runs, "seconds": {"1": one, "2": two},
        "speedup": round(one / two, 2) if two else None,
        "cpu_capacity": capacity,
        "ok": all(r["statuses"] == ["succeeded"] and set(r["attempts"]) == {1}
                  and r["one_artifact_each"] for rs in runs.values() for r in rs),
        "peak_mb": max(max(r["peak_mb_per_process"] or [0]) for rs in runs.values()
                       for r in rs),
    }


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

    # Spawned, not forked: after the concurrent runs this process has threads
    # (Celery's control client, Redis connections), and a child forked while
    # one of them held a lock hung for good in the probe after the runs.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        list(pool.map(_spin, range(2)))  # start both workers
        alone = min(pool.submit(_spin).result() for _ in range(2))
        started = time.perf_counter()
        list(pool.map(_spin, range(2)))
        together = time.perf_counter() - started
    return round(2 * alone / together, 2)


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
    lines += ["", _concurrent_markdown(result)]
    machine = result["machine"]
    lines += [
        "",
        f"Plan `{result['plan']}`; data: {result['data_line']}. {result['repeat']} alternating "
        f"runs per figure (medians). Run {result['generated_at']} on {machine['cpus']} CPU "
        f"cores (load average {machine['load']} at the start), Python {machine['python']}, "
        f"WeasyPrint {machine['weasyprint']}.",
    ]
    return "\n".join(lines)


def _concurrent_markdown(result):
    c = result["concurrent"]
    one, two = c["runs"]["1"] if "1" in c["runs"] else c["runs"][1], \
        c["runs"]["2"] if "2" in c["runs"] else c["runs"][2]
    rows = [
        f"**Concurrent runs** at {result['factors'][-1]}×: {one[0]['runs']} runs of the "
        f"interim evaluation (plans {', '.join(f'`{p}`' for p in c['plans'])}) requested at "
        "once, rendered by a real Celery worker (prefork, prefetch 1, late acknowledgement) "
        "with 1 and then 2 pool processes; wall time from the request until every run "
        "succeeded.",
        "",
        "| | 1 process | 2 processes |",
        "|---|---|---|",
        f"| all runs finished (s, median; each try) | {c['seconds']['1']:.1f} "
        f"({', '.join(str(r['seconds']) for r in one)}) | {c['seconds']['2']:.1f} "
        f"({', '.join(str(r['seconds']) for r in two)}) |",
        f"| **speed-up** 1 → 2 processes | | **{c['speedup']:.2f}×** (goal ≥ 1.8×) |",
        f"| one run's render (s, range) | {min(min(r['render_seconds']) for r in one):.1f}–"
        f"{max(max(r['render_seconds']) for r in one):.1f} | "
        f"{min(min(r['render_seconds']) for r in two):.1f}–"
        f"{max(max(r['render_seconds']) for r in two):.1f} |",
        f"| runs rendering at the same moment, at most | "
        f"{max(r['max_side_by_side'] for r in one)} | "
        f"{max(r['max_side_by_side'] for r in two)} |",
        f"| attempts per run (none ran twice); one file each | "
        f"{sorted({a for r in one for a in r['attempts']})}; "
        f"{all(r['one_artifact_each'] for r in one)} | "
        f"{sorted({a for r in two for a in r['attempts']})}; "
        f"{all(r['one_artifact_each'] for r in two)} |",
        f"| peak memory per pool process (MB; goal ≤ 500) | "
        f"{max(max(r['peak_mb_per_process'] or [0]) for r in one)} | "
        f"{max(max(r['peak_mb_per_process'] or [0]) for r in two)} |",
        f"| CPU s of the pool processes; cores they kept busy (CPU s ÷ wall s) | "
        f"{'; '.join(str(r.get('cpu_s')) + ', ' + str(r.get('cores_busy')) for r in one)} | "
        f"{'; '.join(str(r.get('cpu_s')) + ', ' + str(r.get('cores_busy')) for r in two)} |",
        f"| cores two processes got (probe before; after; 2.00 = two free cores) | "
        f"{'; '.join(f'{x:.2f}' for x in c['cpu_capacity'])} | |",
    ]
    return "\n".join(rows)


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
    parser.add_argument("--runs", type=int, default=4,
                        help="report runs requested at once for (c) (4)")
    parser.add_argument("--concurrent-repeat", type=int, default=2,
                        help="tries of (c) with 1 and with 2 processes each (2)")
    parser.add_argument("--plan", default=PLAN)
    parser.add_argument("--no-readme", action="store_true")
    parser.add_argument("--keep-pdf", metavar="DIR", help="save the rendered PDFs")
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
                    "weasyprint": weasyprint.__version__,
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
        print(f"{factor}x: {memory}")
        if keep:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / f"interim-{factor}x.pdf").write_bytes(reference)
        result["by_factor"][str(factor)] = {
            "counts": {k: counts[k] for k in ("indicators", "projects", "events", "meetings")},
            "overhead": overhead, "memory": memory,
        }
    print(f"{factors[-1]}x: {args.runs} runs at once with 1 and 2 worker processes")
    result["concurrent"] = measure_concurrent([args.plan] * args.runs,
                                              args.concurrent_repeat, DB_NAME)
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
    queries = {result["by_factor"][str(f)]["overhead"]["queries"] for f in factors}
    status = 0
    if not result["concurrent"]["ok"]:
        print("FAIL: a concurrent run failed, ran twice or left more than one file")
        status = 1
    if len(queries) > 1:
        print(f"FAIL: the report's data collection runs {sorted(queries)} queries: "
              "it grows with the data")
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
