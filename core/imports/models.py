import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .numbers import NumberFormat


class PendingImportState(models.TextChoices):
    VALIDATING = "validating", _("being checked")
    PREVIEWED = "previewed", _("previewed")
    INVALID = "invalid", _("cannot be confirmed")
    QUEUED = "queued", _("waiting to be saved")
    RUNNING = "running", _("being saved")
    CONFIRMED = "confirmed", _("confirmed")
    EXPIRED = "expired", _("expired")
    FAILED = "failed", _("failed")


class PendingImport(models.Model):
    """An uploaded workbook between preview and confirm, for every importer:
    the confirm applies the rows stored here, exactly as previewed, once. The
    file itself waits in MEDIA_ROOT/imports/ (never served) so the confirm can
    check it is still the one previewed (`checksum`).

    Uploaded, it is first the job of checking the file: "validating" until a
    Celery worker has read and checked it (core.imports.tasks.
    validate_pending_import), then "previewed" with its rows (confirmable) or
    "invalid" with its rows and errors; the upload's page polls it.

    Confirmed, it is the import's job row: queued for a Celery worker
    (core.imports.tasks), running with its progress, then confirmed (saved)
    or failed with its errors - the page of the job polls it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    importer = models.CharField(_("importer"), max_length=50)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"),
                                   on_delete=models.CASCADE, related_name="+")
    # What it is bound to besides its user, e.g. the plan (the importer's `scope`),
    # and the session that previewed it, hashed.
    scope = models.CharField(max_length=100, blank=True)
    session = models.CharField(max_length=64, blank=True)
    file_name = models.CharField(_("file"), max_length=200)
    checksum = models.CharField(_("SHA-256 of the file"), max_length=64)
    state = models.CharField(_("state"), max_length=16, choices=PendingImportState.choices,
                             default=PendingImportState.PREVIEWED)
    preview = models.JSONField(_("previewed rows"), default=list, blank=True)
    # How numbers written as text were read, and the rows whose ambiguous
    # numbers (core.imports.numbers) the user confirmed with the confirm.
    number_format = models.CharField(_("number format"), max_length=2, blank=True,
                                     choices=NumberFormat.choices)
    confirmed_rows = models.JSONField(_("rows with numbers confirmed"), default=list,
                                      blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # The preview's other findings: empty rows skipped, where the number
    # format came from (core.imports.base.Preview).
    skipped = models.PositiveIntegerField(_("rows skipped"), default=0)
    number_format_source = models.CharField(_("number format from"), max_length=10,
                                            blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # The job: what the confirm started in the background.
    language = models.CharField(_("language"), max_length=10, blank=True)
    done_url = models.CharField(_("page after the import"), max_length=300, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    progress_message = models.CharField(_("stage"), max_length=200, blank=True)
    enqueued_at = models.DateTimeField(_("sent to the workers at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    saved_count = models.PositiveIntegerField(_("rows saved"), null=True, blank=True)

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")
        indexes = [models.Index(fields=["importer", "created_by", "state"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100),
                                   name="pending_import_progress_percent"),
        ]

    def __str__(self):
        return f"{self.importer}: {self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_checked(self):
        """The upload's check (a job of its own) is done: the preview can be shown."""
        return self.state not in (PendingImportState.VALIDATING,)

    @property
    def is_job(self):
        return self.state in (PendingImportState.QUEUED, PendingImportState.RUNNING,
                              PendingImportState.CONFIRMED, PendingImportState.FAILED)

    @property
    def is_finished(self):
        return self.state in (PendingImportState.CONFIRMED, PendingImportState.FAILED,
                              PendingImportState.EXPIRED)
