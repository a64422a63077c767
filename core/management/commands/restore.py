from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database (runs migrate first)."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="A file written by `manage.py backup`.")

    def handle(self, *args, archive, **options):
        call_command("migrate", interactive=False, verbosity=0)
        try:
            manifest = backup_restore(archive=Path(archive))
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["table_counts"].values())
        self.stdout.write(self.style.SUCCESS(
            f"Restored {rows} rows in {len(manifest['table_counts'])} tables and "
            f"{len(manifest['files'])} files from a backup of {manifest['created_at']}; "
            "counts and checksums verified."
        ))
