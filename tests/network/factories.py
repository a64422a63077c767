import datetime
import itertools
from decimal import Decimal

from directory.models import City
from network.indicator_models import ManualState, ReportingPeriod
from network.indicator_services import indicator_create, manual_create, value_report
from network.models import CapacityUnit, ServiceCategory, ServiceForm, ServiceKind, TargetGroup
from network.services import service_create
from tests.directory.factories import OrganisationFactory

_register_ids = itertools.count(1000001)


def kind(paragraph="65"):
    return ServiceKind.objects.get(paragraph=paragraph)


def unit(code="uvazky"):
    return CapacityUnit.objects.get(code=code)


def target_group(name="rodiny s dítětem/dětmi"):
    return TargetGroup.objects.get(name=name)


def make_service(*, actor=None, provider=None, name=None, paragraph="65",
                 network_from=datetime.date(2024, 1, 1), capacity="2.5", unit_code="uvazky",
                 forms=(ServiceForm.OUTPATIENT, ServiceForm.FIELD), category=None, **extra):
    """A service in the network (a related activity with `category`), as an
    officer enters it."""
    activity = category == ServiceCategory.ACTIVITY
    number = next(_register_ids)
    return service_create(
        actor=actor, city=City.objects.first(), provider=provider or OrganisationFactory(),
        name=name or f"Služba {number}",
        category=category or ServiceCategory.SERVICE,
        register_id="" if activity else str(number),
        kind=None if activity else kind(paragraph), network_from=network_from,
        forms=forms, capacity_value=Decimal(capacity) if capacity is not None else None,
        capacity_unit=unit(unit_code) if capacity is not None else None, **extra)


def make_manual(*, number="1.0", state=ManualState.PILOT, valid_from=datetime.date(2023, 1, 1)):
    return manual_create(actor=None, city=City.objects.first(), number=number,
                         valid_from=valid_from, state=state)


def make_indicator(*, manual=None, code="intervence", paragraphs=("65",), comment_allowed=True,
                   **extra):
    return indicator_create(
        actor=None, manual=manual or make_manual(), code=code, name=code.capitalize(),
        definition="Činnost pracovníka s klientem.", unit="intervence",
        comment_allowed=comment_allowed, kinds=[kind(p) for p in paragraphs], **extra)


def make_indicator_value(*, service, indicator=None, year=2024,
                         period=ReportingPeriod.HALF_YEAR, value="100", comment=""):
    indicator = indicator or make_indicator(paragraphs=(service.kind.paragraph,))
    return value_report(actor=None, service=service, indicator=indicator, year=year,
                        period=period, value=Decimal(value), comment=comment)
