"""Desk dashboard at county scale: the county page counts every case of two years.

A county of 10 towns, 100 villages, 600 grids and 6,000 micro-grids, with 500,000 cases reported
over the last two years (75% closed, the rest open, rejected or not yet triaged): time the town
and the county dashboard through Django's test client (median of 20 requests each), and in the
same run a naive version that counts the ranking's figures per grid with one query each, and
print the ratio.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridgov_bench_dashboard \\
        .venv/bin/python bench/dashboard.py [--cases 500000] [--requests 20] [--explain]
"""

import argparse
import statistics
import time

from _setup import drop, fresh_postgres

TOWNS, VILLAGES, GRIDS, MICRO = 10, 10, 6, 10  # per parent: 10 × 10 × 6 × 10 = 6,000 micro-grids


def build_tree():
    from grids import actions as grid_actions
    from grids.actions import NodeRow

    county = grid_actions.node_create(
        actor=None, parent_id=None, name="基准县", tier="county", code="619998"
    )
    rows = []
    for t in range(1, TOWNS + 1):
        town = f"619998{100 + t:03d}"
        rows.append(NodeRow("619998", f"基准镇{t}", "town", town))
        for v in range(1, VILLAGES + 1):
            village = f"{town}{200 + v:03d}"
            rows.append(NodeRow(town, f"镇{t}村{v}", "village", village))
            for g in range(1, GRIDS + 1):
                grid = f"{village}{g:03d}"
                rows.append(
                    NodeRow(
                        village, f"镇{t}村{v}网格{g}", "grid", grid, {"difficulty": "ABC"[g % 3]}
                    )
                )
                for m in range(1, MICRO + 1):
                    rows.append(NodeRow(grid, f"微网格{m}", "micro_grid", f"{grid}{m:03d}"))
    grid_actions.tree_bulk_create(actor=None, root_id=county.pk, rows=rows)
    county.refresh_from_db()
    return county


def build_cases(county, cases: int, now):
    """Set-based: INSERT … SELECT generate_series. 9 in 10 cases happen in a micro-grid, 1 in 10
    in a grid; reported evenly over 730 days; status, deadline, settlement level vary with g."""
    from django.db import connection

    from grids.models import GridNode

    micro = list(
        GridNode.objects.filter(tree_id=county.tree_id, tier="micro_grid")
        .order_by("lft")
        .values_list("pk", flat=True)
    )
    grids = list(
        GridNode.objects.filter(tree_id=county.tree_id, tier="grid")
        .order_by("lft")
        .values_list("pk", flat=True)
    )
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_micro (i int primary key, node_id int)")
        cursor.execute("CREATE TEMP TABLE bench_grid (i int primary key, node_id int)")
        cursor.executemany("INSERT INTO bench_micro VALUES (%s, %s)", list(enumerate(micro)))
        cursor.executemany("INSERT INTO bench_grid VALUES (%s, %s)", list(enumerate(grids)))
        cursor.execute(
            """
            INSERT INTO cases_case (number, tracking_code, title, description, source, emergency,
                node_id, owner_node_id, color, suggested_color, status, reporter_name,
                reporter_phone, parties, location, result, clear_by, accepted_at, resolved_at,
                closed_at, rework_count, escalation_count, reopen_count, settled_tier,
                extension_reason, created_at, updated_at, county_tree)
            SELECT 'D-' || s.g, 'DT' || s.g, '基准事件', '基准事件的描述', 'patrol', false,
                s.node, s.node, CASE WHEN s.k <= 1 THEN '' ELSE s.color END, '',
                CASE WHEN s.k = 0 THEN 'reported' WHEN s.k = 1 THEN 'rejected'
                     WHEN s.k <= 4 THEN 'handling' ELSE 'closed' END,
                '', '', '', '', '',
                CASE WHEN s.k >= 2 THEN s.created + s.clear END,
                CASE WHEN s.k >= 2 THEN s.created + interval '1 hour' END,
                CASE WHEN s.k >= 5 THEN s.created + s.clear * s.took END,
                CASE WHEN s.k >= 5 THEN s.created + s.clear * s.took + interval '2 hours' END,
                CASE WHEN mod(s.g, 13) = 0 THEN 1 ELSE 0 END,
                CASE WHEN mod(s.g, 11) = 0 THEN 1 ELSE 0 END, 0,
                CASE WHEN s.k < 5 THEN ''
                     ELSE (ARRAY['micro_grid','grid','grid','grid','grid','grid','village',
                                 'village','town','county'])[1 + mod(s.g, 10)] END,
                '', s.created, s.created, %(tree)s
            FROM (
                SELECT g, mod(g * 7, 20) AS k,
                    CASE WHEN mod(g, 10) = 0 THEN gr.node_id ELSE mi.node_id END AS node,
                    (ARRAY['yellow','yellow','yellow','orange','red'])[1 + mod(g, 5)] AS color,
                    (ARRAY[interval '1 day', interval '1 day', interval '1 day',
                           interval '7 days', interval '30 days'])[1 + mod(g, 5)] AS clear,
                    CASE WHEN mod(g, 7) = 0 THEN 1.5 ELSE 0.5 END AS took,
                    %(now)s - mod(g, 730) * interval '1 day' - mod(g, 17) * interval '1 hour'
                        AS created
                FROM generate_series(1, %(cases)s) AS g
                JOIN bench_micro mi ON mi.i = mod(g, %(micro)s)
                JOIN bench_grid gr ON gr.i = mod(g / 10, %(grids)s)
            ) AS s
            """,
            {
                "cases": cases,
                "now": now,
                "grids": len(grids),
                "micro": len(micro),
                "tree": county.tree_id,
            },
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE cases_case")  # as autovacuum would after a bulk load


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
        from django.test.utils import setup_test_environment
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
        build_cases(county, args.cases, now)
        print(f"built {args.cases:,} cases in {time.perf_counter() - t:.1f} s")
        # A live database has planner statistics (autovacuum's ANALYZE); a freshly bulk-loaded
        # one does not, and without them PostgreSQL guesses 2 nodes in a county's lft/rght range
        # and reads every case through a nested loop. Measure the database as it will be.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

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
                page()
            page_ms = median_ms(page, args.requests)

            def cold_page(page=page):
                cache.clear()  # the 12-week trend computed afresh, as on its first request
                page()

            cold_ms = median_ms(cold_page, args.requests)
            period = figures.parse_period({}, timezone.localdate(now))
            ranking_ms = median_ms(
                lambda node=node, period=period: figures.grid_ranking(node, period), 5
            )
            n_grids = GridNode.objects.filter(
                tree_id=node.tree_id, lft__gte=node.lft, rght__lte=node.rght, tier="grid"
            ).count()
            naive_ms = median_ms(lambda node=node, period=period: naive_counts(node, period), 3)
            results[label] = (page_ms, naive_ms)
            print(
                f"{label} dashboard ({n_grids} grids): median {page_ms:.1f} ms of {args.requests} "
                f"requests, {len(queries)} queries (target ≤ {target} ms); with the trend "
                f"recomputed on every request: median {cold_ms:.1f} ms"
            )
            print(
                f"  grid ranking, grouped: {ranking_ms:.1f} ms (2 queries); naive, "
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
