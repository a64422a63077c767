"""Reporting rounds: a city officer opens a round (half-year or year, a
period, a deadline and what it covers) and the portal derives who owes what.
The obligations are rows, derived when the round opens (and again on demand),
so that the officers' overview pages and filters them in SQL; the state of
each obligation is read from the value or report itself (core.review), which
keeps its state in its own app."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.constraints import ChecksInOneQuery
from directory.models import Organisation
from indicators.models import Indicator
from network.indicator_models import ReportingPeriod
from network.models import Service
from planning.models import Plan, PlanItem
from projects.models import Project


class RoundKind(models.TextChoices):
    HALF_YEAR = "half_year", _("half-year")
    YEAR = "year", _("year")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class ReportingRound(ChecksInOneQuery):
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=RoundKind.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices,
                              default=RoundStatus.OPEN)
    plans = models.ManyToManyField(Plan, verbose_name=_("plans"), blank=True,
                                   related_name="+")
    indicators = models.ManyToManyField(Indicator, verbose_name=_("indicators"), blank=True,
                                        related_name="+")
    measures = models.ManyToManyField(PlanItem, verbose_name=_("measures"), blank=True,
                                      related_name="+")
    projects = models.ManyToManyField(Project, verbose_name=_("projects"), blank=True,
                                      related_name="+")
    service_indicators = models.BooleanField(
        _("service indicators of the network"), default=False,
        help_text=_("Every provider reports the indicators of its services in the network."))
    # The report of the service indicators the round asks for: the latest
    # whose period ends within the round's (network.latest_period_within).
    service_year = models.PositiveSmallIntegerField(_("year of the service indicators"),
                                                    null=True, blank=True, editable=False)
    service_period = models.CharField(_("period of the service indicators"), max_length=4,
                                      choices=ReportingPeriod.choices, blank=True,
                                      editable=False)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        ordering = ["-deadline", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")),
                                   name="reporting_round_period_ordered"),
            models.CheckConstraint(condition=Q(deadline__gte=F("period_start")),
                                   name="reporting_round_deadline_after_start"),
            models.CheckConstraint(
                condition=Q(status=RoundStatus.OPEN, closed_at__isnull=True)
                | Q(status=RoundStatus.CLOSED, closed_at__isnull=False),
                name="reporting_round_closed_has_time"),
            models.CheckConstraint(
                condition=Q(service_indicators=False, service_year__isnull=True,
                            service_period="")
                | (Q(service_indicators=True, service_year__isnull=False)
                   & ~Q(service_period="")),
                name="reporting_round_service_period_if_services"),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="reporting_round_due")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("rounds:detail", args=[self.pk])

    @property
    def is_open(self):
        return self.status == RoundStatus.OPEN


class ObligationKind(models.TextChoices):
    VALUE = "value", _("indicator value")
    REPORT = "report", _("half-year report")
    SERVICE = "service", _("service indicators")


class Obligation(models.Model):
    """An organisation owes, in a round, a value of an indicator (its home
    territory, a period ending within the round's), a half-year report of a
    project (a report period ending within the round's) or, as a provider,
    the values of the service indicators of one of its services (the round's
    service_year and service_period)."""

    round = models.ForeignKey(ReportingRound, verbose_name=_("reporting round"),
                              on_delete=models.CASCADE, related_name="obligations")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"),
                                     on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=ObligationKind.choices)
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), null=True,
                                  blank=True, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, verbose_name=_("project"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, verbose_name=_("social service"), null=True,
                                blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=ObligationKind.VALUE, indicator__isnull=False,
                            project__isnull=True, service__isnull=True)
                | Q(kind=ObligationKind.REPORT, project__isnull=False, indicator__isnull=True,
                    service__isnull=True)
                | Q(kind=ObligationKind.SERVICE, service__isnull=False,
                    indicator__isnull=True, project__isnull=True),
                name="obligation_one_item_of_its_kind"),
            models.UniqueConstraint(fields=["round", "organisation", "indicator"],
                                    condition=Q(kind=ObligationKind.VALUE),
                                    name="obligation_one_value"),
            models.UniqueConstraint(fields=["round", "organisation", "project"],
                                    condition=Q(kind=ObligationKind.REPORT),
                                    name="obligation_one_report"),
            models.UniqueConstraint(fields=["round", "organisation", "service"],
                                    condition=Q(kind=ObligationKind.SERVICE),
                                    name="obligation_one_service"),
        ]
        indexes = [models.Index(fields=["organisation", "round"],
                                name="obligation_of_organisation")]

    def __str__(self):
        return f"{self.organisation}: {self.item}"

    @property
    def item(self):
        return self.indicator or self.project or self.service
