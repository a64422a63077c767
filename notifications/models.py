"""The outbox (one row per e-mail, kept until it is sent or given up) and who
receives which kind of e-mail."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.constraints import ChecksInOneQuery

from . import registry


class MailState(models.TextChoices):
    QUEUED = "queued", _("waiting to be sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class OutboxMail(ChecksInOneQuery):
    recipient = models.EmailField(_("recipient"), max_length=254)
    # The account the address belongs to, when there is one: its preferences
    # apply and its unsubscribe link names the account, not the address.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="outbox_mails")
    kind = models.CharField(_("kind"), max_length=60)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    link = models.URLField(_("link"), max_length=500)
    unsubscribe_url = models.URLField(_("unsubscribe link"), max_length=1000)
    # A reminder sent once per recipient and occasion ("task:12:2026-01-31").
    occasion = models.CharField(_("occasion"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=MailState.choices,
                             default=MailState.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("e-mail in the outbox")
        verbose_name_plural = _("outbox")
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["kind", "-created_at"], name="outbox_kind"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=MailState.values),
                                   name="outbox_state_known"),
            models.CheckConstraint(condition=~Q(state=MailState.SENT) | Q(sent_at__isnull=False),
                                   name="outbox_sent_has_time"),
            models.UniqueConstraint(fields=["recipient", "kind", "occasion"],
                                    condition=~Q(occasion=""), name="outbox_once_per_occasion"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.recipient}"

    @property
    def kind_label(self):
        kind = registry.get(self.kind)
        return kind.label if kind else self.kind


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("daily")
    WEEKLY = "weekly", _("weekly")


class Subscription(models.Model):
    """A member of the public follows something public by e-mail. It
    receives nothing until the address confirms it (double opt-in); removal
    deletes the row, address and consent with it."""

    email = models.EmailField(_("e-mail"), max_length=254)
    topic = models.CharField(_("topic"), max_length=60)
    # 0: the topic as a whole (e.g. every published report)
    target_id = models.PositiveIntegerField(_("followed record"), default=0)
    target_title = models.CharField(_("followed"), max_length=300)
    frequency = models.CharField(_("how often"), max_length=10, choices=DigestFrequency.choices,
                                 default=DigestFrequency.WEEKLY)
    # GDPR art. 7(1): the wording the person agreed to, as shown, and when.
    consent_text = models.TextField(_("consent as shown"))
    consented_at = models.DateTimeField(_("consent given"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("address confirmed"), null=True, blank=True)
    last_digest_at = models.DateTimeField(_("last digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(Lower("email"), "topic", "target_id",
                                    name="subscription_once_per_address"),
            models.CheckConstraint(condition=Q(frequency__in=DigestFrequency.values),
                                   name="subscription_frequency_known"),
        ]

    def __str__(self):
        # Never the address: this is what the audit trail keeps about the row.
        return self.target_title


class NotificationPreference(models.Model):
    """Whether a user (or, for an address with no account, the address)
    receives a kind of e-mail; without a row the kind's default applies."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True,
                             blank=True, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    kind = models.CharField(_("kind"), max_length=60)
    enabled = models.BooleanField(_("receives"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False, email="") | Q(user__isnull=True) & ~Q(email="")),
                name="preference_user_or_address"),
            models.UniqueConstraint(fields=["user", "kind"], condition=Q(user__isnull=False),
                                    name="preference_once_per_user"),
            models.UniqueConstraint(Lower("email"), "kind", condition=~Q(email=""),
                                    name="preference_once_per_address"),
        ]

    def __str__(self):
        kind = registry.get(self.kind)
        return str(kind.label if kind else self.kind)
