"""Thin tasks of accounts: names in, the services do the work."""

from celery import shared_task

from . import lockout


@shared_task(name="accounts.notify_account_locked", ignore_result=True)
def notify_account_locked(username):
    lockout.account_locked_notify(username=username)
