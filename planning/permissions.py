"""Rules of the plans app. Today every rule lives in accounts/permissions.py."""
