"""Reads of the network. Each returns a QuerySet whose number of SQL queries
does not grow with the number of services."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions
from .models import Service, ServiceVersion


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
