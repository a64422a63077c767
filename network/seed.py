"""Demo data for the network, loaded by `manage.py seed_demo`: the services
and related activities of ``fixtures/seed_network.json``, provided by the
organisations the directory seeded. The seed documents name the providers and
the kinds of services; register identifiers, capacities and dates are
invented, and each record's note says so (shown on its page). The update
requests of ``fixtures/seed_network_requests.json`` (invented, marked
illustrative in their reasoning) are filed and decided through the services,
so the approved ones change the network as of their day.

Idempotent: a service is looked up by its register identifier (an activity
by its provider and name) and never touched again; its dated changes are
applied only when it is created. New rows go through the services, so they
are audited like an officer's entry."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile

from core.seeding import CREATED, UNCHANGED, SeedError, SeedSummary
from directory.models import Organisation, SupportArea
from directory.selectors import current_city

from . import indicator_seed, services
from .models import (
    REQUIRED_ATTACHMENTS,
    CapacityUnit,
    RequestKind,
    Service,
    ServiceCategory,
    ServiceKind,
    TargetGroup,
    UpdateRequest,
)

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "seed_network.json"


class _Loader:
    def __init__(self, data, summary):
        self.summary = summary
        self.note = data["illustrative_note"]
        self.city = current_city()
        if self.city is None:
            raise SeedError("network: the city is not set; the directory seed sets it first.")
        self.organisations = {o.name: o for o in Organisation.objects.all()}
        self.kinds = {k.paragraph: k for k in ServiceKind.objects.all()}
        self.groups = {g.name: g for g in TargetGroup.objects.all()}
        self.areas = {a.numeral: a for a in SupportArea.objects.all()}
        self.units = {u.code: u for u in CapacityUnit.objects.all()}

    def _lookup(self, table, key, what, where):
        try:
            return table[key]
        except KeyError:
            raise SeedError(f"{where}: {what} “{key}” is not in the database.") from None

    def _common(self, record, where):
        capacity = record.get("capacity")
        return {
            "provider": self._lookup(self.organisations, record["provider"], "organisation",
                                     where),
            "name": record["name"],
            "network_from": date.fromisoformat(record["network_from"]),
            "target_groups": [self._lookup(self.groups, name, "target group", where)
                              for name in record["target_groups"]],
            "support_areas": [self._lookup(self.areas, numeral, "support area", where)
                              for numeral in record["support_areas"]],
            "territory": self.city.home_territory,
            "territory_text": record.get("territory_text", ""),
            "capacity_value": Decimal(capacity) if capacity else None,
            "capacity_unit": (self._lookup(self.units, record["unit"], "capacity unit", where)
                              if capacity else None),
            "note": f"{self.note} Zdroj: {record['source']}.",
            "reason": "Ukázková data",
        }

    def service(self, record):
        where = f"seed_network.json, service {record['register_id']}"
        if Service.objects.filter(city=self.city, register_id=record["register_id"]).exists():
            self.summary.add(Service, UNCHANGED)
            return
        service = services.service_create(
            actor=None, city=self.city, category=ServiceCategory.SERVICE,
            register_id=record["register_id"],
            kind=self._lookup(self.kinds, record["kind"], "kind of service", where),
            forms=record["forms"], **self._common(record, where))
        self.summary.add(Service, CREATED)
        for change in record.get("changes", ()):
            service.refresh_from_db()
            if "valid_to_network" in change:
                last_day = date.fromisoformat(change["valid_to_network"])
                services.service_end(actor=None, service=service, network_to=last_day,
                                     reason=change["reason"])
                continue
            services.service_change(actor=None, service=service,
                                    valid_from=date.fromisoformat(change["valid_from"]),
                                    capacity_value=Decimal(change["capacity"]),
                                    reason=change["reason"])

    def activity(self, record):
        where = f"seed_network.json, activity {record['name']}"
        common = self._common(record, where)
        if Service.objects.filter(city=self.city, provider=common["provider"],
                                  name=record["name"]).exists():
            self.summary.add(Service, UNCHANGED)
            return
        services.service_create(actor=None, city=self.city, category=ServiceCategory.ACTIVITY,
                                forms=[], **common)
        self.summary.add(Service, CREATED)


def load(*, stdout=None, summary=None, verbosity=1, path=None):
    summary = summary if summary is not None else SeedSummary()
    data = json.loads(Path(path or FIXTURE).read_text(encoding="utf-8"))
    loader = _Loader(data, summary)
    for record in data["services"]:
        loader.service(record)
    for record in data["activities"]:
        loader.activity(record)
    load_requests(summary=summary, loader=loader)
    indicator_seed.load(city=loader.city, summary=summary)
    return summary




REQUESTS_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "seed_network_requests.json"
# A one-page PDF standing in for every attachment and extract of the demo.
PLACEHOLDER_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                   b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _placeholder(name):
    return ContentFile(PLACEHOLDER_PDF, name=f"{name}.pdf")


def load_requests(*, summary, loader, path=None):
    """The demo update requests, each filed on its day inside the window and
    taken through the decisions it has; a request already there is skipped."""
    data = json.loads(Path(path or REQUESTS_FIXTURE).read_text(encoding="utf-8"))
    for record in data["requests"]:
        where = f"seed_network_requests.json, request {record['register_id']}"
        kind = RequestKind(record["kind"])
        entry = kind == RequestKind.ENTRY
        service = None if entry else Service.objects.filter(
            city=loader.city, register_id=record["register_id"]).first()
        if not entry and service is None:
            raise SeedError(f"{where}: the service is not in the network.")
        provider = (loader._lookup(loader.organisations, record["provider"], "organisation",
                                   where) if entry else service.provider)
        effective_from = date.fromisoformat(record["effective_from"])
        existing = UpdateRequest.objects.filter(city=loader.city, provider=provider, kind=kind,
                                                effective_from=effective_from)
        existing = existing.filter(register_id=record["register_id"]) if entry else \
            existing.filter(service=service)
        if existing.exists():
            summary.add(UpdateRequest, UNCHANGED)
            continue
        capacity = record.get("capacity")
        update_request = services.update_request_submit(
            actor=None, city=loader.city, provider=provider, kind=kind, service=service,
            effective_from=effective_from, today=date.fromisoformat(record["filed_on"]),
            reasoning=f"{record['reasoning']} {data['illustrative_note']}",
            capacity_value=Decimal(capacity) if capacity else None,
            capacity_unit=loader._lookup(loader.units, record["unit"], "capacity unit", where)
            if capacity else None,
            name=record.get("name", ""), register_id=record["register_id"] if entry else "",
            service_kind=loader._lookup(loader.kinds, record["service_kind"], "kind of service",
                                        where) if entry else None,
            service_form=record.get("service_form", ""),
            territory_text=record.get("territory_text", ""),
            attachments={attachment: _placeholder(attachment)
                         for attachment in REQUIRED_ATTACHMENTS[kind]})
        summary.add(UpdateRequest, CREATED)
        for decision in record["decisions"]:
            value = decision.get("approved_value")
            services.request_decision_record(
                actor=None, request=update_request, body=decision["body"],
                decided_on=date.fromisoformat(decision["decided_on"]),
                resolution_number=decision["resolution_number"], outcome=decision["outcome"],
                approved_value=Decimal(value) if value else None,
                extract=_placeholder(decision["resolution_number"].replace("/", "-")))
