"""What a request costs when Redis hangs: it accepts connections and never answers.

A local server on 127.0.0.1 plays the hung Redis. Twenty requests each make the dashboard's
cache traffic (read the 12-week trend, miss, compute it, store it) through:
- gridgov.cache.FailFastRedisCache as configured (50 ms timeouts, 30 s breaker);
- Django's RedisCache with the former settings (2 s timeouts), two requests only;
- a working in-process cache (LocMemCache), the baseline.

    .venv/bin/python bench/hung_cache.py [--requests 20]
"""

import argparse
import contextlib
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def dashboard_request(cache, node_id: int) -> list:
    """The cache traffic of one dashboard view (cases.queries.figures.cached_trend)."""
    key = f"dashboard-trend:{node_id}:2026-11-21"
    hit = cache.get(key)
    if hit is not None:
        return hit
    value = [(week, week * 3 % 7, week * 5 % 11) for week in range(12)]  # stands for trend()
    cache.set(key, value, 300)
    return value


def timed(cache, requests: int) -> list[float]:
    costs = []
    for i in range(requests):
        started = time.perf_counter()
        dashboard_request(cache, node_id=i % 8)
        costs.append(time.perf_counter() - started)
    return costs


def show(label: str, costs: list[float]) -> None:
    ms = [c * 1000 for c in costs]
    print(
        f"{label:<44} first {ms[0]:8.2f} ms · median {statistics.median(ms):8.3f} ms · "
        f"max {max(ms):8.2f} ms · total {sum(ms):9.2f} ms ({len(ms)} requests)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from django.conf import settings

    settings.configure()
    from django.core.cache.backends.locmem import LocMemCache
    from django.core.cache.backends.redis import RedisCache

    from gridgov.cache import FailFastRedisCache
    from tests.hung_redis import hung_redis

    with hung_redis() as server:
        url = server.url
        fast = FailFastRedisCache(
            url,
            {
                "OPTIONS": {
                    "socket_connect_timeout": 0.05,
                    "socket_timeout": 0.05,
                    "breaker_seconds": 30,
                }
            },
        )
        show("hung Redis, FailFastRedisCache", timed(fast, args.requests))
        print(f"  connections the hung server accepted: {server.accepted}")
        before = server.accepted
        old = RedisCache(url, {"OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}})
        try:
            show("hung Redis, RedisCache with 2 s timeouts", timed(_raising_as_miss(old), 2))
        finally:
            print(f"  connections the hung server accepted: {server.accepted - before}")
        show("working LocMemCache", timed(LocMemCache("bench", {}), args.requests))


def _raising_as_miss(cache):
    """The old page code: every cache error swallowed, each call waiting its full timeout."""

    class Swallowing:
        def get(self, key):
            with contextlib.suppress(Exception):
                return cache.get(key)
            return None

        def set(self, key, value, timeout):
            with contextlib.suppress(Exception):
                cache.set(key, value, timeout)

    return Swallowing()


if __name__ == "__main__":
    main()
