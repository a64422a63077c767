"""Retention of the outbox: a sent or failed e-mail (recipient's address,
text) is deleted once older than the period (core.retention)."""

from django.db.models import Q

from .models import MailState, OutboxMail


def purge_outbox(cutoff) -> int:
    old = OutboxMail.objects.filter(
        Q(state=MailState.SENT, sent_at__lt=cutoff)
        | Q(state=MailState.FAILED, updated_at__lt=cutoff))
    count, _by_model = old.delete()
    return count


def register():
    from core import retention

    retention.register("outbox_mails", purge_outbox, default_days=90,
                       description="e-mails sent or failed (outbox)")
