from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .imports.models import PendingImport, PendingImportState  # noqa: F401 - models of core


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")
    TRANSITION = "transition", _("status changed")


class AuditEntry(models.Model):
    """One mutation of one object, written by the service that made it, in the
    same transaction. `changes` maps a field name to [old, new]."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # The object's editable fields after the change (foreign keys as ids), so
    # that an officer can restore this version later.
    snapshot = models.JSONField(_("state after the change"), null=True, blank=True)
    message = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"

    def readable_changes(self):
        """[(field label, old, new)] with the model's own field names and lists
        joined, for people rather than programs. Decimals print as decimals
        ("20", "3,1"; never "2E+1" or "12.0000"); a change of a related row
        keyed "<row>: <field>" (an indicator's value of one period) is named
        with the field of the model the model declares as
        `audit_related_model`."""
        from .formats import readable_number

        model = self.content_type.model_class()
        fields = _labelled_fields(model)
        related = _labelled_fields(getattr(model, "audit_related_model", None))

        display = getattr(model, "audit_display", None)

        def show(field, value, name=None):
            if value is None:
                return ""
            if display is not None and name is not None:
                shown = display(name, value)
                if shown is not None:
                    return shown
            if isinstance(value, dict):
                return " ".join(str(show(None, v)) for v in value.values()
                                if v not in (None, "", [], {}))
            if isinstance(value, list):
                return "; ".join(show(None, v) if not isinstance(v, list)
                                 else " ".join(str(show(None, x)) for x in v) for v in value)
            if field is not None and field.choices:
                return str(dict(field.flatchoices).get(value, value))
            if isinstance(value, bool):
                return str(_("yes") if value else _("no"))
            if field is None or isinstance(field, models.DecimalField | models.FloatField):
                return str(readable_number(value))
            return str(value)

        readable = []
        for name, (old, new) in self.changes.items():
            field = fields.get(name)
            if field is not None:
                label = field.verbose_name
            elif name in _NAMES:
                label = _NAMES[name]
            else:
                row, sep, sub = name.rpartition(": ")
                field = related.get(sub) if sep else None
                if field is not None:
                    label = f"{row}: {field.verbose_name}"
                else:
                    label = f"{row}: {_NAMES[sub]}" if sep and sub in _NAMES else name
            readable.append((label, show(field, old, name), show(field, new, name)))
        return readable


def _labelled_fields(model):
    if model is None:
        return {}
    return {f.name: f for f in model._meta.get_fields() if hasattr(f, "verbose_name")}


# Changes recorded for related rows rather than a field of the object itself.
_NAMES = {"needs": _("needs of the target group"), "parts": _("parts"),
          # rows below a record: a plan item's subtree, a project's budget split,
          # the project of a project indicator, a plan's notes on its source
          "items": _("items"), "funding": _("funding sources"), "project": _("project"),
          "source_notes": _("notes on the source")}


class DataVersion(models.Model):
    """One row: the version of the published data. Every committed write to a
    table the open data is made of gives it a new random token
    (`core.dataversion`), so a dataset file built for one token is never
    served for another, and a database restored or recreated never matches a
    file built for an earlier one."""

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("version of the published data")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="core_dataversion_single_row"),
        ]

    def __str__(self):
        return f"{self.token} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
