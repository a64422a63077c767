"""Thin tasks: ids in, the services do the work."""

from celery import shared_task
from django.utils import timezone

from . import services
from .models import MailState


@shared_task(bind=True, name="notifications.deliver_mail", ignore_result=True,
             max_retries=None)
def deliver_mail(self, mail_id):
    mail = services.mail_deliver(mail_id=mail_id)
    if mail is not None and mail.state == MailState.QUEUED:
        wait = (mail.next_attempt_at - timezone.now()).total_seconds()
        raise self.retry(countdown=max(1, int(wait)))


@shared_task(name="notifications.deliver_due_mails", ignore_result=True)
def deliver_due_mails():
    return services.mail_deliver_due()


@shared_task(name="notifications.send_digests", ignore_result=True)
def send_digests():
    from . import subscriptions

    return subscriptions.digests_send()
