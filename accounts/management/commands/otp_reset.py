"""`manage.py otp_reset USERNAME`: remove every second-factor device of a user
who lost theirs. The user then logs in with the password alone; an
administrator is made to set up a new authenticator straight away."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp import devices_for_user


class Command(BaseCommand):
    help = "Remove a user's two-step verification devices (lost phone)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        with transaction.atomic():
            devices = list(devices_for_user(user, confirmed=None))
            for device in devices:
                device.delete()
        self.stdout.write(f"Removed {len(devices)} device(s) of {username}.")
