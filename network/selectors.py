"""Reads of the network. Each returns a QuerySet whose number of SQL queries
does not grow with the number of services."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions
from .models import RequestWindow, Service, ServiceVersion, UpdateRequest


def network_as_of(day=None, *, city=None):
    """The versions of the services and activities in the network on `day`
    (today when not given): one row per service, as it stood that day."""
    day = day or timezone.localdate()
    versions = ServiceVersion.objects.valid_on(day).with_related()
    if city is not None:
        versions = versions.filter(service__city=city)
    return versions.order_by("service__category", "service__name", "service_id")


def network_as_of_any_day():
    """The versions with what a list shows; the list's filter picks the day."""
    return ServiceVersion.objects.with_related().order_by("service__name", "service_id")


def service_versions(service):
    """The history of one service, newest first."""
    return (ServiceVersion.objects.filter(service=service)
            .select_related("capacity_unit", "territory", "changed_by")
            .prefetch_related("target_groups", "support_areas", "form_rows")
            .order_by("-valid_from"))


def service_detail():
    return Service.objects.select_related("provider", "kind", "city")


def own_services(user):
    """The services of the user's organisation, those in the network first
    (officers: every service)."""
    return (permissions.can_see_own_services.filter(user, Service.objects.all())
            .select_related("kind", "provider")
            .order_by(F("network_to").desc(nulls_first=True), "name", "id"))


TABLE_DIMENSIONS = {
    "kind": ("service__kind__paragraph", "service__kind__name"),
    "area": ("support_areas__numeral", "support_areas__name"),
    "target_group": ("target_groups__name", "target_groups__position"),
}


def capacity_table(versions, by):
    """Rows of grouping, unit, number of services and capacity summed for the
    versions given (e.g. `network_as_of(day)`); `by` None: per unit only. A
    service counted under two areas or target groups counts in both rows."""
    label_fields = TABLE_DIMENSIONS[by] if by else ()
    base = versions.order_by().prefetch_related(None).select_related(None)
    return (base.values(*label_fields, "capacity_unit__name", "capacity_unit__position")
            .annotate(services=Count("service", distinct=True),
                      capacity=Sum("capacity_value"))
            .order_by(*label_fields, "capacity_unit__position"))


@dataclass
class CapacityRow:
    label: str
    unit: str
    services: int
    capacity: Decimal | None


def capacity_rows(versions, by):
    """`capacity_table` as rows to print: the grouping's label ("§ 65 …",
    "I. Senioři", a target group; "not stated" where a service has none) and
    the unit ("without capacity" where none is given)."""
    rows = []
    for row in capacity_table(versions, by):
        if by == "kind":
            label = (f"§ {row['service__kind__paragraph']} {row['service__kind__name']}"
                     if row["service__kind__paragraph"] else _("related activities"))
        elif by == "area":
            label = (f"{row['support_areas__numeral']} {row['support_areas__name']}"
                     if row["support_areas__numeral"] else _("no support area stated"))
        elif by == "target_group":
            label = row["target_groups__name"] or _("no target group stated")
        else:
            label = ""
        rows.append(CapacityRow(label=str(label),
                                unit=row["capacity_unit__name"] or str(_("capacity not given")),
                                services=row["services"], capacity=row["capacity"]))
    return rows


# --- Update requests ----------------------------------------------------------------------


def update_requests(city):
    """Every request of the city with what the officers' list shows."""
    return (UpdateRequest.objects.filter(city=city)
            .select_related("provider", "service", "capacity_unit", "service_kind"))


def own_update_requests(user):
    return (permissions.can_see_own_services.filter(user, UpdateRequest.objects.all())
            .select_related("provider", "service", "capacity_unit"))


def update_request_detail():
    """Requests with their attachments and decisions (the view asks the rule)."""
    return (UpdateRequest.objects
            .select_related("provider", "service", "capacity_unit", "service_kind", "city")
            .prefetch_related("attachments", "decisions"))


def _default_window(city, year):
    return RequestWindow(city=city, year=year, opens=date(year - 1, 7, 1),
                         closes=date(year - 1, 7, 31))


def request_windows(city, years):
    """The windows for `years` (in one query): configured ones, else the
    method's default, 1. 7.–31. 7. of the year before (not saved)."""
    configured = {window.year: window for window
                  in RequestWindow.objects.filter(city=city, year__in=list(years))}
    return [configured.get(year) or _default_window(city, year) for year in years]


def request_window_for(*, city, year):
    return request_windows(city, [year])[0]


def filing_day():
    """The day a request is filed on: today (the one place tests move it)."""
    return timezone.localdate()


def next_request_window(city, today=None):
    """The window open today, or the next one to open."""
    today = today or filing_day()
    windows = request_windows(city, range(today.year, today.year + 3))
    return next((window for window in windows if window.closes >= today), None)


@dataclass
class DevelopmentRow:
    label: str
    unit: str
    added: Decimal = Decimal(0)
    removed: Decimal = Decimal(0)
    entries: int = 0
    exits: int = 0


def _kind_label(kind):
    return str(kind) if kind else str(_("related activities"))


def development(city, year):
    """The changes of the network that took effect in `year`, by kind of
    service and capacity unit: capacity added and removed (entries and exits
    included), services that entered and left. Read from the network's
    history, so it counts every change, requested or entered by officers."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    rows = {}

    def row(service, unit):
        key = (service.kind.position if service.kind else 10**6,
               _kind_label(service.kind), str(unit or _("capacity not given")))
        return rows.setdefault(key, DevelopmentRow(label=key[1], unit=key[2]))

    previous = ServiceVersion.objects.filter(service=OuterRef("service"),
                                             valid_to=OuterRef("valid_from"))
    changes = (ServiceVersion.objects.filter(service__city=city, valid_from__range=(first, last))
               .exclude(valid_from=F("service__network_from"))
               .annotate(previous_value=Subquery(previous.values("capacity_value")[:1]))
               .select_related("service__kind", "capacity_unit"))
    for version in changes:
        delta = (version.capacity_value or 0) - (version.previous_value or 0)
        target = row(version.service, version.capacity_unit)
        if delta > 0:
            target.added += delta
        elif delta < 0:
            target.removed -= delta
    entries = (ServiceVersion.objects.filter(service__city=city,
                                             service__network_from__range=(first, last),
                                             valid_from=F("service__network_from"))
               .select_related("service__kind", "capacity_unit"))
    for version in entries:
        target = row(version.service, version.capacity_unit)
        target.entries += 1
        target.added += version.capacity_value or 0
    # A service's last day is the day before its exit takes effect.
    exits = (ServiceVersion.objects.filter(
        service__city=city, service__network_to__range=(first - timedelta(days=1),
                                                         last - timedelta(days=1)),
        valid_to=F("service__network_to") + timedelta(days=1))
        .select_related("service__kind", "capacity_unit"))
    for version in exits:
        target = row(version.service, version.capacity_unit)
        target.exits += 1
        target.removed += version.capacity_value or 0
    return [rows[key] for key in sorted(rows)]
