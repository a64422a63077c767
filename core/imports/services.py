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

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
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


def pending_import_confirm(*, importer, actor, pending_id, target=None, session_key="",
                           confirmed_rows=()):
    """Apply the rows previewed under `pending_id`; returns (pending, count).
    `confirmed_rows`: the sheet rows whose ambiguous numbers the user
    confirmed. Raises ImportRefused (ImportChanged) when nothing was saved;
    ImportUnconfirmed leaves the pending import open to confirm again."""
    pk = _uuid(pending_id)
    if pk is None:
        raise ImportRefused([refused_message()], status=400)
    ends = None  # the state a refusal from here on leaves the pending import in
    try:
        with transaction.atomic():
            pending = (PendingImport.objects.select_for_update()
                       .filter(pk=pk, importer=importer.name).first())
            if (pending is None or pending.created_by_id != actor.pk
                    or pending.state != PendingImportState.PREVIEWED
                    or pending.scope != importer.scope(target)
                    or pending.session != _session_hash(session_key)):
                raise ImportRefused([refused_message()], status=400)
            ends = PendingImportState.EXPIRED
            if pending.expires_at <= timezone.now():
                raise ImportRefused([refused_message()], status=400)
            missing = unconfirmed(pending.preview, confirmed_rows)
            if missing:
                raise ImportUnconfirmed(missing, pending)
            ends = PendingImportState.FAILED
            _check_file(pending)
            rows = [row for row in pending.preview if row.get("outcome") in (NEW, CHANGED)]
            if not rows or any(row.get("outcome") == ERROR for row in pending.preview):
                raise ImportRefused([refused_message()], status=400)
            count = importer.apply(pending.preview, actor=actor, target=target, pending=pending)
            pending.state = PendingImportState.CONFIRMED
            pending.confirmed_at = timezone.now()
            pending.confirmed_rows = sorted(
                row["row"] for row in pending.preview if row.get("ambiguous"))
            pending.save(update_fields=["state", "confirmed_at", "confirmed_rows"])
    except ImportRefused as refusal:
        if ends is not None and not isinstance(refusal, ImportUnconfirmed):
            refusal.pending = pending
            PendingImport.objects.filter(pk=pk, state=PendingImportState.PREVIEWED).update(
                state=ends, errors=[str(e) for e in refusal.errors])
            storage.remove(pk)
        raise
    storage.remove(pk)
    return pending, count


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
