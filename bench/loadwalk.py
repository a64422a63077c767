"""A busy day: anonymous visitors walking every public page of a deployment.

    python -m bench.loadwalk https://portal.example.cz --visitors 32 --duration 30
    python -m bench.loadwalk http://127.0.0.1:8000 --empty-cache-redis redis://127.0.0.1:6379/1

Point it at any running portal (yours, behind its reverse proxy, or a bare
gunicorn); it only reads public pages, as anonymous visitors do. Needs `wrk`
(https://github.com/wg/wrk; Debian/Ubuntu: `apt install wrk`).

1. **Crawl.** From `/`, every link of the same origin is followed (GET, no
   redirects followed, no cookies sent): every HTML page that answers 200 is a
   public page. Links with a query string are followed when their only
   parameter is `page` (`--all-queries`: every one); `/static/`, `/media/`,
   `/admin/`, `/accounts/`, `/i18n/` and logout links are not. Files found on
   the way under `/data/` are the open datasets; the first stylesheet of `/`
   is the static file to compare with (`--static`). The crawl also notes every
   public page that sets a cookie or does not say `Cache-Control: public`.
2. **Second request.** Every page is asked for again: it must come from the
   page cache (`X-Page-Cache: hit`, what core.pagecache sends). Each dataset
   is asked for once, as each page was by the crawl: the first request after a
   change writes its file, once per change, not in a busy day's steady state
   (the time of these first requests is reported).
3. **Load.** With wrk, `--visitors` connections (32) for `--duration` seconds
   (30) each: (a) the static file alone, the yardstick; (b) the walk: each
   connection requests the public pages one after the other, every wrk thread
   starting at a random page; (c) the same with one request in
   `--dataset-every` (20) an open dataset; (d) the walk while the cache is
   emptied every `--empty-every` (5) seconds, with `FLUSHDB` on
   `--empty-cache-redis URL` (the portal's cache Redis, CACHE_URL: never the
   broker's) or by running `--empty-cache-command CMD`; left out without one.

Reported per run: requests per second, its ratio to the static file's, p50,
p99 and slowest latency, and errors (connect, read, write, timeouts, answers
other than 2xx/3xx). Goals (issue "Fast at any size"): the walk >= 0.5x the
static file's requests/s with p99 <= 100 ms and no error; with datasets >= 0.8x
the walk; with the cache emptied p99 <= 500 ms; the second request finds every
page in the cache. Exit status 1 when a goal is missed (`--no-goals`: 0 unless
the tool itself failed). `--json FILE` writes the figures.
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser

SKIP_PREFIXES = ("/static/", "/media/", "/admin/", "/accounts/", "/i18n/", "/__")
DATA_PREFIX = "/data/"
GOALS = {"walk_ratio": 0.5, "walk_p99_ms": 100.0, "datasets_ratio": 0.8,
         "emptied_p99_ms": 500.0}


# --- crawl --------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.stylesheets = [], []
        self.post_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "link" and "stylesheet" in (attrs.get("rel") or "") and attrs.get("href"):
            self.stylesheets.append(attrs["href"])
        elif tag == "input" and attrs.get("name") == "csrfmiddlewaretoken":
            # A per-visitor token: such a page is never cached. A public form
            # without one (core.origin) is cached like any other page.
            self.post_form = True


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(url, timeout=30):
    """(status, headers, body) of a GET without cookies and redirects."""
    if not url.startswith(("http://", "https://")):
        raise SystemExit(f"not an http(s) address: {url}")
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
        url, headers={"User-Agent": "portal-bench-loadwalk"})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, b""


def _has_extension(path):
    last = path.rsplit("/", 1)[-1]
    return "." in last and not last.endswith(".html")


def _normalise(base, href, all_queries):
    """The same-origin path (with query) `href` leads to, or None."""
    url = urllib.parse.urljoin(base, href)
    parts = urllib.parse.urlsplit(url)
    origin = urllib.parse.urlsplit(base)
    if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
        return None
    path = parts.path or "/"
    if path.startswith(SKIP_PREFIXES) or "logout" in path or "login" in path:
        return None
    query = parts.query
    if query:
        names = {name for name, _ in urllib.parse.parse_qsl(query, keep_blank_values=True)}
        if not all_queries and names != {"page"}:
            return None
        query = urllib.parse.urlencode(sorted(urllib.parse.parse_qsl(query,
                                                                     keep_blank_values=True)))
    return path + (f"?{query}" if query else "")


def crawl(base, max_pages=2000, all_queries=False, progress=None, parallel=4):
    """Every public page reachable from `/`: {'pages': [...], 'datasets': [...],
    'static': first stylesheet of `/`, 'forms': [...], 'with_cookie': [...],
    'not_public': [...], 'skipped': {status: count}}. Pages with a CSRF token
    (a POST form's token is per visitor, so they are never cached) are walked
    but listed apart and left out of the cookie and cache checks. `parallel`
    requests at a time (in the order found, a batch at a time)."""
    base = base.rstrip("/")
    queue, seen = ["/"], {"/"}
    pages, datasets, forms, with_cookie, not_public = [], [], [], [], []
    skipped = {}
    static = None
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        while queue and len(pages) < max_pages:
            batch, queue = queue[:max_pages - len(pages)], queue[max_pages - len(pages):]
            for path, answer in zip(batch, pool.map(lambda p: fetch(base + p), batch),
                                    strict=True):
                static = _crawled(base, path, answer, all_queries, seen, queue, pages,
                                  datasets, forms, with_cookie, not_public, skipped, static)
            if progress:
                progress(f"crawled {len(pages)} pages, {len(queue)} waiting")
    return {"pages": pages, "datasets": sorted(datasets), "static": static, "forms": forms,
            "with_cookie": with_cookie, "not_public": not_public, "skipped": skipped,
            "truncated": bool(queue)}


def _crawled(base, path, answer, all_queries, seen, queue, pages, datasets, forms,
             with_cookie, not_public, skipped, static):
    """Takes in one crawled answer; returns the static file (found or not yet)."""
    status, headers, body = answer
    content_type = headers.get("Content-Type", "") if headers else ""
    if status != 200 or not content_type.startswith("text/html"):
        skipped[str(status)] = skipped.get(str(status), 0) + 1
        return static
    pages.append(path)
    parser = _Links()
    parser.feed(body.decode("utf-8", "replace"))
    if parser.post_form:
        forms.append(path)
    else:
        if headers.get("Set-Cookie"):
            with_cookie.append(path)
        if "public" not in (headers.get("Cache-Control") or ""):
            not_public.append(path)
    if static is None and parser.stylesheets:
        static = urllib.parse.urlsplit(urllib.parse.urljoin(base + "/",
                                                            parser.stylesheets[0])).path
    for href in parser.links:
        found = _normalise(base + path, href, all_queries)
        if found is None or found in seen:
            continue
        seen.add(found)
        if _has_extension(found.split("?", 1)[0]):
            if found.startswith(DATA_PREFIX):
                datasets.append(found)
            continue
        queue.append(found)
    return static


def second_request(base, pages):
    """How many pages come from the page cache when asked for again."""
    base = base.rstrip("/")
    misses = []
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda p: fetch(base + p), pages))
    for path, (status, headers, _body) in zip(pages, answers, strict=True):
        if status != 200 or (headers.get("X-Page-Cache") or "").lower() != "hit":
            misses.append(f"{path} ({status}, X-Page-Cache: {headers.get('X-Page-Cache')})")
    return {"pages": len(pages), "hits": len(pages) - len(misses), "misses": misses}


def first_requests(base, datasets):
    """Each dataset asked for once before the timed runs, as the crawl asked
    for each page: after a change the first request writes the file (seconds
    for the largest at 100x), which a busy day pays once per change, not in
    its steady state. Seconds in all."""
    started = time.perf_counter()
    for path in datasets:
        request = urllib.request.Request(  # noqa: S310 - the portal's own address
            base.rstrip("/") + path, headers={"Accept-Encoding": BROWSER_ACCEPT_ENCODING})
        with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310
            answer.read()
    return round(time.perf_counter() - started, 1)


# --- load ---------------------------------------------------------------------------


_LUA = r"""
local paths = {%(paths)s}
local datasets = {%(datasets)s}
local every = %(every)d
local counter = 0
init = function(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) %% 100000)
  counter = math.random(0, #paths - 1)
end
request = function()
  counter = counter + 1
  if every > 0 and #datasets > 0 and counter %% every == 0 then
    return wrk.format("GET", datasets[math.floor(counter / every) %% #datasets + 1])
  end
  return wrk.format("GET", paths[counter %% #paths + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKJSON {\"requests\": %%d, \"duration_us\": %%d, \"bytes\": %%d, \"connect\": %%d, " ..
    "\"read\": %%d, \"write\": %%d, \"status\": %%d, \"timeout\": %%d, \"p50_us\": %%d, " ..
    "\"p99_us\": %%d, \"max_us\": %%d}\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def _lua_list(paths):
    return ", ".join(json.dumps(p) for p in paths)


# What a browser sends (Firefox, Chromium): a visitor's browser takes the
# gzip copy of a dataset, and pages and static files are asked for the same way.
BROWSER_ACCEPT_ENCODING = "gzip, deflate, br"


def wrk_run(base, paths, visitors, duration, threads, datasets=(), every=0, wrk="wrk",
            accept_encoding=BROWSER_ACCEPT_ENCODING):
    """One wrk run over `paths`, every request with `accept_encoding` (none
    when empty); requests/s, latency percentiles, errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_LUA % {"paths": _lua_list(paths), "datasets": _lua_list(datasets),
                             "every": every})
    headers = ["-H", f"Accept-Encoding: {accept_encoding}"] if accept_encoding else []
    try:
        output = subprocess.run(  # noqa: S603 - fixed argv
            [wrk, "-t", str(threads), "-c", str(visitors), "-d", f"{duration}s",
             "--timeout", "10s", *headers, "-s", script.name, base.rstrip("/") + paths[0]],
            capture_output=True, text=True, check=True, timeout=duration + 60).stdout
    finally:
        os.unlink(script.name)
    match = re.search(r"^WRKJSON (\{.*\})$", output, re.M)
    if not match:
        raise RuntimeError(f"wrk gave no summary:\n{output}")
    raw = json.loads(match.group(1))
    seconds = raw["duration_us"] / 1e6
    errors = {k: raw[k] for k in ("connect", "read", "write", "timeout", "status") if raw[k]}
    return {"requests": raw["requests"], "seconds": round(seconds, 1),
            "rps": round(raw["requests"] / seconds, 1),
            "p50_ms": round(raw["p50_us"] / 1000, 1), "p99_ms": round(raw["p99_us"] / 1000, 1),
            "max_ms": round(raw["max_us"] / 1000, 1),
            "kb_per_request": round(raw["bytes"] / max(raw["requests"], 1) / 1024, 1),
            "errors": errors}


class _Emptier(threading.Thread):
    """Empties the page cache every `every` seconds while the load runs."""

    def __init__(self, every, redis_url=None, command=None):
        super().__init__(daemon=True)
        self.every, self.redis_url, self.command = every, redis_url, command
        self.stopped, self.times = threading.Event(), 0

    def empty(self):
        if self.redis_url:
            import redis

            redis.Redis.from_url(self.redis_url).flushdb()
        else:
            subprocess.run(self.command, shell=True, check=True,  # noqa: S602 - the user's own
                           stdout=subprocess.DEVNULL)
        self.times += 1

    def run(self):
        while not self.stopped.wait(self.every):
            self.empty()


def walk(base, *, visitors=32, duration=30, threads=2, max_pages=2000, all_queries=False,
         static=None, dataset_every=20, empty_every=5, empty_cache_redis=None,
         empty_cache_command=None, wrk="wrk", accept_encoding=BROWSER_ACCEPT_ENCODING,
         log=print):
    """The crawl, the second-request check and the load runs; a dict."""
    if shutil.which(wrk) is None:
        raise SystemExit(f"{wrk} not found: install wrk (apt install wrk)")
    started = time.perf_counter()
    found = crawl(base, max_pages, all_queries, progress=log)
    pages = found["pages"]
    if not pages:
        raise SystemExit(f"no public page answered 200 at {base}/")
    static = static or found["static"]
    log(f"crawled {len(pages)} public pages and {len(found['datasets'])} datasets in "
        f"{time.perf_counter() - started:.1f} s; static file {static}")
    result = {"base": base, "visitors": visitors, "duration": duration, "threads": threads,
              "empty_every": empty_every, "accept_encoding": accept_encoding, "crawl": found,
              "static": static}
    result["second_request"] = second_request(
        base, [page for page in pages if page not in found["forms"]])
    log(f"second request: {result['second_request']['hits']} of {len(pages)} from the cache")
    result["datasets_first_request_s"] = first_requests(base, found["datasets"])
    log(f"datasets asked for once, as the pages were by the crawl: "
        f"{result['datasets_first_request_s']} s")
    runs = result["runs"] = {}
    options = {"wrk": wrk, "accept_encoding": accept_encoding}
    if static:
        runs["static"] = wrk_run(base, [static], visitors, duration, threads, **options)
        log(f"static file: {runs['static']}")
    random.shuffle(pages)
    runs["walk"] = wrk_run(base, pages, visitors, duration, threads, **options)
    log(f"walk: {runs['walk']}")
    if found["datasets"] and dataset_every:
        runs["datasets"] = wrk_run(base, pages, visitors, duration, threads,
                                   datasets=found["datasets"], every=dataset_every, **options)
        log(f"walk with datasets: {runs['datasets']}")
    if empty_cache_redis or empty_cache_command:
        emptier = _Emptier(empty_every, empty_cache_redis, empty_cache_command)
        emptier.start()
        try:
            runs["emptied"] = wrk_run(base, pages, visitors, duration, threads, **options)
        finally:
            emptier.stopped.set()
            emptier.join()
        runs["emptied"]["cache_emptied"] = emptier.times
        log(f"walk, cache emptied every {empty_every} s: {runs['emptied']}")
    result["goals"] = check_goals(result)
    return result


def check_goals(result):
    """[(figure, goal, value, met)]."""
    runs, goals = result["runs"], []
    static = runs.get("static", {}).get("rps")
    walk_ = runs["walk"]
    if static:
        ratio = walk_["rps"] / static
        goals.append(("walk ÷ static file, requests/s", f"≥ {GOALS['walk_ratio']}",
                      round(ratio, 3), ratio >= GOALS["walk_ratio"]))
    goals.append(("walk p99 ms", f"≤ {GOALS['walk_p99_ms']:.0f}", walk_["p99_ms"],
                  walk_["p99_ms"] <= GOALS["walk_p99_ms"]))
    goals.append(("walk errors", "0", sum(walk_["errors"].values()), not walk_["errors"]))
    if "datasets" in runs:
        ratio = runs["datasets"]["rps"] / walk_["rps"]
        goals.append(("walk with 1 in 20 a dataset ÷ walk, requests/s",
                      f"≥ {GOALS['datasets_ratio']}", round(ratio, 3),
                      ratio >= GOALS["datasets_ratio"]))
        goals.append(("walk with datasets errors", "0",
                      sum(runs["datasets"]["errors"].values()), not runs["datasets"]["errors"]))
    if "emptied" in runs:
        goals.append((f"walk with the cache emptied every {result['empty_every']:g} s, p99 ms",
                      f"≤ {GOALS['emptied_p99_ms']:.0f}", runs["emptied"]["p99_ms"],
                      runs["emptied"]["p99_ms"] <= GOALS["emptied_p99_ms"]))
    second = result["second_request"]
    goals.append(("pages (without a POST form) from the cache on a second request",
                  f"{second['pages']}",
                  second["hits"], second["hits"] == second["pages"]))
    crawl_ = result["crawl"]
    goals.append(("public pages that set a cookie", "0", len(crawl_["with_cookie"]),
                  not crawl_["with_cookie"]))
    goals.append(("public pages without Cache-Control: public", "0",
                  len(crawl_["not_public"]), not crawl_["not_public"]))
    return goals


def text_report(result):
    lines = [f"{result['base']}: {len(result['crawl']['pages'])} public pages "
             f"({len(result['crawl']['forms'])} with a POST form), "
             f"{len(result['crawl']['datasets'])} datasets, static file {result['static']}; "
             f"{result['visitors']} visitors, {result['duration']} s per run", "",
             f"{'run':10}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'kB/req':>8}  errors"]
    for name, run in result["runs"].items():
        lines.append(f"{name:10}{run['rps']:>10.1f}{run['p50_ms']:>9.1f}{run['p99_ms']:>9.1f}"
                     f"{run['max_ms']:>9.1f}{run['kb_per_request']:>8.1f}  "
                     f"{run['errors'] or 'none'}")
    lines.append("")
    for figure, goal, value, met in result["goals"]:
        lines.append(f"{'ok  ' if met else 'MISS'} {figure}: {value} (goal {goal})")
    misses = result["second_request"]["misses"]
    if misses:
        lines.append("not from the cache on a second request: " + ", ".join(misses[:10])
                     + (" …" if len(misses) > 10 else ""))
    for key, label in (("with_cookie", "set a cookie"), ("not_public", "not public")):
        if result["crawl"][key]:
            lines.append(f"{label}: " + ", ".join(result["crawl"][key][:10]))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.loadwalk", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="the portal's address, e.g. http://127.0.0.1:8000")
    parser.add_argument("--visitors", type=int, default=32, help="connections at once (32)")
    parser.add_argument("--duration", type=int, default=30, help="seconds per run (30)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--max-pages", type=int, default=2000)
    parser.add_argument("--all-queries", action="store_true",
                        help="follow links with any query string, not only ?page=")
    parser.add_argument("--static", help="the static file to compare with (path)")
    parser.add_argument("--dataset-every", type=int, default=20,
                        help="one request in N an open dataset (20; 0: leave that run out)")
    parser.add_argument("--empty-every", type=float, default=5)
    parser.add_argument("--empty-cache-redis", metavar="REDIS_URL",
                        help="FLUSHDB this Redis database (the cache's only!) every few seconds")
    parser.add_argument("--empty-cache-command", metavar="CMD")
    parser.add_argument("--wrk", default="wrk")
    parser.add_argument("--accept-encoding", default=BROWSER_ACCEPT_ENCODING,
                        help=f"Accept-Encoding of every load request, as a browser sends it "
                             f"(\"{BROWSER_ACCEPT_ENCODING}\"; \"\": none)")
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--no-goals", action="store_true")
    args = parser.parse_args(argv)
    result = walk(args.url, visitors=args.visitors, duration=args.duration,
                  threads=args.threads, max_pages=args.max_pages, all_queries=args.all_queries,
                  static=args.static, dataset_every=args.dataset_every,
                  empty_every=args.empty_every, empty_cache_redis=args.empty_cache_redis,
                  empty_cache_command=args.empty_cache_command, wrk=args.wrk,
                  accept_encoding=args.accept_encoding,
                  log=lambda message: print(message, file=sys.stderr, flush=True))
    print(text_report(result))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(result, out, indent=1, ensure_ascii=False)
    if args.no_goals:
        return 0
    return 0 if all(met for *_rest, met in result["goals"]) else 1


if __name__ == "__main__":
    sys.exit(main())
