"""Indicators: what is measured, the values as published, the target and the
status the portal computes from them.

A value keeps the published text next to the parsed number, because the
evaluation report prints "cca 3 100", "n. a." or "174,1, 2. v ČR" and the
portal must be able to print the same. Composite values ("12/12/4/22") are
labelled parts, never a string."""


from datetime import date
from decimal import Decimal

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

# Territory moved to the directory; `from indicators.models import Territory` still works.
from core.constraints import ChecksInOneQuery
from core.review import Reviewed, review_constraints
from directory.models import Person, Territory  # noqa: F401
from planning.models import Plan, PlanItem

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*\Z"


class IndicatorKind(models.TextChoices):
    GLOBAL = "global", _("global indicator")
    IMPACT = "impact", _("impact indicator")
    PROJECT = "project", _("project indicator")


class Unit(models.TextChoices):
    COUNT = "count", _("count")
    PERCENT = "percent", _("per cent")
    INDEX = "index", _("index")
    CZK = "czk", _("Czech crowns")
    PER_10000 = "per_10000", _("per 10,000 inhabitants")
    OTHER = "other", _("other")


class Frequency(models.TextChoices):
    YEARLY = "yearly", _("yearly")
    HALF_YEARLY = "half_yearly", _("every half-year")
    QUARTERLY = "quarterly", _("quarterly")
    MONTHLY = "monthly", _("monthly")
    SCHOOL_YEAR = "school_year", _("every school year")
    IRREGULAR = "irregular", _("irregularly")
    ONCE = "once", _("once, at the project's end")
    EVERY_N_YEARS = "every_n_years", _("every N years")


class TargetKind(models.TextChoices):
    """Every shape of target the evaluation report uses."""

    NONE = "", _("no target set")
    BELOW = "below", _("less than")
    AT_MOST = "at_most", _("at most")
    AT_LEAST = "at_least", _("at least")
    DECREASE = "decrease", _("decrease")
    INCREASE = "increase", _("increase")
    DECREASE_BY = "decrease_by", _("decrease by")
    INCREASE_BY = "increase_by", _("increase by")
    BELOW_COMPARISON = "below_comparison", _("below the comparison territory")
    LOWER_IN_RANKING = "lower_in_ranking", _("lower in the ranking")


# Targets that need a number, and those that need a comparison territory.
TARGETS_WITH_VALUE = (
    TargetKind.BELOW, TargetKind.AT_MOST, TargetKind.AT_LEAST,
    TargetKind.DECREASE_BY, TargetKind.INCREASE_BY,
)
TARGETS_WITH_COMPARISON = (TargetKind.BELOW_COMPARISON,)


class Status(models.TextChoices):
    ON_TRACK = "on_track", _("on track")
    IMPROVING = "improving", _("improving, not yet at target")
    OFF_TRACK = "off_track", _("off the expected trend")
    NO_DATA = "no_data", _("no data")
    NO_TARGET = "no_target", _("no target set")


class PeriodKind(models.TextChoices):
    YEAR = "year", _("year")
    HALF_YEAR = "half_year", _("half-year")
    SCHOOL_YEAR = "school_year", _("school year")
    MONTH = "month", _("month")
    AS_OF = "as_of", _("as of a date")
    PERIOD = "period", _("period")


class Indicator(ChecksInOneQuery):
    # The code as the document prints it: not unique (a plan may print one
    # twice; indicators.checks flags it) and not a URL key - `slug` is.
    code = models.CharField(
        _("code"), max_length=60,
        help_text=_("As printed in the plan, e.g. G01, 1.1.1-a or 2.1.10."),
    )
    slug = models.CharField(
        _("address"), max_length=80, unique=True,
        validators=[RegexValidator(CODE_PATTERN, _(
            "Use letters, digits, dots, hyphens and underscores, starting with a letter or "
            "a digit."))],
        help_text=_("The indicator's key in addresses, derived from the code."),
    )
    # Natural order of the code (G2 before G10, 2.1.3 before 2.1.10), kept by
    # the services (indicators.services.code_sort_key).
    sort_key = models.CharField(max_length=200, blank=True, default="", editable=False)
    name = models.CharField(_("name"), max_length=500)
    national_code = models.CharField(_("national code"), max_length=20, blank=True,
                                     help_text=_("e.g. 60000 in the ESF indicator list"))
    kind = models.CharField(_("kind"), max_length=10, choices=IndicatorKind.choices)
    unit = models.CharField(_("unit"), max_length=12, choices=Unit.choices,
                            default=Unit.COUNT)
    unit_label = models.CharField(_("unit as printed"), max_length=60, blank=True,
                                  help_text=_("Shown instead of the unit when set."))
    definition = models.TextField(_("definition"), blank=True)
    data_source = models.TextField(_("data source"), blank=True)
    update_frequency = models.CharField(_("update frequency"), max_length=20,
                                        choices=Frequency.choices, blank=True)
    frequency_years = models.PositiveSmallIntegerField(
        _("every how many years"), null=True, blank=True,
        help_text=_("Only with the frequency “every N years”."))
    responsible = models.ForeignKey(Person, verbose_name=_("responsible person"), null=True,
                                    blank=True, on_delete=models.SET_NULL,
                                    related_name="indicators")
    plans = models.ManyToManyField(Plan, verbose_name=_("plans"), blank=True,
                                   related_name="indicators")
    plan_item = models.ForeignKey(
        PlanItem, verbose_name=_("specific goal"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="indicators",
        help_text=_("For impact indicators: the specific goal they measure."),
    )
    position = models.PositiveIntegerField(
        _("printed order"), default=0,
        help_text=_("Order in which the plan prints its indicators; 0 orders by the code."))
    home_territory = models.ForeignKey(Territory, verbose_name=_("territory"),
                                       on_delete=models.PROTECT, related_name="+")
    comparison_territory = models.ForeignKey(
        Territory, verbose_name=_("comparison territory"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    part_labels = models.JSONField(
        _("labels of the parts"), default=list, blank=True,
        help_text=_("For a composite value such as 12/12/4/22: what each part counts."),
    )
    note = models.TextField(_("note"), blank=True)
    commentary = models.TextField(
        _("commentary"), blank=True,
        help_text=_("Why the indicator is off its expected trend; shown on the public page "
                    "and in the report. Paragraphs, lists, bold, italic and links."),
    )
    # Kept by indicators.services.indicator_refresh_status whenever the values
    # or the target change, so lists filter and count by status in SQL. The
    # sentence explaining it is built when shown, in the reader's language.
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.NO_DATA, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)


    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["kind", "position", "sort_key", "id"]
        # The lists walk this index in order and stop after one page, whatever
        # the number of indicators.
        indexes = [models.Index(fields=["kind", "position", "sort_key", "id"],
                                name="indicator_list_order")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=IndicatorKind.IMPACT) | Q(plan_item__isnull=False),
                name="indicator_impact_has_specific_goal",
                violation_error_message=_(
                    "An impact indicator belongs to a specific goal: choose it."),
            ),
            models.CheckConstraint(
                condition=Q(update_frequency=Frequency.EVERY_N_YEARS, frequency_years__gte=1)
                | (~Q(update_frequency=Frequency.EVERY_N_YEARS)
                   & Q(frequency_years__isnull=True)),
                name="indicator_frequency_years_iff_every_n_years",
                violation_error_message=_(
                    "Give the number of years exactly when the indicator is "
                    "updated once in several years."),
            ),
            models.CheckConstraint(
                condition=Q(comparison_territory__isnull=True)
                | ~Q(comparison_territory=models.F("home_territory")),
                name="indicator_comparison_differs",
                violation_error_message=_(
                    "The territory compared with must differ from the indicator's "
                    "own territory."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("indicators:detail", args=[self.slug])

    @property
    def frequency_display(self):
        if self.update_frequency == Frequency.EVERY_N_YEARS and self.frequency_years:
            return _("every %(years)d years") % {"years": self.frequency_years}
        return self.get_update_frequency_display()

    @property
    def milestones(self):
        """The milestones in their order (prefetch `targets` to read them
        without a query)."""
        return sorted(self.targets.all(), key=lambda t: t.position)

    @property
    def unit_display(self):
        if self.unit_label:
            return self.unit_label
        return {Unit.PERCENT: "%", Unit.CZK: "Kč"}.get(self.unit, "")

    @property
    def project(self):
        """The project that reports a project indicator, or None. The projects
        app keeps the link (projects.ProjectIndicator), so that this app does
        not depend on projects; select `project_link__project` to read it
        without a query."""
        link = getattr(self, "project_link", None)
        return link.project if link is not None else None


class IndicatorTarget(ChecksInOneQuery):
    """One dated milestone of an indicator: "at most 16 by 2025", "decrease"
    by 30. 6. 2027. An indicator has any number; the status is judged
    against the next one (indicators.status.next_target)."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"),
                                  on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    due = models.DateField(_("due date"), null=True, blank=True)
    kind = models.CharField(_("target"), max_length=20,
                            choices=[c for c in TargetKind.choices if c[0]])
    value = models.DecimalField(_("target value"), max_digits=18, decimal_places=4,
                                null=True, blank=True)
    text = models.CharField(_("target as published"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["indicator", "position"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "position"],
                                    name="indicator_target_unique_position"),
            models.CheckConstraint(condition=~Q(kind=""), name="indicator_target_has_kind"),
            models.CheckConstraint(
                condition=~Q(kind__in=TARGETS_WITH_VALUE) | Q(value__isnull=False),
                name="indicator_target_has_value",
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1900, year__lte=2100),
                name="indicator_target_year_plausible",
            ),
        ]

    def __str__(self):
        return self.phrase

    @property
    def ends(self):
        """The last day the milestone covers, or None (undated: never past)."""
        if self.due is not None:
            return self.due
        if self.year is not None:
            return date(self.year, 12, 31)
        return None

    @property
    def when(self):
        if self.due is not None:
            return f"{self.due.day}. {self.due.month}. {self.due.year}"
        return str(self.year) if self.year else ""

    @property
    def phrase(self):
        """The target as published, or built from its kind and value."""
        if self.text:
            return self.text
        label = str(TargetKind(self.kind).label)
        if self.value is not None:
            return f"{label} {number_format(Decimal(self.value).normalize(), force_grouping=True)}"
        return label


class ValueQuerySet(models.QuerySet):
    def chronological(self):
        return self.order_by("period_end", "period_start", "territory_id")


class IndicatorValue(Reviewed):
    """One value of an indicator for one period and territory; public once
    approved (core.review)."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"),
                                  on_delete=models.CASCADE, related_name="values")
    territory = models.ForeignKey(Territory, verbose_name=_("territory"),
                                  on_delete=models.PROTECT, related_name="values")
    period_kind = models.CharField(_("period kind"), max_length=12, choices=PeriodKind.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    period_text = models.CharField(_("period as published"), max_length=100)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4, null=True,
                                blank=True)
    available = models.BooleanField(_("available"), default=True)
    not_available_reason = models.CharField(_("why not available"), max_length=300,
                                            blank=True)
    is_estimate = models.BooleanField(_("estimate"), default=False)
    is_composite = models.BooleanField(_("composite"), default=False)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    rank_scope = models.CharField(_("ranked among"), max_length=60, blank=True,
                                  help_text=_("e.g. v ČR"))
    value_text = models.CharField(_("value as published"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_baseline = models.BooleanField(_("baseline"), default=False)
    source = models.CharField(_("source"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "period_end", "period_start", "territory_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "territory", "period_start", "period_end"],
                name="indicator_value_one_per_period_and_territory",
            ),
            models.UniqueConstraint(
                fields=["indicator", "territory"], condition=Q(is_baseline=True),
                name="indicator_value_one_baseline_per_territory",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="indicator_value_period_ordered",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            # A value is a number, or labelled parts, or not available - never
            # two of these at once.
            models.CheckConstraint(
                condition=(
                    Q(available=False, value__isnull=True, is_composite=False)
                    | Q(available=True, is_composite=True, value__isnull=True)
                    | Q(available=True, is_composite=False, value__isnull=False)
                ),
                name="indicator_value_number_parts_or_not_available",
                violation_error_message=_(
                    "A value is a number, or parts, or not available: exactly one of them."),
            ),
            models.CheckConstraint(
                condition=Q(available=True) | Q(is_estimate=False, rank__isnull=True),
                name="indicator_value_not_available_is_plain",
                violation_error_message=_(
                    "A value that is not available is neither an estimate nor ranked."),
            ),
            *review_constraints("indicator_value"),
        ]
        indexes = [
            # The latest period of an indicator's home territory (the reporting
            # overview's counts, the "latest value"): read from the index alone.
            models.Index(fields=["indicator", "territory", "period_end"],
                         name="indicator_value_latest"),
            # What waits for an officer: the few rows not yet approved.
            models.Index(fields=["review_state"], condition=~Q(review_state="approved"),
                         name="indicator_value_in_review"),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.period_text} {self.territory.label}"

    @property
    def half_year_report(self):
        """The implementation report that brought this value, or None (the
        link is kept by the projects app, projects.HalfYearReportValue)."""
        link = getattr(self, "half_year_report_link", None)
        return link.report if link is not None else None


# An indicator's trail records its values' changes as "<period> <territory>: <field>".
Indicator.audit_related_model = IndicatorValue


def _audit_display(name, value):
    """The milestones in an audit entry as the page prints them ("at most 10
    (2030)"), not as stored data; None for anything else."""
    if name != "milestones" or not isinstance(value, list):
        return None
    texts = []
    for data in value:
        if not isinstance(data, dict) or data.get("kind") not in TargetKind.values:
            return None
        target = IndicatorTarget(
            kind=data["kind"], year=data.get("year"), text=data.get("text") or "",
            value=Decimal(data["value"]) if data.get("value") not in (None, "") else None)
        if data.get("due"):
            target.due = date.fromisoformat(data["due"])
        when = target.when
        texts.append(f"{target.phrase} ({when})" if when and when not in target.phrase
                     else target.phrase)
    return "; ".join(texts)


Indicator.audit_display = staticmethod(_audit_display)


class IndicatorValuePart(models.Model):
    """One labelled part of a composite value (12/12/4/22)."""

    value = models.ForeignKey(IndicatorValue, verbose_name=_("value"),
                              on_delete=models.CASCADE, related_name="parts")
    position = models.PositiveSmallIntegerField(_("order"))
    label = models.CharField(_("label"), max_length=200)
    amount = models.DecimalField(_("value"), max_digits=18, decimal_places=4)

    class Meta:
        verbose_name = _("part of a value")
        verbose_name_plural = _("parts of a value")
        ordering = ["value", "position"]
        constraints = [
            models.UniqueConstraint(fields=["value", "position"],
                                    name="indicator_value_part_unique_position"),
        ]

    def __str__(self):
        return f"{self.label}: {self.amount}"
