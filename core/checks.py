"""Deployment checks of our own, run by `manage.py check --deploy`."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register


def _server(url):
    parts = urlsplit(url)
    return (parts.hostname, parts.port or 6379)


@register(Tags.caches, deploy=True)
def cache_has_its_own_redis(app_configs, **kwargs):
    cache_url = getattr(settings, "CACHE_URL", "")
    broker_url = getattr(settings, "CELERY_BROKER_URL", "")
    if not (cache_url.startswith("redis") and broker_url.startswith("redis")):
        return []
    if _server(cache_url) != _server(broker_url):
        return []
    return [Warning(
        "The cache shares its Redis server with the Celery broker.",
        hint="Give the cache a Redis of its own with --maxmemory and an LRU policy "
             "(CACHE_URL; docker-compose's `cache` service), so a full cache cannot "
             "refuse the broker's writes.",
        id="core.W001",
    )]
