"""The cache emptied between tests (and between the two answers a test
compares), with nothing of it left held in the process."""

from django.core.cache import cache

from core import pagecache


def clear_cache():
    cache.clear()
    # The page cache's watch hears of the flush through a push from Redis,
    # which may come a moment after the reply: under load, the next page could
    # still be answered from the generation held before. Forgotten now, as
    # pagecache.invalidate() does after its own writes.
    watch = pagecache.generation_watch()
    if watch is not None:
        watch.forget()
