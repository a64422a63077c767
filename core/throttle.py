"""A small fixed-window rate limiter on the Django cache, shared by every web
process (Redis in production, the file cache in the embedded default).

A cache outage must not take public forms down with it: the limiter then
fails open (allows) and logs a warning."""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


def throttle_hit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit on `key`; True when it is within `limit` hits in the
    current window of `window_seconds`, False when the limit is exceeded."""
    window = int(time.time() // window_seconds)
    cache_key = f"throttle:{key}:{window}"
    try:
        # add() is atomic in Redis (SET NX); incr() is atomic in Redis and
        # close enough in the file cache for a spam brake.
        if cache.add(cache_key, 1, timeout=window_seconds + 1):
            count = 1
        else:
            try:
                count = cache.incr(cache_key)
            except ValueError:  # expired between add() and incr()
                cache.set(cache_key, 1, timeout=window_seconds + 1)
                count = 1
    except Exception:  # noqa: BLE001 - any cache failure: allow, but say so
        logger.warning("throttle: cache unavailable, allowing %s", key.split(":")[0],
                       exc_info=True)
        return True
    return count <= limit
