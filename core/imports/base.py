"""An importer is a declaration: its columns and sheet, how a read row becomes
a preview row, the checks across rows and against the portal, and `apply`,
which writes every previewed row. The framework (reader, services, views)
does the rest the same way for every importer."""

import gc
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy, ngettext

from core.uploads import XLSX_MAX_BYTES, XLSX_MAX_UNCOMPRESSED, check_xlsx_upload

from .columns import normal
from .numbers import NumberFormat
from .reader import read_sheet

NEW, CHANGED, UNCHANGED, ERROR = "new", "changed", "unchanged", "error"
OUTCOMES = (NEW, CHANGED, UNCHANGED, ERROR)


class ImportRefused(Exception):  # noqa: N818 - it is an answer, not a bug
    """The confirm saves nothing: `errors` say why. A 400 is a confirm that
    should never have been asked (not yours, used, expired); a 409 one that
    the portal's data no longer allows."""

    def __init__(self, errors, status=409):
        super().__init__(errors)
        self.errors = list(errors)
        self.status = status


class ImportChanged(ImportRefused):
    """The portal changed after the preview, so the confirm would no longer do
    what the preview showed."""

    def __init__(self):
        super().__init__([], status=409)


class ImportUnconfirmed(ImportRefused):
    """The preview showed numbers that read differently in the two number
    formats and the user did not confirm them all: nothing is saved, and the
    pending import stays open to be confirmed again."""

    def __init__(self, errors, pending):
        super().__init__(errors, status=409)
        self.pending = pending


@dataclass
class Preview:
    """What an upload would do: one JSON-ready dict per row read (each with
    "row", "outcome" and "errors", and the importer's own keys), and every
    error in row order."""

    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    skipped: int = 0
    number_format: str = ""  # how numbers written as text were read (core.imports.numbers)
    number_format_source: str = ""  # "form", "workbook" or "language" (core.imports.reader)

    def count(self, outcome):
        return sum(1 for row in self.rows if row["outcome"] == outcome)

    @property
    def counts(self):
        return {outcome: self.count(outcome) for outcome in OUTCOMES}

    @property
    def unchanged(self):
        return self.count(UNCHANGED)

    @property
    def to_apply(self):
        return [row for row in self.rows if row["outcome"] in (NEW, CHANGED)]

    @property
    def can_confirm(self):
        return not self.errors and bool(self.to_apply)

    @property
    def number_format_label(self):
        return NumberFormat(self.number_format).label if self.number_format else ""

    @property
    def ambiguous(self):
        """The rows (not in error) with a number the preview asks to confirm."""
        return ambiguous_rows(self.rows)


def ambiguous_rows(rows):
    return [row for row in rows if row.get("ambiguous") and row.get("outcome") != ERROR]


def unconfirmed(rows, confirmed_rows):
    """The refusals of every ambiguous number on a row not in `confirmed_rows`."""
    confirmed = set()
    for number in confirmed_rows or ():
        try:
            confirmed.add(int(number))
        except (TypeError, ValueError):
            continue
    return [item["message"] for row in ambiguous_rows(rows) if row["row"] not in confirmed
            for item in row["ambiguous"]]


# An import makes and drops hundreds of thousands of objects (cells, rows,
# preview dicts, model instances, audit entries) that reference counting frees
# anyway; at Python's default threshold (a collection every 700 new objects)
# the cyclic collector ran over 1,100 times for 10,000 values and took a
# quarter of the import's CPU time (0.9 of 2.7 s; 0.2 s at 50,000).
COLLECT_EVERY = 50_000
_collecting = {"depth": 0, "threshold": None}
_collecting_lock = threading.Lock()


@contextmanager
def fewer_collections():
    """The cyclic garbage collector every COLLECT_EVERY new objects instead of
    every 700 while an import reads, checks or writes; as before once the
    last import running in the process ends."""
    with _collecting_lock:
        if _collecting["depth"] == 0:
            _collecting["threshold"] = gc.get_threshold()
            first, *rest = _collecting["threshold"]
            gc.set_threshold(max(first, COLLECT_EVERY), *rest)
        _collecting["depth"] += 1
    try:
        yield
    finally:
        with _collecting_lock:
            _collecting["depth"] -= 1
            if _collecting["depth"] == 0:
                gc.set_threshold(*_collecting["threshold"])


_IMPORTERS = {}  # name -> the Importer instance, for the worker that applies a confirm


def importer_named(name):
    """The importer a pending import names (a worker has imported no view):
    the apps' `imports` and `imports_definitions` modules declare them."""
    if name not in _IMPORTERS:
        autodiscover_modules("imports", "imports_definitions")
    return _IMPORTERS.get(name)


class Importer:
    """Subclasses declare `name` (stored with every pending import), `columns`
    and `sheet`, and implement `check` and `apply`."""

    name = ""
    columns = ()
    sheet = None  # the preferred sheet's title; otherwise the first sheet is read
    max_rows = 20_000  # filled rows
    max_sheet_rows = 20_000  # rows of any kind read before giving up
    max_columns = None
    # The size of the uploaded file and of what it inflates to (core.uploads);
    # keep max_bytes under MAX_REQUEST_BODY_BYTES, which carries the form too.
    max_bytes = XLSX_MAX_BYTES
    max_uncompressed = XLSX_MAX_UNCOMPRESSED
    column_letters = False  # name columns as "I (Hodnota)" rather than by their header
    presence_columns = None  # a row with none of these filled is empty (default: all)
    input_columns = None  # a row with only context and none of these is skipped
    display_limit = 1000  # rows (and errors) the preview page shows; the rest are counted
    max_age = timedelta(days=1)
    keep_per_user = 5  # previews of one user waiting for a confirm
    rows_template = ""
    unknown_column_message = gettext_lazy("Unknown column.")
    missing_column_message = gettext_lazy("The column is missing.")
    unreadable_message = gettext_lazy("The file is not an XLSX workbook.")
    changed_message = gettext_lazy(
        "The data changed after the preview: the import would now change something other "
        "than what you confirmed. Nothing was saved. Upload the file again to see the "
        "current preview.")
    stale_hint = ""
    # Whether the upload form offers the number format and the reader looks for
    # the workbook's; None: whether any column reads numbers (columns.number).
    reads_numbers = None

    def __init__(self):
        if self.name:
            _IMPORTERS.setdefault(self.name, self)
        self._by_name = {c.name: c for c in self.columns}
        self._by_header = {normal(c.name): c for c in self.columns} | {
            normal(c.header): c for c in self.columns}
        if self.reads_numbers is None:
            self.reads_numbers = any(getattr(c, "reads_numbers", False) for c in self.columns)

    def column(self, name):
        return self._by_name.get(name)

    def check_upload(self, uploaded_file):
        """The bytes of an uploaded workbook within this importer's limits;
        ValidationError with the reason otherwise."""
        return check_xlsx_upload(uploaded_file, max_bytes=self.max_bytes,
                                 max_uncompressed=self.max_uncompressed)

    def column_for_header(self, written):
        return self._by_header.get(normal(written))

    # --- Declared by each importer --------------------------------------------------------

    def scope(self, target):
        """What a pending import is bound to besides its user (e.g. the plan)."""
        return "" if target is None else str(target.pk)

    def target_for(self, scope):
        """The target a pending import's `scope` stands for (the worker that
        applies a confirm gets only the scope); None for none. Raises
        ImportRefused when it is gone."""
        return None

    def progress(self, pending, percent, message):
        """Tell the page of a running import how far `apply` got (core.imports.
        services.pending_import_progress); nothing outside a job."""
        if pending is not None and getattr(pending, "report_progress", None):
            pending.report_progress(percent, message)

    def parse_row(self, row, read):
        """Parse what the columns alone cannot (e.g. a value by its period)."""

    def read_other_sheets(self, read, content):
        """Read the workbook's sheets besides the data sheet (e.g. the plan's
        „Plán“) into `read` for `check`; returns their errors."""
        return []

    def check(self, read, *, actor, target):
        """The preview rows (JSON-ready dicts) of `read.rows` (a SheetRead):
        looked up in the portal, checked across rows, each with its outcome.
        Reads only."""
        raise NotImplementedError

    def apply(self, rows, *, actor, target, pending):
        """Write the NEW and CHANGED rows of `rows` (every row of the stored
        preview; the others tell what the preview relied on), in the caller's
        transaction. Raises ImportRefused with the rows that can no longer be
        written, or ImportChanged. Returns the count written."""
        raise NotImplementedError

    def display_rows(self, preview):
        """The rows as the preview page shows them."""
        return preview.rows

    def confirm_label(self, count):
        return ngettext("Confirm and save %(counter)s row", "Confirm and save %(counter)s rows",
                        count) % {"counter": count}

    def saved_message(self, count, pending):
        return ngettext("The import was saved: %(count)d row.",
                        "The import was saved: %(count)d rows.", count) % {"count": count}

    # --- The same for every importer --------------------------------------------------------

    def preview(self, content, *, actor, target=None, number_format=None):
        """Read and check an upload (bytes), numbers written as text in
        `number_format` (else as the workbook states, else as the language
        reads them). Reads only. Each row's ambiguous numbers (SheetRow.
        ambiguous, from number columns and `parse_row`) come as its
        "ambiguous" list."""
        read = read_sheet(self, content, number_format=number_format)
        formats = {"number_format": str(read.number_format),
                   "number_format_source": read.number_format_source}
        if read.errors:
            return Preview(errors=list(read.errors), skipped=read.skipped, **formats)
        for row in read.rows:
            self.parse_row(row, read)
        errors = list(self.read_other_sheets(read, content))
        # Before the check, which may let go of the sheet's rows (reader.drain).
        ambiguous = {row.number: row.ambiguous for row in read.rows if row.ambiguous}
        rows = self.check(read, actor=actor, target=target)
        for row in rows:
            if row.get("row") in ambiguous:
                row.setdefault("ambiguous", ambiguous[row["row"]])
        errors += [e for row in rows for e in row["errors"]]
        return Preview(rows=rows, errors=errors, skipped=read.skipped, **formats)
