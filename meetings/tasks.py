"""Thin tasks of meetings: the services do the work."""

from celery import shared_task

from . import services


@shared_task(name="meetings.send_task_deadline_reminders", ignore_result=True)
def send_task_deadline_reminders():
    return services.task_deadline_reminders_send()
