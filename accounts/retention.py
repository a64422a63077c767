"""Retention of the login records django-axes keeps (core.retention): the user
names and addresses of sign-in attempts, failures and sessions are personal
data, needed only while a lock or an investigation of one may need them."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog

from core import retention


def purge_login_records(cutoff) -> int:
    removed = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        count, _ = model.objects.filter(attempt_time__lt=cutoff).delete()
        removed += count
    return removed


def register():
    retention.register("login_records", purge_login_records, default_days=180,
                       description="sign-in attempts, failures and sessions (user name, address)")
