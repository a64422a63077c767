"""The network page, the disproportion check and the yearly evaluation at 1×
and 100×: 30 and 3,000 services of four kinds (each version with target
groups, support areas and forms), each with 10 years of half-year and final
values of two indicators (1,200 and 120,000 values) and yearly funding.

    python -m bench.disproportions [--repeat 5]

On a database of its own (`portal_bench_disproportions`, dropped and
created like bench.run's), rows written in bulk (the services' own code is
timed elsewhere). Measured in process with `django.test.Client`, a city
officer, the page cache emptied before each request: the median time of the
network page (today's network, first page, anonymous), the
disproportion page (one period: every service of the city; "cold": the data
version moved on before each request, so the check kept per version is
computed again, as after a write) and the yearly evaluation, and their SQL
queries, which must be equal at both scales.
Goal: ≤ 300 ms at 100×. Exits 1 when a query count differs."""

import argparse
import os
import statistics
import sys
import time
from datetime import date
from decimal import Decimal

from bench.run import recreate_database, setup_django

DB_NAME = os.environ.get("BENCH_DISPROPORTIONS_DATABASE_NAME", "portal_bench_disproportions")
KINDS = ("65", "40", "69", "37")
YEARS = range(2015, 2025)
GOAL_MS = 300


def _world():
    from accounts.models import User
    from directory.models import City, Organisation, Territory
    from network.indicator_models import IndicatorManual, ServiceIndicator

    officer = User.objects.create(username="bench-officer", is_city_officer=True)
    home = Territory.objects.create(code="city", name="City", short_name="City")
    region = Territory.objects.create(code="region", name="Region", short_name="Region")
    city = City.objects.create(name="Bench City", home_territory=home, region=region)
    providers = Organisation.objects.bulk_create(
        Organisation(name=f"Poskytovatel {n}") for n in range(50))
    manual = IndicatorManual.objects.create(city=city, number="1.0",
                                            valid_from=date(2015, 1, 1))
    from network.models import ServiceKind

    kinds = list(ServiceKind.objects.filter(paragraph__in=KINDS))
    indicators = []
    for code, clients in (("intervence", False), ("klienti", True)):
        indicator = ServiceIndicator.objects.create(
            manual=manual, code=code, name=code, definition=code, unit="osoby",
            counts_clients=clients)
        indicator.kinds.set(kinds)
        indicators.append(indicator)
    return officer, city, providers, kinds, indicators


def _grow(city, providers, kinds, indicators, start, count):
    from directory.models import SupportArea
    from network.indicator_models import IndicatorValue, ServiceFunding
    from network.models import (
        CapacityUnit,
        Service,
        ServiceForm,
        ServiceVersion,
        ServiceVersionForm,
        TargetGroup,
    )

    unit = CapacityUnit.objects.get(code="uvazky")
    services = Service.objects.bulk_create(
        Service(city=city, provider=providers[n % len(providers)], name=f"Služba {n}",
                register_id=f"{1000000 + n}", kind=kinds[n % len(kinds)],
                network_from=date(2015, 1, 1)) for n in range(start, start + count))
    versions = ServiceVersion.objects.bulk_create(
        ServiceVersion(service=service, valid_from=date(2015, 1, 1),
                       capacity_value=Decimal(1 + service.pk % 7), capacity_unit=unit)
        for service in services)
    groups = list(TargetGroup.objects.order_by("pk")[:6])
    areas = list(SupportArea.objects.order_by("pk")[:4])
    ServiceVersion.target_groups.through.objects.bulk_create(
        ServiceVersion.target_groups.through(serviceversion_id=version.pk,
                                             targetgroup_id=group.pk)
        for version in versions for group in groups[version.pk % 3:][:3])
    ServiceVersion.support_areas.through.objects.bulk_create(
        ServiceVersion.support_areas.through(serviceversion_id=version.pk,
                                             supportarea_id=area.pk)
        for version in versions for area in areas[version.pk % 2:][:2])
    ServiceVersionForm.objects.bulk_create(
        ServiceVersionForm(service_version=version, form=form)
        for version in versions for form in (ServiceForm.OUTPATIENT, ServiceForm.FIELD))
    values = []
    for service in services:
        capacity = 1 + service.pk % 7
        for year in YEARS:
            for period, months in (("half", 1), ("year", 2)):
                for indicator in indicators:
                    values.append(IndicatorValue(
                        service=service, indicator=indicator, year=year, period=period,
                        value=Decimal(capacity * months * (100 + service.pk % 9))))
    IndicatorValue.objects.bulk_create(values, batch_size=5000)
    ServiceFunding.objects.bulk_create(
        ServiceFunding(service=service, year=year, source="city", amount=Decimal(100_000))
        for service in services for year in YEARS)


def _measure(client, url, repeat, cold=False):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core import dataversion, pagecache

    times, counts = [], []
    for _ in range(repeat + 1):
        pagecache.invalidate()
        if cold:  # as right after a write: what is kept per data version is rebuilt
            dataversion.bump()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        times.append(elapsed)
        counts.append(len(queries))
    # The most frequent count: now and then a request also saves the session
    # (its activity time) or reads the user's OTP devices, which is not the page's.
    return (statistics.median(times[1:]) * 1000, statistics.mode(counts[1:]),
            len(response.content))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args(argv)
    recreate_database(DB_NAME)
    setup_django(DB_NAME)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    officer, city, providers, kinds, indicators = _world()
    client = Client()
    client.force_login(officer)
    anonymous = Client()
    check = "/network/indicators/check/?year=2024&period=year"
    pages = {"network": (anonymous, "/network/", False),
             "disproportions": (client, check, False),
             "disproportions cold": (client, check, True),
             "evaluation": (client, "/network/evaluation/?year=2024", False)}
    rows, grown = [], 0
    for scale in (1, 100):
        _grow(city, providers, kinds, indicators, grown, 30 * scale - grown)
        grown = 30 * scale
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        for name, (page_client, url, cold) in pages.items():
            ms, queries, size = _measure(page_client, url, options.repeat, cold=cold)
            rows.append((name, scale, ms, queries, size))
            print(f"{name:19} {scale:4}× {grown:5} services  {ms:7.1f} ms  {queries:3} queries  "
                  f"{size // 1024:5} kB  {'ok' if ms <= GOAL_MS else 'NO'}", flush=True)
    differing = [name for name in pages
                 if len({queries for n, _s, _ms, queries, _size in rows if n == name}) > 1]
    if differing:
        print("query counts differ between scales:", ", ".join(differing))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
