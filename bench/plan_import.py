"""Importing a plan workbook of 2,000 items (a new plan from one workbook):
preview (read and check) and apply, timed; the queries of the apply counted
at 1,000 and 2,000 items to show that they grow by batch (of 500 items per
level), not by item.

    python -m bench.plan_import                # 2,000 items, 3 runs
    python -m bench.plan_import --items 5000 --repeat 1

On a database of its own (`portal_bench_planbook`, dropped and created, then
migrated); not a timed test. The figure goes into bench/README.md by hand.
"""

import argparse
import io
import os
import statistics
import time

from bench.run import DB_SERVER, recreate_database, setup_django

DB_NAME = os.environ.get("BENCH_PLANBOOK_DATABASE_NAME", "portal_bench_planbook")


def workbook(items, code):
    """A plan of goals → measures: 40 goals, the rest measures under them,
    each with two implementers, costs and a source page."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    plan = book.create_sheet("Plán")
    for row in (["field", "value", "role"], ["title", f"Bench plan {code}"], ["code", code],
                ["kind", "kp"], ["period_start", 2025], ["period_end", 2030],
                ["level", "Cíl", "goal"], ["level", "Opatření", "measure"]):
        plan.append(row)
    sheet = book.create_sheet("items")
    sheet.append(["level", "code", "title", "description", "implementers", "costs",
                  "costs_amount", "costs_currency", "source_page"])
    goals = 40
    per_goal = (items - goals) // goals
    written = 0
    for g in range(1, goals + 1):
        sheet.append(["Cíl", str(g), f"Cíl {g}", "Popis cíle " * 20, "", "", None, "", ""])
        written += 1
        for m in range(1, per_goal + 1 + (1 if g <= (items - goals) % goals else 0)):
            sheet.append(["Opatření", f"{g}.{m}", f"Opatření {g}.{m}", "Popis opatření " * 30,
                          "Charita; Městský obvod Jih", "2,5 mil. Kč ročně",
                          2500000, "CZK", str(10 + g)])
            written += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), written


def run(items, repeat):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from core.imports.services import _json
    from directory.models import City
    from planning.imports import PLAN_IMPORTER
    from planning.models import PlanItem

    actor, _ = User.objects.get_or_create(username="bench-officer",
                                          defaults={"is_city_officer": True})
    if not City.objects.exists():  # every plan belongs to the city
        City.objects.create(name="Bench City")
    previews, applies, queries = [], [], {}
    for n in range(repeat):
        code = f"bench-{items}-{n}"
        content, written = workbook(items, code)
        started = time.perf_counter()
        preview = PLAN_IMPORTER.preview(content, actor=actor, target=None)
        previews.append(time.perf_counter() - started)
        assert not preview.errors, preview.errors[:3]
        rows = _json(preview.rows)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured, transaction.atomic():
            PLAN_IMPORTER.apply(rows, actor=actor, target=None, pending=None)
        applies.append(time.perf_counter() - started)
        queries[items] = len(captured)
        assert PlanItem.objects.filter(plan__code=code).count() == written
    # The same at half the size: the query count grows by batches only.
    half = items // 2
    content, _written = workbook(half, "bench-half")
    rows = _json(PLAN_IMPORTER.preview(content, actor=actor, target=None).rows)
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        PLAN_IMPORTER.apply(rows, actor=actor, target=None, pending=None)
    queries[half] = len(captured)
    return {"items": items, "preview_s": statistics.median(previews),
            "apply_s": statistics.median(applies), "queries": queries,
            "file_kb": len(content) // 1024}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    recreate_database(DB_NAME)
    setup_django(DB_NAME)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    result = run(args.items, args.repeat)
    print(f"plan workbook import, {result['items']} items (database {DB_SERVER}/{DB_NAME}):")
    print(f"  preview (read + check): {result['preview_s']:.2f} s (median of {args.repeat})")
    print(f"  apply (one transaction): {result['apply_s']:.2f} s")
    print("  queries of the apply: " + ", ".join(
        f"{n} items → {q}" for n, q in sorted(result["queries"].items())))


if __name__ == "__main__":
    main()
