"""Service indicators, the values providers report, the officers' questions
about disproportions, and the yearly funding of services.

Indicators are defined in a versioned manual; a version in its pilot period
marks every value reported under it (the mark stays on the value when the
pilot ends, since the values were counted under rules still being refined)."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.constraints import ChecksInOneQuery
from core.review import Reviewed, review_constraints

VALUE = {"max_digits": 12, "decimal_places": 2}


class ManualState(models.TextChoices):
    PILOT = "pilot", _("pilot period")
    IN_FORCE = "in_force", _("in force")
    SUPERSEDED = "superseded", _("superseded")


class IndicatorManual(models.Model):
    """One version of the manual of service indicators."""

    city = models.ForeignKey("directory.City", verbose_name=_("city"), on_delete=models.PROTECT,
                             related_name="indicator_manuals")
    number = models.CharField(_("version number"), max_length=20,
                              help_text=_("As the manual is numbered, e.g. 1.0."))
    valid_from = models.DateField(_("valid from"))
    state = models.CharField(_("state"), max_length=12, choices=ManualState.choices,
                             default=ManualState.PILOT)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("version of the indicator manual")
        verbose_name_plural = _("versions of the indicator manual")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["city", "number"],
                                    name="indicator_manual_number_unique"),
            models.CheckConstraint(condition=Q(state__in=[s.value for s in ManualState]),
                                   name="indicator_manual_state_valid",
                                   violation_error_message=_(
                                       "Choose a state of the manual from the list.")),
        ]

    def __str__(self):
        return _("Manual %(number)s (%(state)s)") % {"number": self.number,
                                                      "state": self.get_state_display()}

    @property
    def is_pilot(self):
        return self.state == ManualState.PILOT


class ServiceIndicator(models.Model):
    """An indicator the manual defines for some kinds of service."""

    manual = models.ForeignKey(IndicatorManual, verbose_name=_("manual"),
                               on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    definition = models.TextField(_("definition"))
    unit = models.CharField(_("unit"), max_length=50, help_text=_("What is counted, e.g. "
                                                                 "interventions or persons."))
    comment_allowed = models.BooleanField(_("verbal comment allowed"), default=False)
    kinds = models.ManyToManyField("network.ServiceKind", verbose_name=_("kinds of service"),
                                   blank=True, related_name="indicators")
    for_activities = models.BooleanField(_("reported by related activities too"), default=False)
    counts_clients = models.BooleanField(
        _("counts clients"), default=False,
        help_text=_("The yearly evaluation sums this indicator as the number of clients."))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("service indicator")
        verbose_name_plural = _("service indicators")
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["manual", "code"],
                                    name="service_indicator_code_unique_in_manual"),
        ]

    def __str__(self):
        return self.name


class ReportingPeriod(models.TextChoices):
    """The half-year report covers January to June, the final report the year."""

    HALF_YEAR = "half", _("first half-year")
    YEAR = "year", _("whole year")


def period_end(year, period):
    return date(year, 6, 30) if period == ReportingPeriod.HALF_YEAR else date(year, 12, 31)


def latest_period_within(start, end):
    """(year, period) of the latest report whose period ends between `start`
    and `end`, or None: what a reporting round over those days asks for."""
    for year in range(end.year, start.year - 1, -1):
        for period in (ReportingPeriod.YEAR, ReportingPeriod.HALF_YEAR):
            if start <= period_end(year, period) <= end:
                return year, period
    return None


class IndicatorValue(Reviewed):
    """A value a provider reported for one service, indicator and period;
    public and counted (the disproportion check, the yearly evaluation) only
    once approved (core.review)."""

    service = models.ForeignKey("network.Service", verbose_name=_("service"),
                                on_delete=models.CASCADE, related_name="indicator_values")
    indicator = models.ForeignKey(ServiceIndicator, verbose_name=_("indicator"),
                                  on_delete=models.PROTECT, related_name="values")
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=4, choices=ReportingPeriod.choices)
    value = models.DecimalField(_("value"), **VALUE)
    comment = models.TextField(_("comment"), blank=True)
    pilot = models.BooleanField(_("reported in the pilot period"), default=False, editable=False)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reported_at = models.DateTimeField(_("reported at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("value of a service indicator")
        verbose_name_plural = _("values of service indicators")
        ordering = ["year", "period", "indicator", "service"]
        constraints = [
            models.UniqueConstraint(fields=["service", "indicator", "year", "period"],
                                    name="indicator_value_once_per_period"),
            models.CheckConstraint(condition=Q(value__gte=0), name="indicator_value_not_negative"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100),
                                   name="indicator_value_year_range"),
            models.CheckConstraint(condition=Q(period__in=[p.value for p in ReportingPeriod]),
                                   name="indicator_value_period_valid"),
            *review_constraints("service_indicator_value"),
        ]
        indexes = [models.Index(fields=["year", "period", "indicator"]),
                   models.Index(fields=["review_state"], condition=~Q(review_state="approved"),
                                name="service_value_in_review")]

    def __str__(self):
        return f"{self.indicator} {self.year} {self.get_period_display()}: {self.value}"

    @property
    def disproportion_query(self):
        """The question about the value, or None (reads the row a
        `select_related("query")` brought)."""
        try:
            return self.query
        except DisproportionQuery.DoesNotExist:
            return None

    def clean(self):
        super().clean()
        if self.value is not None and self.value < 0:
            raise ValidationError({"value": _("A value is not negative.")})
        if self.comment and self.indicator_id and not self.indicator.comment_allowed:
            raise ValidationError({"comment": _(
                "The manual allows no verbal comment to “%(indicator)s”.")
                % {"indicator": self.indicator}})


class DisproportionQuery(models.Model):
    """What the officers asked about a value the check flagged, and what the
    provider answered. Never public."""

    value = models.OneToOneField(IndicatorValue, verbose_name=_("value"),
                                 on_delete=models.CASCADE, related_name="query")
    question = models.TextField(_("question asked"))
    answer = models.TextField(_("provider's answer"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("question about a disproportion")
        verbose_name_plural = _("questions about disproportions")

    def __str__(self):
        return str(self.value)


class FundingSource(models.TextChoices):
    CITY = "city", _("city")
    REGION = "region", _("region")
    STATE = "state", _("state budget (MPSV)")
    EU = "eu", _("European funds")
    OTHER = "other", _("other sources")


class ServiceFunding(ChecksInOneQuery):
    """What a service or activity received from one source in one year."""

    service = models.ForeignKey("network.Service", verbose_name=_("service"),
                                on_delete=models.CASCADE, related_name="funding")
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=10, choices=FundingSource.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("funding of a service")
        verbose_name_plural = _("funding of services")
        ordering = ["year", "source"]
        constraints = [
            models.UniqueConstraint(fields=["service", "year", "source"],
                                    name="service_funding_once_per_source"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="service_funding_not_negative"),
            models.CheckConstraint(condition=Q(source__in=[s.value for s in FundingSource]),
                                   name="service_funding_source_valid"),
        ]

    def __str__(self):
        return f"{self.service} {self.year} {self.get_source_display()}"
