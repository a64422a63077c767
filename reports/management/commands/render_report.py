"""`manage.py render_report KIND [options] --output FILE.pdf`: render a report
synchronously through the same code path as the Celery task (reports.kinds),
for operators and the benchmark."""

import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from planning.models import Plan, PlanStatus
from reports import kinds
from reports.models import ReportKind


class Command(BaseCommand):
    help = "Render a report to a PDF file. Kinds: " + "; ".join(
        f"{kind.value} ({kinds.PARAMETERS[kind]})" for kind in ReportKind)

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[kind.value for kind in ReportKind],
                            help="The report: " + ", ".join(
                                f"{kind.value} = {kind.label}" for kind in ReportKind))
        parser.add_argument("--plan", help="Plan code (interim-evaluation), "
                            "default: the first plan in force")
        parser.add_argument("--year", type=int,
                            help="Year evaluated (interim-evaluation, yearly-evaluation)")
        parser.add_argument("--meeting", type=int, help="Meeting id (minutes)")
        parser.add_argument("--project", help="Registration number (project-card)")
        parser.add_argument("--output", "-o", required=True, help="Where to write the PDF")

    def handle(self, *args, **options):
        kind = options["kind"]
        parameters = {name: options[name] for name in ("plan", "year", "meeting", "project")
                      if options[name] is not None}
        if kind == ReportKind.INTERIM_EVALUATION and "plan" not in parameters:
            plan = Plan.objects.filter(status=PlanStatus.IN_FORCE).order_by("code").first()
            if plan is None:
                raise CommandError("No plan in force; name one with --plan CODE.")
            parameters["plan"] = plan.code

        def progress(percent, message):
            if options["verbosity"] >= 2:
                self.stderr.write(f"{percent:3d} % {message}")

        started = time.perf_counter()
        try:
            rendered = kinds.render(kind, parameters, progress=progress)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        output = Path(options["output"])
        output.write_bytes(rendered.pdf)
        self.stdout.write(
            f"{output}: {rendered.title}, {rendered.pages} pages, {len(rendered.pdf)} bytes, "
            f"sha256 {rendered.checksum}, {time.perf_counter() - started:.2f} s")
