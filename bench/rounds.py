"""Benchmark: the officers' overview of a reporting round at 100x (rounds:detail).

Creates its own database (portal_bench_rounds): N implementers (default 1,500),
each with a project and two project indicators; a value in every review state
for two thirds of the indicators and a half-year report for every other
project; one open round over every project (3 N obligations, derived by the
service). Then times, as a city officer in process (median of 5), the first
page of the overview, a later page, a filter by state and the XLSX export of
a filtered view, with the SQL queries of each page (equal for every page and
filter: the goal is a fixed number, whatever the data).

The same queries at 1x and 100x: the world is first built at a hundredth of
the size (`--implementers` / 100, at least 15 implementers), the officer's
desk and the overview's first page are counted, then the world grows to its
full size (the round's obligations derived again) and both are counted again;
the counts must be equal.

    BENCH_REDIS_URL=redis://127.0.0.1:6379/7 python -m bench.rounds --implementers 1500
"""

import argparse
import os
import statistics
import time
from datetime import date

from bench.run import recreate_database, setup_django

DB_NAME = os.environ.get("BENCH_ROUNDS_DATABASE", "portal_bench_rounds")
GOAL_MS = 300
STATES = ("draft", "submitted", "returned", "approved")


def _world(implementers, start=0):
    """Implementers number `start` to `implementers - 1` with their projects,
    indicators, values and reports; the projects."""
    from directory.models import Organisation, Territory
    from indicators.models import Indicator, IndicatorKind, IndicatorValue
    from projects.models import Call, HalfYearReport, Programme, Project, ProjectIndicator

    home = Territory.objects.get_or_create(code="city", defaults={
        "name": "City", "short_name": "City"})[0]
    programme = Programme.objects.get_or_create(code="p", defaults={"name": "Programme"})[0]
    call = Call.objects.get_or_create(programme=programme, number="1")[0]
    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"Organizace {n:05d}") for n in range(start, implementers)])
    projects = Project.objects.bulk_create([
        Project(registration_number=f"CZ.B/{n:07d}", title=f"Projekt {n}", call=call,
                implementer=organisation, total_budget=1, reports_total=6)
        for n, organisation in enumerate(organisations, start=start)])
    indicators = Indicator.objects.bulk_create([
        Indicator(code=f"P{n}-{k}", slug=f"p{n}-{k}", sort_key=f"{n:07d}{k}",
                  name=f"Ukazatel {n}/{k}", kind=IndicatorKind.PROJECT, home_territory=home)
        for n in range(start, implementers) for k in (1, 2)])
    ProjectIndicator.objects.bulk_create([
        ProjectIndicator(project=projects[i // 2], indicator=indicator)
        for i, indicator in enumerate(indicators)])
    IndicatorValue.objects.bulk_create([
        IndicatorValue(indicator=indicator, territory=home, period_kind="half_year",
                       period_start=date(2025, 1, 1), period_end=date(2025, 6, 30),
                       period_text="1. pol. 2025", value=i, review_state=STATES[i % 4],
                       review_comment="Doplňte zdroj." if STATES[i % 4] == "returned" else "")
        for i, indicator in enumerate(indicators) if i % 3])
    HalfYearReport.objects.bulk_create([
        HalfYearReport(project=project, number=1, total=6, period_start=date(2025, 1, 1),
                       period_end=date(2025, 6, 30), submitted_on=date(2025, 7, 1),
                       narrative="Text.", review_state=STATES[n % 4])
        for n, project in enumerate(projects) if n % 2])
    return projects


def _median_ms(client, url, data=None, repeat=5):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, size = [], None, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, data or {})
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries, size = len(captured), len(response.content)
    return statistics.median(times), queries, size


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--implementers", type=int, default=1500)
    args = parser.parse_args(argv)
    recreate_database(DB_NAME)
    setup_django(DB_NAME)

    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from rounds.services import round_open, round_refresh_obligations

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    small = max(15, args.implementers // 100)
    projects = _world(small)
    officer = User.objects.create(username="bench-officer", is_city_officer=True)
    round_ = round_open(actor=officer, title="Pololetí 1/2025", kind="half_year",
                        period_start=date(2025, 1, 1), period_end=date(2025, 6, 30),
                        deadline=date(2025, 7, 31), projects=projects)
    client = Client()
    client.force_login(officer)
    url = reverse("rounds:detail", args=[round_.pk])
    desk = reverse("core:desk")
    client.get(url)  # the first request of a process builds what every later one reuses
    client.get(desk)
    at_small = {name: _median_ms(client, target, repeat=1)[1]
                for name, target in (("desk", desk), ("overview", url))}
    round_.projects.add(*_world(args.implementers, start=small))
    round_refresh_obligations(actor=officer, round_=round_)
    built = time.perf_counter() - started
    obligations = round_.obligations.count()
    at_large = {name: _median_ms(client, target, repeat=1)[1]
                for name, target in (("desk", desk), ("overview", url))}
    rows = [
        ("overview, page 1", url, None),
        ("overview, page 40", url, {"page": 40}),
        ("filter: missing", url, {"state": "missing"}),
        ("filter: submitted, search", url, {"state": "submitted", "q": "Organizace 00"}),
        ("XLSX of the submitted", reverse("rounds:export", args=[round_.pk]),
         {"state": "submitted"}),
    ]
    print(f"{args.implementers} implementers, {obligations} obligations "
          f"(world and round built in {built:.1f} s); load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    counts = set()
    for label, target, data in rows:
        ms, queries, size = _median_ms(client, target, data)
        if "XLSX" not in label:
            counts.add(queries)
        verdict = "yes" if ms <= GOAL_MS or "XLSX" in label else "NO"
        print(f"  {label:32} {ms:7.1f} ms  {queries:3d} queries  {size / 1024:7.1f} kB  "
              f"≤ {GOAL_MS} ms: {verdict}")
    print(f"  queries of the pages equal: {'yes' if len(counts) == 1 else 'NO'}")
    for name in at_small:
        same = "yes" if at_small[name] == at_large[name] else "NO"
        print(f"  {name}: {at_small[name]} queries with {small} implementers, "
              f"{at_large[name]} with {args.implementers}: equal: {same}")


if __name__ == "__main__":
    main()
