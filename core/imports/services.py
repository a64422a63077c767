"""Preview and confirm, the same for every importer.

`pending_import_preview` reads and checks an upload and, when it can be
confirmed, keeps it as a PendingImport with its rows exactly as previewed.
`pending_import_confirm` applies those stored rows - not the file read again -
in one transaction, after checking that the pending import is the user's, for
this target and session, still previewed (locked, so a second confirm waits
and is refused), not expired, and that the kept file is still the one whose
checksum was previewed. Anything refused saves nothing.

A number the two number formats read differently (core.imports.numbers) must
be confirmed per row: the confirm is given the rows the user ticked, and
while any ambiguous row is not among them it is refused with
`ImportUnconfirmed` (naming row and column) and the preview stays open."""

import hashlib
import json
import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from core.uploads import check_xlsx_upload

from . import storage
from .base import (
    CHANGED,
    ERROR,
    NEW,
    ImportChanged,
    ImportRefused,
    ImportUnconfirmed,
    Preview,
    importer_named,
    unconfirmed,
)
from .columns import RowError
from .models import PendingImport, PendingImportState

logger = logging.getLogger(__name__)

# Finished pending imports stay this long as a record of who imported what.
RETAIN = timedelta(days=90)


def checksum(content):
    return hashlib.sha256(content).hexdigest()


def _session_hash(session_key):
    return hashlib.sha256(session_key.encode()).hexdigest() if session_key else ""


def _json(rows):
    """The rows as they come back from the database."""
    return json.loads(json.dumps(rows, cls=DjangoJSONEncoder))


def refused_message():
    return _("This import cannot be confirmed: it is not yours, was already confirmed, has "
             "expired or has nothing to save. Nothing was saved; upload the file again.")


def read_preview(*, importer, actor, content, target=None, number_format=None):
    """importer.preview, with a failure to read the file as its one error: an
    upload never makes a 500."""
    try:
        if number_format:
            return importer.preview(content, actor=actor, target=target,
                                    number_format=number_format)
        return importer.preview(content, actor=actor, target=target)
    except Exception:  # noqa: BLE001 - a malformed workbook must not crash the page
        logger.warning("%s import could not read the file", importer.name, exc_info=True)
        return Preview(errors=[RowError(None, None, importer.unreadable_message)])


def pending_imports_expire(*, importer=None, user=None):
    """Previews past their expiry, and a user's previews beyond the importer's
    `keep_per_user`, expire (their files go); finished ones older than RETAIN
    are deleted."""
    now = timezone.now()
    waiting = PendingImport.objects.filter(state=PendingImportState.PREVIEWED)
    stale = set(waiting.filter(expires_at__lte=now).values_list("pk", flat=True))
    if importer is not None and user is not None:
        mine = waiting.filter(importer=importer.name, created_by=user).order_by("-created_at")
        stale |= set(mine.values_list("pk", flat=True)[max(importer.keep_per_user - 1, 0):])
    for pk in stale:
        storage.remove(pk)
    PendingImport.objects.filter(pk__in=stale, state=PendingImportState.PREVIEWED).update(
        state=PendingImportState.EXPIRED)
    PendingImport.objects.filter(created_at__lt=now - RETAIN).exclude(
        state=PendingImportState.PREVIEWED).delete()


def pending_import_preview(*, importer, actor, content, file_name, target=None, session_key="",
                           number_format=None):
    """(preview, pending): the pending import is None unless the preview can be
    confirmed. `number_format`: the upload form's choice (None: the workbook's)."""
    preview = read_preview(importer=importer, actor=actor, content=content, target=target,
                           number_format=number_format)
    if not preview.can_confirm:
        return preview, None
    with transaction.atomic():
        pending_imports_expire(importer=importer, user=actor)
        pending = PendingImport(
            importer=importer.name, created_by=actor, scope=importer.scope(target),
            session=_session_hash(session_key), file_name=file_name[:200],
            checksum=checksum(content), preview=_json(preview.rows),
            number_format=preview.number_format if importer.reads_numbers else "",
            expires_at=timezone.now() + importer.max_age,
        )
        pending.full_clean()
        pending.save()
        storage.keep(pending.pk, content)
    return preview, pending


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _lock_confirmable(*, importer, actor, pk, target, session_key, confirmed_rows, outcome):
    """The pending import `pk`, locked, when the user may confirm it now; else
    a refusal. `outcome["ends"]`: the state a refusal from here on leaves it in."""
    pending = (PendingImport.objects.select_for_update()
               .filter(pk=pk, importer=importer.name).first())
    if (pending is None or pending.created_by_id != actor.pk
            or pending.state != PendingImportState.PREVIEWED
            or pending.scope != importer.scope(target)
            or pending.session != _session_hash(session_key)):
        raise ImportRefused([refused_message()], status=400)
    outcome["pending"] = pending
    outcome["ends"] = PendingImportState.EXPIRED
    if pending.expires_at <= timezone.now():
        raise ImportRefused([refused_message()], status=400)
    missing = unconfirmed(pending.preview, confirmed_rows)
    if missing:
        raise ImportUnconfirmed(missing, pending)
    outcome["ends"] = PendingImportState.FAILED
    _check_file(pending)
    rows = [row for row in pending.preview if row.get("outcome") in (NEW, CHANGED)]
    if not rows or any(row.get("outcome") == ERROR for row in pending.preview):
        raise ImportRefused([refused_message()], status=400)
    pending.confirmed_rows = sorted(row["row"] for row in pending.preview if row.get("ambiguous"))
    return pending


def _refused(pk, outcome, refusal):
    """A refused confirm: the pending import ends (expired, failed) unless it
    only waits for numbers to be confirmed; its file goes."""
    ends = outcome.get("ends")
    if ends is not None and not isinstance(refusal, ImportUnconfirmed):
        refusal.pending = outcome.get("pending")
        PendingImport.objects.filter(pk=pk, state=PendingImportState.PREVIEWED).update(
            state=ends, errors=[str(e) for e in refusal.errors])
        storage.remove(pk)


def pending_import_confirm(*, importer, actor, pending_id, target=None, session_key="",
                           confirmed_rows=()):
    """Apply the rows previewed under `pending_id` right here; returns
    (pending, count). `confirmed_rows`: the sheet rows whose ambiguous numbers
    the user confirmed. Raises ImportRefused (ImportChanged) when nothing was
    saved; ImportUnconfirmed leaves the pending import open to confirm again.
    The pages start a job instead (pending_import_confirm_start)."""
    pk = _uuid(pending_id)
    if pk is None:
        raise ImportRefused([refused_message()], status=400)
    outcome = {}
    try:
        with transaction.atomic():
            pending = _lock_confirmable(importer=importer, actor=actor, pk=pk, target=target,
                                        session_key=session_key, confirmed_rows=confirmed_rows,
                                        outcome=outcome)
            count = importer.apply(pending.preview, actor=actor, target=target, pending=pending)
            now = timezone.now()
            pending.state = PendingImportState.CONFIRMED
            pending.confirmed_at = pending.finished_at = now
            pending.progress, pending.saved_count = 100, count
            pending.save(update_fields=["state", "confirmed_at", "finished_at", "progress",
                                        "saved_count", "confirmed_rows"])
    except ImportRefused as refusal:
        _refused(pk, outcome, refusal)
        raise
    storage.remove(pk)
    return pending, count


# --- The confirm as a background job ----------------------------------------------------

# A queued import that no worker took within this time is sent again.
REQUEUE_AFTER = timedelta(minutes=10)


def _progress_key(pk):
    return f"imports:progress:{pk}"


def _enqueue(pending_id):
    from .tasks import apply_pending_import

    sent_at = timezone.now()
    try:
        apply_pending_import.delay(str(pending_id))
    except Exception:  # noqa: BLE001 - broker down: the job stays queued for the requeue
        logger.warning("import %s could not be sent to the workers; it stays queued",
                       pending_id, exc_info=True)
        return
    # Not filtered on state: a fast (or eager) worker may be done already.
    PendingImport.objects.filter(pk=pending_id).update(enqueued_at=sent_at)


def pending_import_confirm_start(*, importer, actor, pending_id, target=None, session_key="",
                                 confirmed_rows=(), done_url=""):
    """The confirm of the pages: the same checks as `pending_import_confirm`
    (and the same refusals, at once), then the pending import becomes a
    queued job that a Celery worker applies (`pending_import_apply`) once
    this transaction commits. Returns the pending import. `done_url`: the
    page its job page leads on to once saved."""
    pk = _uuid(pending_id)
    if pk is None:
        raise ImportRefused([refused_message()], status=400)
    outcome = {}
    try:
        with transaction.atomic():
            pending = _lock_confirmable(importer=importer, actor=actor, pk=pk, target=target,
                                        session_key=session_key, confirmed_rows=confirmed_rows,
                                        outcome=outcome)
            pending.state = PendingImportState.QUEUED
            pending.language = (get_language() or "")[:10]
            pending.done_url = str(done_url or "")[:300]
            pending.progress = 0
            pending.progress_message = _("Waiting for a worker")
            pending.save(update_fields=["state", "language", "done_url", "progress",
                                        "progress_message", "confirmed_rows"])
            transaction.on_commit(lambda: _enqueue(pk))
    except ImportRefused as refusal:
        _refused(pk, outcome, refusal)
        raise
    return pending


def _record_progress(pk, percent, message):
    """Progress made inside the apply's transaction, which nobody else sees
    before it commits: the cache carries it to the job's page."""
    cache.set(_progress_key(pk), [min(int(percent), 99), str(message)[:200]], 3600)


def pending_import_progress(pending):
    """(percent, message) of a job, the apply's latest word while it runs."""
    if pending.state == PendingImportState.RUNNING:
        recorded = cache.get(_progress_key(pending.pk))
        if recorded and recorded[0] >= pending.progress:
            return recorded[0], recorded[1]
    return pending.progress, pending.progress_message


def _failed(pk, errors):
    """The job ends failed with `errors` (strings); nothing was saved."""
    now = timezone.now()
    PendingImport.objects.filter(
        pk=pk, state__in=[PendingImportState.QUEUED, PendingImportState.RUNNING]).update(
        state=PendingImportState.FAILED, errors=[str(e) for e in errors][:1000],
        finished_at=now, progress_message=_("Nothing was saved"))
    storage.remove(pk)
    cache.delete(_progress_key(pk))


def pending_import_failed(*, pending_id, error):
    """The task gave up (an error it did not expect, a time limit)."""
    _failed(pending_id, [_("The import could not be saved (%(error)s). Nothing was saved; "
                           "upload the file again.") % {"error": str(error)[:300]}])


def pending_import_apply(*, pending_id):
    """What the worker runs for a queued import: the stored rows applied by the
    importer in ONE transaction (the same `apply` as `pending_import_confirm`),
    the job row kept up to date (running, progress, confirmed or failed with
    the errors, naming row and column). Safe to run again: a job that is no
    longer queued or running is left as it is; a run cut off (a lost worker)
    saved nothing and runs again. Returns the pending import, None if gone."""
    with transaction.atomic():
        pending = PendingImport.objects.select_for_update().filter(pk=pending_id).first()
        if pending is None or pending.state not in (PendingImportState.QUEUED,
                                                    PendingImportState.RUNNING):
            return pending
        pending.state = PendingImportState.RUNNING
        pending.started_at = pending.started_at or timezone.now()
        pending.attempts += 1
        pending.progress = 5
        pending.progress_message = _("Checking the file")
        pending.save(update_fields=["state", "started_at", "attempts", "progress",
                                    "progress_message"])
    with translation.override(pending.language or settings.LANGUAGE_CODE):
        return _apply_job(pending)


def _apply_job(pending):
    pk = pending.pk
    importer = importer_named(pending.importer)
    try:
        if importer is None:
            raise ImportRefused([_("This kind of import is no longer known.")])
        with transaction.atomic():
            pending = (PendingImport.objects.select_for_update().select_related("created_by")
                       .get(pk=pk))
            if pending.state != PendingImportState.RUNNING:  # another delivery was first
                return pending
            _check_file(pending)
            target = importer.target_for(pending.scope)
            count = len([row for row in pending.preview
                         if row.get("outcome") in (NEW, CHANGED)])
            pending.report_progress = lambda percent, message: _record_progress(
                pk, percent, message)
            importer.progress(pending, 10, ngettext("Saving %(count)d row",
                                                    "Saving %(count)d rows", count) % {
                                                        "count": count})
            count = importer.apply(pending.preview, actor=pending.created_by, target=target,
                                   pending=pending)
            now = timezone.now()
            pending.state = PendingImportState.CONFIRMED
            pending.confirmed_at = pending.finished_at = now
            pending.progress, pending.saved_count = 100, count
            pending.progress_message = _("Saved")
            pending.errors = []
            pending.save(update_fields=["state", "confirmed_at", "finished_at", "progress",
                                        "saved_count", "progress_message", "errors"])
    except ImportChanged:
        _failed(pk, [importer.changed_message])
    except ImportRefused as refusal:
        _failed(pk, refusal.errors)
    except Exception as error:
        logger.exception("import %s could not be saved", pk)
        pending_import_failed(pending_id=pk, error=type(error).__name__)
    else:
        storage.remove(pk)
        cache.delete(_progress_key(pk))
    return PendingImport.objects.filter(pk=pk).first()


def pending_imports_requeue(*, now=None):
    """Send again the confirmed imports no worker took: never sent (the
    broker was down) or sent too long ago."""
    now = now or timezone.now()
    waiting = PendingImport.objects.filter(
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - REQUEUE_AFTER),
        state=PendingImportState.QUEUED)
    ids = list(waiting.values_list("pk", flat=True))
    for pk in ids:
        _enqueue(pk)
    return len(ids)


def _check_file(pending):
    content = storage.read(pending.pk)
    if content is None or checksum(content) != pending.checksum:
        raise ImportRefused([_("The kept file is no longer the one you previewed. Nothing was "
                               "saved; upload it again.")], status=400)
    try:
        check_xlsx_upload(ContentFile(content))
    except ValidationError:  # pragma: no cover - it was checked before it was kept
        raise ImportRefused([_("The kept file is no longer valid. Nothing was saved; upload "
                               "it again.")], status=400) from None


def import_file(*, importer, actor, content, target=None, number_format=None,
                confirmed_rows=()):
    """Preview and, when nothing is wrong, apply at once in one transaction (for
    commands and tests; people go through preview and confirm). Returns the
    preview with any refusal of the apply among its errors; an ambiguous
    number on a row not in `confirmed_rows` is one, and nothing is saved."""
    preview = read_preview(importer=importer, actor=actor, content=content, target=target,
                           number_format=number_format)
    if not preview.can_confirm:
        return preview
    missing = unconfirmed(preview.rows, confirmed_rows)
    if missing:
        preview.errors.extend(missing)
        return preview
    try:
        with transaction.atomic():
            importer.apply(_json(preview.rows), actor=actor, target=target, pending=None)
    except ImportChanged:
        preview.errors.append(RowError(None, None, importer.changed_message))
    except ImportRefused as refusal:
        preview.errors.extend(refusal.errors)
    return preview
