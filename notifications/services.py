"""Every e-mail of the portal goes through the outbox: `mail_enqueue` writes
one row per recipient in the caller's transaction, and once it commits a
Celery task sends it (`mail_deliver`). A request never waits for the mail
server; a mail that could not be sent is tried again later, each wait twice
the one before, until MAX_ATTEMPTS, and beat picks up every row that is due
(sent while the broker was down, or whose retry message was lost)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import AuditAction, audit_record

from . import registry, tokens
from .models import MailState, NotificationPreference, OutboxMail, Subscription

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY_AFTER = timedelta(minutes=1)
DUE_BATCH = 200


def retry_delay(attempts):
    """The wait after the `attempts`-th failed attempt: 1, 2, 4, ... minutes."""
    return FIRST_RETRY_AFTER * 2 ** max(attempts - 1, 0)


def _known_kind(key):
    kind = registry.get(key)
    if kind is None:
        raise ValueError(f"Unknown notification kind “{key}”.")
    return kind


def _accounts_by_address(addresses):
    lowered = {address.lower() for address in addresses}
    accounts = (get_user_model().objects.annotate(address=Lower("email"))
                .filter(address__in=lowered, is_active=True).order_by("pk"))
    found = {}
    for user in accounts:
        found.setdefault(user.address, user)
    return found


def _choices(kind, users, addresses):
    """{("u", user id) or ("e", address): enabled} of the stored choices."""
    rows = NotificationPreference.objects.filter(
        Q(user__in=users) | Q(email__in=addresses, user__isnull=True), kind=kind)
    return {(("u", row.user_id) if row.user_id else ("e", row.email.lower())): row.enabled
            for row in rows}


def _footer(*, kind, link, unsubscribe_url):
    return _("Open it in the portal: %(link)s\n\n--\nYou receive these e-mails "
             "(%(kind)s) from the community planning portal. To stop them, open this link "
             "and confirm: %(unsubscribe)s") % {
        "link": link, "kind": kind.label, "unsubscribe": unsubscribe_url}


def mail_enqueue(*, kind, recipients, subject, body, link, params=None, occasion="",
                 unsubscribe_url=""):
    """Queue one e-mail of `kind` to each address of `recipients` (who has
    not turned the kind off), in the caller's transaction. `subject` and
    `body` are (lazy) texts with %-placeholders filled from `params`, written
    in the portal's language whatever the acting user reads it in: the mail
    is for someone else. `occasion`: a reminder goes to an address once per
    occasion. `unsubscribe_url`: a link of the caller's own instead of the
    kind's (a public subscription removes the address). Returns the rows
    queued."""
    kind = _known_kind(kind)
    addresses = {}
    for address in recipients:
        address = (address or "").strip()
        if address:
            addresses.setdefault(address.lower(), address)
    if not addresses:
        return []
    params = params or {}
    queued = []
    with transaction.atomic():
        accounts = _accounts_by_address(addresses)
        choices = _choices(kind.key, list(accounts.values()), list(addresses))
        with translation.override(settings.LANGUAGE_CODE):
            subject_text = " ".join(str(subject % params if params else subject).split())
            body_text = str(body % params if params else body)
            for lowered, address in sorted(addresses.items()):
                user = accounts.get(lowered)
                key = ("u", user.pk) if user else ("e", lowered)
                if not choices.get(key, kind.default_on):
                    continue
                if occasion and OutboxMail.objects.filter(
                        recipient=address, kind=kind.key, occasion=occasion).exists():
                    continue
                mail = OutboxMail(
                    recipient=address, user=user, kind=kind.key, subject=subject_text[:300],
                    link=link, occasion=occasion, unsubscribe_url=unsubscribe_url or tokens.url(
                        kind=kind.key, user_id=user.pk if user else None, email=lowered))
                mail.body = body_text.rstrip() + "\n\n" + _footer(
                    kind=kind, link=link, unsubscribe_url=mail.unsubscribe_url)
                mail.full_clean()
                try:
                    with transaction.atomic():
                        mail.save()
                except IntegrityError:  # the same reminder queued by a parallel run
                    continue
                queued.append(mail)
        if queued:
            ids = [mail.pk for mail in queued]
            transaction.on_commit(lambda: _dispatch(ids))
    return queued


def _dispatch(ids):
    """Hand the rows to the worker. If the broker is down the rows stay
    queued and the beat task sends them."""
    from .tasks import deliver_mail  # the tasks module imports this one

    for mail_id in ids:
        try:
            deliver_mail.delay(mail_id)
        except Exception:  # noqa: BLE001 - any broker error: beat sends the row later
            logger.warning("mail %s queued in the outbox, the worker not told", mail_id,
                           exc_info=True)


def _message(mail):
    return EmailMessage(
        subject=mail.subject, body=mail.body, from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.recipient],
        # RFC 8058: a mail client may unsubscribe with one POST to the link.
        headers={"List-Unsubscribe": f"<{mail.unsubscribe_url}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


def mail_deliver(*, mail_id, now=None):
    """Try to send one queued row that is due. Returns the row after the
    attempt, or None when there was nothing to do (sent, given up, not due
    yet, or being sent by another process right now)."""
    now = now or timezone.now()
    with transaction.atomic():
        mail = (OutboxMail.objects.select_for_update(skip_locked=True)
                .filter(pk=mail_id, state=MailState.QUEUED, next_attempt_at__lte=now).first())
        if mail is None:
            return None
        mail.attempts += 1
        try:
            _message(mail).send(fail_silently=False)
        except Exception as error:  # noqa: BLE001 - whatever the backend raises is retried
            mail.last_error = f"{type(error).__name__}: {error}"[:2000]
            if mail.attempts >= MAX_ATTEMPTS:
                mail.state = MailState.FAILED
                logger.error("mail %s given up after %s attempts: %s", mail.pk,
                             mail.attempts, mail.last_error)
            else:
                mail.next_attempt_at = now + retry_delay(mail.attempts)
        else:
            mail.state = MailState.SENT
            mail.sent_at = now
            mail.last_error = ""
        mail.full_clean()
        mail.save()
    return mail


def mail_deliver_due(*, now=None) -> int:
    """Send what is due (beat): returns how many were sent."""
    now = now or timezone.now()
    due = list(OutboxMail.objects.filter(state=MailState.QUEUED, next_attempt_at__lte=now)
               .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:DUE_BATCH])
    sent = 0
    for mail_id in due:
        mail = mail_deliver(mail_id=mail_id, now=now)
        sent += bool(mail and mail.state == MailState.SENT)
    return sent


def mail_retry(*, actor, mail) -> OutboxMail:
    """An administrator sends a failed (or waiting) e-mail again now."""
    with transaction.atomic():
        mail = OutboxMail.objects.select_for_update().get(pk=mail.pk)
        if mail.state == MailState.SENT:
            raise ValidationError(_("The e-mail was sent already."))
        before = mail.state
        mail.state = MailState.QUEUED
        mail.next_attempt_at = timezone.now()
        if mail.attempts >= MAX_ATTEMPTS:
            mail.attempts = MAX_ATTEMPTS - 1
        mail.full_clean()
        mail.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, instance=mail,
                     changes={"state": [before, MailState.QUEUED]},
                     message=_("E-mail sent again by an administrator"), with_snapshot=False)
        transaction.on_commit(lambda: _dispatch([mail.pk]))
    return mail


# --- Who receives what ----------------------------------------------------------------


def _set_choice(*, kind, user=None, email="", enabled):
    row, _created = NotificationPreference.objects.select_for_update().get_or_create(
        kind=kind, **({"user": user} if user else {"email__iexact": email}),
        defaults={"enabled": enabled, **({} if user else {"email": email.lower()})})
    before = row.enabled if not _created else kind_default(kind)
    if row.enabled != enabled:
        row.enabled = enabled
    row.full_clean()
    row.save()
    return row, before


def kind_default(key):
    kind = registry.get(key)
    return kind.default_on if kind else False


def preferences_set(*, actor, user, enabled_kinds) -> list[str]:
    """Save which of the kinds `user` may receive they want; the others are
    off. Returns the kinds that changed."""
    enabled_kinds = set(enabled_kinds)
    offered = registry.kinds_for(user)
    unknown = enabled_kinds - {kind.key for kind in offered}
    if unknown:
        raise ValidationError({"kinds": _("Choose from the kinds of e-mail offered.")})
    changed = {}
    with transaction.atomic():
        # The signed-in user of a request is a lazy object; the audit trail
        # needs the row.
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        for kind in offered:
            row, before = _set_choice(kind=kind.key, user=user,
                                      enabled=kind.key in enabled_kinds)
            if before != row.enabled:
                changed[kind.key] = [before, row.enabled]
        audit_record(actor=actor, action=AuditAction.UPDATE, instance=user,
                     changes={"notifications": changed}, with_snapshot=False,
                     message=_("E-mail notification settings saved"))
    return sorted(changed)


def notification_unsubscribe(*, kind, user_id=None, email="") -> NotificationPreference:
    """The one-click unsubscribe of a signed link: the account (or address)
    no longer receives `kind`."""
    _known_kind(kind)
    with transaction.atomic():
        user = None
        if user_id:
            user = get_user_model().objects.filter(pk=user_id).first()
            if user is None:
                raise ValidationError(_("This link belongs to an account that no longer "
                                        "exists."))
        row, before = _set_choice(kind=kind, user=user, email="" if user else email,
                                  enabled=False)
        audit_record(actor=user, action=AuditAction.UPDATE, instance=row,
                     changes={"enabled": [before, False]}, with_snapshot=False,
                     message=_("Unsubscribed by the link in an e-mail"))
    return row


def receives(*, kind, user=None, email="") -> bool:
    key = _known_kind(kind).key
    row = NotificationPreference.objects.filter(
        Q(user=user) if user else Q(email__iexact=email, user__isnull=True), kind=key).first()
    return row.enabled if row else kind_default(key)


def personal_data_delete(*, addresses, user=None) -> int:
    """Erase what the outbox, the unsubscribes and the public subscriptions
    hold about a person (GDPR art. 17; directory.personal_data calls it inside
    the anonymisation's transaction, which audits it): the copies of mails to
    their addresses or account, the address's choices and subscriptions.
    Returns how many rows went."""
    from . import selectors

    mails = selectors._to_addresses(OutboxMail, "recipient", addresses)
    if user is not None:
        mails = mails | OutboxMail.objects.filter(user=user)
    removed, _by_model = mails.delete()
    choices, _by_model = selectors._to_addresses(
        NotificationPreference, "email", addresses).filter(user__isnull=True).delete()
    followed, _by_model = selectors._to_addresses(Subscription, "email", addresses).delete()
    return removed + choices + followed
