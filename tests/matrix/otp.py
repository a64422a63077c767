"""Second factor pages. The `administrator` has a confirmed authenticator and a
verified session; no other role has an authenticator."""

from . import LOGIN, SIGNED_IN

_others = [role for role in SIGNED_IN if role != "administrator"]

MATRIX = {
    # Nothing to verify (verified, or no authenticator): sent on.
    "accounts:otp_verify": [("", lambda w: [], {"anonymous": LOGIN,
                                                 **dict.fromkeys(SIGNED_IN, 302)})],
    # Set up once: the administrator has one already and is sent to the profile.
    "accounts:otp_setup": [("", lambda w: [], {"anonymous": LOGIN, "administrator": 302,
                                                **dict.fromkeys(_others, 200)})],
    # Only with an authenticator to remove.
    "accounts:otp_remove": [("", lambda w: [], {"anonymous": LOGIN, "administrator": 200,
                                                 **dict.fromkeys(_others, 302)})],
}
