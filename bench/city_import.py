"""A city's data from workbooks: a new plan of 2,000 items (planning.imports),
200 indicator definitions (indicators.imports_definitions) and 10,000 values
of them (indicators.imports), each previewed (read and check) and applied
(one transaction each, as the portal confirms them), timed, the SQL queries
of every apply counted. The values are imported twice more: again with every
value changed (the update path), and at half the size, to show that the
apply's query count grows by batch of 500, not by row. Target: ≤ 10 s in
total for the first three imports (previews and applies).

    python -m bench.city_import                        # 2,000 / 200 / 10,000
    python -m bench.city_import --items 500 --indicators 50 --values 2000

On a database of its own (`portal_bench_city`, dropped and created, then
migrated); not a timed test. The figures go into bench/README.md by hand.
"""

import argparse
import io
import os
import time

from bench.plan_import import workbook as plan_workbook
from bench.run import DB_SERVER, recreate_database, setup_django

DB_NAME = os.environ.get("BENCH_CITY_DATABASE_NAME", "portal_bench_city")
TARGET_SECONDS = 10


def _definitions_workbook(plan_code, count):
    from openpyxl import Workbook

    from indicators.imports_definitions import COLUMNS, MILESTONE_COLUMNS, MILESTONE_SHEET
    from indicators.imports_definitions import SHEET_TITLE as DEFINITIONS_SHEET

    book = Workbook(write_only=True)
    sheet = book.create_sheet(DEFINITIONS_SHEET)
    sheet.append([c.header for c in COLUMNS])
    milestones = book.create_sheet(MILESTONE_SHEET)
    milestones.append([c.header for c in MILESTONE_COLUMNS])
    for n in range(1, count + 1):
        row = {"plan": plan_code, "code": f"U{n:03d}", "position": n,
               "name": f"Ukazatel {n}", "kind": "global", "unit": "count",
               "territory": "city", "comparison_territory": "region" if n % 2 == 0 else None,
               "frequency": "yearly", "source": "Bench source",
               "definition": f"Definice ukazatele {n}"}
        sheet.append([row.get(c.name) for c in COLUMNS])
        milestones.append([{"plan": plan_code, "code": f"U{n:03d}", "position": n,
                            "year": 2030, "kind": "at_least", "value": n * 100,
                            "text": f"alespoň {n * 100}"}.get(c.name)
                           for c in MILESTONE_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _values_workbook(indicators, count, *, shift=0):
    """`count` values spread over `indicators`: monthly periods of the city,
    and of the region for the indicators compared with it."""
    from openpyxl import Workbook

    from indicators.imports import BY_KEY, HEADERS, SHEET_TITLE

    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLE)
    sheet.append(HEADERS)
    position = {key: HEADERS.index(BY_KEY[key].header) for key in BY_KEY}
    per = count // len(indicators)
    for index, indicator in enumerate(indicators):
        territories = ["city", "region"] if indicator.comparison_territory_id else ["city"]
        for n in range(per + (1 if index < count % len(indicators) else 0)):
            territory = territories[n % len(territories)]
            month = n // len(territories)
            cells = [None] * len(HEADERS)
            cells[position["code"]] = indicator.code
            cells[position["territory"]] = territory
            cells[position["period"]] = f"{month % 12 + 1}/{2000 + month // 12}"
            cells[position["value"]] = f"{1000 + n + shift} " if n % 7 else f"cca {n + shift},5"
            cells[position["note"]] = "odhad ČSÚ" if n % 3 == 0 else None
            sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _step(name, importer, content, actor, *, expect=None):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from core.imports.services import _json

    started = time.perf_counter()
    preview = importer.preview(content, actor=actor, target=None)
    preview_s = time.perf_counter() - started
    assert not preview.errors, preview.errors[:3]
    rows = _json(preview.rows)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        count = importer.apply(rows, actor=actor, target=None, pending=None)
    apply_s = time.perf_counter() - started
    if expect is not None:
        assert count == expect, (name, count, expect)
    return {"step": name, "rows": len(rows), "written": count, "preview_s": preview_s,
            "apply_s": apply_s, "queries": len(captured), "file_kb": len(content) // 1024}


def run(items, indicators, values):
    from accounts.models import User
    from directory.models import City, Territory
    from indicators.imports import VALUE_IMPORTER
    from indicators.imports_definitions import DEFINITION_IMPORTER
    from indicators.models import Indicator, IndicatorValue
    from planning.imports import PLAN_IMPORTER

    actor, _ = User.objects.get_or_create(username="bench-officer",
                                          defaults={"is_city_officer": True})
    city = Territory.objects.create(code="city", name="City", short_name="City")
    region = Territory.objects.create(code="region", name="Region", short_name="Region")
    City.objects.create(name="Bench City", home_territory=city, region=region)
    results = []
    content, _written = plan_workbook(items, "city")
    results.append(_step(f"plan, {items:,} items", PLAN_IMPORTER, content, actor))
    results.append(_step(f"{indicators} indicator definitions", DEFINITION_IMPORTER,
                         _definitions_workbook("city", indicators), actor, expect=indicators))
    followed = list(Indicator.objects.order_by("sort_key"))
    results.append(_step(f"{values:,} values (new)", VALUE_IMPORTER,
                         _values_workbook(followed, values), actor, expect=values))
    assert IndicatorValue.objects.count() == values
    results.append(_step(f"{values:,} values (all changed)", VALUE_IMPORTER,
                         _values_workbook(followed, values, shift=1), actor, expect=values))
    IndicatorValue.objects.all().delete()
    results.append(_step(f"{values // 2:,} values (new)", VALUE_IMPORTER,
                         _values_workbook(followed, values // 2), actor, expect=values // 2))
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--values", type=int, default=10_000)
    args = parser.parse_args(argv)
    recreate_database(DB_NAME)
    setup_django(DB_NAME)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    results = run(args.items, args.indicators, args.values)
    print(f"city import from workbooks (database {DB_SERVER}/{DB_NAME}):")
    print("| import | rows | file | preview | apply | queries of the apply |")
    print("|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['step']} | {r['rows']:,} | {r['file_kb']:,} kB | {r['preview_s']:.2f} s | "
              f"{r['apply_s']:.2f} s | {r['queries']} |")
    total = sum(r["preview_s"] + r["apply_s"] for r in results[:3])
    verdict = "yes" if total <= TARGET_SECONDS else "NO"
    print(f"plan + definitions + values, previews and applies: {total:.1f} s "
          f"(target ≤ {TARGET_SECONDS} s: {verdict})")
    return 0 if total <= TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
