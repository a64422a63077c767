"""Login locks beyond django-axes' own (a user name from one address, 5
failures, 15 minutes):

* **per account**: ACCOUNT_FAILURE_LIMIT failures within LOCK_WINDOW from any
  addresses lock the account (a guesser rotating addresses); its owner is told
  by e-mail; it is released by an officer, by a password reset, or when the
  failures age out of the window;
* **per address**: ADDRESS_FAILURE_LIMIT failures within LOCK_WINDOW from one
  address, across accounts, lock that address (password spraying).

Failures are axes' own failure log (AccessFailureLog). A release deletes the
account's failure records and writes an audit entry that keeps who released it
and how many failures there were."""


import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record
from core.middleware import client_ip

logger = logging.getLogger(__name__)


def _since():
    return timezone.now() - settings.LOGIN_LOCK_WINDOW


def account_failures(username):
    if not username:
        return 0
    return AccessFailureLog.objects.filter(username=username, attempt_time__gte=_since()).count()


def address_failures(address):
    if not address:
        return 0
    return AccessFailureLog.objects.filter(ip_address=address, attempt_time__gte=_since()).count()


def account_locked(username):
    return account_failures(username) >= settings.LOGIN_ACCOUNT_FAILURE_LIMIT


def address_locked(address):
    return address_failures(address) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


def locked_accounts():
    """[(username, failures, last failure)] of the accounts locked now."""
    return list(
        AccessFailureLog.objects.filter(attempt_time__gte=_since())
        .values("username")
        .annotate(failures=Count("id"), last=Max("attempt_time"))
        .filter(failures__gte=settings.LOGIN_ACCOUNT_FAILURE_LIMIT)
        .order_by("username")
    )


def login_lock_release(*, actor, username, reason):
    """Unlock `username`: its failure records go, an audit entry stays."""
    with transaction.atomic():
        failures = AccessFailureLog.objects.filter(username=username)
        count = failures.count()
        failures.delete()
        AccessAttempt.objects.filter(username=username).delete()
        user = get_user_model().objects.filter(username=username).first()
        if user is not None and count:
            audit_record(actor=actor, action=AuditAction.UPDATE, instance=user,
                         changes={"login_failures": [count, 0]}, message=reason,
                         with_snapshot=False)
    return count


def account_locked_notify(*, username):
    """E-mail the owner of a just-locked account (run by a Celery task, so a
    slow mail server never holds up a sign-in)."""
    user = get_user_model().objects.filter(username=username).exclude(email="").first()
    if user is None:
        return
    reset = settings.PORTAL_BASE_URL.rstrip("/") + reverse("accounts:password_reset")
    send_mail(
        _("Your account on the community planning portal is locked"),
        _("There were %(count)d failed attempts to sign in to your account „%(username)s“ "
          "within an hour, so it is locked. If it was not you, someone may be guessing "
          "your password. To unlock the account, set a new password at %(reset)s or ask "
          "the city office.") % {"count": settings.LOGIN_ACCOUNT_FAILURE_LIMIT,
                                  "username": username, "reset": reset},
        None,
        [user.email],
    )


def _enqueue_notice(username):
    from .tasks import notify_account_locked  # the tasks module imports this one

    try:
        notify_account_locked.delay(username)
    except Exception:  # noqa: BLE001 - broker down: the lock holds, only the e-mail is lost
        logger.warning("account %s locked; the owner's e-mail could not be queued", username,
                       exc_info=True)


class PortalAxesHandler(AxesDatabaseHandler):
    """axes' database handler with the account and address locks above."""

    def is_locked(self, request, credentials=None):
        if super().is_locked(request, credentials):
            return True
        return (account_locked(get_client_username(request, credentials))
                or address_locked(client_ip(request)))

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None:
            return
        username = get_client_username(request, credentials)
        if account_failures(username) == settings.LOGIN_ACCOUNT_FAILURE_LIMIT:
            transaction.on_commit(lambda: _enqueue_notice(username))
