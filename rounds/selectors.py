"""Reads of reporting rounds, and the plain functions the officer's desk and
the reminder mails build on (wired by the apps that send and show them):

- `submissions_awaiting_approval(user)`: what waits for a city officer's
  decision (values and half-year reports), with `.count`;
- `rounds_near_deadline(today=, days=)`: open rounds due within `days`, or overdue;
- `owed_by(user_or_organisation, round_)`: what an implementer still owes in a round;
- `reminders_due(today=)`: (recipient, round, owed obligations, "before" | "after")
  for the mails before and after a deadline.

Each reads the state of an obligation from the value or report itself
(`with_state`), so that nothing is kept twice."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.permissions import implementer_organisation_id, is_city_officer
from core.review import ReviewState
from directory.models import Organisation
from indicators.models import IndicatorValue
from network.indicator_models import IndicatorValue as ServiceValue
from projects.models import HalfYearReport

from .models import Obligation, ObligationKind, ReportingRound, RoundStatus

MISSING = "missing"
STATES = (MISSING, *ReviewState.values)
# Still owed: nothing submitted yet, or back with the implementer.
OWED_STATES = (MISSING, ReviewState.DRAFT, ReviewState.RETURNED)
# Reminder days: this many days before the deadline, and after it.
REMIND_BEFORE = (7, 1)
REMIND_AFTER = (1, 7, 14, 28)


def _value_of_round():
    """The obligation's value: the latest of the indicator's home territory
    whose period ends within the round's period."""
    return (IndicatorValue.objects.filter(
        indicator_id=OuterRef("indicator_id"),
        territory_id=OuterRef("indicator__home_territory_id"),
        period_end__gte=OuterRef("round__period_start"),
        period_end__lte=OuterRef("round__period_end"))
        .order_by("-period_end", "-pk"))


def _report_of_round():
    return (HalfYearReport.objects.filter(
        project_id=OuterRef("project_id"),
        period_end__gte=OuterRef("round__period_start"),
        period_end__lte=OuterRef("round__period_end"))
        .order_by("-period_end", "-pk"))


# A service owes several values: its state is the one furthest from done, so
# that one returned or draft value keeps the service on the provider's list.
_SERVICE_STATE_ORDER = (ReviewState.RETURNED, ReviewState.DRAFT, ReviewState.SUBMITTED,
                        ReviewState.APPROVED)


def _service_values_of_round():
    """The values of the obligation's service for the round's report of the
    service indicators, the one furthest from done first."""
    return (ServiceValue.objects.filter(
        service_id=OuterRef("service_id"), year=OuterRef("round__service_year"),
        period=OuterRef("round__service_period"))
        .annotate(done=Case(*(When(review_state=state, then=Value(rank))
                              for rank, state in enumerate(_SERVICE_STATE_ORDER)),
                            output_field=IntegerField()))
        .order_by("done", "-pk"))


def with_state(obligations):
    """Annotate `state` (missing or the review state), `record_id` (the value
    or report, if any) and `corrected_on`: correlated subqueries on indexed
    columns, one per row of the page, never a query per row."""
    def pick(field, output):
        return Case(
            When(kind=ObligationKind.VALUE,
                 then=Subquery(_value_of_round().values(field)[:1])),
            When(kind=ObligationKind.SERVICE,
                 then=Subquery(_service_values_of_round().values(field)[:1])),
            default=Subquery(_report_of_round().values(field)[:1]),
            output_field=output)
    return obligations.annotate(
        state=Coalesce(pick("review_state", CharField()), Value(MISSING)),
        record_id=pick("pk", IntegerField()),
        comment=pick("review_comment", CharField()),
    )


def overview(round_, *, state=None, kind=None, organisation=None, q=None):
    """The officers' overview of one round: implementers × items, in Czech
    order of the organisation, then the item; filtered."""
    from core.collation import czech

    rows = with_state(round_.obligations.all())
    if state:
        rows = rows.filter(state=state)
    if kind:
        rows = rows.filter(kind=kind)
    if organisation is not None:
        rows = rows.filter(organisation=organisation)
    if q:
        q = q.strip()[:100]
        rows = rows.filter(Q(organisation__name__icontains=q) | Q(indicator__code__iexact=q)
                           | Q(indicator__name__icontains=q)
                           | Q(project__registration_number__icontains=q)
                           | Q(project__title__icontains=q)
                           | Q(service__register_id=q) | Q(service__name__icontains=q))
    return (rows.select_related("organisation", "indicator", "project", "service")
            .order_by(czech("organisation__name"), "organisation_id", "kind",
                      "indicator__sort_key", "project__registration_number", "service__name",
                      "pk"))


def state_counts(round_):
    """{state: count} over the whole round, one query."""
    counts = dict.fromkeys(STATES, 0)
    rows = (with_state(round_.obligations.all()).order_by().values("state")
            .annotate(n=Count("pk")))
    for row in rows:
        counts[row["state"]] = row["n"]
    return counts


def round_list():
    return ReportingRound.objects.order_by("-deadline", "-pk")


def newest_open_round():
    """The newest open round, by its period (None when none is open): where
    an officer's "who still has to report" lands."""
    return (ReportingRound.objects.filter(status=RoundStatus.OPEN)
            .order_by("-period_end", "-deadline", "-pk").first())


@dataclass
class Awaiting:
    values: object  # QuerySet of IndicatorValue
    reports: object  # QuerySet of HalfYearReport

    @property
    def count(self):
        return self.values.count() + self.reports.count()


def submissions_awaiting_approval(user):
    """For a city officer: the submitted values and half-year reports, oldest
    first (`.values`, `.reports` are QuerySets; `.count` both, two queries).
    For anyone else: nothing."""
    values = IndicatorValue.objects.filter(review_state=ReviewState.SUBMITTED)
    reports = HalfYearReport.objects.filter(review_state=ReviewState.SUBMITTED)
    if not is_city_officer(user):
        values, reports = values.none(), reports.none()
    return Awaiting(values.select_related("indicator", "territory").order_by("pk"),
                    reports.select_related("project").order_by("pk"))


def rounds_near_deadline(*, today, days):
    """Open rounds whose deadline is at most `days` away, the overdue ones
    included (still open: somebody still has to act), soonest first."""
    return (ReportingRound.objects.filter(status=RoundStatus.OPEN,
                                          deadline__lte=today + timedelta(days=days))
            .order_by("deadline", "pk"))


def _organisation_id(user_or_organisation):
    if isinstance(user_or_organisation, Organisation):
        return user_or_organisation.pk
    return implementer_organisation_id(user_or_organisation)


def owed_by(user_or_organisation, round_):
    """What an implementer (a user with an organisation, or the organisation)
    still owes in `round_`: obligations missing, in draft or returned, with
    `state` and `record_id`. Empty for a user who implements nothing."""
    organisation_id = _organisation_id(user_or_organisation)
    if not organisation_id:
        return Obligation.objects.none()
    return (with_state(Obligation.objects.filter(round=round_,
                                                 organisation_id=organisation_id))
            .filter(state__in=OWED_STATES)
            .select_related("indicator", "project", "service", "round").order_by("kind", "pk"))


def obligations_of(user):
    """An implementer's obligations in the open rounds, with state and the
    round's deadline: its own list (rounds:mine)."""
    organisation_id = implementer_organisation_id(user)
    if not organisation_id:
        return Obligation.objects.none()
    return (with_state(Obligation.objects.filter(organisation_id=organisation_id,
                                                 round__status=RoundStatus.OPEN))
            .select_related("indicator", "project", "service", "round")
            .order_by("round__deadline", "round_id", "kind", "indicator__sort_key",
                      "project__registration_number", "service__name", "pk"))


def _when_to_remind(round_, today):
    left = (round_.deadline - today).days
    if left in REMIND_BEFORE:
        return "before"
    if -left in REMIND_AFTER:
        return "after"
    return None


def reminders_due(*, today):
    """[(recipient user, round, [owed obligations], "before" | "after")]: the
    mails of the day, REMIND_BEFORE days before an open round's deadline and
    REMIND_AFTER days after it, to each active user of an organisation that
    still owes something (a few queries per due round; no mail is sent here)."""
    due = []
    for round_ in ReportingRound.objects.filter(
            status=RoundStatus.OPEN,
            deadline__gte=today - timedelta(days=max(REMIND_AFTER)),
            deadline__lte=today + timedelta(days=max(REMIND_BEFORE))).order_by("deadline", "pk"):
        when = _when_to_remind(round_, today)
        if when is None:
            continue
        owed = {}
        for obligation in (with_state(round_.obligations.all()).filter(state__in=OWED_STATES)
                           .select_related("indicator", "project", "service")
                           .order_by("kind", "pk")):
            owed.setdefault(obligation.organisation_id, []).append(obligation)
        users = (get_user_model().objects.filter(is_active=True,
                                                  implementer_organisation_id__in=owed)
                 .order_by("pk"))
        for user in users:
            due.append((user, round_, owed[user.implementer_organisation_id], when))
    return due


def days_left(round_, today):
    return (round_.deadline - today).days



