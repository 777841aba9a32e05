"""Desk dashboard at county scale: the county page counts every case of two years.

A county of 10 towns, 100 villages, 600 grids and 6,000 micro-grids, with 500,000 cases reported
over the last two years (75% closed, 15% open, the rest rejected or not yet triaged, mixed inside
every grid and micro-grid: `_data.insert_cases`): time the town
and the county dashboard through Django's test client (median of 20 requests each), and in the
same run a naive version that counts the ranking's figures per grid with one query each, and
print the ratio.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridgov_bench_dashboard \\
        .venv/bin/python bench/dashboard.py [--cases 500000] [--requests 20] [--explain]
"""

import argparse
import statistics
import time

from _data import build_tree, insert_cases
from _setup import drop, fresh_postgres


def median_ms(fn, n: int) -> float:
    fn()  # warm: caches, prepared plans, template loading
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of each query"
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    url = fresh_postgres("gridgov_bench_dashboard")
    try:
        from django.conf import settings
        from django.core.cache import cache
        from django.db import connection
        from django.test import Client, override_settings
        from django.test.utils import CaptureQueriesContext, setup_test_environment
        from django.utils import timezone

        from bench.naive import naive_counts
        from cases.queries import dashboard as figures
        from grids.models import GridNode
        from staff.models import Assignment
        from tests.factories import UserFactory

        setup_test_environment()  # lets the test client in (ALLOWED_HOSTS)
        # Production settings otherwise; only the static manifest (built by collectstatic) is
        # not there.
        plain = "django.contrib.staticfiles.storage.StaticFilesStorage"
        override_settings(
            STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": plain}}
        ).enable()
        t = time.perf_counter()
        county = build_tree()
        print(
            f"built the tree: {GridNode.objects.filter(tree_id=county.tree_id).count():,} nodes in {time.perf_counter() - t:.1f} s"
        )
        now = timezone.now()
        t = time.perf_counter()
        insert_cases(county, 1, args.cases, now)
        print(f"built {args.cases:,} cases in {time.perf_counter() - t:.1f} s")
        # A live database has planner statistics (autovacuum's ANALYZE); a freshly bulk-loaded
        # one does not, and without them PostgreSQL guesses 2 nodes in a county's lft/rght range
        # and reads every case through a nested loop. Measure the database as it will be.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

        town = GridNode.objects.filter(tree_id=county.tree_id, tier="town").order_by("lft").first()
        town_user = UserFactory(username="bench_town")
        county_user = UserFactory(username="bench_county")
        Assignment.objects.create(user=town_user, node=town, role="center_staff")
        Assignment.objects.create(user=county_user, node=county, role="center_staff")

        results = {}
        for label, user, node, target in (
            ("town", town_user, town, 100),
            ("county", county_user, county, 300),
        ):
            client = Client()
            client.force_login(user)

            def page(client=client):
                response = client.get("/desk/dashboard/", secure=True)
                assert response.status_code == 200, response.status_code

            queries = []  # the page's SQL, kept by a wrapper (the test client resets the log)

            def keep(execute, sql, params, many, context, queries=queries):
                queries.append((sql, params))
                return execute(sql, params, many, context)

            with connection.execute_wrapper(keep):
                page()  # the first request: the 12-week trend computed and cached
            cold_queries = len(queries)
            queries.clear()
            with connection.execute_wrapper(keep):
                page()  # as every later request, the trend from the cache
            page_ms = median_ms(page, args.requests)

            def cold_page(page=page):
                cache.clear()  # the 12-week trend computed afresh, as on its first request
                page()

            cold_ms = median_ms(cold_page, args.requests)
            period = figures.parse_period({}, timezone.localdate(now))
            ranking_ms = median_ms(
                lambda node=node, period=period: figures.grid_ranking(node, period), 5
            )
            with CaptureQueriesContext(connection) as ranking_queries:
                figures.grid_ranking(node, period)
            n_grids = GridNode.objects.filter(
                tree_id=node.tree_id, lft__gte=node.lft, rght__lte=node.rght, tier="grid"
            ).count()
            naive_ms = median_ms(lambda node=node, period=period: naive_counts(node, period), 3)
            results[label] = (page_ms, naive_ms)
            print(
                f"{label} dashboard ({n_grids} grids): median {page_ms:.1f} ms of {args.requests} "
                f"requests, {len(queries)} queries ({cold_queries} on the first request, which "
                f"computes the trend; target ≤ {target} ms); with the trend "
                f"recomputed on every request: median {cold_ms:.1f} ms"
            )
            print(
                f"  grid ranking, grouped: {ranking_ms:.1f} ms "
                f"({len(ranking_queries.captured_queries)} queries); naive, "
                f"{3 * n_grids:,} COUNT queries (3 per grid): {naive_ms:.1f} ms; "
                f"ratio naive / grouped ranking {naive_ms / ranking_ms:.1f}×, "
                f"naive ranking alone / whole page {naive_ms / page_ms:.1f}×"
            )
            if args.explain:
                for sql, params in queries:
                    if "cases_case" not in sql:
                        continue
                    with connection.cursor() as cursor:
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                        plan = [r[0] for r in cursor.fetchall()]
                    print("   ", sql[:100], "…")
                    for line in plan:
                        if "actual" in line or "Execution" in line:
                            print("      ", line[:160])
    finally:
        if not args.keep:
            drop(url)


if __name__ == "__main__":
    main()
