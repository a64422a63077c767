import datetime
import itertools
from decimal import Decimal

from directory.models import City, Organisation
from network.indicator_models import ManualState, ReportingPeriod
from network.indicator_services import indicator_create, manual_create, value_report
from network.models import (
    CapacityUnit,
    ServiceCategory,
    ServiceForm,
    ServiceKind,
    ServiceVersionForm,
    TargetGroup,
)
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


def copies(template, n, **vary):
    """`n` rows like the saved `template`, bulk-created: for data grown only to
    be measured (no service runs, so no audit entries and no checks of the
    services). `vary[field](i)` gives copy i its own value of a field."""
    model = type(template)
    fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    return model.objects.bulk_create(
        model(**{**{name: getattr(template, name) for name in fields},
                 **{name: value(i) for name, value in vary.items()}})
        for i in range(n))


def services_like(service, n, *, name=None, provider=None):
    """`n` services like `service` (one version, as `make_service` makes it):
    the same kind, start, capacity, forms, target groups and support areas;
    each with its own register identifier, name (`name(i)`, or as
    `make_service` names it) and, without `provider`, a new provider of its
    own, as `make_service` gives it."""
    numbers = [next(_register_ids) for _ in range(n)]
    providers = ([provider] * n if provider else
                 Organisation.objects.bulk_create(OrganisationFactory.build_batch(n)))
    services = copies(service, n, register_id=lambda i: str(numbers[i]),
                      name=name or (lambda i: f"Služba {numbers[i]}"),
                      provider_id=lambda i: providers[i].pk)
    version = service.versions.get()
    versions = copies(version, n, service_id=lambda i: services[i].pk)
    ServiceVersionForm.objects.bulk_create(
        ServiceVersionForm(service_version=copy, form=row.form)
        for copy in versions for row in version.form_rows.all())
    for relation in (version.target_groups, version.support_areas):
        through = relation.through
        source, target = relation.source_field_name, relation.target_field_name
        through.objects.bulk_create(
            through(**{f"{source}_id": copy.pk, f"{target}_id": related.pk})
            for copy in versions for related in relation.all())
    return services
