"""`manage.py otp_code USERNAME`: the current TOTP code of a user's
authenticator. For the embedded demo only (so that the demo administrator can
log in without a phone); refused anywhere else."""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from accounts.otp import confirmed_device


class Command(BaseCommand):
    help = "Print the current two-step verification code of a user (embedded demo only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not getattr(settings, "EMBEDDED_DEMO", False):
            raise CommandError("otp_code works only in the embedded demo (EMBEDDED_DEMO).")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        device = confirmed_device(user)
        if device is None:
            raise CommandError(f"{username} has no confirmed authenticator.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        now = time.time()
        totp.time = now
        if totp.t() <= device.last_t:
            # This step's code was used already: each code is accepted once.
            totp.time = now + device.step
        left = int(device.step - (now - device.t0) % device.step)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
        if options["verbosity"] >= 2:
            self.stdout.write(f"(the app moves on in {left} s)")
