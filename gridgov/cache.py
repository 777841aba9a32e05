"""The Redis cache, made to fail fast: a hung or lost Redis must not slow every page.

Each call has short socket timeouts (CACHE_TIMEOUT_MS). A call that fails opens a breaker
for CACHE_BREAKER_SECONDS: meanwhile every call answers at once as a cache miss would (get
gives the default, set and add say False), without touching the network. After that the next
call tries Redis again. The cache only ever holds what can be computed again, so a miss is
always a correct answer, only a slower one.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# A socket timeout surfaces as redis' TimeoutError; a refused or reset connection as
# ConnectionError; both are RedisError. OSError covers what the socket layer lets through.
CACHE_ERRORS = (RedisError, OSError)


class Breaker:
    """Open for `open_seconds` after a failure; shared by the threads of one process."""

    def __init__(self, name: str, open_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.name = name
        self.open_seconds = open_seconds
        self.clock = clock
        self._open_until = 0.0
        self._failing = False
        self._lock = threading.Lock()

    def allows(self) -> bool:
        return self.clock() >= self._open_until

    def trip(self, error: Exception) -> None:
        with self._lock:
            first = not self._failing
            self._failing = True
            self._open_until = self.clock() + self.open_seconds
        if first:
            log.warning(
                "Cache %s failed (%s: %s); not using it for %g s at a time until it answers.",
                self.name,
                type(error).__name__,
                error,
                self.open_seconds,
            )

    def succeeded(self) -> None:
        if self._failing:
            with self._lock:
                self._failing = False
            log.info("Cache %s answers again.", self.name)


_breakers: dict[str, Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(name: str, open_seconds: float) -> Breaker:
    """One breaker per cache location in a process (Django makes a cache object per thread)."""
    with _breakers_lock:
        breaker = _breakers.get(name)
        if breaker is None or breaker.open_seconds != open_seconds:
            breaker = _breakers[name] = Breaker(name, open_seconds)
        return breaker


def _without_password(location: str) -> str:
    """The location as it may be logged: redis://:secret@host/0 → redis://host/0."""
    return re.sub(r"//[^/@]*@", "//", location)


class FailFastRedisCache(RedisCache):
    """Django's RedisCache whose calls never raise a Redis error and never wait twice."""

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        open_seconds = float(options.pop("breaker_seconds", 30))
        params["OPTIONS"] = options
        super().__init__(server, params)
        servers = server if isinstance(server, str) else ",".join(server)
        self.breaker = breaker_for(_without_password(servers), open_seconds)

    def _guard(self, fallback, call, *args, **kwargs):
        if not self.breaker.allows():
            return fallback
        try:
            result = call(*args, **kwargs)
        except CACHE_ERRORS as error:
            self.breaker.trip(error)
            return fallback
        self.breaker.succeeded()
        return result

    def get(self, key, default=None, version=None):
        return self._guard(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        done = self._guard(False, super().set, key, value, timeout, version)
        return done is not False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(False, super().add, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guard(False, super().delete, key, version)

    def has_key(self, key, version=None):
        return self._guard(False, super().has_key, key, version)

    def get_many(self, keys, version=None):
        return self._guard({}, super().get_many, keys, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's contract: the keys that were not stored.
        return self._guard(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        self._guard(None, super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        value = self._guard(missing, super().incr, key, delta, version)
        if value is missing:
            # A cache that does not answer holds nothing: the same error as a missing key.
            raise ValueError(f"Key '{key}' not found.")
        return value

    def clear(self):
        return self._guard(False, super().clear)


def get_or_none(cache, key: str):
    """`cache.get(key)`, or None when the cache fails in any way: what the cache holds can be
    computed again, so a cache that is down must not take the page with it."""
    try:
        return cache.get(key)
    except Exception:
        return None


def set_quietly(cache, key: str, value, seconds: float) -> None:
    """`cache.set(…)`, saying nothing when the cache fails (see get_or_none)."""
    try:
        cache.set(key, value, seconds)
    except Exception:
        log.debug("Cache set of %s failed", key, exc_info=True)
