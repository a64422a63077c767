"""Officers upload an edited plan sheet (the XLSX export): upload → preview →
confirm.

* GET  /plans/<code>/edit/import/          the upload form.
* POST /plans/<code>/edit/import/          checks the file (core.uploads), runs
  the import as a dry run (planning.plan_xlsx) and shows what would change,
  row by row, with every error naming the row and the column. Nothing is saved.
  Without errors, the file is kept for the confirmation and a Confirm button
  is shown.
* POST /plans/<code>/edit/import/confirm/  runs the same import for real.

Between preview and confirm the file is kept outside the public static path,
in MEDIA_ROOT/imports/<uuid>.xlsx (never served). The uuid is known only to
the session that uploaded it, bound there to the user and the plan, together
with the file's checksum and a fingerprint of the previewed changes; the
confirm refuses any other id and deletes the file whatever the outcome.

What is saved is exactly what was previewed: the confirm runs inside one
transaction and is rolled back when its changes differ from the preview (the
plan changed meanwhile). Rows edited in the portal after the export are
refused by the import's own version checks. Either way nothing is saved and
the officer is told why.

The business rules live in plan_xlsx and core.uploads; this module only
orchestrates. Gated by accounts.permissions.can_edit_plan.
"""

import hashlib
import io
import json
import logging
import os
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from core.exports import XLSX_CONTENT_TYPE
from core.uploads import XLSX_MAX_BYTES, check_xlsx_upload

from .. import xlsx as plan_xlsx
from .editor import TEMPLATES, PlanEditorMixin

logger = logging.getLogger(__name__)

SESSION_KEY = "plan_imports"
PENDING_PER_SESSION = 3
PENDING_MAX_AGE = 24 * 3600  # seconds; older files are removed at the next upload


class PlanImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Edited plan sheet (XLSX)"),
        allow_empty_file=True,  # core.uploads says "The file is empty." itself
        widget=forms.FileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.content = check_xlsx_upload(upload)
        return upload


# --- The file between preview and confirm ------------------------------------------------


def _imports_dir():
    return Path(settings.MEDIA_ROOT) / "imports"


def _path(token):
    return _imports_dir() / f"{token}.xlsx"


def _valid_token(value):
    try:
        return uuid.UUID(str(value)).hex == value
    except ValueError:
        return False


def _remove(token):
    try:
        _path(token).unlink(missing_ok=True)
    except OSError:  # pragma: no cover - nothing to do about it now
        logger.warning("could not remove pending import %s", token)


def _remove_stale_files():
    """Files of sessions that never confirmed (logged out, closed the tab)."""
    folder = _imports_dir()
    if not folder.is_dir():
        return
    limit = time.time() - PENDING_MAX_AGE
    for path in folder.glob("*.xlsx"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:  # pragma: no cover - another process removed it
            continue


def store_pending(request, plan, content, fingerprint):
    """Keep the previewed file for the confirmation; returns its id."""
    _remove_stale_files()
    pending = dict(request.session.get(SESSION_KEY, {}))
    # A session keeps only its few latest uploads.
    for old in sorted(pending, key=lambda t: pending[t].get("created", 0))[
            :max(0, len(pending) - PENDING_PER_SESSION + 1)]:
        pending.pop(old)
        _remove(old)
    token = uuid.uuid4().hex
    folder = _imports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(_path(token), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    pending[token] = {
        "plan": plan.pk,
        "user": request.user.pk,
        "sha256": hashlib.sha256(content).hexdigest(),
        "fingerprint": fingerprint,
        "created": time.time(),
    }
    request.session[SESSION_KEY] = pending
    return token


@dataclass
class Pending:
    content: bytes
    fingerprint: str


def take_pending(request, plan, token):
    """The file previewed under `token` by this user, in this session, for
    this plan; None for any other id. The file is gone afterwards."""
    if not isinstance(token, str) or not _valid_token(token):
        return None
    pending = dict(request.session.get(SESSION_KEY, {}))
    entry = pending.get(token)
    if entry is None or entry.get("plan") != plan.pk or entry.get("user") != request.user.pk:
        return None
    pending.pop(token)
    request.session[SESSION_KEY] = pending
    try:
        content = _path(token).read_bytes()
    except OSError:
        return None
    finally:
        _remove(token)
    if hashlib.sha256(content).hexdigest() != entry.get("sha256"):
        return None
    return Pending(content, entry.get("fingerprint", ""))


# --- Presentation ------------------------------------------------------------------------


def fingerprint(result):
    """What a run would change, as one hash: the confirm must change the same."""
    rows = sorted(
        (change.row, change.item.pk, sorted(change.changes.items()))
        for change in result.changes
    )
    text = json.dumps(rows, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _show(value):
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, date):
        return date_format(value, "j. n. Y")
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def preview_rows(result):
    rows = []
    for change in sorted(result.changes, key=lambda c: c.row):
        item = change.item
        code = change.changes["code"][0] if "code" in change.changes else item.code
        title = change.changes["title"][0] if "title" in change.changes else item.title
        rows.append({
            "row": change.row,
            "code": code,
            "title": title,
            "fields": [
                {"column": name, "description": plan_xlsx.BY_NAME[name].description,
                 "old": _show(old), "new": _show(new)}
                for name, (old, new) in change.changes.items()
            ],
        })
    return rows


def run_import(*, actor, plan, content, dry_run):
    """plan_import_xlsx, with any failure to read the file as an error: an
    upload never makes a 500."""
    try:
        return plan_xlsx.plan_import_xlsx(actor=actor, plan=plan, file=io.BytesIO(content),
                                          dry_run=dry_run)
    except Exception:  # noqa: BLE001 - a malformed workbook must not crash the page
        logger.warning("plan import of %s could not read the file", plan.code, exc_info=True)
        result = plan_xlsx.ImportResult(dry_run=dry_run)
        result.errors.append(plan_xlsx.RowError(None, None, _(
            "The file could not be read as a plan sheet. Export the plan again and edit "
            "that file.")))
        return result


# --- Views -------------------------------------------------------------------------------


class ImportPageMixin(PlanEditorMixin):
    template_name = TEMPLATES + "import_form.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Import %(plan)s from XLSX") % {"plan": self.plan})
        kwargs.setdefault("form", PlanImportForm())
        kwargs.setdefault("columns", list(plan_xlsx.COLUMNS))
        kwargs.setdefault("max_size", XLSX_MAX_BYTES)
        kwargs.setdefault("confirm_url", reverse("planning:plan_import_confirm",
                                                 args=[self.plan.code]))
        kwargs.setdefault("export_url", reverse("planning:plan_export_xlsx",
                                                args=[self.plan.code]))
        return super().get_context_data(**kwargs)

    def render_result(self, result, *, form=None, token=None, confirmed=False, status=200,
                      **extra):
        context = self.get_context_data(
            form=form or PlanImportForm(), result=result, rows=preview_rows(result),
            token=token, confirmed=confirmed, **extra,
        )
        return self.render_to_response(context, status=status)


class PlanImportView(ImportPageMixin, TemplateView):
    """The upload form (GET) and the preview of an upload (POST)."""

    def post(self, request, *args, **kwargs):
        form = PlanImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        result = run_import(actor=request.user, plan=self.plan, content=form.content,
                            dry_run=True)
        token = None
        if not result.errors and result.changes:
            token = store_pending(request, self.plan, form.content, fingerprint(result))
        return self.render_result(result, token=token,
                                  file_name=os.path.basename(form.cleaned_data["file"].name))


class PlanImportConfirmView(ImportPageMixin, TemplateView):
    """Save what the preview showed (POST only)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        pending = take_pending(request, self.plan, request.POST.get("upload"))
        if pending is None:
            return self.render_to_response(self.get_context_data(refused=_(
                "This upload cannot be confirmed: it is not yours, belongs to another plan, "
                "was already used or has expired. Nothing was saved; upload the file again.")),
                status=400)
        try:
            check_xlsx_upload(ContentFile(pending.content))
        except ValidationError:  # pragma: no cover - it was checked before it was kept
            return self.render_to_response(self.get_context_data(refused=_(
                "The kept file is no longer valid. Nothing was saved; upload it again.")),
                status=400)
        changed_meanwhile = False
        with transaction.atomic():
            result = run_import(actor=request.user, plan=self.plan, content=pending.content,
                                dry_run=False)
            if result.saved and fingerprint(result) != pending.fingerprint:
                transaction.set_rollback(True)
                changed_meanwhile = True
        if changed_meanwhile:
            return self.render_result(result, status=409, confirmed=True, changed_meanwhile=True)
        if result.errors or not result.saved:
            return self.render_result(result, status=409, confirmed=True)
        messages.success(request, _(
            "The import was saved: %(count)d items changed.") % {"count": len(result.changes)})
        return HttpResponseRedirect(self.editor_url())

