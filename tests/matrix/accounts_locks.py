"""Locked accounts: officers (and administrators) see and unlock them."""

from . import officers_only

MATRIX = {
    "accounts:locked_accounts": [("", lambda w: [], officers_only())],
    "accounts:unlock_account": [("", lambda w: [], {**officers_only(), "administrator": 405,
                                                     "city_officer": 405})],
}
