"""The cache's circuit breaker: a dead or frozen Redis costs one short timeout,
then nothing, and every page still answers."""

import shutil
import signal
import socket
import subprocess
import time

import pytest
from django.core.cache import cache
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from config.settings.base import redis_cache
from core.cache import CacheCircuitOpen, breaker


@pytest.fixture(autouse=True)
def _closed_breaker():
    breaker.reset()
    yield
    breaker.reset()


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def dead_redis(settings):
    settings.CACHES = {"default": redis_cache(f"redis://127.0.0.1:{_free_port()}/0")}


@pytest.fixture
def frozen_redis(settings, tmp_path):
    """A Redis of its own, stopped with SIGSTOP: it accepts connections (the
    kernel does) but never answers, the penetration test's outage."""
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - fixed argv
        [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    settings.CACHES = {"default": redis_cache(f"redis://127.0.0.1:{port}/0", timeout=0.2)}
    cache.set("warm", 1)
    process.send_signal(signal.SIGSTOP)
    yield process
    process.send_signal(signal.SIGCONT)
    process.terminate()
    process.wait(timeout=10)


def test_a_dead_redis_trips_the_breaker_and_is_then_skipped(dead_redis, monkeypatch):
    with pytest.raises(RedisConnectionError):
        cache.get("x")
    attempts = []
    import redis.connection

    monkeypatch.setattr(redis.connection.AbstractConnection, "connect",
                        lambda self: attempts.append(1))
    with pytest.raises(CacheCircuitOpen):
        cache.get("x")
    with pytest.raises(CacheCircuitOpen):
        cache.set("x", 1)
    assert attempts == []


def test_a_frozen_redis_costs_one_short_timeout(frozen_redis):
    with pytest.raises(RedisTimeoutError):
        cache.get("warm")
    with pytest.raises(CacheCircuitOpen):
        cache.get("warm")


def test_the_breaker_closes_after_its_time(dead_redis, settings):
    settings.CACHE_BREAKER_SECONDS = 0
    with pytest.raises(RedisConnectionError):
        cache.get("x")
    with pytest.raises(RedisConnectionError) as raised:
        cache.get("x")
    assert not isinstance(raised.value, CacheCircuitOpen)


@pytest.mark.django_db
def test_public_pages_answer_while_redis_is_frozen(client, frozen_redis):
    for url in (reverse("core:home"), reverse("indicators:list"), "/healthz"):
        response = client.get(url)
        assert response.status_code in (200, 503), url
    assert client.get(reverse("indicators:list")).status_code == 200
    assert client.get("/healthz").status_code == 503
