"""The test client of the `client` fixture (conftest.py), importable by fixtures
of any scope (the role matrix signs its roles in once per module)."""

from django.conf import settings
from django.test import Client


class PortalClient(Client):
    """`force_login` skips the password step; it skips the second step too,
    as if the user had entered a code: a user with a confirmed authenticator
    gets a verified session (django-otp's session key). Pass
    `otp_verified=False` for a session that still owes the code."""

    def force_login(self, user, backend=None, *, otp_verified=True):
        super().force_login(user, backend)
        if otp_verified:
            from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user

            device = next(devices_for_user(user, confirmed=True), None)
            if device is not None:
                session = self.session
                session[DEVICE_ID_SESSION_KEY] = device.persistent_id
                session.save()


class SignedIn:
    """`user` signed in once by `PortalClient.force_login`, for rows built
    once per module (tests/shared_db.module_rows): the session is one of
    those rows, and `sign_in(client)` gives a test's client its cookie
    instead of signing in again."""

    def __init__(self, user):
        client = PortalClient()
        client.force_login(user)
        self.user = user
        self._cookie = (settings.SESSION_COOKIE_NAME,
                        client.cookies[settings.SESSION_COOKIE_NAME].value)

    def sign_in(self, client):
        name, value = self._cookie
        client.cookies[name] = value
        return client
