"""Read the national register's open dataset (MPSV rpss.json, the whole
country, larger than an upload may be) into the network: the same preview
and apply as the page (network/register.py), synchronously, in one
transaction.

    python manage.py import_register FILE --user USERNAME [--dry-run]

Exit status 0 with a summary and every note when the services were entered
(or, with --dry-run, would be); 1 with every error when any item is wrong -
and then nothing is saved."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.imports.base import NEW, UNCHANGED
from core.imports.services import import_file, read_preview
from network import permissions
from network.register import REGISTER_IMPORTER


class Command(BaseCommand):
    help = "Read the national register of social services (rpss.json) into the network."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="the register's open dataset (JSON)")
        parser.add_argument("--user", required=True, help="username of the officer who imports")
        parser.add_argument("--dry-run", action="store_true", help="check and report, save nothing")

    def handle(self, *args, file, user, dry_run, **options):
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None or not permissions.can_edit_network(actor):
            raise CommandError(_("There is no active officer “%(user)s”.") % {"user": user})
        try:
            content = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(_("The file cannot be read: %(error)s") % {
                "error": error.strerror or error}) from None
        if dry_run:
            preview = read_preview(importer=REGISTER_IMPORTER, actor=actor, content=content)
        else:
            preview = import_file(importer=REGISTER_IMPORTER, actor=actor, content=content)
        for row in preview.rows:
            for note in [*row.get("notes", ()), *row.get("differences", ())]:
                self.stdout.write(f"{row['register_id']}: {note}")
        if preview.errors:
            for error in preview.errors:
                self.stderr.write(str(error))
            raise CommandError(_("Nothing was saved."), returncode=1)
        self.stdout.write(_("New services: %(new)d; already in the network: %(unchanged)d; "
                            "items of other providers or ended: %(skipped)d.") % {
            "new": preview.count(NEW), "unchanged": preview.count(UNCHANGED),
            "skipped": preview.skipped})
