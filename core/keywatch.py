"""One Redis key's value held in the process for as long as Redis promises to
say when it changes.

The page cache answers a hit only while the page's generation is the current
one (core.pagecache), and reading the generation from Redis was most of what a
hit cost: a round trip for a few bytes. A `KeyWatch` keeps the value it last
read and asks Redis, on a connection of its own, for client-side-caching
invalidations of the key (`CLIENT TRACKING ON BCAST PREFIX <key>`, RESP3,
Redis 6.0+): whenever any client writes or deletes the key, Redis evicts or
expires it, or a database is flushed, Redis sends a push message on that
connection. A thread of the process waits on it; any byte that arrives makes
the process forget the value, so the next reader reads it from Redis again.

The value is used only while all of these hold, else `held()` says None and
the reader goes to Redis as before:
* the watch's connection is up, with tracking on (a closed or broken
  connection, a failed ping, a Redis restart: forgotten until reconnected and
  read again after that);
* nothing is waiting unread on that connection (checked under the same lock
  the thread reads under, so a push that has arrived is never overlooked,
  even when the thread has not yet been scheduled to read it);
* the value was read after the last push (a counter guards against a read
  that raced a push);
* the cache's circuit breaker is closed (core.cache: Redis answered lately).

A write to the key from this process forgets the value at once (`forget`), as
well as through its own push. A change in another process reaches this one
when Redis sends the push, in the same turn of Redis' event loop as its answer
to the writer: long before the writer's visitor can ask this process for a
page again.

Only for a cache with one Redis server (with read replicas a value read from
a replica could be older than the push). The thread is started by the first
reader in each process (after a fork, again), so Celery workers and the
embedded default (no Redis) never start one."""

import logging
import os
import select
import ssl
import threading
import time

from django.core.cache.backends.redis import RedisCache

from core.cache import breaker

logger = logging.getLogger(__name__)

# Without news for this long, the thread pings Redis; no answer within the same
# time again and the connection counts as dead (a frozen or unreachable Redis).
PING_SECONDS = 5.0
RECONNECT_SECONDS = (0.5, 1.0, 2.0, 5.0)


def _waiting(sock):
    """Is anything unread on the socket (or in its TLS buffer)?"""
    pending = getattr(sock, "pending", None)
    if pending is not None and pending():
        return True
    return bool(select.select([sock], [], [], 0)[0])


class KeyWatch:
    """`cache` is a Django cache; `key` the key as the cache's callers name it."""

    def __init__(self, cache, key):
        self._cache = cache
        self._key = key
        self._lock = threading.Lock()
        self._value = None
        self._epoch = 0
        self._sock = None  # the tracking connection's socket while it is up
        self._pid = None
        self.enabled = True
        self.client_id = None  # the tracking connection's, as Redis' CLIENT LIST shows it

    # --- Readers -------------------------------------------------------------------------

    def held(self):
        """The value, or None when it must be read from Redis."""
        if not self._running():
            return None
        with self._lock:
            if self._value is None or self._sock is None or _waiting(self._sock):
                return None
            if time.monotonic() < breaker.open_until:
                return None
            return self._value

    def ticket(self):
        """Taken before reading the key from Redis, handed to `learn` after."""
        with self._lock:
            return self._epoch

    def learn(self, value, ticket):
        """Keep `value`, read from Redis after `ticket()` returned `ticket`,
        unless news came in between."""
        if value is None or not self._running():
            return
        with self._lock:
            if self._sock is not None and self._epoch == ticket and not _waiting(self._sock):
                self._value = value

    def forget(self):
        with self._lock:
            self._value = None
            self._epoch += 1

    # --- The thread ----------------------------------------------------------------------

    def _running(self):
        if not self.enabled:
            return False
        if self._pid != os.getpid():
            self._start()
        return True

    def _start(self):
        with self._lock:
            if self._pid == os.getpid():
                return
            # After a fork the parent's connection and thread are not ours.
            self._pid = os.getpid()
            self._sock = None
            self._value = None
            self._epoch += 1
        thread = threading.Thread(target=self._run, name="page-cache-key-watch", daemon=True)
        thread.start()

    def _connect(self):
        client = self._cache._cache
        pool = client._get_connection_pool(True)
        options = {**pool.connection_kwargs, "protocol": 3}
        connection = pool.connection_class(**options)
        connection.connect()
        connection.send_command("CLIENT", "ID")
        self.client_id = connection.read_response()
        connection.send_command("CLIENT", "TRACKING", "ON", "BCAST",
                                "PREFIX", self._cache.make_and_validate_key(self._key))
        reply = connection.read_response()
        if reply not in (b"OK", "OK"):
            raise ConnectionError(f"CLIENT TRACKING answered {reply!r}")
        return connection

    def _run(self):
        pid = os.getpid()
        failures = 0
        reported = False
        while self._pid == pid:
            connection = None
            try:
                connection = self._connect()
                sock = connection._sock
                with self._lock:
                    self._sock = sock
                    self._value = None
                    self._epoch += 1
                failures, reported = 0, False
                self._listen(connection, sock)
            except Exception as error:  # noqa: BLE001 - any failure: forget and reconnect
                # Once per outage: a Redis that refuses CLIENT TRACKING would
                # otherwise log every few seconds (PAGE_CACHE_WATCH_GENERATION).
                log = logger.debug if reported else logger.warning
                log("page cache: no watch of the generation, read for every hit (%s)", error)
                reported = True
            finally:
                with self._lock:
                    self._sock = None
                    self._value = None
                    self._epoch += 1
                if connection is not None:
                    connection.disconnect()
            time.sleep(RECONNECT_SECONDS[min(failures, len(RECONNECT_SECONDS) - 1)])
            failures += 1

    def _listen(self, connection, sock):
        pinged = False
        while self._pid == os.getpid():
            readable, _, _ = select.select([sock], [], [], PING_SECONDS)
            if readable:
                self._consume(sock)
                pinged = False
            elif not pinged:
                connection.send_command("PING")
                pinged = True
            else:
                raise ConnectionError(f"no answer to a ping within {PING_SECONDS} s")

    def _consume(self, sock):
        """Whatever came (an invalidation, a ping's answer): the value is
        forgotten. Read under the lock, so that `held` never sees an empty
        socket while news are on their way into this thread."""
        with self._lock:
            self._value = None
            self._epoch += 1
            try:
                data = sock.recv(65536)
            except ssl.SSLWantReadError:  # a TLS record not whole yet
                return
        if not data:
            raise ConnectionError("Redis closed the connection")


def watch_for(cache, key):
    """A KeyWatch of `key` when `cache` is one Redis server, else None."""
    if not isinstance(cache, RedisCache) or len(cache._cache._servers) != 1:
        return None
    return KeyWatch(cache, key)
