"""The test OpenID Connect provider (server.py) started in its own process,
and the fixtures that point the portal at it.

`fixtures.oidc_provider` (one process per test session, or per xdist worker) serves on
a free port of 127.0.0.1; `fixtures.sso` configures the portal's settings for it and
registers a client and users, as a city would with its Keycloak or Entra ID.
A test module takes both as `oidc_provider = fixtures.oidc_provider` and
`sso = fixtures.sso` (from tests.oidc_provider import fixtures)."""

import subprocess
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent.parent
CLIENT_ID = "portal"
CLIENT_SECRET = "portal-secret-for-tests"  # noqa: S105
PASSWORD = "heslo-u-poskytovatele"  # noqa: S105
CALLBACK_PATH = "/accounts/oidc/callback/"


def provider_user(username, email, *, amr=("pwd",), given_name="", family_name="",
                  email_verified=True, email_in_id_token_only=False):
    return {"username": username, "password": PASSWORD, "sub": f"sub-{username}",
            "email": email, "email_verified": email_verified, "given_name": given_name,
            "family_name": family_name, "name": f"{given_name} {family_name}".strip(),
            "amr": list(amr), "email_in_id_token_only": email_in_id_token_only}


class ProviderProcess:
    def __init__(self):
        self.process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
            [sys.executable, "-m", "tests.oidc_provider.server"], cwd=ROOT,
            stdout=subprocess.PIPE, text=True)
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.stop()
            raise RuntimeError("the test OpenID Connect provider did not start")

    def setup(self, *, redirect_uris, users, audience=None, issuer=None, lifetime=300,
              foreign_key=False):
        response = requests.post(self.url + "/_test/setup", timeout=10, json={
            "clients": [{"client_id": CLIENT_ID, "secret": CLIENT_SECRET,
                         "redirect_uris": list(redirect_uris)}],
            "users": list(users),
            "id_token": {"audience": audience, "issuer": issuer, "lifetime": lifetime,
                         "foreign_key": foreign_key},
        })
        response.raise_for_status()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class SingleSignOn:
    """The portal configured for the provider; `users` and the token settings
    are sent to the provider again by `provider_setup`."""

    def __init__(self, provider, settings):
        self.provider = provider
        self.redirect_uris = ["http://testserver" + CALLBACK_PATH]
        settings.OIDC_OP_ISSUER = provider.url
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET

    def provider_setup(self, *users, redirect_uris=None, **token_settings):
        self.provider.setup(redirect_uris=redirect_uris or self.redirect_uris, users=users,
                            **token_settings)
