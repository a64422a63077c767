"""Subscriptions for the public: double opt-in, digests, removal.

What a digest lists comes from the audit trail: every change of the portal's
data writes an entry with its time (imports and bulk writes too), also for
records that keep no timestamps of their own (indicator values, plan items).
The trail says what changed in the window; the record as it is now says
whether it is public, so a digest never shows what the public page does not."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import AuditAction, AuditEntry, audit_record

from . import registry, tokens
from .models import DigestFrequency, Subscription
from .services import mail_enqueue

CONFIRM_KIND = "subscription_confirm"
DIGEST_KIND = "public_digest"
# A week's digest goes out on the seventh day after the last one; the beat
# task runs daily, so "a day" is a little under 24 hours.
PERIODS = {DigestFrequency.DAILY: datetime.timedelta(hours=23),
           DigestFrequency.WEEKLY: datetime.timedelta(days=7) - datetime.timedelta(hours=1)}


def changed_ids(model, since, until):
    """Ids of the rows of `model` the audit trail saw change in (since, until]."""
    return list(AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), created_at__gt=since,
        created_at__lte=until).values_list("object_id", flat=True).distinct())


def consent_wording(topic, title):
    return _("I want to receive e-mails from the community planning portal about: "
             "%(topic)s – %(title)s. The city keeps my e-mail address, this consent and "
             "its time only for sending them, until I remove the subscription with the "
             "link in each e-mail (which deletes my address).") % {
        "topic": topic.label, "title": title}


def _topic_and_target(topic_key, target_id):
    topic = registry.topic(topic_key)
    target = topic.target(target_id) if topic else None
    if target is None:
        raise ValidationError(_("There is nothing public to subscribe to here."))
    return topic, target


def _absolute(path):
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def subscription_request(*, email, topic, target_id, frequency, consent_text):
    """Someone asks to follow `topic` / `target_id`: the subscription is
    stored unconfirmed, with the consent as shown, and a confirmation link
    is mailed. Asking again for an unconfirmed one mails a new link; for a
    confirmed one nothing happens (and the page says the same, so nobody
    learns whether an address subscribes)."""
    email = (email or "").strip()
    topic, (title, path) = _topic_and_target(topic, target_id)
    if frequency not in DigestFrequency.values:
        raise ValidationError({"frequency": _("Choose how often.")})
    with transaction.atomic():
        subscription = (Subscription.objects.select_for_update()
                        .annotate(address=Lower("email"))
                        .filter(address=email.lower(), topic=topic.key, target_id=target_id)
                        .first())
        if subscription is not None and subscription.confirmed_at:
            return subscription
        subscription = subscription or Subscription(email=email, topic=topic.key,
                                                    target_id=target_id)
        subscription.target_title = title[:300]
        subscription.frequency = frequency
        subscription.consent_text = consent_text
        subscription.consented_at = timezone.now()
        subscription.full_clean()
        subscription.save()
        audit_record(actor=None, action=AuditAction.CREATE, instance=subscription,
                     changes={"topic": [None, topic.key], "frequency": [None, frequency]},
                     message=_("Subscription requested, waiting for confirmation"),
                     with_snapshot=False)
        mail_enqueue(
            kind=CONFIRM_KIND, recipients=[email],
            subject=gettext_lazy("Confirm your subscription: %(title)s"),
            body=gettext_lazy(
                "Someone (probably you) asked to receive news about „%(title)s“ from the "
                "community planning portal at this address. To confirm, open this link "
                "within %(days)d days and press the button:\n\n%(confirm)s\n\n"
                "If it was not you, ignore this e-mail: without confirmation the address "
                "receives nothing more and is deleted."),
            params={"title": title, "days": tokens.CONFIRM_DAYS,
                    "confirm": tokens.confirm_url(subscription)},
            link=_absolute(path), unsubscribe_url=tokens.remove_url(email))
    return subscription


def subscription_confirm(*, subscription_id, email) -> Subscription:
    with transaction.atomic():
        subscription = (Subscription.objects.select_for_update()
                        .annotate(address=Lower("email"))
                        .filter(pk=subscription_id, address=email.lower()).first())
        if subscription is None:
            raise ValidationError(_("This subscription no longer exists. Subscribe again."))
        if subscription.confirmed_at is None:
            subscription.confirmed_at = timezone.now()
            subscription.full_clean()
            subscription.save()
            audit_record(actor=None, action=AuditAction.UPDATE, instance=subscription,
                         changes={"confirmed": [False, True]},
                         message=_("Subscription confirmed by the link in the e-mail"),
                         with_snapshot=False)
    return subscription


def subscriptions_remove(*, email) -> int:
    """Delete every subscription of the address (the one-click link in each
    digest); the audit trail keeps that it happened, never the address."""
    with transaction.atomic():
        rows = list(Subscription.objects.select_for_update()
                    .annotate(address=Lower("email")).filter(address=email.lower()))
        for subscription in rows:
            audit_record(actor=None, action=AuditAction.DELETE, instance=subscription,
                         message=_("Subscription removed by the link in an e-mail"),
                         with_snapshot=False)
        Subscription.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


def digests_send(*, now=None) -> int:
    """Mail each confirmed subscription whose period has passed what became
    public since its last digest (beat, daily). Returns the mails queued."""
    now = now or timezone.now()
    queued = 0
    due = Subscription.objects.filter(confirmed_at__isnull=False).order_by("pk")
    for subscription in due:
        last = subscription.last_digest_at or subscription.confirmed_at
        if now - last < PERIODS[subscription.frequency]:
            continue
        topic = registry.topic(subscription.topic)
        target = topic.target(subscription.target_id) if topic else None
        with transaction.atomic():
            if target is not None:
                with translation.override(settings.LANGUAGE_CODE):
                    lines = topic.changes(subscription.target_id, last, now)
                if lines:
                    queued += len(mail_enqueue(
                        kind=DIGEST_KIND, recipients=[subscription.email],
                        subject=gettext_lazy("News: %(title)s"),
                        body=gettext_lazy("What is new about „%(title)s“ on the community "
                                          "planning portal:\n\n%(lines)s"),
                        params={"title": target[0],
                                "lines": "\n".join(f"- {line}" for line in lines)},
                        link=_absolute(target[1]),
                        unsubscribe_url=tokens.remove_url(subscription.email)))
            Subscription.objects.filter(pk=subscription.pk).update(last_digest_at=now)
    return queued


def purge_unconfirmed(cutoff) -> int:
    """Retention: a subscription never confirmed is deleted with its address."""
    count, _by_model = Subscription.objects.filter(
        confirmed_at__isnull=True, consented_at__lt=cutoff).delete()
    return count


def _nobody(user):
    """Mails to the public: not offered on anyone's preferences page."""
    return False


def register():
    from core import retention

    registry.register(CONFIRM_KIND, label=gettext_lazy("Confirmation of a subscription"),
                      may_receive=_nobody)
    registry.register(DIGEST_KIND, label=gettext_lazy("News digest of a subscription"),
                      may_receive=_nobody)
    retention.register("unconfirmed_subscriptions", purge_unconfirmed,
                       default_days=tokens.CONFIRM_DAYS,
                       description="subscriptions never confirmed (address and consent)")
