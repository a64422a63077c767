"""`manage.py seed_demo`: load the demo data curated from the seed documents.

Idempotent: a second run creates, changes and audits nothing. Each loader is a
callable ``load(stdout=..., summary=..., verbosity=...)``, listed in
``LOADERS`` in dependency order.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from core.models import AuditEntry
from core.seeding import SeedError, SeedSummary

# (name, dotted path), in dependency order.
LOADERS = [
    ("directory", "directory.seed.load"),
    ("plans", "planning.seed.load"),
    ("projects", "projects.seed.load"),
    ("network", "network.seed.load"),
    ("indicators", "indicators.seed.load"),
    ("meetings", "meetings.seed.load"),
    ("rounds", "rounds.seed.load"),
    ("reports", "reports.seed.load"),
]
# Logins for every role; only for the embedded demo or on request.
ACCOUNT_LOADERS = [
    ("accounts", "directory.seed.load_demo_accounts"),
    # A schedule and a published interim evaluation rendered by the portal.
    ("demo-reports", "reports.demo.load"),
]


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = "Load the demo data from the seed documents (idempotent)."

    def add_arguments(self, parser):
        accounts = parser.add_mutually_exclusive_group()
        accounts.add_argument(
            "--with-accounts", action="store_true",
            help="Create the demo accounts even when EMBEDDED_DEMO is off.",
        )
        accounts.add_argument(
            "--without-accounts", action="store_true",
            help="Do not create the demo accounts even when EMBEDDED_DEMO is on.",
        )
        parser.add_argument(
            "--only", action="append", metavar="NAME",
            help="Run only the named loader(s), e.g. --only directory.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen, then roll back.",
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        with_accounts = options["with_accounts"] or (
            getattr(settings, "EMBEDDED_DEMO", False) and not options["without_accounts"]
        )
        loaders = list(LOADERS) + (list(ACCOUNT_LOADERS) if with_accounts else [])
        if options["only"]:
            known = {name for name, _ in loaders}
            unknown = set(options["only"]) - known
            if unknown:
                raise CommandError(
                    f"Unknown loader(s): {', '.join(sorted(unknown))}; "
                    f"available: {', '.join(sorted(known))}."
                )
            loaders = [(name, path) for name, path in loaders if name in options["only"]]

        summary = SeedSummary()
        audit_before = AuditEntry.objects.count()
        try:
            with transaction.atomic():
                for name, path in loaders:
                    if verbosity >= 1:
                        self.stdout.write(self.style.MIGRATE_HEADING(f"Loading {name} …"))
                    import_string(path)(stdout=self.stdout, summary=summary, verbosity=verbosity)
                audit_written = AuditEntry.objects.count() - audit_before
                if options["dry_run"]:
                    raise _DryRun
        except _DryRun:
            self.stdout.write(self.style.WARNING("Dry run: everything rolled back."))
        except SeedError as exc:
            raise CommandError(str(exc)) from exc

        self.stdout.write(self.style.MIGRATE_HEADING("Summary:"))
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(f"  core.AuditEntry: written {audit_written}")
        if summary.changed:
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        else:
            self.stdout.write(
                self.style.SUCCESS("Nothing changed: the demo data was already loaded.")
            )
