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

from . import storage
from .base import (
    CHANGED,
    ERROR,
    NEW,
    ImportChanged,
    ImportRefused,
    ImportUnconfirmed,
    Preview,
    fewer_collections,
    importer_named,
    unconfirmed,
)
from .columns import RowError
from .models import PendingImport, PendingImportState
from .reader import read_progress

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


def _json_shared(rows):
    """What `_json` makes of `rows`, sharing each row that is already what
    the database would give back (only strings, numbers, lists and dicts: a
    value import's rows) instead of copying it: a second copy of a
    100,000-row preview would add a third to the import's peak memory."""
    shared = []
    for row in rows:
        converted = json.loads(json.dumps(row, cls=DjangoJSONEncoder))
        shared.append(row if converted == row else converted)
    return shared


def refused_message():
    return _("This import cannot be confirmed: it is not yours, was already confirmed, has "
             "expired or has nothing to save. Nothing was saved; upload the file again.")


def read_preview(*, importer, actor, content, target=None, number_format=None):
    """importer.preview, with a failure to read the file as its one error: an
    upload never makes a 500."""
    try:
        with fewer_collections():
            if number_format:
                return importer.preview(content, actor=actor, target=target,
                                        number_format=number_format)
            return importer.preview(content, actor=actor, target=target)
    except Exception:  # noqa: BLE001 - a malformed workbook must not crash the page
        logger.warning("%s import could not read the file", importer.name, exc_info=True)
        return Preview(errors=[RowError(None, None, importer.unreadable_message)])


def pending_imports_expire(*, importer=None, user=None):
    """Previews (and uploads being checked) past their expiry, and a user's
    beyond the importer's `keep_per_user`, expire (their files go); checks
    that found errors go at their expiry, finished ones older than RETAIN."""
    now = timezone.now()
    open_states = [PendingImportState.VALIDATING, PendingImportState.PREVIEWED]
    waiting = PendingImport.objects.filter(state__in=open_states)
    stale = set(waiting.filter(expires_at__lte=now).values_list("pk", flat=True))
    if importer is not None and user is not None:
        mine = waiting.filter(importer=importer.name, created_by=user).order_by("-created_at")
        stale |= set(mine.values_list("pk", flat=True)[max(importer.keep_per_user - 1, 0):])
    for pk in stale:
        storage.remove(pk)
    PendingImport.objects.filter(pk__in=stale, state__in=open_states).update(
        state=PendingImportState.EXPIRED)
    # A check that found errors is of no use once its page would expire.
    PendingImport.objects.filter(state=PendingImportState.INVALID, expires_at__lte=now).delete()
    PendingImport.objects.filter(created_at__lt=now - RETAIN).exclude(
        state__in=open_states).delete()


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


# --- The upload: the check as a background job ------------------------------------------


def _after_commit(func):
    """Run `func` once the transaction commits (the tests' `import_checks`
    fixture runs it at once)."""
    transaction.on_commit(func)


def pending_import_upload(*, importer, actor, content, file_name, target=None, session_key="",
                          number_format=None):
    """Keep an upload (bytes, checked as an XLSX file by the form) and queue
    its check: a PendingImport in the state "validating", its file kept, and
    the task that reads and checks it (`pending_import_validate`) sent once
    this transaction commits. Reads nothing of the sheet. `number_format`:
    the upload form's choice (None: the workbook's). Returns the pending
    import."""
    with transaction.atomic():
        pending_imports_expire(importer=importer, user=actor)
        pending = PendingImport(
            importer=importer.name, created_by=actor, scope=importer.scope(target),
            session=_session_hash(session_key), file_name=file_name[:200],
            checksum=checksum(content), state=PendingImportState.VALIDATING,
            number_format=(number_format or "") if importer.reads_numbers else "",
            language=(get_language() or "")[:10], progress=0,
            progress_message=_("Waiting for a worker"),
            expires_at=timezone.now() + importer.max_age,
        )
        pending.full_clean()
        pending.save()
        storage.keep(pending.pk, content)
        pk = pending.pk
        _after_commit(lambda: _enqueue_validation(pk))
    return pending


def _enqueue_validation(pending_id):
    from .tasks import validate_pending_import

    sent_at = timezone.now()
    try:
        validate_pending_import.delay(str(pending_id))
    except Exception:  # noqa: BLE001 - broker down: the check stays queued for the requeue
        logger.warning("the check of import %s could not be sent to the workers; it stays "
                       "queued", pending_id, exc_info=True)
        return
    # Until checked, enqueued_at says when the check was sent (the requeue's clue).
    PendingImport.objects.filter(pk=pending_id, state=PendingImportState.VALIDATING).update(
        enqueued_at=sent_at)


def pending_import_validate(*, pending_id):
    """What the worker runs for an upload: read and check the kept file with
    its importer (`read_preview`, reads only) and keep the outcome on the
    pending import - "previewed" with its rows when it can be confirmed,
    otherwise "invalid" with its rows and every error (naming row and
    column), its file gone. Safe to run again: an upload no longer being
    checked is left as it is. Returns the pending import, None if gone."""
    with transaction.atomic():
        pending = (PendingImport.objects.select_for_update().select_related("created_by")
                   .filter(pk=pending_id).first())
        if pending is None or pending.state != PendingImportState.VALIDATING:
            return pending
        # started_at, attempts and enqueued_at are the confirm's job's.
        pending.progress = 10
        with translation.override(pending.language or settings.LANGUAGE_CODE):
            pending.progress_message = _("Checking the file")
        pending.save(update_fields=["progress", "progress_message"])
    with translation.override(pending.language or settings.LANGUAGE_CODE):
        return _validate(pending)


def _validate(pending):
    pk = pending.pk
    importer = importer_named(pending.importer)
    content = storage.read(pk)
    if importer is None or content is None or checksum(content) != pending.checksum:
        preview = Preview(errors=[_("The uploaded file is no longer available; upload it "
                                    "again.")])
        target = None
    else:
        try:
            target = importer.target_for(pending.scope)
        except ImportRefused as refusal:
            preview, target = Preview(errors=refusal.errors), None
        else:
            def report(done, total):
                percent = 10 + 80 * min(done, total) // total if total else 10
                _record_progress(pk, percent, ngettext(
                    "%(count)d row read", "%(count)d rows read", done) % {"count": done})

            token = read_progress.set(report)
            try:
                preview = read_preview(importer=importer, actor=pending.created_by,
                                       content=content, target=target,
                                       number_format=pending.number_format or None)
            finally:
                read_progress.reset(token)
    confirmable = preview.can_confirm
    with transaction.atomic():
        locked = PendingImport.objects.select_for_update().filter(pk=pk).first()
        if locked is None or locked.state != PendingImportState.VALIDATING:
            return locked
        locked.state = (PendingImportState.PREVIEWED if confirmable
                        else PendingImportState.INVALID)
        locked.preview = _json(preview.rows)
        locked.errors = [str(error) for error in preview.errors]
        locked.skipped = preview.skipped
        locked.number_format = (preview.number_format
                                if importer is not None and importer.reads_numbers else "")
        locked.number_format_source = preview.number_format_source
        locked.progress, locked.progress_message = 100, _("Checked")
        locked.enqueued_at = None  # the check's; the confirm's job sets its own
        locked.save(update_fields=["state", "preview", "errors", "skipped", "number_format",
                                   "number_format_source", "progress", "progress_message",
                                   "enqueued_at"])
    if not confirmable:
        storage.remove(pk)
    cache.delete(_progress_key(pk))
    return locked


def pending_import_check_failed(*, pending_id, error):
    """The check gave up (an error it did not expect, a time limit): the
    upload cannot be confirmed, and says why."""
    PendingImport.objects.filter(pk=pending_id, state=PendingImportState.VALIDATING).update(
        state=PendingImportState.INVALID, progress=100, progress_message=_("Not checked"),
        enqueued_at=None,
        errors=[_("The file could not be checked (%(error)s). Upload it again.") % {
            "error": str(error)[:300]}])
    storage.remove(pending_id)


def stored_preview(pending):
    """The Preview kept on a checked pending import, as `read_preview` made it."""
    return Preview(rows=pending.preview, errors=list(pending.errors), skipped=pending.skipped,
                   number_format=pending.number_format,
                   number_format_source=pending.number_format_source)


def pending_import_for_page(*, importer, actor, pending_id, target=None, session_key=""):
    """The user's upload `pending_id` of this importer, target and session
    (for its page), or None."""
    pk = _uuid(pending_id)
    if pk is None:
        return None
    return PendingImport.objects.filter(
        pk=pk, importer=importer.name, created_by=actor, scope=importer.scope(target),
        session=_session_hash(session_key)).first()


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
    _check_file(pending, importer)
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
            with fewer_collections():
                count = importer.apply(pending.preview, actor=actor, target=target,
                                       pending=pending)
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
    if pending.state in (PendingImportState.RUNNING, PendingImportState.VALIDATING):
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
            _check_file(pending, importer)
            target = importer.target_for(pending.scope)
            count = len([row for row in pending.preview
                         if row.get("outcome") in (NEW, CHANGED)])
            pending.report_progress = lambda percent, message: _record_progress(
                pk, percent, message)
            importer.progress(pending, 10, ngettext("Saving %(count)d row",
                                                    "Saving %(count)d rows", count) % {
                                                        "count": count})
            with fewer_collections():
                count = importer.apply(pending.preview, actor=pending.created_by,
                                       target=target, pending=pending)
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
    """Send again the confirmed imports, and the uploads to check, that no
    worker took: never sent (the broker was down) or sent too long ago."""
    now = now or timezone.now()
    stale = Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - REQUEUE_AFTER)
    ids = list(PendingImport.objects.filter(stale, state=PendingImportState.QUEUED)
               .values_list("pk", flat=True))
    for pk in ids:
        _enqueue(pk)
    checks = list(PendingImport.objects.filter(stale, state=PendingImportState.VALIDATING)
                  .values_list("pk", flat=True))
    for pk in checks:
        PendingImport.objects.filter(pk=pk).update(enqueued_at=None)
        _enqueue_validation(pk)
    return len(ids) + len(checks)


def _check_file(pending, importer):
    content = storage.read(pending.pk)
    if content is None or checksum(content) != pending.checksum:
        raise ImportRefused([_("The kept file is no longer the one you previewed. Nothing was "
                               "saved; upload it again.")], status=400)
    try:
        importer.check_upload(ContentFile(content))
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
        with transaction.atomic(), fewer_collections():
            importer.apply(_json_shared(preview.rows), actor=actor, target=target,
                           pending=None)
    except ImportChanged:
        preview.errors.append(RowError(None, None, importer.changed_message))
    except ImportRefused as refusal:
        preview.errors.extend(refusal.errors)
    return preview
