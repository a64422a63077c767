"""Rules of the directory app. Today every rule lives in accounts/permissions.py."""
