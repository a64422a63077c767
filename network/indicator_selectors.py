"""Reads of the service indicators: the disproportion check and the yearly
evaluation of the community plan. Each costs a fixed number of queries,
whatever the number of services and values."""

import contextlib
import statistics
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, Sum

from core import dataversion
from core.collation import czech_sort_key
from core.review import ReviewState

from .indicator_models import (
    FundingSource,
    IndicatorManual,
    IndicatorValue,
    ReportingPeriod,
    ServiceFunding,
    ServiceIndicator,
    period_end,
)
from .models import Service, ServiceCategory, ServiceVersion
from .selectors import capacity_table

# The rule of the check, stated on its page: a value per unit of capacity is
# flagged when it lies outside median ± THRESHOLD × scaled MAD of the services
# of the same kind (MAD × 1.4826 estimates the standard deviation of normally
# distributed values without being moved by the outliers themselves).
THRESHOLD = 3
MAD_SCALE = 1.4826
MIN_COMPARABLE = 4
# A new version of the data makes a new key; the old one just expires.
CACHE_TIMEOUT = 24 * 3600


def manuals(city):
    return (IndicatorManual.objects.filter(city=city)
            .annotate(indicator_count=Count("indicators")))


def manual_indicators(manual):
    return ServiceIndicator.objects.filter(manual=manual).prefetch_related("kinds")


def indicators_for_service(service):
    """The indicators of every manual version that apply to the service,
    newest version first."""
    applies = (Q(for_activities=True) if service.is_activity
               else Q(kinds=service.kind_id))
    return (ServiceIndicator.objects.filter(applies, manual__city=service.city_id)
            .select_related("manual").order_by("-manual__valid_from", "position", "code"))


def service_values(service):
    return (IndicatorValue.objects.filter(service=service)
            .select_related("indicator__manual")
            .order_by("-year", "-period", "indicator__position", "indicator__code"))


def reported_periods(city):
    """(year, period) pairs with approved values, newest first. Kept per
    version of the data: finding them reads every value of the city."""
    def build():
        rows = (IndicatorValue.objects.filter(indicator__manual__city=city,
                                              review_state=ReviewState.APPROVED)
                .values_list("year", "period").distinct().order_by())
        # "year" sorts before "half", but the final report follows the half-year one.
        return sorted(rows, key=lambda row: (row[0], row[1] == ReportingPeriod.YEAR),
                      reverse=True)

    return _cached(f"network:reported-periods:{city.pk}", build)


@dataclass
class ReportedValue:
    """One value as the check reads it: plain fields, no model instances, so
    that thousands of values cost little."""

    pk: int
    service_id: int
    service_name: str
    provider_name: str
    kind_id: int
    kind_label: str
    indicator_id: int
    indicator_code: str
    indicator_name: str
    indicator_unit: str
    value: Decimal
    pilot: bool
    question: str | None
    answer: str | None
    capacity: Decimal | None = None
    capacity_unit_name: str | None = None


_VALUE_FIELDS = ("pk", "service_id", "service__name", "service__provider__name",
                 "service__kind_id", "service__kind__paragraph", "service__kind__name",
                 "indicator_id", "indicator__code", "indicator__name", "indicator__unit",
                 "value", "pilot", "query__question", "query__answer",
                 "indicator__position", "service__kind__position")


def values_with_capacity(*, city, year, period):
    """The values of the services' indicators in a period, each with the
    service's capacity and unit as of the period's last day: two queries, the
    values and the versions in force that day, joined here (a subquery per
    value costs more at many services). In the order of the indicators, then
    the kinds of service, then the services."""
    day = period_end(year, period)
    # Unordered in SQL: sorting thousands of rows by the collated code and
    # paragraph took PostgreSQL most of the query's time; here it is a sort
    # of tuples.
    rows = (IndicatorValue.objects
            .filter(indicator__manual__city=city, service__category=ServiceCategory.SERVICE,
                    year=year, period=period, review_state=ReviewState.APPROVED)
            .order_by().values_list(*_VALUE_FIELDS))
    capacities = {service_id: (capacity, unit) for service_id, capacity, unit in
                  ServiceVersion.objects.valid_on(day).filter(service__city=city)
                  .values_list("service_id", "capacity_value", "capacity_unit__name")}
    rows = sorted(rows, key=lambda row: (row[15], row[8], row[7], row[16] is None,
                                         row[16] or 0, row[5] or "", row[1]))
    values = []
    for (pk, service_id, service_name, provider_name, kind_id, paragraph, kind_name,
         indicator_id, code, name, unit, value, pilot, question, answer, _position,
         _kind_position) in rows:
        capacity, capacity_unit = capacities.get(service_id, (None, None))
        values.append(ReportedValue(
            pk=pk, service_id=service_id, service_name=service_name,
            provider_name=provider_name, kind_id=kind_id, kind_label=f"§ {paragraph} {kind_name}",
            indicator_id=indicator_id, indicator_code=code, indicator_name=name,
            indicator_unit=unit, value=value, pilot=pilot, question=question, answer=answer,
            capacity=capacity, capacity_unit_name=capacity_unit))
    return values


@dataclass
class CheckedValue:
    value: ReportedValue
    per_unit: float | None
    flagged: bool = False

    @property
    def shown(self):
        """Listed without asking for every value: flagged, questioned, or not
        comparable."""
        return self.flagged or self.value.question is not None or self.per_unit is None


@dataclass
class CheckGroup:
    """The services of one kind reporting one indicator, with the same unit
    of capacity."""

    indicator_name: str
    indicator_unit: str
    kind_label: str
    unit: str
    rows: list = field(default_factory=list)
    median: float | None = None
    spread: float | None = None
    low: float | None = None
    high: float | None = None
    # Set on a summary, whose rows are only those it lists.
    compared: int | None = None

    @property
    def comparable(self):
        return [row for row in self.rows if row.per_unit is not None]

    @property
    def comparable_count(self):
        return self.compared if self.compared is not None else len(self.comparable)

    def summary(self):
        """The group with only the rows a page lists without ?all (flagged,
        questioned, not compared), in the order of their services' names."""
        return replace(self, rows=self.shown, compared=self.comparable_count)

    @property
    def checked(self):
        return self.median is not None

    @property
    def flagged(self):
        return [row for row in self.rows if row.flagged]

    @property
    def shown(self):
        return by_service_name(row for row in self.rows if row.shown)


def by_service_name(rows):
    """Rows in the Czech order of their services' names (sorted here, not by
    the database: only the rows a page lists, seldom all of them)."""
    return sorted(rows, key=lambda row: czech_sort_key(row.value.service_name))


def _check(group):
    ratios = [row.per_unit for row in group.comparable]
    if len(ratios) < MIN_COMPARABLE:
        return
    median = statistics.median(ratios)
    spread = MAD_SCALE * statistics.median(abs(ratio - median) for ratio in ratios)
    group.median, group.spread = median, spread
    group.low, group.high = median - THRESHOLD * spread, median + THRESHOLD * spread
    if spread == 0:
        return
    for row in group.comparable:
        row.flagged = not (group.low <= row.per_unit <= group.high)


def disproportion_check(values):
    """`values_with_capacity` grouped by indicator, kind and unit, each
    group checked by the rule above. A service without capacity is listed
    but not compared."""
    groups = {}
    for value in values:
        capacity = value.capacity
        # float ÷ float: a Decimal division per value cost more than the check
        per_unit = (float(value.value) / float(capacity)
                    if capacity is not None and capacity > 0 else None)
        unit = value.capacity_unit_name or ""
        key = (value.indicator_id, value.kind_id, unit)
        if key not in groups:
            groups[key] = CheckGroup(indicator_name=value.indicator_name,
                                     indicator_unit=value.indicator_unit,
                                     kind_label=value.kind_label, unit=unit)
        groups[key].rows.append(CheckedValue(value=value, per_unit=per_unit))
    for group in groups.values():
        _check(group)
    return list(groups.values())


def _cached(key, build):
    """`build()` kept in the cache under `key` plus the version of the data
    (core.dataversion): a write anywhere in the data makes a new key. Built
    afresh when this connection has uncommitted writes or the cache fails."""
    version = dataversion.current()
    if version is None:
        return build()
    key = f"{key}:{version.token}"
    try:
        value = cache.get(key)
    except Exception:  # noqa: BLE001 - the cache fails open
        value = None
    if value is None:
        value = build()
        with contextlib.suppress(Exception):  # the cache fails open
            cache.set(key, value, CACHE_TIMEOUT)
    return value


def disproportion_summary(*, city, year, period):
    """The check of a period as its page lists it by default: every group
    with its median and band and only the rows it lists. Kept per version
    of the data: at 3,000 services the check reads and divides 6,000 values,
    and they change only with a write."""
    return _cached(f"network:disproportions:{city.pk}:{year}:{period}", lambda: [
        group.summary() for group in disproportion_check(
            values_with_capacity(city=city, year=year, period=period))])


def flagged_values(*, city, year, period):
    return [row.value for group in disproportion_check(
        values_with_capacity(city=city, year=year, period=period)) for row in group.flagged]


# --- The yearly evaluation --------------------------------------------------------------


@dataclass
class CapacityChange:
    label: str
    unit: str
    services_start: int
    services_end: int
    start: Decimal | None
    end: Decimal | None

    @property
    def change(self):
        return (self.end or 0) - (self.start or 0)


@dataclass
class YearlyEvaluation:
    year: int
    services: int
    activities: int
    service_clients: Decimal | None
    activity_clients: Decimal | None
    clients_pilot: bool
    funding_by_source: list
    funding_by_provider: list
    funding_total: Decimal
    capacities: list


def supported_in(year, *, city):
    """The services and activities in the network on at least one day of
    `year`."""
    return Service.objects.filter(city=city, network_from__lte=date(year, 12, 31)).filter(
        Q(network_to__isnull=True) | Q(network_to__gte=date(year, 1, 1)))


def _capacity_changes(year, city):
    start, end = date(year, 1, 1), date(year, 12, 31)
    rows = {}

    def add(day, attribute):
        versions = ServiceVersion.objects.valid_on(day).filter(service__city=city)
        for row in capacity_table(versions, "kind"):
            if row["service__kind__paragraph"] is None:
                continue
            key = (row["service__kind__paragraph"], row["capacity_unit__name"] or "")
            change = rows.setdefault(key, CapacityChange(
                label=f"§ {row['service__kind__paragraph']} {row['service__kind__name']}",
                unit=row["capacity_unit__name"] or "", services_start=0, services_end=0,
                start=None, end=None))
            setattr(change, attribute, row["capacity"])
            setattr(change, f"services_{attribute}", row["services"])

    add(start, "start")
    add(end, "end")
    return list(rows.values())


def yearly_evaluation(year, *, city) -> YearlyEvaluation:
    """What the city's yearly evaluation of the community plan counts: the
    services and activities supported in `year`, their clients as the final
    reports give them (indicators that count clients), their funding by
    source and by provider (the yearly funding records), and the capacities
    by kind at the start and the end of the year."""
    supported = supported_in(year, city=city)
    counts = supported.aggregate(
        services=Count("id", filter=Q(category=ServiceCategory.SERVICE)),
        activities=Count("id", filter=Q(category=ServiceCategory.ACTIVITY)))
    clients = IndicatorValue.objects.filter(
        service__in=supported, year=year, period=ReportingPeriod.YEAR,
        indicator__counts_clients=True, review_state=ReviewState.APPROVED).aggregate(
        services=Sum("value", filter=Q(service__category=ServiceCategory.SERVICE)),
        activities=Sum("value", filter=Q(service__category=ServiceCategory.ACTIVITY)),
        pilot=Count("id", filter=Q(pilot=True)))
    funding = ServiceFunding.objects.filter(service__city=city, year=year)
    by_source = list(funding.values("source").annotate(amount=Sum("amount")).order_by("source"))
    for row in by_source:
        row["label"] = FundingSource(row["source"]).label
    by_provider = list(funding.values("service__provider__name")
                       .annotate(amount=Sum("amount"))
                       .order_by("-amount", "service__provider__name"))
    return YearlyEvaluation(
        year=year, services=counts["services"], activities=counts["activities"],
        service_clients=clients["services"], activity_clients=clients["activities"],
        clients_pilot=bool(clients["pilot"]),
        funding_by_source=by_source, funding_by_provider=by_provider,
        funding_total=sum((row["amount"] for row in by_source), Decimal(0)),
        capacities=_capacity_changes(year, city),
    )


def manual_for(city, day):
    """The manual version in force on `day` (the newest that started by then)."""
    return (IndicatorManual.objects.filter(city=city, valid_from__lte=day)
            .order_by("-valid_from", "-id").first())


def evaluation_years(city):
    """The years with reported values or funding, newest first."""
    years = set(IndicatorValue.objects.filter(indicator__manual__city=city,
                                              review_state=ReviewState.APPROVED).order_by()
                .values_list("year", flat=True).distinct())
    years |= set(ServiceFunding.objects.filter(service__city=city).order_by()
                 .values_list("year", flat=True).distinct())
    return sorted(years, reverse=True)


def services_reporting_in(start, end):
    """The services and activities in the network on at least one day from
    `start` to `end` for which a version of the manual valid by `end` defines
    an indicator: who reports service indicators in a reporting round."""
    manual = ServiceIndicator.objects.filter(manual__city=OuterRef("city"),
                                             manual__valid_from__lte=end)
    return (Service.objects.filter(network_from__lte=end)
            .filter(Q(network_to__isnull=True) | Q(network_to__gte=start))
            .filter(Q(Exists(manual.filter(kinds=OuterRef("kind"))))
                    | Q(Exists(manual.filter(for_activities=True)),
                        category=ServiceCategory.ACTIVITY)))
