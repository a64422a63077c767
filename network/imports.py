"""The network workbook: export of the services as they stand, the empty
template, and the import (upload → preview → confirm) declared on
core.imports. One row per service or related activity; a service is matched
by its register identifier, an activity by its provider and name.

A row that changes what a service says (forms, groups, areas, territory,
capacity, note) records a new version from its „Platné od“ day (the day of
the latest version corrects it); a row that fills in „V síti do“ ends the
service. Export → import changes nothing.

The national register's own open dataset (MPSV, „Registr poskytovatelů
sociálních služeb“, a JSON file) has its own reader: network/register.py."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import XLSX_CONTENT_TYPE, download
from core.imports import columns as parse
from core.imports.base import CHANGED, ERROR, NEW, UNCHANGED, ImportChanged, Importer, ImportRefused
from core.imports.columns import CellError, Column, RowError, normal, workbook_bytes
from directory.models import Organisation, SupportArea, Territory
from directory.selectors import current_city

from . import services
from .models import (
    CapacityUnit,
    Service,
    ServiceCategory,
    ServiceForm,
    ServiceKind,
    ServiceVersion,
    TargetGroup,
)
from .services import CAPACITY_STEP

SHEET_TITLE = "Síť služeb"


def _register_id(value):
    written = parse.text(value).strip()
    if written and not (len(written) == 7 and written.isascii() and written.isdigit()):
        raise CellError(_("The identifier of the national register of social services has "
                          "exactly 7 digits."))
    return written


def _paragraph(value):
    return parse.text(value).replace("§", "").strip()


def _forms(value):
    forms = []
    for written in parse.text_list(value):
        forms.append(parse.choice(ServiceForm)(written))
    return forms


def _col(name, header, parser, help, required=False, width=14):
    return Column(name, header, parser, help, required=required, width=width)


COLUMNS = (
    _col("category", "Kategorie", parse.choice(ServiceCategory), gettext_lazy(
        "„sociální služba“ (service) or „související aktivita“ (activity); empty: a service.")),
    _col("register_id", "Identifikátor", _register_id, gettext_lazy(
        "The 7-digit identifier of the service in the national register of social services; "
        "empty for a related activity.")),
    _col("name", "Název", parse.text, gettext_lazy("Name of the service."), True, 40),
    _col("provider", "Poskytovatel", parse.text, gettext_lazy(
        "The provider organisation, by its name as the portal's directory has it."), True, 30),
    _col("ico", "IČO", parse.text, gettext_lazy(
        "IČO of the provider; when given, the provider is found by it.")),
    _col("kind", "Druh (§)", _paragraph, gettext_lazy(
        "The paragraph of Act No. 108/2006 Sb., e.g. 65 or 60a; empty for an activity.")),
    _col("forms", "Formy", _forms, gettext_lazy(
        "pobytová, ambulantní, terénní, separated by ;")),
    _col("target_groups", "Cílové skupiny", parse.text_list, gettext_lazy(
        "Target groups as the register names them, separated by ;."), width=40),
    _col("support_areas", "Oblasti podpory", parse.text_list, gettext_lazy(
        "Support areas by their numeral (I, II, …), separated by ;.")),
    _col("territory", "Území", parse.text, gettext_lazy(
        "Territory by its code or name (optional).")),
    _col("territory_text", "Působnost", parse.text, gettext_lazy(
        "Area served as the provider describes it."), width=24),
    _col("capacity", "Kapacita", parse.number(places=2, minimum=Decimal(0)), gettext_lazy(
        "Capacity, a number in the unit of the next column.")),
    _col("unit", "Jednotka", parse.text, gettext_lazy(
        "Unit of the capacity by its code or name: uvazky, luzka, hodiny, …")),
    _col("network_from", "V síti od", parse.day, gettext_lazy(
        "The first day in the network (1. 1. 2024)."), True),
    _col("network_to", "V síti do", parse.day, gettext_lazy(
        "The last day in the network; filled in, the service leaves the network.")),
    _col("valid_from", "Platné od", parse.day, gettext_lazy(
        "The day from which the row's forms, groups, areas, territory, capacity and note hold. "
        "A later day than the latest change records a change from that day; the same day "
        "corrects the latest change.")),
    _col("note", "Poznámka", parse.text, gettext_lazy("Note shown on the public page."),
         width=30),
)


# --- Export --------------------------------------------------------------------------------


def _decimal_text(value):
    return None if value is None else format(Decimal(value).quantize(CAPACITY_STEP), "f")


def export_rows(city):
    """One dict per service of `city` (keyed by column name), its latest version."""
    versions = (ServiceVersion.objects.filter(service__city=city)
                .select_related("service__provider", "service__kind", "territory",
                                "capacity_unit")
                .prefetch_related("target_groups", "support_areas", "form_rows")
                .order_by("service__category", "service__name", "service_id", "-valid_from"))
    rows, seen = [], set()
    for version in versions:
        service = version.service
        if service.pk in seen:
            continue
        seen.add(service.pk)
        rows.append({
            "category": str(service.get_category_display()),
            "register_id": service.register_id, "name": service.name,
            "provider": service.provider.name, "ico": service.provider.ico,
            "kind": service.kind.paragraph if service.kind else "",
            "forms": "; ".join(str(form.label) for form in version.forms),
            "target_groups": "; ".join(g.name for g in version.target_groups.all()),
            "support_areas": "; ".join(a.numeral for a in version.support_areas.all()),
            "territory": version.territory.code if version.territory else "",
            "territory_text": version.territory_text,
            "capacity": (Decimal(version.capacity_value).normalize()
                         if version.capacity_value is not None else None),
            "unit": version.capacity_unit.code if version.capacity_unit else "",
            "network_from": service.network_from, "network_to": service.network_to,
            "valid_from": version.valid_from, "note": version.note,
        })
    return rows


def network_xlsx_bytes(rows):
    return workbook_bytes(title=SHEET_TITLE, columns=COLUMNS, rows=rows, freeze="D2")


def network_response(city, *, template=False):
    rows = [] if template else export_rows(city)
    name = "sit-sluzeb-sablona.xlsx" if template else f"sit-sluzeb-{date.today():%Y-%m-%d}.xlsx"
    return download(network_xlsx_bytes(rows), name, XLSX_CONTENT_TYPE)


# --- Import --------------------------------------------------------------------------------


def _state(service, version):
    """What a row says about a service, JSON-ready, as the import compares it."""
    return {
        "category": service.category, "name": service.name,
        "provider_id": service.provider_id, "register_id": service.register_id,
        "kind_id": service.kind_id, "network_from": service.network_from.isoformat(),
        "network_to": service.network_to.isoformat() if service.network_to else None,
        **_version_state(version),
    }


def _version_state(version):
    return {
        "forms": [form.value for form in version.forms],
        "target_group_ids": sorted(g.pk for g in version.target_groups.all()),
        "area_ids": sorted(a.pk for a in version.support_areas.all()),
        "territory_id": version.territory_id, "territory_text": version.territory_text,
        "capacity": _decimal_text(version.capacity_value), "unit_id": version.capacity_unit_id,
        "note": version.note,
    }


VERSION_KEYS = ("forms", "target_group_ids", "area_ids", "territory_id", "territory_text",
                "capacity", "unit_id", "note")
IDENTITY_KEYS = ("name", "provider_id", "kind_id")
CHANGE_LABELS = {
    "name": gettext_lazy("name"), "provider_id": gettext_lazy("provider"),
    "kind_id": gettext_lazy("kind"), "forms": gettext_lazy("forms"),
    "target_group_ids": gettext_lazy("target groups"), "area_ids": gettext_lazy("support areas"),
    "territory_id": gettext_lazy("territory"), "territory_text": gettext_lazy("area served"),
    "capacity": gettext_lazy("capacity"), "unit_id": gettext_lazy("capacity unit"),
    "note": gettext_lazy("note"), "network_to": gettext_lazy("leaves the network"),
}


class _Lookups:
    """Every reference the sheet may name, read once."""

    def __init__(self, city):
        self.organisations, self.by_ico = {}, {}
        for organisation in Organisation.objects.only("pk", "name", "ico"):
            self.organisations.setdefault(normal(organisation.name), organisation.pk)
            if organisation.ico:
                self.by_ico[organisation.ico] = organisation.pk
        self.kinds = dict(ServiceKind.objects.values_list("paragraph", "pk"))
        self.groups = {normal(name): pk for pk, name in
                       TargetGroup.objects.values_list("pk", "name")}
        self.areas = {}
        for pk, numeral, name in SupportArea.objects.values_list("pk", "numeral", "name"):
            self.areas.setdefault(normal(numeral).rstrip("."), pk)
            self.areas.setdefault(normal(name), pk)
        self.territories = {}
        for pk, code, name in Territory.objects.values_list("pk", "code", "name"):
            self.territories.setdefault(normal(code), pk)
            self.territories.setdefault(normal(name), pk)
        self.units = {}
        for pk, code, name in CapacityUnit.objects.values_list("pk", "code", "name"):
            self.units.setdefault(normal(code), pk)
            self.units.setdefault(normal(name), pk)
        self.services, self.activities, self.versions = {}, {}, {}
        latest = (ServiceVersion.objects.filter(service__city=city)
                  .select_related("service").prefetch_related(
                      "target_groups", "support_areas", "form_rows")
                  .order_by("service_id", "-valid_from"))
        for version in latest:
            service = version.service
            if service.pk in self.versions:
                continue
            self.versions[service.pk] = version
            if service.register_id:
                self.services[service.register_id] = service
            else:
                self.activities[(service.provider_id, normal(service.name))] = service


def _referenced(rows, ids):
    """The rows of `ids`; one deleted since the preview changes what it showed."""
    if not set(ids) <= rows.keys():
        raise ImportChanged
    return [rows[pk] for pk in ids]


class NetworkImporter(Importer):
    name = "network.services"
    columns = COLUMNS
    sheet = SHEET_TITLE
    max_rows = 10_000
    rows_template = "network/_import_preview.html"
    missing_column_message = gettext_lazy("The column is missing; use the template.")

    def check(self, read, *, actor, target):
        city = current_city()
        lookups = _Lookups(city)
        rows, seen = [], {}
        for sheet_row in read.rows:
            rows.append(self._check_row(read, sheet_row, lookups, seen))
        return rows

    def _check_row(self, read, sheet_row, lookups, seen):
        number, values = sheet_row.number, sheet_row.values
        errors = list(sheet_row.errors)

        def error(column, message):
            errors.append(read.error(self, number, column, message))

        def find(column, table, written, message):
            if not written:
                return None
            found = table.get(normal(written))
            if found is None:
                error(column, message % {"value": written})
            return found

        category = values.get("category") or ServiceCategory.SERVICE
        register_id = values.get("register_id", "")
        paragraph = values.get("kind", "")
        kind_id = None
        if category == ServiceCategory.SERVICE:
            if not register_id and "register_id" not in sheet_row.failed:
                error("register_id", _("A social service has its register identifier."))
            if not paragraph:
                error("kind", _("A social service has its kind (the paragraph of the Act)."))
            else:
                kind_id = lookups.kinds.get(paragraph)
                if kind_id is None:
                    error("kind", _("No kind of service has paragraph “%(value)s”.")
                          % {"value": paragraph})
            if not values.get("forms") and "forms" not in sheet_row.failed:
                error("forms", _("A social service is provided in at least one form "
                                 "(residential, outpatient or field)."))
        elif register_id or paragraph:
            error("register_id" if register_id else "kind", _(
                "A related activity has no register identifier and no kind of service."))
        ico = values.get("ico", "").strip()
        provider_id = None
        if ico:
            provider_id = lookups.by_ico.get(ico)
            if provider_id is None:
                error("ico", _("No organisation of the directory has IČO %(value)s.")
                      % {"value": ico})
        else:
            provider_id = find("provider", lookups.organisations, values.get("provider", ""),
                               _("No organisation of the directory is named “%(value)s”."))
        group_ids = sorted(filter(None, (
            find("target_groups", lookups.groups, name, _("Unknown target group “%(value)s”."))
            for name in values.get("target_groups", []))))
        area_ids = sorted(filter(None, (
            find("support_areas", lookups.areas, name.rstrip("."),
                 _("Unknown support area “%(value)s”."))
            for name in values.get("support_areas", []))))
        territory_id = find("territory", lookups.territories, values.get("territory", ""),
                            _("Unknown territory “%(value)s”."))
        unit_id = find("unit", lookups.units, values.get("unit", ""),
                       _("Unknown capacity unit “%(value)s”."))
        capacity = values.get("capacity")
        if (capacity is None) != (unit_id is None) and not {"capacity", "unit"} & sheet_row.failed:
            error("unit" if unit_id is None else "capacity",
                  _("Give the capacity together with its unit."))
        network_from, network_to = values.get("network_from"), values.get("network_to")
        if network_from and network_to and network_to < network_from:
            error("network_to", _("The service cannot leave the network before it entered it."))
        name = values.get("name", "").strip()
        key = register_id or (provider_id, normal(name))
        if (register_id or name) and key in seen:
            error("register_id" if register_id else "name",
                  _("The same service is in row %(row)d.") % {"row": seen[key]})
        seen.setdefault(key, number)
        data = {
            "category": category, "name": name, "provider_id": provider_id,
            "register_id": register_id, "kind_id": kind_id,
            "network_from": network_from.isoformat() if network_from else None,
            "network_to": network_to.isoformat() if network_to else None,
            "forms": [form for form in ServiceForm if form in set(values.get("forms") or [])],
            "target_group_ids": group_ids, "area_ids": area_ids, "territory_id": territory_id,
            "territory_text": values.get("territory_text", ""),
            "capacity": _decimal_text(capacity), "unit_id": unit_id,
            "note": values.get("note", ""),
        }
        data["forms"] = [form.value for form in data["forms"]]
        row = {"row": number, "name": name, "register_id": register_id, "data": data,
               "valid_from": (values["valid_from"].isoformat()
                              if values.get("valid_from") else None)}
        service = (lookups.services.get(register_id) if register_id
                   else lookups.activities.get((provider_id, normal(name))))
        if service is not None and not errors:
            self._compare(row, service, lookups.versions[service.pk], error)
        row["errors"] = errors
        row["outcome"] = ERROR if errors else row.get("outcome", NEW)
        return row

    def _compare(self, row, service, latest, error):
        data = row["data"]
        stored = _state(service, latest)
        row.update(service_id=service.pk, service_version=service.version,
                   latest_from=latest.valid_from.isoformat())
        if data["category"] != stored["category"]:
            error("category", _("The category of a service does not change."))
        if data["network_from"] != stored["network_from"]:
            error("network_from", _("The service is in the network from %(day)s; the import "
                                    "does not move that day.") % {"day": stored["network_from"]})
        if stored["network_to"] and data["network_to"] != stored["network_to"]:
            error("network_to", _("The service left the network on %(day)s; the import does "
                                  "not change that.") % {"day": stored["network_to"]})
        changed = [key for key in (*IDENTITY_KEYS, *VERSION_KEYS) if data[key] != stored[key]]
        if data["network_to"] and not stored["network_to"]:
            changed.append("network_to")
        versioned = [key for key in changed if key in VERSION_KEYS]
        if versioned:
            if not row["valid_from"]:
                error("valid_from", _("Say from which day the change holds."))
            elif row["valid_from"] < row["latest_from"]:
                error("valid_from", _("A change from %(day)s is already recorded; a new change "
                                      "starts on that day or later.") % {
                    "day": row["latest_from"]})
        row["changes"] = [str(CHANGE_LABELS[key]) for key in changed]
        row["versioned"] = bool(versioned)
        row["outcome"] = CHANGED if changed else UNCHANGED

    def apply(self, rows, *, actor, target, pending):
        city = current_city()
        reason = _("Workbook import (%(file)s)") % {
            "file": getattr(pending, "file_name", "") or SHEET_TITLE}
        applied = [row["data"] for row in rows if row["outcome"] in (NEW, CHANGED)]
        references = {
            "target_groups": TargetGroup.objects.in_bulk(),
            "support_areas": SupportArea.objects.in_bulk(),
            "kinds": ServiceKind.objects.in_bulk(),
            "units": CapacityUnit.objects.in_bulk(),
            "territories": Territory.objects.in_bulk({d["territory_id"] for d in applied} - {None}),
            "providers": Organisation.objects.in_bulk({d["provider_id"] for d in applied}),
        }
        written = 0
        for row in rows:
            if row["outcome"] not in (NEW, CHANGED):
                continue
            try:
                self._apply_row(row, city=city, actor=actor, reason=reason,
                                references=references)
            except ImportChanged:
                raise
            except ValidationError as refusal:
                raise ImportRefused([RowError(row["row"], None, " ".join(refusal.messages))]) \
                    from None
            written += 1
        return written

    def _apply_row(self, row, *, city, actor, reason, references):
        data = row["data"]
        version_fields = {
            "forms": data["forms"],
            "target_groups": _referenced(references["target_groups"], data["target_group_ids"]),
            "support_areas": _referenced(references["support_areas"], data["area_ids"]),
            "territory": references["territories"].get(data["territory_id"]),
            "territory_text": data["territory_text"],
            "capacity_value": Decimal(data["capacity"]) if data["capacity"] else None,
            "capacity_unit": references["units"].get(data["unit_id"]),
            "note": data["note"],
        }
        provider = references["providers"].get(data["provider_id"])
        if provider is None:
            raise ImportChanged
        kind = references["kinds"].get(data["kind_id"])
        if row["outcome"] == NEW:
            service = services.service_create(
                actor=actor, city=city, category=data["category"], provider=provider,
                name=data["name"], register_id=data["register_id"], kind=kind,
                network_from=date.fromisoformat(data["network_from"]), reason=reason,
                **version_fields)
        else:
            service = Service.objects.select_for_update().filter(pk=row["service_id"]).first()
            if service is None or service.version != row["service_version"]:
                raise ImportChanged
            identity = {"name": data["name"], "provider": provider, "kind": kind}
            if row["versioned"]:
                service = services.service_change(
                    actor=actor, service=service, reason=reason,
                    valid_from=date.fromisoformat(row["valid_from"]), **identity,
                    **version_fields)
            elif any(getattr(service, key) != value for key, value in identity.items()):
                service = services.service_change(
                    actor=actor, service=service, reason=reason,
                    valid_from=service.network_from, **identity)
        if data["network_to"] and not service.network_to:
            services.service_end(actor=actor, service=service, reason=reason,
                                 network_to=date.fromisoformat(data["network_to"]))

    def display_rows(self, preview):
        return preview.rows


NETWORK_IMPORTER = NetworkImporter()

# A worker finds an importer by the name of the module that declares it
# (core.imports.base.importer_named looks for `imports`), so the value
# workbook's and the national register's importers are declared through here.
from . import register, value_imports  # noqa: E402, F401
