import os

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def _fresh_content_types(**kwargs):
    """The audit trail refers to content types by id. A worker lives longer
    than any one deployment's migrations (or a test's database flush), so its
    cached ids must not outlive a task: one cheap query per task instead."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
