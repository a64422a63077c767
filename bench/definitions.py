"""Benchmark: importing indicator definitions with milestones (the definitions
workbook, indicators.imports_definitions), set-based.

Creates its own database (portal_bench_definitions), a plan with specific
goals and two territories, then a workbook of N indicator definitions (each
with a baseline and two milestones; every tenth code printed twice) and times:
the preview (read and check), the apply (confirm, one transaction), and the
re-import of the export (everything unchanged). Counts the SQL queries of the
apply, which must not grow with N beyond one more batch.

    DJANGO_SETTINGS_MODULE=config.settings.test python -m bench.definitions --count 200
"""

import argparse
import io
import time

from bench.run import recreate_database, setup_django

DB_NAME = "portal_bench_definitions"


def _world():
    from directory.models import City, Territory
    from planning.models import LevelRole, Plan, PlanItem, PlanKind, PlanLevel

    home = Territory.objects.create(code="city", name="City", short_name="City")
    region = Territory.objects.create(code="region", name="Region", short_name="Region")
    city = City.objects.create(name="Bench City", home_territory=home, region=region)
    plan = Plan.objects.create(city=city, code="bench", kind=PlanKind.values[0],
                               title="Bench plan",
                               period_start=2024, period_end=2030, status="in_force")
    level = PlanLevel.objects.create(plan=plan, depth=1, name="Specific goal",
                                     role=LevelRole.SPECIFIC_GOAL)
    for number in range(1, 21):
        PlanItem.objects.create(plan=plan, level=level, code=f"{number}.1",
                                title=f"Goal {number}", position=number)
    return plan


def _workbook(count):
    from openpyxl import Workbook

    from indicators.imports_definitions import (
        COLUMNS,
        MILESTONE_COLUMNS,
        MILESTONE_SHEET,
        SHEET_TITLE,
    )

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append([c.header for c in COLUMNS])
    milestones = workbook.create_sheet(MILESTONE_SHEET)
    milestones.append([c.header for c in MILESTONE_COLUMNS])
    for n in range(1, count + 1):
        code = f"{(n - 1) // 10 + 1}.{n % 10}" if n % 10 else f"{n // 10}.1"  # repeats
        impact = n % 2 == 0
        row = {"plan": "bench", "code": code, "position": n, "name": f"Indicator {n}",
               "kind": "impact" if impact else "global", "unit": "count", "territory": "city",
               "comparison_territory": "region" if n % 3 == 0 else None,
               "frequency": "every 2 years" if n % 4 == 0 else "yearly",
               "source": "Bench source", "definition": f"Definition of indicator {n}",
               "plan_items": f"{n % 20 + 1}.1" if impact else None,
               "baseline_value": f"{n * 10} ", "baseline_period": "2022"}
        sheet.append([row.get(c.name) for c in COLUMNS])
        for year, value in ((2026, n * 11), (2030, n * 12)):
            milestones.append([{"plan": "bench", "code": code, "position": n, "year": year,
                                "kind": "at_least", "value": value,
                                "text": f"at least {value} by {year}"}.get(c.name)
                               for c in MILESTONE_COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args(argv)
    recreate_database(DB_NAME)
    setup_django(DB_NAME)
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from core.imports.base import NEW, UNCHANGED
    from indicators.imports_definitions import DEFINITION_IMPORTER, definitions_xlsx_bytes
    from indicators.models import Indicator, IndicatorTarget

    call_command("migrate", verbosity=0)
    _world()
    officer = User.objects.create(username="bench-officer")
    content = _workbook(args.count)
    started = time.perf_counter()
    preview = DEFINITION_IMPORTER.preview(content, actor=officer)
    preview_seconds = time.perf_counter() - started
    assert not preview.errors, preview.errors[:5]
    assert all(row["outcome"] == NEW for row in preview.rows)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        with transaction.atomic():
            DEFINITION_IMPORTER.apply(preview.rows, actor=officer, target=None, pending=None)
        apply_seconds = time.perf_counter() - started
    assert Indicator.objects.count() == args.count
    assert IndicatorTarget.objects.count() == 2 * args.count
    exported = definitions_xlsx_bytes()
    started = time.perf_counter()
    again = DEFINITION_IMPORTER.preview(exported, actor=officer)
    again_seconds = time.perf_counter() - started
    assert not again.errors and all(r["outcome"] == UNCHANGED for r in again.rows)
    print(f"{args.count} definitions, {2 * args.count} milestones, {args.count} baselines: "
          f"preview {preview_seconds:.2f} s, apply {apply_seconds:.2f} s in "
          f"{len(queries)} queries (one transaction), re-import of the export "
          f"{again_seconds:.2f} s, all unchanged")


if __name__ == "__main__":
    main()
