"""Upload → preview → confirm pages, the same for every importer. An app's
views add their gate (a RuleRequiredMixin), `importer`, `template_name` (its
page, which includes core/imports/preview.html) and the URLs."""

import logging
import os

from django import forms
from django.contrib import messages
from django.db import DatabaseError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.exports import XLSX_CONTENT_TYPE
from core.views import RuleRequiredMixin

from .base import (
    ERROR,
    ImportChanged,
    ImportRefused,
    ImportUnconfirmed,
    Preview,
    importer_named,
)
from .models import PendingImport, PendingImportState
from .numbers import NumberFormat
from .services import (
    pending_import_confirm_start,
    pending_import_for_page,
    pending_import_progress,
    pending_import_upload,
    refused_message,
    stored_preview,
)

logger = logging.getLogger(__name__)


class ImportForm(forms.Form):
    file = forms.FileField(
        allow_empty_file=True,  # core.uploads says "The file is empty." itself
        widget=forms.FileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )

    # Offered when the importer reads numbers (Importer.reads_numbers).
    number_format = forms.ChoiceField(
        label=gettext_lazy("Number format"), required=False,
        choices=[("", gettext_lazy("As the workbook states it (sheet “Návod”)")),
                 *NumberFormat.choices],
        help_text=gettext_lazy(
            "How numbers typed as text are read. A number that reads differently in the two "
            "formats (e.g. 83,511 or 1.234) is shown in the preview for you to confirm."))

    def __init__(self, *args, importer, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.importer = importer
        numbers = importer.reads_numbers
        self.fields["file"].label = label
        if not numbers:
            del self.fields["number_format"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.content = self.importer.check_upload(upload)
        return upload


def _file_name(upload):
    name = os.path.basename(str(getattr(upload, "name", "") or "")).strip()
    return name[:200] or "import.xlsx"


def _shown_rows(rows, limit):
    """At most `limit` of the preview's rows, in their order: the rows to look
    at (errors, numbers to confirm) first, then the others from the top. A
    file of 100,000 rows must not make a page of 100,000 table rows."""
    if len(rows) <= limit:
        return rows
    wanted = [i for i, row in enumerate(rows) if isinstance(row, dict) and (
        row.get("outcome") == ERROR or row.get("ambiguous"))][:limit]
    chosen = set(wanted)
    for index in range(len(rows)):
        if len(chosen) >= limit:
            break
        chosen.add(index)
    return [rows[i] for i in sorted(chosen)]


class ImportPageMixin:
    importer = None  # an Importer instance
    file_label = gettext_lazy("File (XLSX)")

    def import_target(self):
        return None

    def confirm_url(self, pending):
        raise NotImplementedError

    def cancel_url(self):
        raise NotImplementedError

    def done_url(self):
        return self.cancel_url()

    def form(self, *args):
        return ImportForm(*args, importer=self.importer, label=self.file_label)

    def session_key(self):
        if not self.request.session.session_key:
            self.request.session.save()
        return self.request.session.session_key

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.form())
        kwargs.setdefault("importer", self.importer)
        kwargs.setdefault("columns", self.importer.columns)
        kwargs.setdefault("max_size", self.importer.max_bytes)
        kwargs.setdefault("max_rows", self.importer.max_rows)
        kwargs.setdefault("cancel_url", self.cancel_url())
        preview = kwargs.get("preview")
        if preview is not None:
            rows = self.importer.display_rows(preview)
            shown = _shown_rows(rows, self.importer.display_limit)
            kwargs.setdefault("rows", shown)
            kwargs.setdefault("rows_hidden", len(rows) - len(shown))
            kwargs.setdefault("errors_shown", preview.errors[:self.importer.display_limit])
            kwargs.setdefault("errors_hidden",
                              max(0, len(preview.errors) - self.importer.display_limit))
            kwargs.setdefault("counts", preview.counts)
        pending = kwargs.get("pending")
        if pending is not None:
            kwargs.setdefault("confirm_url", self.confirm_url(pending))
            kwargs.setdefault("confirm_label",
                              self.importer.confirm_label(len(preview.to_apply)))
        return super().get_context_data(**kwargs)


class ImportPreviewView(ImportPageMixin, TemplateView):
    """The upload form (GET); an upload (POST) is kept and its check queued
    for a Celery worker (services.pending_import_upload) - the request reads
    nothing of the sheet - and the user goes to the upload's page (GET
    `?upload=<id>`): its progress while it is checked (static/js/
    job-progress.js reloads it), then the preview with the confirm button,
    or every error. Nothing is saved."""

    def get(self, request, *args, **kwargs):
        if "upload" not in request.GET:
            return super().get(request, *args, **kwargs)
        pending = pending_import_for_page(
            importer=self.importer, actor=request.user, pending_id=request.GET["upload"],
            target=self.import_target(), session_key=self.session_key())
        if pending is None:
            raise Http404
        if pending.state in JOB_STATES:  # confirmed: its job's page
            return HttpResponseRedirect(reverse("core:import_job", args=[pending.pk]))
        return self.render_upload(pending)

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        pending = pending_import_upload(
            importer=self.importer, actor=request.user, content=form.content,
            file_name=_file_name(form.cleaned_data["file"]), target=self.import_target(),
            session_key=self.session_key(),
            number_format=form.cleaned_data.get("number_format") or None)
        pending.refresh_from_db()
        if pending.is_checked:  # checked already (an eager Celery): show it at once
            return self.render_upload(pending)
        return HttpResponseRedirect(self.upload_url(pending))

    def upload_url(self, pending):
        return f"{self.request.path}?{urlencode({'upload': pending.pk})}"

    def render_upload(self, pending):
        if pending.state == PendingImportState.VALIDATING:
            progress, message = pending_import_progress(pending)
            return self.render_to_response(self.get_context_data(
                checking=pending, progress=progress, progress_message=message))
        if pending.state not in (PendingImportState.PREVIEWED, PendingImportState.INVALID):
            return self.render_to_response(self.get_context_data(refused=[refused_message()]))
        return self.render_to_response(self.get_context_data(
            preview=stored_preview(pending), file_name=pending.file_name,
            pending=pending if pending.state == PendingImportState.PREVIEWED else None))


class ImportConfirmView(ImportPageMixin, TemplateView):
    """Save what the preview showed (POST only): the checks at once, the save
    in the background (a Celery task); the user goes to the job's page, which
    shows its progress and leads on to `done_url` once it is saved."""

    http_method_names = ["post"]

    def pending_id(self):
        return self.request.POST.get("upload")

    def confirmed_rows(self):
        """The rows whose ambiguous numbers were confirmed (preview checkboxes)."""
        return self.request.POST.getlist("confirm_number")[:100_000]

    def post(self, request, *args, **kwargs):
        pending_id = self.pending_id()
        try:
            pending = pending_import_confirm_start(
                importer=self.importer, actor=request.user, pending_id=pending_id,
                target=self.import_target(), session_key=self.session_key(),
                confirmed_rows=self.confirmed_rows(), done_url=self.done_url())
        except ImportUnconfirmed as refusal:
            return self.unconfirmed(refusal)
        except ImportChanged as refusal:
            return self.refused(refusal, changed_meanwhile=True)
        except ImportRefused as refusal:
            return self.refused(refusal)
        except DatabaseError:
            logger.exception("%s import %s could not be saved", self.importer.name, pending_id)
            return self.render_to_response(self.get_context_data(refused=[_(
                "The import could not be saved. Nothing was saved; try again.")]), status=409)
        return HttpResponseRedirect(reverse("core:import_job", args=[pending.pk]))

    def unconfirmed(self, refusal):
        """The preview again, still confirmable, with the numbers to confirm."""
        pending = refusal.pending
        preview = Preview(rows=pending.preview, number_format=pending.number_format)
        return self.render_to_response(self.get_context_data(
            preview=preview, pending=pending, file_name=pending.file_name,
            unconfirmed=refusal.errors, confirmed_rows=self.confirmed_rows()),
            status=refusal.status)

    def refused(self, refusal, **context):
        if refusal.status == 400:
            return self.render_to_response(self.get_context_data(refused=refusal.errors),
                                           status=400)
        pending = getattr(refusal, "pending", None)
        preview = Preview(rows=pending.preview if pending else [], errors=refusal.errors)
        return self.render_to_response(self.get_context_data(
            preview=preview, confirmed=True, file_name=pending.file_name if pending else "",
            **context), status=refusal.status)


# --- The job of a confirmed import ------------------------------------------------------


def _signed_in(user):
    return user.is_authenticated


JOB_STATES = (PendingImportState.QUEUED, PendingImportState.RUNNING,
              PendingImportState.CONFIRMED, PendingImportState.FAILED)
CHECKED_STATES = (PendingImportState.PREVIEWED, PendingImportState.INVALID,
                  PendingImportState.EXPIRED)


class ImportJobMixin(RuleRequiredMixin):
    """A confirmed import's job, for the user who confirmed it (anyone else:
    404)."""

    rule = staticmethod(_signed_in)
    states = JOB_STATES

    def job(self):
        pending = (PendingImport.objects.filter(pk=self.kwargs["pk"], state__in=self.states,
                                                created_by=self.request.user)
                   .defer("preview").first())
        if pending is None:
            raise Http404
        return pending


def _payload(pending):
    progress, message = pending_import_progress(pending)
    return {
        "status": pending.state,
        "status_label": str(pending.get_state_display()),
        "progress": progress,
        "message": message,
        # An upload's check is over once it is checked: its page shows the preview.
        "finished": pending.is_finished or pending.state in CHECKED_STATES,
        "error": " ".join(str(e) for e in pending.errors[:20]),
    }


class ImportJobView(ImportJobMixin, TemplateView):
    """Its progress (polled by static/js/job-progress.js; a reload without
    JavaScript); once saved, the page the import leads to with the message
    of what was saved; failed, every error and that nothing was saved."""

    template_name = "core/imports/job.html"

    def get(self, request, *args, **kwargs):
        pending = self.job()
        done = pending.done_url
        if (pending.state == PendingImportState.CONFIRMED and done
                and url_has_allowed_host_and_scheme(done, allowed_hosts=None)):
            importer = importer_named(pending.importer)
            if importer is not None:
                messages.success(request, importer.saved_message(pending.saved_count or 0,
                                                                  pending))
            return HttpResponseRedirect(done)
        progress, message = pending_import_progress(pending)
        return self.render_to_response(self.get_context_data(
            job=pending, progress=progress, progress_message=message,
            importer=importer_named(pending.importer),
            title=_("Import of %(file)s") % {"file": pending.file_name}))


class ImportJobProgressView(ImportJobMixin, View):
    """The progress of a job, and of an upload's check (its page polls it)."""

    states = (PendingImportState.VALIDATING, *CHECKED_STATES, *JOB_STATES)

    def get(self, request, *args, **kwargs):
        response = JsonResponse(_payload(self.job()))
        response["Cache-Control"] = "no-store"
        return response
