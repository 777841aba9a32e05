"""The Redis cache fails fast: against a Redis that accepts and never answers, a call gives up
after its short timeout, and then the breaker keeps calls off the network for a while."""

import logging
import time

import pytest

from gridgov.cache import FailFastRedisCache
from tests.hung_redis import hung_redis


@pytest.fixture
def hung():
    with hung_redis() as server:
        yield server


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def backend(url: str, breaker_seconds: int = 30) -> FailFastRedisCache:
    cache = FailFastRedisCache(
        url,
        {
            "OPTIONS": {
                "socket_connect_timeout": 0.05,
                "socket_timeout": 0.05,
                "breaker_seconds": breaker_seconds,
            }
        },
    )
    cache.breaker.clock = Clock()
    return cache


def test_a_hung_cache_gives_the_default_instead_of_an_error(hung):
    cache = backend(hung.url)
    started = time.perf_counter()
    assert cache.get("trend", "computed again") == "computed again"
    print(f"first call against a hung cache: {(time.perf_counter() - started) * 1000:.0f} ms")
    assert hung.connections(1) == 1
    assert cache.set("trend", [1, 2, 3]) is False
    assert cache.add("trend", [1, 2, 3]) is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.delete("trend") is False
    assert cache.has_key("trend") is False
    assert cache.get_or_set("trend", "fresh") == "fresh"
    with pytest.raises(ValueError):
        cache.incr("counter")


def test_while_the_breaker_is_open_no_call_touches_the_network(hung):
    cache = backend(hung.url)
    cache.get("trend")
    assert hung.connections(1) == 1
    started = time.perf_counter()
    for _ in range(20):
        assert cache.get("trend", "miss") == "miss"
        assert cache.set("trend", 1) is False
    print(f"40 calls with the breaker open: {(time.perf_counter() - started) * 1000:.2f} ms")
    assert hung.connections(1) == 1


def test_after_the_open_period_the_cache_is_tried_again(hung):
    cache = backend(hung.url, breaker_seconds=30)
    cache.get("trend")
    cache.breaker.clock.now += 29
    cache.get("trend")
    assert hung.connections(1) == 1
    cache.breaker.clock.now += 2
    assert cache.get("trend", "miss") == "miss"
    assert hung.connections(2) == 2  # tried, failed, open again
    cache.get("trend")
    assert hung.connections(2) == 2


def test_the_threads_of_a_process_share_one_breaker(hung):
    first, second = backend(hung.url), backend(hung.url)
    first.get("trend")
    second.get("trend")
    assert first.breaker is second.breaker and hung.connections(1) == 1


def test_a_warning_is_logged_once_when_the_breaker_opens(hung, caplog):
    cache = backend(hung.url)
    with caplog.at_level(logging.WARNING, logger="gridgov.cache"):
        cache.get("trend")
        cache.get("trend")
        cache.breaker.clock.now += 31
        cache.get("trend")  # fails again: still the same outage
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "not using it" in warnings[0].getMessage()


def test_a_closed_port_fails_fast_too():
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cache = backend(f"redis://127.0.0.1:{port}/0")
    assert cache.get("trend", "miss") == "miss"
    assert not cache.breaker.allows()


@pytest.mark.redis
def test_a_working_redis_is_used_and_closes_the_breaker(settings):
    import os

    cache = backend(os.environ["REDIS_URL"])
    cache.breaker.trip(ConnectionError("down a moment ago"))
    cache.breaker.clock.now += 31
    key = f"gridgov-test-cache-{os.getpid()}"
    assert cache.set(key, {"weeks": 12}, 5) is True
    assert cache.get(key) == {"weeks": 12}
    assert cache.delete(key) is True
    assert cache.breaker.allows()


def test_production_settings_use_the_fail_fast_backend(monkeypatch):
    import importlib

    import gridgov.settings as base

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.delenv("CACHE_TIMEOUT_MS", raising=False)
    fresh = importlib.reload(base)
    try:
        cache = fresh.CACHES["default"]
        assert cache["BACKEND"] == "gridgov.cache.FailFastRedisCache"
        assert cache["OPTIONS"]["socket_timeout"] <= 0.1
        assert cache["OPTIONS"]["socket_connect_timeout"] <= 0.1
        assert cache["OPTIONS"]["breaker_seconds"] == 30
    finally:
        monkeypatch.undo()
        importlib.reload(base)


def test_the_log_never_shows_the_redis_password():
    cache = FailFastRedisCache("redis://:s3cret@127.0.0.1:1/0", {"OPTIONS": {}})
    assert cache.breaker.name == "redis://127.0.0.1:1/0"
