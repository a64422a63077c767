from datetime import timedelta

from django.db.models import Max, Min
from django.utils.translation import gettext_lazy as _

from core.opendata import Column, Dataset, path_maker, register
from directory.selectors import current_city

from .models import Service, ServiceForm, ServiceVersion, ServiceVersionForm
from .selectors import development

_CHUNK = 2000


def _decimal(value):
    return None if value is None else format(value, "f")


def _iso(value):
    return value.isoformat() if value else None


def _names_by_version(through, field, label):
    """{version id: [label, ...]} of a many-to-many of the versions, one query."""
    names = {}
    rows = (through.objects.order_by("serviceversion_id", f"{field}__position", f"{field}_id")
            .values_list("serviceversion_id", label))
    for version_id, name in rows.iterator(chunk_size=_CHUNK):
        names.setdefault(version_id, []).append(name)
    return names


def _version_rows():
    """Every version of every service with what it said (five queries)."""
    groups = _names_by_version(ServiceVersion.target_groups.through, "targetgroup",
                               "targetgroup__name")
    areas = _names_by_version(ServiceVersion.support_areas.through, "supportarea",
                              "supportarea__numeral")
    order = {form.value: position for position, form in enumerate(ServiceForm)}
    forms = {}
    for version_id, form in ServiceVersionForm.objects.values_list("service_version_id", "form"):
        forms.setdefault(version_id, []).append(form)
    rows = ServiceVersion.objects.order_by("service_id", "valid_from").values(
        "pk", "service_id", "service__register_id", "service__category", "service__name",
        "service__provider__name", "service__provider__ico", "service__kind__paragraph",
        "service__kind__name", "service__kind__group", "service__network_from",
        "service__network_to", "valid_from", "valid_to", "territory__name", "territory_text",
        "capacity_value", "capacity_unit__code", "note", "reason")
    for row in rows.iterator(chunk_size=_CHUNK):
        row["forms"] = sorted(forms.get(row["pk"], ()), key=order.get)
        row["target_groups"] = groups.get(row["pk"], [])
        row["support_areas"] = areas.get(row["pk"], [])
        yield row


def _identity(row):
    return {
        "register_id": row["service__register_id"],
        "category": row["service__category"],
        "name": row["service__name"],
        "provider": row["service__provider__name"],
        "provider_ico": row["service__provider__ico"],
    }


def _service_rows():
    """Each service with its latest version (the one in force today, or the
    last one of a service that left the network)."""
    url = path_maker("network:service_detail")
    latest = None
    for row in _version_rows():
        if latest is not None and latest["service_id"] != row["service_id"]:
            yield _service_row(latest, url)
        latest = row
    if latest is not None:
        yield _service_row(latest, url)


def _service_row(row, url):
    return {
        **_identity(row),
        "kind_paragraph": row["service__kind__paragraph"] or "",
        "kind": row["service__kind__name"] or "",
        "kind_group": row["service__kind__group"] or "",
        "forms": ";".join(row["forms"]),
        "target_groups": ";".join(row["target_groups"]),
        "support_areas": ";".join(row["support_areas"]),
        "territory": row["territory__name"] or "",
        "area_served": row["territory_text"],
        "capacity": _decimal(row["capacity_value"]),
        "capacity_unit": row["capacity_unit__code"] or "",
        "network_from": _iso(row["service__network_from"]),
        "network_to": _iso(row["service__network_to"]),
        "note": row["note"],
        "url": url(row["service_id"]),
    }


def _capacity_rows():
    url = path_maker("network:service_detail")
    for row in _version_rows():
        yield {
            **_identity(row),
            "valid_from": _iso(row["valid_from"]),
            "valid_to": _iso(row["valid_to"]),
            "capacity": _decimal(row["capacity_value"]),
            "capacity_unit": row["capacity_unit__code"] or "",
            "reason": row["reason"],
            "url": url(row["service_id"]),
        }


_IDENTITY_COLUMNS = (
    Column("register_id", "string", _("Identifier of the service in the national register of "
                                      "social services (empty for a related activity)")),
    Column("category", "string", _("service or activity (a related activity)")),
    Column("name", "string", _("Name of the service")),
    Column("provider", "string", _("Provider")),
    Column("provider_ico", "string", _("IČO of the provider")),
)


def _development_rows():
    """The development of every year the network's history holds, as the
    public overview shows it (selectors.development)."""
    city = current_city()
    span = Service.objects.filter(city=city).aggregate(
        first=Min("network_from"), changed=Max("versions__valid_from"), left=Max("network_to"))
    if city is None or span["first"] is None:
        return
    # A service leaves the network the day after its last day in it.
    last = max(span["changed"].year, (span["left"] + timedelta(days=1)).year if span["left"]
               else span["changed"].year)
    for year in range(span["first"].year, last + 1):
        for row in development(city, year):
            yield {"year": year, "kind": row.label, "capacity_unit": row.unit,
                   "capacity_added": _decimal(row.added), "capacity_removed": _decimal(row.removed),
                   "entries": row.entries, "exits": row.exits}


def register_datasets():
    register(Dataset(
        slug="services",
        title=_("Network of social services"),
        description=_("The social services and related activities of the city's network: "
                      "provider, kind by Act No. 108/2006 Sb., forms, target groups, support "
                      "areas, territory, capacity with its unit and the dates in the network, "
                      "as the latest change recorded them."),
        keywords=(_("social services"), _("network of social services"), _("capacities")),
        columns=(
            *_IDENTITY_COLUMNS,
            Column("kind_paragraph", "string", _("Paragraph of Act No. 108/2006 Sb.")),
            Column("kind", "string", _("Kind of social service")),
            Column("kind_group", "string", _("counselling, care or prevention")),
            Column("forms", "list", _("residential, outpatient, field; separated by ;")),
            Column("target_groups", "list", _("Target groups, separated by ;")),
            Column("support_areas", "list", _("Support areas by numeral, separated by ;")),
            Column("territory", "string", _("Territory")),
            Column("area_served", "string", _("Area served as the provider describes it")),
            Column("capacity", "decimal", _("Capacity, in the unit of the next column")),
            Column("capacity_unit", "string", _("Unit of the capacity by its code, e.g. uvazky, "
                                                "luzka, hodiny")),
            Column("network_from", "date", _("In the network from")),
            Column("network_to", "date", _("In the network to (the last day)")),
            Column("note", "string", _("Note, e.g. that a capacity is illustrative")),
            Column("url", "url", _("Page in this portal (path)")),
        ),
        rows=_service_rows,
    ))
    register(Dataset(
        slug="service-capacities",
        title=_("Capacities of social services over time"),
        description=_("Every recorded state of the capacity of each service and related "
                      "activity of the network, with the days it held and the reason of the "
                      "change."),
        keywords=(_("social services"), _("capacities")),
        columns=(
            *_IDENTITY_COLUMNS,
            Column("valid_from", "date", _("Valid from")),
            Column("valid_to", "date", _("Valid to: the first day of the next state "
                                         "(empty: still valid)")),
            Column("capacity", "decimal", _("Capacity, in the unit of the next column")),
            Column("capacity_unit", "string", _("Unit of the capacity by its code")),
            Column("reason", "string", _("Reason for the change")),
            Column("url", "url", _("Page in this portal (path)")),
        ),
        rows=_capacity_rows,
    ))
    register(Dataset(
        slug="network-development",
        title=_("Development of the network of social services"),
        description=_("For each year, the changes of the network that took effect in it, by "
                      "kind of service and capacity unit: capacity added and removed (services "
                      "entering and leaving included), services that entered and left."),
        keywords=(_("social services"), _("network of social services"), _("capacities")),
        columns=(
            Column("year", "integer", _("Year the changes took effect")),
            Column("kind", "string", _("Kind of social service")),
            Column("capacity_unit", "string", _("Unit of the capacity")),
            Column("capacity_added", "decimal", _("Capacity added")),
            Column("capacity_removed", "decimal", _("Capacity removed")),
            Column("entries", "integer", _("Services that entered the network")),
            Column("exits", "integer", _("Services that left the network")),
        ),
        rows=_development_rows,
    ))
