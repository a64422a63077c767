from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from core.backup import backup_create


class Command(BaseCommand):
    help = "Write a consistent backup archive: database, files and a manifest with checksums."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default=str(Path(settings.VAR_DIR) / "backups"),
            help="Archive file, or a folder for a time-stamped archive (default: var/backups).",
        )

    def handle(self, *args, output, **options):
        path = backup_create(destination=Path(output))
        self.stdout.write(self.style.SUCCESS(f"Backup written: {path}"))
