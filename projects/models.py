"""EU-funded projects that carry out the city's plans: funding programmes and
their calls, projects with a budget split that adds up, key activities and
half-year implementation reports. Money is Decimal everywhere."""

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.constraints import ChecksInOneQuery
from core.review import Reviewed, review_constraints

MONEY = {"max_digits": 15, "decimal_places": 2}


def validate_regex(value):
    try:
        re.compile(value)
    except re.error as error:
        raise ValidationError(_("Not a valid regular expression: %(error)s"),
                              params={"error": error}) from error


class EuFund(models.TextChoices):
    ESF = "esf", _("European Social Fund")
    ERDF = "erdf", _("European Regional Development Fund")
    NONE = "none", _("no EU fund")


class Programme(models.Model):
    """A funding programme (OP Zaměstnanost, OP Zaměstnanost plus, IROP, …)
    with the format of its projects' registration numbers."""

    code = models.SlugField(_("short code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("abbreviation"), max_length=40, blank=True,
                                  help_text=_("As documents print it, e.g. OPZ+."))
    eu_fund = models.CharField(_("EU fund"), max_length=10, choices=EuFund.choices,
                               default=EuFund.ESF)
    registration_number_pattern = models.CharField(
        _("registration number format (regular expression)"), max_length=300,
        validators=[validate_regex],
        help_text=_("The whole number must match, e.g. ^CZ\\.03\\.02\\.01/00/22_\\d{3}/\\d{7}$"),
    )
    registration_number_example = models.CharField(
        _("registration number example"), max_length=60,
        help_text=_("Shown in the error message when a number does not match."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("funding programme")
        verbose_name_plural = _("funding programmes")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.registration_number_pattern and self.registration_number_example:
            try:
                matches = self.matches(self.registration_number_example)
            except re.error:
                return
            if not matches:
                raise ValidationError({"registration_number_example": _(
                    "The example does not match the registration number format.")})

    def matches(self, registration_number):
        return re.fullmatch(self.registration_number_pattern, registration_number or "") \
            is not None

    @property
    def is_esf(self):
        return self.eu_fund == EuFund.ESF


class Call(models.Model):
    """A call (výzva) of a programme: e.g. call 018 of OPZ+, call 14 of IROP.
    `initiative` groups calls across programmes (KPSV+)."""

    programme = models.ForeignKey(Programme, verbose_name=_("programme"),
                                  on_delete=models.PROTECT, related_name="calls")
    number = models.CharField(_("number"), max_length=20)
    name = models.CharField(_("name"), max_length=300, blank=True)
    published_label = models.CharField(_("label as published"), max_length=100, blank=True,
                                       help_text=_("e.g. 018 OPZ+"))
    initiative = models.CharField(_("initiative"), max_length=40, blank=True,
                                  help_text=_("e.g. KPSV+ for the calls of the coordinated "
                                              "approach to social exclusion"))
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["programme__position", "programme__name", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="call_number_unique"),
        ]

    def __str__(self):
        label = self.published_label or f"{self.number} {self.programme.short_name}".strip()
        return f"{label} – {self.name}" if self.name else label


class ProjectStatus(models.TextChoices):
    PREPARED = "prepared", _("in preparation")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")
    WITHDRAWN = "withdrawn", _("withdrawn")


class ProjectQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def with_related(self):
        return self.select_related("call__programme", "implementer", "thematic_area")


class Project(ChecksInOneQuery):
    registration_number = models.CharField(_("registration number"), max_length=60,
                                           unique=True)
    title = models.CharField(_("title"), max_length=400)
    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT,
                             related_name="projects")
    implementer = models.ForeignKey(
        "directory.Organisation", verbose_name=_("implementer"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="projects",
        help_text=_("An organisation or a city district."),
    )
    implementer_text = models.CharField(_("implementer as published"), max_length=300,
                                        blank=True)
    measures = models.ManyToManyField("planning.PlanItem", verbose_name=_("measures"),
                                      blank=True, related_name="projects")
    thematic_area = models.ForeignKey(
        "planning.PlanItem", verbose_name=_("thematic area"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="area_projects",
    )
    area_text = models.CharField(_("thematic area as published"), max_length=200, blank=True)
    # 001 prints the measure of the police assistants as 3.2.1.1 in its plan
    # (Appendix B) and as 2.1.2.1 in its list of projects (Appendix A): both
    # printed codes are kept, the project links to the item itself.
    measure_code_published = models.CharField(
        _("measure code as published"), max_length=100, blank=True, editable=False,
        help_text=_("The code of the measure as the list of projects (Appendix A of the "
                    "evaluation) prints it."))
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("to"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ProjectStatus.choices,
                              default=ProjectStatus.IN_PROGRESS)
    total_budget = models.DecimalField(_("total eligible expenditure"), **MONEY)
    budget_text = models.CharField(_("budget as published"), max_length=100, blank=True)
    funding_note = models.TextField(
        _("funding as published"), blank=True,
        help_text=_("Budget lines as the source prints them, when they combine sources."),
    )
    description = models.TextField(_("description"), blank=True)
    target_groups = models.TextField(_("target groups"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    reports_total = models.PositiveSmallIntegerField(
        _("half-year reports planned"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    source = models.CharField(_("source"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["registration_number"]
        constraints = [
            models.CheckConstraint(condition=Q(total_budget__gte=0),
                                   name="project_budget_not_negative",
                                   violation_error_message=_("The budget cannot be negative.")),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True) | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="project_period_ordered",
                violation_error_message=_("The project cannot end before it starts."),
            ),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in ProjectStatus]),
                                   name="project_status_valid",
                                   violation_error_message=_(
                                       "Choose a status of the project from the list.")),
            models.CheckConstraint(condition=Q(reports_total__isnull=True)
                                   | Q(reports_total__gte=1),
                                   name="project_reports_total_positive",
                                   violation_error_message=_(
                                       "A project has at least one report in total; otherwise "
                                       "leave the number empty.")),
        ]

    def __str__(self):
        return f"{self.registration_number} {self.title}"

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.call_id and self.registration_number:
            programme = self.call.programme
            try:
                match = re.fullmatch(programme.registration_number_pattern,
                                     self.registration_number)
            except re.error:
                match = None
            if match is None:
                raise ValidationError({"registration_number": _(
                    "The registration number does not match the format of programme "
                    "%(programme)s: %(example)s"
                ) % {"programme": programme.name,
                     "example": programme.registration_number_example}})
            number = match.groupdict().get("call")
            if (number and self.call.number.isascii() and self.call.number.isdigit()
                    and int(number) != int(self.call.number)):
                raise ValidationError({"registration_number": _(
                    "The registration number names call %(number)s, but the project is in "
                    "call %(call)s."
                ) % {"number": number, "call": self.call.number}})

    @property
    def other_measure_code(self):
        """The measure code the list of projects prints, where it is not the
        code of any linked measure (uses the prefetched measures)."""
        code = self.measure_code_published.strip()
        if not code or any(m.code.strip() == code for m in self.measures.all()):
            return ""
        return code

    @property
    def display_implementer(self):
        return self.implementer_text or (str(self.implementer) if self.implementer else "")

    def audit_snapshot_extra(self):
        return {"funding": [[f.source, f.label, format(f.percent.normalize(), "f"),
                             str(f.amount)]
                            for f in self.funding.all()]}


class FundingSourceKind(models.TextChoices):
    CITY = "city", _("city budget")
    ESF = "esf", _("European Social Fund")
    ERDF = "erdf", _("European Regional Development Fund")
    STATE = "state", _("state budget")
    IMPLEMENTER = "implementer", _("implementer's own funds")
    OTHER = "other", _("other")


class FundingSource(ChecksInOneQuery):
    """One line of a project's budget split. The lines add up to the total
    eligible expenditure to the haléř (checked by the project services)."""

    project = models.ForeignKey(Project, verbose_name=_("project"),
                                on_delete=models.CASCADE, related_name="funding")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.CharField(_("source"), max_length=20, choices=FundingSourceKind.choices)
    label = models.CharField(_("label as published"), max_length=200, blank=True)
    percent = models.DecimalField(_("share (%)"), max_digits=6, decimal_places=3)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["project", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__gte=0) & Q(percent__lte=100),
                                   name="funding_percent_range"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_amount_not_negative"),
            models.UniqueConstraint(fields=["project", "source"], name="funding_source_once"),
            models.CheckConstraint(condition=Q(source__in=[s.value for s in FundingSourceKind]),
                                   name="funding_source_valid"),
        ]

    def __str__(self):
        return self.label or self.get_source_display()


class KeyActivity(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="key_activities")
    code = models.CharField(_("code"), max_length=20, help_text=_("e.g. KA1"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("to"), null=True, blank=True)
    period_text = models.CharField(_("period as published"), max_length=100, blank=True)
    goal = models.TextField(_("goal"), blank=True)
    planned_outputs = models.TextField(_("planned outputs"), blank=True)
    done = models.BooleanField(_("done"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("key activity")
        verbose_name_plural = _("key activities")
        ordering = ["project", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="key_activity_code_unique"),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True) | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="key_activity_period_ordered",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


class HalfYearReport(Reviewed):
    """Half-year implementation report n of N of a project; public once
    approved (core.review)."""

    project = models.ForeignKey(Project, verbose_name=_("project"),
                                on_delete=models.CASCADE, related_name="reports")
    number = models.PositiveSmallIntegerField(_("report number"))
    total = models.PositiveSmallIntegerField(_("reports in total"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    submitted_on = models.DateField(_("date submitted"))
    narrative = models.TextField(_("narrative"), max_length=20000)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="project_reports")
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("half-year report")
        verbose_name_plural = _("half-year reports")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"],
                                    name="half_year_report_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1)
                                   & Q(number__lte=models.F("total")),
                                   name="half_year_report_number_within_total",
                                   violation_error_message=_(
                                       "The report's number lies between 1 and the total number of "
                                       "reports.")),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                   name="half_year_report_period_ordered",
                                   violation_error_message=_(
                                       "The period cannot end before it starts.")),
            *review_constraints("half_year_report"),
        ]

    def __str__(self):
        return _("Report %(n)s/%(total)s") % {"n": self.number, "total": self.total}

    def get_absolute_url(self):
        return reverse("projects:report_detail", args=[self.project_id, self.pk])


class ProjectIndicator(models.Model):
    """The project that reports a project indicator. Held on this side so
    that the indicators app does not depend on projects."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="indicator_links")
    indicator = models.OneToOneField("indicators.Indicator", verbose_name=_("indicator"),
                                     on_delete=models.CASCADE, related_name="project_link")

    class Meta:
        verbose_name = _("project indicator")
        verbose_name_plural = _("project indicators")

    def __str__(self):
        return f"{self.project} – {self.indicator}"


class HalfYearReportValue(models.Model):
    """An indicator value that a half-year report brought."""

    report = models.ForeignKey(HalfYearReport, verbose_name=_("half-year report"),
                               on_delete=models.CASCADE, related_name="value_links")
    value = models.OneToOneField("indicators.IndicatorValue", verbose_name=_("indicator value"),
                                 on_delete=models.CASCADE, related_name="half_year_report_link")

    class Meta:
        verbose_name = _("value of a half-year report")
        verbose_name_plural = _("values of half-year reports")

    def __str__(self):
        return f"{self.report} – {self.value}"


class StatedTotal(models.Model):
    """A total as a published document prints it (e.g. "Celkem OPZ+"), kept
    next to the sum computed from the rows so that officers see rounding.
    Scope: the projects of `programme` (all programmes when empty) in calls of
    `initiative` (any when empty). `plan`: the plan whose document printed it;
    only that plan's report prints it."""

    label = models.CharField(_("label as published"), max_length=200)
    source = models.CharField(_("source"), max_length=200)
    programme = models.ForeignKey(Programme, verbose_name=_("programme"), null=True,
                                  blank=True, on_delete=models.PROTECT,
                                  related_name="stated_totals")
    initiative = models.CharField(_("initiative"), max_length=40, blank=True)
    plan = models.ForeignKey("planning.Plan", verbose_name=_("plan"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="stated_totals",
                             help_text=_("The plan whose document printed the total."))
    amount = models.DecimalField(_("stated amount"), **MONEY)
    amount_text = models.CharField(_("amount as published"), max_length=60, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("stated total")
        verbose_name_plural = _("stated totals")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "label"], name="stated_total_unique"),
        ]

    def __str__(self):
        return self.label


ZERO = Decimal("0.00")
