"""`manage.py anonymise_person ID`: anonymise a person of the directory who
left (directory.personal_data.person_anonymise): contact data deleted, the
name replaced by a neutral label wherever it is not published, the user
account deactivated; published minutes stay as published."""

from django.core.management.base import BaseCommand, CommandError

from directory import personal_data


class Command(BaseCommand):
    help = ("Anonymise a person of the directory who left: delete their contact data, replace "
            "their name by a neutral label with their organisation in every record that is not "
            "published, deactivate their user account. Published minutes stay as published.")

    def add_arguments(self, parser):
        parser.add_argument("id", type=int, help="The person's ID in the directory.")

    def handle(self, *args, id, **options):
        try:
            person, _user = personal_data.person_or_user(person_id=id)
        except personal_data.UnknownPerson as error:
            raise CommandError(f"{error} Nothing was changed.") from None
        try:
            result = personal_data.person_anonymise(actor=None, person=person)
        except personal_data.AlreadyAnonymised:
            self.stdout.write(f"Person {id} was anonymised before; nothing was changed.")
            return
        self.stdout.write(f"Person {id} anonymised; {result['records']} records of published "
                          f"minutes and comments kept their published text or lost the "
                          f"person's e-mail.")
