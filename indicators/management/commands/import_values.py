"""Import indicator values from a workbook of the portal's value template,
for scripts, cron and the benchmark: the same preview and apply as the import
pages (core.imports.services.import_file with indicators.imports.
ValueImporter), synchronously, in one transaction.

    python manage.py import_values FILE --user USERNAME [--dry-run]
        [--number-format cs|en] [--confirm-row N ...]

Exit status 0 with a summary when the values were saved (or, with
--dry-run, would be); 1 with every error, naming row and column, when any
row is wrong - and then nothing is saved."""

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.imports.base import CHANGED, NEW, UNCHANGED
from core.imports.numbers import NumberFormat
from core.imports.services import import_file, read_preview
from indicators.imports import VALUE_IMPORTER


class Command(BaseCommand):
    help = "Import indicator values from an XLSX workbook of the value template."
    # For scripts and cron: the system checks (every URL, view and template tag
    # library loaded, WeasyPrint among them) cost more than half a second of a
    # command that touches none of them; `manage.py check` runs them.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="the filled-in value workbook (XLSX)")
        parser.add_argument("--user", required=True,
                            help="username of who imports (their permissions apply)")
        parser.add_argument("--dry-run", action="store_true",
                            help="check and report, save nothing")
        parser.add_argument("--number-format", choices=[f.value for f in NumberFormat],
                            help="how numbers typed as text are read (default: as the "
                                 "workbook states)")
        parser.add_argument("--confirm-row", type=int, action="append", default=[],
                            help="a row whose ambiguous number you confirm (repeatable)")

    def handle(self, *args, file, user, dry_run, number_format, confirm_row, **options):
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(_("There is no active user “%(user)s”.") % {"user": user})
        path = Path(file)
        try:
            content = VALUE_IMPORTER.check_upload(ContentFile(path.read_bytes(), name=path.name))
        except OSError as error:
            raise CommandError(_("The file cannot be read: %(error)s") % {
                "error": error.strerror or error}) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        started = time.perf_counter()
        if dry_run:
            preview = read_preview(importer=VALUE_IMPORTER, actor=actor, content=content,
                                   number_format=number_format)
        else:
            preview = import_file(importer=VALUE_IMPORTER, actor=actor, content=content,
                                  number_format=number_format, confirmed_rows=confirm_row)
        seconds = time.perf_counter() - started
        if preview.errors:
            for error in preview.errors:
                self.stderr.write(str(error))
            raise CommandError(ngettext("%(count)d error; nothing was saved.",
                                        "%(count)d errors; nothing was saved.",
                                        len(preview.errors)) % {"count": len(preview.errors)},
                               returncode=1)
        counts = preview.counts
        summary = _("new values: %(new)d, changed: %(changed)d, unchanged: %(unchanged)d "
                    "(%(seconds).1f s)") % {
            "new": counts[NEW], "changed": counts[CHANGED], "unchanged": counts[UNCHANGED],
            "seconds": seconds}
        if dry_run:
            self.stdout.write(_("Dry run, nothing saved: %(summary)s") % {"summary": summary})
        elif not preview.to_apply:
            self.stdout.write(_("Nothing to save: %(summary)s") % {"summary": summary})
        else:
            self.stdout.write(_("Saved: %(summary)s") % {"summary": summary})
