"""A small but real OpenID Connect provider for the tests, run in its own
process (`python -m tests.oidc_provider.server`): the authorization code flow
with a sign-in form, client authentication (form body or HTTP Basic), PKCE
(S256), ID tokens signed RS256 with a key made at start and published in the
JWKS, a UserInfo endpoint and a discovery document. Nothing of it is a mock of
the portal's client: the portal talks to it over HTTP as to Keycloak or
Entra ID.

The signing is done here with `cryptography` directly (RFC 7515 compact JWS),
not with PyJWT, which the portal's client library uses to verify: a bug of
one library is not hidden by the same bug on the other side.

For the tests only, POST /_test/setup (JSON) replaces the registered clients,
the users and how ID tokens are made (`audience` other than the client id,
`issuer` other than its own, `foreign_key` to sign with a key its JWKS does
not publish, `lifetime` in seconds, negative for a token
already expired; a user without `email` in `userinfo_claims` gets the
address in the ID token only, as AD FS does). The first line
the process prints is its base URL; it serves until killed."""

import argparse
import base64
import hashlib
import html
import json
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

CODE_LIFETIME = 60  # seconds an authorization code may wait for its exchange


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_uint(number):
    return b64url(number.to_bytes((number.bit_length() + 7) // 8, "big"))


class Provider:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(8)
        self.foreign_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.lock = threading.Lock()
        self.issuer = ""
        self.clients = {}  # client_id: {"secret", "redirect_uris"}
        self.users = {}  # username: {"password", "sub", claims..., "amr"}
        self.token_settings = {}
        self.codes = {}  # code: grant
        self.access_tokens = {}  # token: username

    def setup(self, data):
        with self.lock:
            self.clients = {c["client_id"]: c for c in data.get("clients", [])}
            self.users = {u["username"]: u for u in data.get("users", [])}
            self.token_settings = data.get("id_token", {})
            self.codes.clear()

    def jwks(self):
        numbers = self.key.public_key().public_numbers()
        return {"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
                          "n": b64url_uint(numbers.n), "e": b64url_uint(numbers.e)}]}

    def sign(self, claims):
        header = {"alg": "RS256", "typ": "JWT", "kid": self.kid}
        # A token signed with a key the JWKS does not publish (under its kid).
        key = self.foreign_key if self.token_settings.get("foreign_key") else self.key
        signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "."
                         + b64url(json.dumps(claims, separators=(",", ":")).encode()))
        signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return signing_input + "." + b64url(signature)

    def id_token(self, grant, user):
        now = int(time.time())
        lifetime = int(self.token_settings.get("lifetime", 300))
        claims = {
            "iss": self.token_settings.get("issuer") or self.issuer,
            "sub": user["sub"],
            "aud": self.token_settings.get("audience") or grant["client_id"],
            "azp": grant["client_id"],
            "iat": now if lifetime > 0 else now + lifetime - 60,
            "exp": now + lifetime,
            "auth_time": grant["auth_time"],
            "amr": user.get("amr", ["pwd"]),
        }
        if grant.get("nonce"):
            claims["nonce"] = grant["nonce"]
        if user.get("email_in_id_token_only"):
            claims["email"] = user["email"]
        return self.sign(claims)


PROVIDER = Provider()

LOGIN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><h1>Test identity provider</h1>
<form method="post" action="/authorize">{hidden}
<p><label for="username">User name</label> <input id="username" name="username"></p>
<p><label for="password">Password</label> <input id="password" name="password" type="password"></p>
{error}<p><button type="submit">Sign in</button></p></form></body></html>"""

AUTHORIZE_PARAMS = ("client_id", "redirect_uri", "response_type", "scope", "state", "nonce",
                    "code_challenge", "code_challenge_method")


class Handler(BaseHTTPRequestHandler):
    server_version = "TestOIDC/1"

    def log_message(self, format, *args):  # noqa: A002 - quiet, the tests read no log
        return

    # --- helpers -------------------------------------------------------------
    def send(self, status, body, content_type="application/json", headers=()):
        if not isinstance(body, bytes | str):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, url):
        self.send(302, b"", "text/plain", [("Location", url)])

    def form(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        if self.headers.get("Content-Type", "").startswith("application/json"):
            return json.loads(raw or "{}")
        return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}

    def query(self):
        return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

    # --- routes --------------------------------------------------------------
    def do_GET(self):  # noqa: N802
        path = urlsplit(self.path).path
        if path == "/.well-known/openid-configuration":
            return self.send(200, self.discovery())
        if path == "/jwks":
            return self.send(200, PROVIDER.jwks())
        if path == "/authorize":
            return self.authorize_page(self.query())
        if path == "/userinfo":
            return self.userinfo()
        return self.send(404, {"error": "not_found"})

    def do_POST(self):  # noqa: N802
        path = urlsplit(self.path).path
        if path == "/authorize":
            return self.authorize_submit(self.form())
        if path == "/token":
            return self.token(self.form())
        if path == "/_test/setup":
            PROVIDER.setup(self.form())
            return self.send(200, {"ok": True})
        return self.send(404, {"error": "not_found"})

    def discovery(self):
        base = PROVIDER.issuer
        return {
            "issuer": base,
            "authorization_endpoint": base + "/authorize",
            "token_endpoint": base + "/token",
            "userinfo_endpoint": base + "/userinfo",
            "jwks_uri": base + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_post",
                                                      "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email", "email_verified", "given_name",
                                 "family_name", "name", "amr"],
        }

    def _check_request(self, params):
        """An error for an authorization request that cannot be answered by a
        redirect (unknown client, unregistered redirect URI), else None."""
        client = PROVIDER.clients.get(params.get("client_id", ""))
        if client is None:
            return "unknown client"
        if params.get("redirect_uri") not in client["redirect_uris"]:
            return "redirect_uri not registered"
        return None

    def _error_redirect(self, params, error):
        query = {"error": error}
        if "state" in params:
            query["state"] = params["state"]
        return self.redirect(params["redirect_uri"] + "?" + urlencode(query))

    def authorize_page(self, params, error=""):
        problem = self._check_request(params)
        if problem:
            return self.send(400, problem, "text/plain")
        if params.get("response_type") != "code" or "openid" not in params.get(
                "scope", "").split():
            return self._error_redirect(params, "unsupported_response_type")
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(params[name])}">'
            for name in AUTHORIZE_PARAMS if name in params)
        error_html = f'<p role="alert">{html.escape(error)}</p>' if error else ""
        return self.send(200 if not error else 401,
                         LOGIN_PAGE.format(hidden=hidden, error=error_html),
                         "text/html; charset=utf-8")

    def authorize_submit(self, data):
        params = {name: data[name] for name in AUTHORIZE_PARAMS if name in data}
        problem = self._check_request(params)
        if problem:
            return self.send(400, problem, "text/plain")
        user = PROVIDER.users.get(data.get("username", ""))
        if user is None or not secrets.compare_digest(user["password"],
                                                       data.get("password", "")):
            return self.authorize_page(params, error="Wrong user name or password.")
        code = secrets.token_urlsafe(24)
        with PROVIDER.lock:
            PROVIDER.codes[code] = {
                **params, "username": user["username"], "auth_time": int(time.time()),
                "expires": time.time() + CODE_LIFETIME,
            }
        query = {"code": code}
        if "state" in params:
            query["state"] = params["state"]
        return self.redirect(params["redirect_uri"] + "?" + urlencode(query))

    def _client_credentials(self, data):
        authorization = self.headers.get("Authorization", "")
        if authorization.startswith("Basic "):
            raw = base64.b64decode(authorization[6:]).decode()
            client_id, _, secret = raw.partition(":")
            return client_id, secret
        return data.get("client_id", ""), data.get("client_secret", "")

    def token(self, data):
        client_id, secret = self._client_credentials(data)
        client = PROVIDER.clients.get(client_id)
        if client is None or not secrets.compare_digest(client["secret"], secret):
            return self.send(401, {"error": "invalid_client"})
        if data.get("grant_type") != "authorization_code":
            return self.send(400, {"error": "unsupported_grant_type"})
        with PROVIDER.lock:
            grant = PROVIDER.codes.pop(data.get("code", ""), None)  # each code once
        if (grant is None or grant["expires"] < time.time()
                or grant["client_id"] != client_id
                or grant["redirect_uri"] != data.get("redirect_uri")):
            return self.send(400, {"error": "invalid_grant"})
        if grant.get("code_challenge"):
            verifier = data.get("code_verifier", "")
            challenge = b64url(hashlib.sha256(verifier.encode()).digest())
            if grant.get("code_challenge_method") != "S256" or challenge != grant[
                    "code_challenge"]:
                return self.send(400, {"error": "invalid_grant",
                                       "error_description": "PKCE verification failed"})
        user = PROVIDER.users[grant["username"]]
        access_token = secrets.token_urlsafe(32)
        with PROVIDER.lock:
            PROVIDER.access_tokens[access_token] = user["username"]
        return self.send(200, {"access_token": access_token, "token_type": "Bearer",
                               "expires_in": 300,
                               "id_token": PROVIDER.id_token(grant, user)})

    def userinfo(self):
        authorization = self.headers.get("Authorization", "")
        username = PROVIDER.access_tokens.get(authorization.removeprefix("Bearer ").strip())
        if not authorization.startswith("Bearer ") or username not in PROVIDER.users:
            return self.send(401, {"error": "invalid_token"},
                             headers=[("WWW-Authenticate", 'Bearer error="invalid_token"')])
        user = PROVIDER.users[username]
        claims = {"sub": user["sub"]}
        for name in ("email", "email_verified", "given_name", "family_name", "name"):
            if name in user and not user.get("email_in_id_token_only"):
                claims[name] = user[name]
        return self.send(200, claims)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    PROVIDER.issuer = f"http://{args.host}:{server.server_address[1]}"
    print(PROVIDER.issuer, flush=True)
    sys.stdout.close()
    server.serve_forever()


if __name__ == "__main__":
    main()
