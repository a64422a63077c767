"""Building blocks for services: audited create and update with optimistic
locking, so that two officers saving the same record never overwrite each
other silently."""

from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .audit import AuditAction, audit_entries_for, audit_record, diff, snapshot


class _Unset:
    def __repr__(self):
        return "UNSET"


UNSET = _Unset()
"""The default of a service's keyword that the caller did not give: a create
leaves the model's default, an update leaves the stored value."""


def given(**fields):
    """The keywords a caller gave, as model data (UNSET ones left out)."""
    return {name: value for name, value in fields.items() if value is not UNSET}


class StaleEditError(Exception):
    """The record changed since the editor loaded it; nothing was saved."""

    def __init__(self, instance, entries):
        self.instance = instance
        self.entries = list(entries)
        latest = self.entries[0] if self.entries else None
        who = (str(latest.actor) if latest and latest.actor else _("another user"))
        super().__init__(
            _("%(who)s saved this record while you were editing it. Your changes were not "
              "saved; review their changes below and edit again.") % {"who": who}
        )


def _audited_fields(instance, data, m2m):
    return [*data.keys(), *m2m.keys()]


def model_create(*, actor, model, data, m2m=None, message="", after_save=None,
                 extra_changes=None):
    """`after_save(instance)` writes related rows before the audit snapshot;
    `extra_changes` records what the caller sets on related rows."""
    m2m = m2m or {}
    with transaction.atomic():
        instance = model(**data)
        instance.full_clean()
        instance.save()
        for name, values in m2m.items():
            getattr(instance, name).set(values)
        if after_save is not None:
            after_save(instance)
        after = snapshot(instance, _audited_fields(instance, data, m2m))
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=instance,
            changes={**{k: [None, v] for k, v in after.items() if v not in (None, "", [])},
                     **(extra_changes or {})},
            message=message,
        )
    return instance


def model_update(
    *, actor, instance, data, m2m=None, expected_version=None, extra_changes=None, message="",
    after_save=None,
):
    """Apply `data` (plain fields) and `m2m` to `instance`. With
    `expected_version`, refuse when someone else saved in between.
    `extra_changes` records changes the caller makes to related rows, so they
    count as an edit of this record too (audited, version moves on)."""
    m2m = m2m or {}
    model = type(instance)
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=instance.pk)
        if expected_version is not None and current.version != expected_version:
            # A forged version (negative, or past the record's) shows the latest change.
            missed = current.version - expected_version if 0 < expected_version < current.version \
                else 1
            newer = audit_entries_for(current)[:missed]
            raise StaleEditError(current, newer)
        fields = _audited_fields(current, data, m2m)
        before = snapshot(current, fields)
        for name, value in data.items():
            setattr(current, name, value)
        current.full_clean()
        for name, values in m2m.items():
            getattr(current, name).set(values)
        changes = diff(before, snapshot(current, fields))
        changes.update(extra_changes or {})
        if changes:
            if hasattr(current, "version"):
                current.version = models.F("version") + 1
            current.save()
            current.refresh_from_db()
            if after_save is not None:
                after_save(current)
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                instance=current,
                changes=changes,
                message=message,
            )
    return current


def snapshot_fields(model, snapshot):
    """Split a recorded snapshot into plain field values and many-to-many id
    lists, converted back to Python values."""
    m2m_names = {f.name for f in model._meta.many_to_many}
    data, m2m = {}, {}
    for name, value in snapshot.items():
        if name in m2m_names:
            m2m[name] = value
        else:
            field = model._meta.get_field(name[:-3] if name.endswith("_id") else name)
            data[field.attname] = field.to_python(value) if value is not None else None
    return data, m2m


def restored_message(entry):
    when = formats.date_format(timezone.localtime(entry.created_at), "SHORT_DATETIME_FORMAT")
    return _("Restored the version of %(when)s") % {"when": when}
