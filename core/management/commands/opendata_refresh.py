"""`python manage.py opendata_refresh [--warm]`: move the version of the
published data on by hand, after a change made outside Django (psql,
pg_restore), so the next request for a dataset writes it again; `--warm`
writes every dataset and the zip right away."""

from django.core.management.base import BaseCommand

from core import dataversion, opendata


class Command(BaseCommand):
    help = "Move the version of the published data on (after a change made outside Django)."

    def add_arguments(self, parser):
        parser.add_argument("--warm", action="store_true",
                            help="Write every dataset and the zip now.")

    def handle(self, *args, warm=False, **options):
        version = dataversion.bump()
        self.stdout.write(f"Data version {version.token} ({version.changed_at:%Y-%m-%d %H:%M:%S}).")
        if warm:
            count = opendata.warm()
            self.stdout.write(f"{count} files written.")
