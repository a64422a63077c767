"""Reports: the runs that produce them (a job row per run), the schedules that
start runs, and the texts officers keep for them (glossary, management
summary)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.constraints import ChecksInOneQuery
from planning.models import Plan


class ReportKind(models.TextChoices):
    INTERIM_EVALUATION = "interim-evaluation", _("interim evaluation")
    MINUTES = "minutes", _("minutes")
    PROJECT_CARD = "project-card", _("project card")
    YEARLY_EVALUATION = "yearly-evaluation", _("yearly evaluation of the network of services")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("finished")
    FAILED = "failed", _("failed")


class ReportJobQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=JobStatus.SUCCEEDED, published_at__isnull=False)


class ReportJob(ChecksInOneQuery):
    """One run of one report: who asked, what, with which parameters, how far
    it got, and the file it produced (exactly one, whatever the retries)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("report"), max_length=30, choices=ReportKind.choices)
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="report_jobs")
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="report_jobs")
    schedule = models.ForeignKey("ReportSchedule", verbose_name=_("schedule"), null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="jobs")
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices,
                              default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    progress_message = models.CharField(_("stage"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    enqueued_at = models.DateTimeField(_("sent to the workers at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to="reports/", blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    checksum = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    # Set when a download found the file gone (a lost volume, a partial
    # restore): the officer sees it on the run's page and renders it again.
    file_missing_at = models.DateTimeField(_("file found missing at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100),
                                   name="report_job_progress_percent"),
            models.CheckConstraint(
                condition=~Q(status="succeeded") | (~Q(file="") & ~Q(checksum="")),
                name="report_job_success_has_file",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(status="succeeded"),
                name="report_job_only_finished_published",
            ),
        ]

    def __str__(self):
        return self.title or f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("reports:job_detail", args=[self.pk])

    @property
    def is_finished(self):
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def is_published(self):
        return self.published_at is not None

    @property
    def duration_seconds(self):
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class ReportSchedule(ChecksInOneQuery):
    """"Interim evaluation of the PSZ on 1 July and 1 January": a report run
    started by Celery beat. Kept in step with a django-celery-beat
    PeriodicTask by reports.services."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("report"), max_length=30, choices=ReportKind.choices,
                            default=ReportKind.INTERIM_EVALUATION)
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE,
                             related_name="report_schedules")
    months = models.CharField(
        _("months"), max_length=40, default="1,7",
        help_text=_("Month numbers separated by commas, e.g. 1,7 for January and July."))
    day_of_month = models.PositiveSmallIntegerField(_("day of the month"), default=1)
    hour = models.PositiveSmallIntegerField(_("hour"), default=6)
    minute = models.PositiveSmallIntegerField(_("minute"), default=0)
    enabled = models.BooleanField(_("enabled"), default=True)
    notify = models.TextField(
        _("e-mail when ready"), blank=True,
        help_text=_("Addresses to tell when a scheduled report is ready, one per line."))
    periodic_task = models.OneToOneField("django_celery_beat.PeriodicTask",
                                         verbose_name=_("periodic task"), null=True,
                                         blank=True, on_delete=models.SET_NULL,
                                         related_name="report_schedule", editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(day_of_month__gte=1, day_of_month__lte=28),
                                   name="report_schedule_day_in_every_month",
                                   violation_error_message=_(
                                       "Choose a day from 1 to 28, which every month has.")),
            models.CheckConstraint(condition=Q(hour__lte=23), name="report_schedule_hour",
                                   violation_error_message=_("The hour lies between 0 and 23.")),
            models.CheckConstraint(condition=Q(minute__lte=59), name="report_schedule_minute",
                                   violation_error_message=_("The minute lies between 0 and 59.")),
        ]

    def __str__(self):
        return self.name

    def notify_addresses(self):
        return [line.strip() for line in self.notify.splitlines() if line.strip()]


class GlossaryTerm(models.Model):
    """An abbreviation the reports list ("IROP – Integrovaný regionální
    operační program"); officers keep the list."""

    abbreviation = models.CharField(_("abbreviation"), max_length=30, unique=True)
    meaning = models.CharField(_("meaning"), max_length=300)

    class Meta:
        verbose_name = _("abbreviation")
        verbose_name_plural = _("abbreviations")
        ordering = ["abbreviation"]

    def __str__(self):
        return f"{self.abbreviation} – {self.meaning}"


class EvaluationText(models.Model):
    """What officers write for one edition of a plan's evaluation: its title,
    date line and management summary (sanitised HTML)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE,
                             related_name="evaluation_texts")
    year = models.PositiveSmallIntegerField(_("year evaluated"))
    title = models.CharField(_("title"), max_length=200)
    issued_text = models.CharField(_("date line"), max_length=100, blank=True,
                                   help_text=_("As printed on the title page, e.g. Červen 2024."))
    summary = models.TextField(_("management summary"), blank=True)
    # A chapter of the edition's own after the year's timeline (001: "Poradenské
    # programy", the advisory programmes of the year).
    chapter_heading = models.CharField(_("heading of a further chapter"), max_length=200,
                                       blank=True,
                                       help_text=_("Printed after the timeline, e.g. "
                                                   "Poradenské programy. Empty: no chapter."))
    chapter_html = models.TextField(_("further chapter"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("evaluation text")
        verbose_name_plural = _("evaluation texts")
        ordering = ["plan", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="evaluation_text_per_year"),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})"


class PlanReportTexts(models.Model):
    """The texts of one plan's interim evaluation that are not about a single
    edition: the heading and introduction of the global indicators and the
    heading of the year's timeline. Each plan writes its own (a social
    inclusion plan speaks of social inclusion, a community plan of social
    services); a text left empty prints the portal's neutral wording."""

    plan = models.OneToOneField(Plan, verbose_name=_("plan"), on_delete=models.CASCADE,
                                related_name="report_texts")
    global_indicators_heading = models.CharField(
        _("heading of the global indicators"), max_length=200, blank=True,
        help_text=_("E.g. Globální indikátory sociálního začleňování. Empty: "
                    "“Global indicators” in the plan's language."))
    global_indicators_intro = models.TextField(
        _("introduction to the global indicators"), blank=True,
        help_text=_("Printed under the heading, before the table. Empty: a neutral sentence "
                    "in the plan's language."))
    timeline_heading = models.CharField(
        _("heading of the year's timeline"), max_length=200, blank=True,
        help_text=_("{year} stands for the year evaluated, e.g. Spolupráce v roce {year}. "
                    "Empty: “The year {year}” in the plan's language."))
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("report texts of a plan")
        verbose_name_plural = _("report texts of plans")
        ordering = ["plan"]

    def __str__(self):
        return str(self.plan)
