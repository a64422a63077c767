"""The Redis cache with short socket timeouts and a circuit breaker.

Every caller of the cache fails open (pages render uncached, throttles allow,
the health check reports the outage), but a frozen Redis would still cost each
call its whole socket timeout. After one failure the breaker skips Redis in
this process for `CACHE_BREAKER_SECONDS`, so an outage costs a page
milliseconds: the first call pays the (short) timeout, the next ones nothing."""

import logging
import time

from django.conf import settings
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

_FAILURES = (RedisConnectionError, RedisTimeoutError, OSError)


class CacheCircuitOpen(RedisConnectionError):
    """Raised without touching Redis while the breaker is open."""


class _Breaker:
    def __init__(self):
        self.open_until = 0.0

    def check(self):
        if time.monotonic() < self.open_until:
            raise CacheCircuitOpen("cache skipped after a recent Redis failure")

    def trip(self, error):
        seconds = getattr(settings, "CACHE_BREAKER_SECONDS", 30)
        if time.monotonic() >= self.open_until:
            logger.warning("cache: Redis failed (%s); skipping it for %s s", error, seconds)
        self.open_until = time.monotonic() + seconds

    def reset(self):
        self.open_until = 0.0


breaker = _Breaker()


def _guarded(name):
    original = getattr(RedisCacheClient, name)

    def method(self, *args, **kwargs):
        breaker.check()
        try:
            return original(self, *args, **kwargs)
        except _FAILURES as error:
            breaker.trip(error)
            raise

    method.__name__ = name
    return method


class BreakerRedisCacheClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        """One redis.Redis per connection pool, not a new one per call: a
        client is thread-safe (it takes a connection from the pool for each
        command), and building one costs about as much as a page-cache hit's
        round trip to Redis."""
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(pool)
        if client is None:
            client = clients[pool] = self._client(connection_pool=pool)
        return client


for _name in ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr",
              "set_many", "delete_many", "clear"):
    setattr(BreakerRedisCacheClient, _name, _guarded(_name))


class ResilientRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache behind the breaker."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = BreakerRedisCacheClient
