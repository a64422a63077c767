"""The open-data catalogue. Each app registers its datasets in its AppConfig
ready(); /data/ lists them and serves each as CSV and JSON with documented
columns, and all of them as one zip.

A dataset's rows come from `.values()` querysets, read in chunks (no model
instances). Each file is generated once per version of the data
(`core.dataversion`): the first request after a change writes it under
`OPENDATA_ROOT/<file name>/<token>` (with a gzip copy and its ETag beside it),
and every later request, until the next change, is served from that file with
an ETag and Last-Modified, 304 to a conditional request and the gzip copy to a
client that accepts it. The same machinery keeps other generated downloads
(the report tables as XLSX) per version: `serve_generated`."""

import contextlib
import gzip
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.functional import Promise
from django.utils.http import http_date

from . import dataversion
from .exports import csv_line
from .formats import plain_number
from .middleware import add_security_headers

logger = logging.getLogger(__name__)

# How often a dataset is expected to change, as the EU vocabulary of
# frequencies names it (http://publications.europa.eu/resource/authority/frequency/…).
CONTINUOUS, IRREGULAR = "CONT", "IRREG"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "string", "integer", "decimal", "date", "boolean", "url", "list"
    description: str
    unit: str = ""  # e.g. "CZK"; empty where the column has none (or the rows say it)


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[], Iterable[dict]] = field(compare=False)
    keywords: tuple[str, ...] = ()
    frequency: str = IRREGULAR
    # Themes of the EU vocabulary of data themes
    # (http://publications.europa.eu/resource/authority/data-theme/…).
    themes: tuple[str, ...] = ("SOCI",)
    # Whether a row names a person (the open-data catalogue says so in the
    # terms of use of the dataset).
    personal_data: bool = False

    def column_names(self):
        return [c.name for c in self.columns]


_REGISTRY: dict[str, Dataset] = {}


def register(dataset: Dataset) -> Dataset:
    _REGISTRY[dataset.slug] = dataset
    return dataset


def datasets() -> list[Dataset]:
    return sorted(_REGISTRY.values(), key=lambda d: d.slug)


def get(slug: str) -> Dataset | None:
    return _REGISTRY.get(slug)


# --- writing -------------------------------------------------------------------------------

_BATCH = 500
CSV_TYPE = "text/csv; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
ZIP_TYPE = "application/zip"
ZIP_NAME = "opendata.zip"


def json_default(value):
    """Decimals as plain digits ("20", never "2E+1"), dates as ISO 8601."""
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _batched(lines: Iterable[str]) -> Iterator[bytes]:
    batch = []
    for line in lines:
        batch.append(line)
        if len(batch) >= _BATCH:
            yield "".join(batch).encode("utf-8")
            batch = []
    if batch:
        yield "".join(batch).encode("utf-8")


def csv_chunks(dataset: Dataset) -> Iterator[bytes]:
    names = dataset.column_names()

    def lines():
        yield csv_line(names)
        for row in dataset.rows():
            yield csv_line([row.get(n) for n in names])

    return _batched(lines())


def json_chunks(dataset: Dataset) -> Iterator[bytes]:
    names = dataset.column_names()
    head = {
        "dataset": dataset.slug,
        "title": str(dataset.title),
        "description": str(dataset.description),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "columns": [
            {"name": c.name, "type": c.type, "description": str(c.description),
             **({"unit": c.unit} if c.unit else {})}
            for c in dataset.columns
        ],
    }
    opening = json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "rows": ['

    def lines():
        yield opening
        separator = "\n"
        for row in dataset.rows():
            yield separator + json.dumps({n: row.get(n) for n in names}, ensure_ascii=False,
                                         default=json_default)
            separator = ",\n"
        yield "\n ]\n}\n"

    return _batched(lines())


FORMATS = {"csv": (csv_chunks, CSV_TYPE), "json": (json_chunks, JSON_TYPE)}


# --- files kept per data version -----------------------------------------------------------


def root() -> Path:
    configured = getattr(settings, "OPENDATA_ROOT", None)
    return Path(configured) if configured else Path(settings.MEDIA_ROOT) / "opendata"


@dataclass(frozen=True)
class Generated:
    path: Path
    gzip_path: Path | None
    etag: str  # the quoted strong ETag of the plain file
    last_modified: datetime
    size: int


_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _write(target: Path, chunks: Iterable[bytes], compress: bool):
    """Write the chunks to `target` (and `target.gz`) through temporary files
    renamed at the end, so a reader never sees half a file; returns the
    sha256 and the size."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    gz_tmp = None
    try:
        with os.fdopen(fd, "wb") as out:
            gz = raw = None
            if compress:
                gz_fd, gz_tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
                raw = os.fdopen(gz_fd, "wb")
                gz = gzip.GzipFile(filename="", mode="wb", compresslevel=6, fileobj=raw, mtime=0)
            try:
                for chunk in chunks:
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                    if gz is not None:
                        gz.write(chunk)
            finally:
                if gz is not None:
                    gz.close()
                    raw.close()
        if gz_tmp is not None:
            os.replace(gz_tmp, str(target) + ".gz")
            gz_tmp = None
        os.replace(tmp, target)
        tmp = None
    finally:
        for leftover in (tmp, gz_tmp):
            if leftover is not None and os.path.exists(leftover):
                os.unlink(leftover)
    return digest.hexdigest(), size


def _prune(directory: Path, keep: str):
    """Remove the files of earlier versions (a reader still holding one open
    keeps reading it)."""
    for path in directory.iterdir():
        if not path.name.startswith((keep, ".tmp-")):
            with contextlib.suppress(OSError):
                path.unlink()


WRITE_WAIT_SECONDS = 30


def _read_meta(meta_path):
    try:
        return json.loads(meta_path.read_text())
    except (OSError, ValueError):
        return None


def _write_with_meta(path, meta_path, chunks, compress):
    sha, size = _write(path, chunks(), compress)
    meta = {"sha256": sha, "size": size}
    fd, tmp = tempfile.mkstemp(dir=meta_path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w") as out:
        json.dump(meta, out)
    os.replace(tmp, meta_path)
    return meta


def _lock(key):
    """True when this request is to write the file (the cache fails open: every
    request writes then, as without the lock)."""
    try:
        return bool(cache.add(key, 1, WRITE_WAIT_SECONDS))
    except Exception:  # noqa: BLE001 - a cache outage must not stop open data
        return True


def _unlock(key):
    with contextlib.suppress(Exception):
        cache.delete(key)


def _wait_for(meta_path):
    deadline = time.monotonic() + WRITE_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.05)
        meta = _read_meta(meta_path)
        if meta is not None:
            return meta
    return None


def generated(name: str, chunks: Callable[[], Iterable[bytes]], *, compress=True,
              version=None) -> Generated | None:
    """The file `name` of the current data version, written on first use.
    None when the data is not committed on this connection (see
    `dataversion.current`): the caller builds it in memory then."""
    if not _NAME.match(name):
        raise ValueError(f"bad file name {name!r}")
    version = version or dataversion.current()
    if version is None:
        return None
    directory = root() / name
    path = directory / version.token
    meta_path = directory / f"{version.token}.meta"
    meta = _read_meta(meta_path)
    if meta is None:
        lock = f"opendata:writing:{name}:{version.token}"
        writer = _lock(lock)
        if not writer:  # another request is writing it: wait for it, rather than write twice
            meta = _wait_for(meta_path)
        if meta is None:
            try:
                meta = _write_with_meta(path, meta_path, chunks, compress)
                _prune(directory, keep=version.token)
            finally:
                if writer:
                    _unlock(lock)
    return _generated_file(name, version, meta, compress)


def _generated_file(name, version, meta, compress):
    path = root() / name / version.token
    return Generated(
        path=path,
        gzip_path=Path(str(path) + ".gz") if compress else None,
        etag=f'"{meta["sha256"][:32]}"',
        last_modified=version.changed_at,
        size=meta["size"],
    )


_ACCEPTS_GZIP = re.compile(r"\bgzip\b(?!\s*;\s*q=0(?:\.0*)?\s*(?:,|$))")


def accepts_gzip(request):
    return bool(_ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))


@dataclass(frozen=True)
class Served:
    """How a generated file is answered: its name under `root()`, the file name
    the client is offered, its type, whether it is shown or downloaded, and
    whether a gzip copy is kept beside it."""

    name: str
    filename: str
    content_type: str
    disposition: str = "inline"
    compress: bool = True


# A data file is never a page: it runs nothing and is framed by nobody. The
# same whether the view or the middleware answered.
FILE_POLICY = "default-src 'none'; frame-ancestors 'none'"


def _headers(response, served, etag=None, last_modified=None):
    response["Content-Disposition"] = f'{served.disposition}; filename="{served.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    response["X-Frame-Options"] = "DENY"
    add_security_headers(response)
    response["Vary"] = "Accept-Encoding"
    if etag:
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified.timestamp())
        # Anyone may keep it, but must ask again (a 304 when unchanged): the
        # next request after a change shows the change.
        response["Cache-Control"] = "public, no-cache"
    else:
        response["Cache-Control"] = "no-store"
    return response


def _file_response(request, made: Generated, served: Served):
    """304 when the client has the file, else the file itself (the gzip copy
    when the client accepts gzip) as a FileResponse, which gunicorn sends with
    sendfile(); None when the file is gone (a newer version pruned it)."""
    use_gzip = served.compress and accepts_gzip(request)
    etag = made.etag[:-1] + '-gz"' if use_gzip else made.etag
    not_modified = get_conditional_response(request, etag=etag,
                                            last_modified=int(made.last_modified.timestamp()))
    if not_modified is not None:
        return _headers(not_modified, served, etag, made.last_modified)
    try:
        handle = open(made.gzip_path if use_gzip else made.path, "rb")  # noqa: SIM115 - closed by FileResponse
    except FileNotFoundError:
        return None
    response = FileResponse(handle, content_type=served.content_type)
    if use_gzip:
        response["Content-Encoding"] = "gzip"
    return _headers(response, served, etag, made.last_modified)


def serve_generated(request, name, chunks, *, filename, content_type,
                    disposition="inline", compress=True):
    """Answer `request` with the file `name` of the current data version:
    304 when the client has it, the gzip copy when the client accepts gzip."""
    served = Served(name, filename, content_type, disposition, compress)
    made = generated(name, chunks, compress=compress)
    response = None if made is None else _file_response(request, made, served)
    if response is None:  # uncommitted data on this connection, or pruned: build, keep nothing
        content = b"".join(chunks())
        response = _headers(HttpResponse(content, content_type=content_type), served)
    return response


# --- answered before sessions, CSRF and auth -----------------------------------------------

# Further generated files the middleware answers: callables giving
# [(URL path, Served)] (core.lkod adds its documents).
_SERVED_PATHS: list[Callable[[], Iterable[tuple[str, Served]]]] = []


def add_served_paths(make):
    _SERVED_PATHS.append(make)
    return make


@add_served_paths
def _dataset_paths():
    from django.urls import reverse

    for dataset in datasets():
        for fmt, (_make, content_type) in FORMATS.items():
            filename = f"{dataset.slug}.{fmt}"
            yield (reverse(f"core:dataset_{fmt}", args=[dataset.slug]),
                   Served(filename, filename, content_type))
    yield reverse("core:dataset_zip"), Served(ZIP_NAME, ZIP_NAME, ZIP_TYPE, "attachment",
                                              compress=False)


class _Written:
    """The meta of the file written last for each name, per process: a token
    names one version for ever, so what was read for it stays true."""

    def __init__(self):
        self._known: dict[str, tuple[str, dict]] = {}

    def meta(self, name, token):
        known = self._known.get(name)
        if known is not None and known[0] == token:
            return known[1]
        meta = _read_meta(root() / name / f"{token}.meta")
        if meta is not None:
            self._known[name] = (token, meta)
        return meta


class OpenDataMiddleware:
    """Answers a GET or HEAD of an open dataset (or another file registered with
    `add_served_paths`) that is already written for the current data version,
    right after WhiteNoise: one query for the version, the file sent by
    sendfile(), none of sessions, CSRF, auth or the page cache's lookup.
    Everything else - the first request after a change, which writes the
    file, uncommitted data, an unknown name - goes on to the view."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._paths = None
        self._written = _Written()

    def paths(self):
        if self._paths is None:
            self._paths = {path: served for make in _SERVED_PATHS for path, served in make()}
        return self._paths

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            served = self.paths().get(request.path)
            if served is not None:
                response = self.answer(request, served)
                if response is not None:
                    return response
        return self.get_response(request)

    def answer(self, request, served):
        version = dataversion.current()
        if version is None:
            return None
        meta = self._written.meta(served.name, version.token)
        if meta is None:
            return None
        return _file_response(request, _generated_file(served.name, version, meta,
                                                       served.compress), served)


def serve_dataset(request, dataset: Dataset, fmt: str):
    make, content_type = FORMATS[fmt]
    filename = f"{dataset.slug}.{fmt}"
    return serve_generated(request, filename, lambda: make(dataset), filename=filename,
                           content_type=content_type)


# --- all datasets as one zip ---------------------------------------------------------------


class _Sink:
    """A write-only file object that hands out what was written, for
    zipfile to stream into."""

    def __init__(self):
        self.buffer = bytearray()
        self.offset = 0

    def write(self, data):
        self.buffer.extend(data)
        self.offset += len(data)
        return len(data)

    def tell(self):
        return self.offset

    def flush(self):
        pass

    def take(self):
        data = bytes(self.buffer)
        self.buffer.clear()
        return data


def zip_chunks(version=None) -> Iterator[bytes]:
    """Every dataset as CSV and JSON in one zip, from the files of the version
    (written first where missing)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for dataset in datasets():
            for fmt, (make, _type) in FORMATS.items():
                filename = f"{dataset.slug}.{fmt}"
                made = generated(filename, lambda d=dataset, m=make: m(d), version=version)
                with archive.open(filename, "w") as member:
                    if made is None:
                        for chunk in make(dataset):
                            member.write(chunk)
                    else:
                        with open(made.path, "rb") as source:
                            shutil.copyfileobj(source, member, 1 << 16)
                yield sink.take()
        for extra_name, extra in zip_extras():
            archive.writestr(extra_name, extra)
            yield sink.take()
    yield sink.take()


# Further members of the zip: callables answering [(name, bytes)], e.g. the
# CSV on the Web metadata of each CSV file.
_ZIP_EXTRAS: list[Callable[[], Iterable[tuple[str, bytes]]]] = []


def add_zip_extra(make):
    _ZIP_EXTRAS.append(make)
    return make


def zip_extras():
    for make in _ZIP_EXTRAS:
        yield from make()


def serve_zip(request):
    version = dataversion.current()
    return serve_generated(request, ZIP_NAME, lambda: zip_chunks(version), filename=ZIP_NAME,
                           content_type=ZIP_TYPE, disposition="attachment", compress=False)


def warm():
    """Write every file of the current version (e.g. from a task after a change)."""
    version = dataversion.current()
    if version is None:
        return 0
    count = 0
    for dataset in datasets():
        for fmt, (make, _type) in FORMATS.items():
            generated(f"{dataset.slug}.{fmt}", lambda d=dataset, m=make: m(d), version=version)
            count += 1
    generated(ZIP_NAME, lambda: zip_chunks(version), compress=False, version=version)
    return count + 1


def path_maker(viewname, sentinel="4242424242"):
    """A function giving the path of `viewname` for one argument, reversed once
    (a dataset of thousands of rows does not reverse thousands of times)."""
    from urllib.parse import quote

    from django.urls import reverse

    template = reverse(viewname, args=[sentinel])
    head, _sep, tail = template.partition(sentinel)
    return lambda value: f"{head}{quote(str(value), safe='')}{tail}"
