"""Retention of personal data, per kind: each app registers how to remove
what has outlived its period (in AppConfig.ready), core runs them all once a
day (the Celery beat task `core.enforce_retention`) and says in the log what
each removed.

    from core import retention
    retention.register("attendance_scans", purge_attendance_scans, default_days=3650)

A purge is `purge(cutoff) -> int`: it removes what is older than `cutoff` (an
aware datetime) and returns how many records it changed or removed. The
period of each kind is `settings.RETENTION_DAYS[kind]` when set, else the
registered default; a period of None keeps that kind for ever."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    name: str
    purge: object
    default_days: int | None
    description: str


_KINDS: dict[str, Kind] = {}


def register(name, purge, *, default_days, description=""):
    """Add a kind (registering the same name again replaces it)."""
    _KINDS[name] = Kind(name, purge, default_days, description or name)


def kinds():
    return dict(_KINDS)


def period_days(name):
    configured = getattr(settings, "RETENTION_DAYS", {}) or {}
    if name in configured:
        return configured[name]
    return _KINDS[name].default_days


def enforce(now=None):
    """Run every registered purge, each in its own transaction (one failing
    kind does not keep the others), and log what each removed. Returns
    {kind: number removed} (None for a kind kept for ever or one that failed)."""
    now = now or timezone.now()
    removed = {}
    for name in sorted(_KINDS):
        kind = _KINDS[name]
        days = period_days(name)
        if days is None:
            logger.info("retention: %s kept (no period set)", name)
            removed[name] = None
            continue
        cutoff = now - timedelta(days=days)
        try:
            with transaction.atomic():
                count = kind.purge(cutoff)
        except Exception:
            logger.exception("retention: %s failed; nothing of it was removed", name)
            removed[name] = None
            continue
        removed[name] = count
        logger.info("retention: %s: removed %d (%s older than %d days, before %s)",
                    name, count, kind.description, days, cutoff.date().isoformat())
    return removed


def purge_audit_log(cutoff):
    from .models import AuditEntry

    deleted, _per_model = AuditEntry.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def scrub_audit(instances_model, ids, field_names):
    """Remove `field_names` from the recorded changes and snapshots of the
    audit entries of these objects, so that the log does not keep what the
    retention removed from the records."""
    from django.contrib.contenttypes.models import ContentType

    from .models import AuditEntry

    content_type = ContentType.objects.get_for_model(instances_model, for_concrete_model=True)
    entries = AuditEntry.objects.filter(content_type=content_type,
                                        object_id__in=[str(i) for i in ids])
    for entry in entries.only("id", "changes", "snapshot"):
        changes = {k: v for k, v in (entry.changes or {}).items() if k not in field_names}
        snapshot = entry.snapshot
        if snapshot:
            snapshot = {k: v for k, v in snapshot.items() if k not in field_names}
        if changes != entry.changes or snapshot != entry.snapshot:
            AuditEntry.objects.filter(pk=entry.pk).update(changes=changes, snapshot=snapshot)
