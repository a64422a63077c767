from celery import shared_task

from . import services


@shared_task(name="rounds.send_round_reminders")
def send_round_reminders():
    return services.round_reminders_send()
