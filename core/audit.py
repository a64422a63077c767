"""The audit trail. Services call `audit_record` inside their own atomic block,
so a mutation and its trail entry are committed together or not at all."""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.fields.files import FieldFile

from . import pagecache
from .bulk import bulk_insert, instance_maker
from .models import AuditAction, AuditEntry


def _plain(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(instance, fields):
    """Field values of `instance` in a JSON-friendly form, for diffing."""
    data = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            related = getattr(instance, name).all() if instance.pk else []
            data[name] = sorted(str(o) for o in related)
        else:
            data[name] = _plain(getattr(instance, name))
    return data


def full_snapshot(instance):
    """Every editable field after a change, foreign keys as ids and
    many-to-many as sorted id lists: enough to restore this version."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key or not field.editable or field.name == "version":
            continue
        data[field.attname] = _plain(getattr(instance, field.attname))
    for field in instance._meta.many_to_many:
        if field.remote_field.through._meta.auto_created:
            data[field.name] = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    # Relations with their own rows (e.g. a measure's implementers with the
    # name as published) are added by the model itself.
    if hasattr(instance, "audit_snapshot_extra"):
        data.update(instance.audit_snapshot_extra())
    return data


def diff(before, after):
    return {
        name: [before.get(name), after.get(name)]
        for name in after
        if before.get(name) != after.get(name)
    }


def _note(text):
    limit = AuditEntry._meta.get_field("message").max_length
    return text if len(text) <= limit else text[:limit - 1] + "…"


def audit_record(*, actor, action, instance, changes=None, message="", with_snapshot=True):
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the mutation's transaction")
    # Services that write with update() or in bulk send no model signal.
    if pagecache.model_changes_pages(type(instance)):
        pagecache.invalidate_on_commit()
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        changes=changes or {},
        # The note is a summary; the record itself keeps any longer text.
        message=_note(str(message or "")),
        snapshot=full_snapshot(instance) if with_snapshot and action != AuditAction.DELETE
        else None,
    )


def audit_record_many(*, actor, action, records, message=""):
    """One entry per (instance, changes, snapshot) of `records`, written with
    one INSERT per batch: for services that create many rows at once (an
    import). The snapshots are given, as full_snapshot would make them,
    because reading them back would cost a query per row. A record may be
    (instance, changes, snapshot, action, message): its own action and note
    instead of `action` and `message`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record_many must run inside the mutation's transaction")
    records = list(records)
    if any(pagecache.model_changes_pages(type(record[0])) for record in records):
        pagecache.invalidate_on_commit()
    who = actor if getattr(actor, "is_authenticated", False) else None
    note = _note(str(message or ""))
    # An import writes thousands of entries about a few objects: each object's
    # type, id and name once.
    named = {}

    def about(instance):
        key = id(instance)
        if key not in named:
            named[key] = (ContentType.objects.get_for_model(instance, for_concrete_model=True),
                          str(instance.pk), str(instance)[:300])
        return named[key]

    entries = []
    # By id, positionally (core.bulk.instance_maker): Django's keyword path
    # costs more than the rest of making an entry.
    actor_id = who.pk if who is not None else None
    entry = instance_maker(AuditEntry)
    for instance, changes, snapshot, *own in records:
        content_type, object_id, object_repr = about(instance)
        entries.append(entry(
            actor_id=actor_id, action=own[0] if own else action,
            content_type_id=content_type.pk,
            object_id=object_id, object_repr=object_repr, changes=changes or {},
            message=_note(str(own[1] or "")) if own else note,
            snapshot={k: _plain(v) for k, v in snapshot.items()} if snapshot else None))
    return bulk_insert(AuditEntry, entries)


def audit_entries_for(instance):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
    ).select_related("actor", "content_type")


__all__ = ["AuditAction", "audit_record", "audit_record_many", "audit_entries_for", "diff",
           "full_snapshot", "snapshot"]
