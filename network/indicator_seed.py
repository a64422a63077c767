"""Demo service indicators, loaded with the demo network: the manual in its
pilot period, five indicators the seed documents name (003, item 2), values
for the demo services' half-year and final reports of 2023 and 2024 and their
yearly funding. Every figure is invented, proportional to the service's
capacity with a small spread, and the manual's note says so; two values are
planted outliers (one per two indicators), which the disproportion check has
to find and nothing else."""

import zlib
from datetime import date
from decimal import Decimal

from core.seeding import CREATED, UNCHANGED

from . import indicator_services
from .indicator_models import (
    FundingSource,
    IndicatorManual,
    ReportingPeriod,
    ServiceFunding,
    period_end,
)
from .models import ServiceKind
from .selectors import network_as_of

MANUAL_NUMBER = "0.9"
ILLUSTRATIVE = ("Ilustrativní ukázková data: hodnoty ukazatelů a financování jsou vymyšlené, "
                "úměrné kapacitě služby.")
YEARS = (2023, 2024)

# code, name, unit, definition, comment allowed, kinds, for activities, counts clients,
# half-year value per unit of capacity
INDICATORS = [
    ("intervence", "Intervence", "intervence",
     "Cílená a plánovaná činnost pracovníka s klientem nebo v jeho prospěch, trvající alespoň "
     "10 minut, zaznamenaná v dokumentaci klienta.", True, ("65", "40", "69", "37"), False,
     False, 300),
    ("kontakty", "Kontakty", "kontakty",
     "Krátký kontakt pracovníka s klientem nebo zájemcem (do 10 minut), i telefonický.",
     False, ("69", "37"), False, False, 450),
    ("cesta-za-klientem", "Cesta za klientem", "hodiny",
     "Čas, který pracovník stráví cestou za klientem do jeho přirozeného prostředí.",
     True, ("65",), False, False, 120),
    ("odmitnuti-zajemci", "Odmítnutí zájemci", "osoby",
     "Zájemci o službu, kterým služba nemohla vyhovět pro nedostatek kapacity; anonymní "
     "zájemci se počítají jednou.", True, ("65", "40", "57", "63"), False, False, 4),
    ("klienti", "Klienti", "osoby",
     "Počet jedinečných klientů, kterým byla služba v daném období poskytnuta.", False,
     ("37", "39", "40", "44", "51", "54", "57", "59", "60", "61", "62", "63", "65", "69",
      "70"), True, True, 25),
]
ACTIVITY_CLIENTS = 120

# (indicator code, kind, year, period, factor) — the n-th service of that kind
# (by register identifier) reports the value times the factor.
OUTLIERS = [
    ("intervence", "65", 2024, ReportingPeriod.YEAR, 0, Decimal(4)),
    ("cesta-za-klientem", "65", 2023, ReportingPeriod.HALF_YEAR, 1, Decimal("0.2")),
]

FUNDING_PER_UNIT = {FundingSource.CITY: 250_000, FundingSource.STATE: 550_000,
                    FundingSource.REGION: 60_000}


def _spread(*keys):
    """A fixed factor between 0.92 and 1.08 for the keys."""
    return Decimal(100 + zlib.crc32("/".join(map(str, keys)).encode()) % 17 - 8) / 100


def outlier_targets(city):
    """(indicator code, year, period, service id) of the planted outliers."""
    targets = []
    for code, paragraph, year, period, index, _factor in OUTLIERS:
        services = sorted(
            (version.service for version in network_as_of(period_end(year, period), city=city)
             if version.service.kind and version.service.kind.paragraph == paragraph),
            key=lambda service: service.register_id)
        targets.append((code, year, period, services[index].pk))
    return targets


def _value(indicator, version, year, period, planted):
    service = version.service
    if service.is_activity:
        base = Decimal(ACTIVITY_CLIENTS)
    elif version.capacity_value:
        base = indicator.half_year_rate * version.capacity_value
    else:
        return None
    months = 2 if period == ReportingPeriod.YEAR else 1
    value = base * months * _spread(service.register_id or service.name, indicator.code)
    value *= planted.get((indicator.code, year, period, service.pk), 1)
    return value.quantize(Decimal(1))


def load(*, city, summary):
    if IndicatorManual.objects.filter(city=city, number=MANUAL_NUMBER).exists():
        summary.add(IndicatorManual, UNCHANGED)
        return
    manual = indicator_services.manual_create(
        actor=None, city=city, number=MANUAL_NUMBER, valid_from=date(2023, 1, 1),
        note=ILLUSTRATIVE)
    summary.add(IndicatorManual, CREATED)
    kinds = {kind.paragraph: kind for kind in ServiceKind.objects.all()}
    indicators = []
    for position, (code, name, unit, definition, comment_allowed, paragraphs, activities,
                   clients, rate) in enumerate(INDICATORS):
        indicator = indicator_services.indicator_create(
            actor=None, manual=manual, code=code, name=name, definition=definition, unit=unit,
            comment_allowed=comment_allowed, kinds=[kinds[p] for p in paragraphs],
            for_activities=activities, counts_clients=clients, position=position)
        indicator.half_year_rate = Decimal(rate)
        indicator.paragraphs = set(paragraphs)
        indicators.append(indicator)
    planted = {target: factor for target, (*_rest, factor)
               in zip(outlier_targets(city), OUTLIERS, strict=True)}
    for year in YEARS:
        for period in ReportingPeriod:
            for version in network_as_of(period_end(year, period), city=city):
                service = version.service
                for indicator in indicators:
                    applies = (indicator.for_activities if service.is_activity
                               else service.kind.paragraph in indicator.paragraphs)
                    value = _value(indicator, version, year, period, planted) if applies else None
                    if value is None:
                        continue
                    indicator_services.value_report(
                        actor=None, service=service, indicator=indicator, year=year,
                        period=period, value=value)
        _funding(city, year)


def _funding(city, year):
    for version in network_as_of(date(year, 12, 31), city=city):
        capacity = version.capacity_value or Decimal(1)
        for source, per_unit in FUNDING_PER_UNIT.items():
            amount = (capacity * per_unit * _spread(version.service.pk, source, year)).quantize(
                Decimal(1000))
            if not ServiceFunding.objects.filter(service=version.service, year=year,
                                                 source=source).exists():
                indicator_services.funding_record(
                    actor=None, service=version.service, year=year, source=source,
                    amount=amount, note="Ilustrativní ukázková data")
