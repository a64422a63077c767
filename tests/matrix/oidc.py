"""Staff single sign-on (accounts.oidc). The matrix runs with it unconfigured,
as every portal starts: both addresses answer 404 to everyone. Configured,
tests/accounts/test_oidc.py covers them for every role against a real
provider (anonymous: sent to the provider; signed in: sent on; the callback
refuses what it did not start)."""

from . import everyone

MATRIX = {
    "accounts:oidc_login": [("", lambda w: [], everyone(404))],
    "accounts:oidc_callback": [("", lambda w: [], everyone(404))],
}
