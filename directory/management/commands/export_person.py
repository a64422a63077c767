"""`manage.py export_person ID FILE`: everything the portal holds about a
person of the directory (or, with --user, about a user account) as a zip:
person.json and the files that name them (directory.personal_data)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directory import personal_data


class Command(BaseCommand):
    help = ("Write everything held about a person (a directory person's ID, or a user's "
            "ID with --user) to FILE, a zip of person.json and the files that name them.")

    def add_arguments(self, parser):
        parser.add_argument("id", type=int, help="The person's ID (with --user: the user's).")
        parser.add_argument("file", help="The zip file to write.")
        parser.add_argument("--user", action="store_true",
                            help="ID is a user account's, not a directory person's.")

    def handle(self, *args, id, file, user=False, **options):
        try:
            person, account = personal_data.person_or_user(
                person_id=None if user else id, user_id=id if user else None)
        except personal_data.UnknownPerson as error:
            raise CommandError(f"{error} Nothing was written.") from None
        target = Path(file)
        if not target.parent.is_dir():
            raise CommandError(f"The folder {target.parent} does not exist. Nothing was written.")
        with open(target, "wb") as stream:
            document = personal_data.person_export(actor=None, person=person, user=account,
                                                   stream=stream)
        rows = sum(len(v) for v in document["records"].values())
        self.stdout.write(f"Wrote {target}: {rows} records in {len(document['records'])} "
                          f"kinds, {len(document['files'])} files.")
