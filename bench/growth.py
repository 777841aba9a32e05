"""Growth and shared counties: a county's desk pages should cost what the page shows, not what
the county has piled up over the years, nor what other counties hold in the same database.

1. Ten times the data. One county as bench/dashboard.py builds it (10 towns, 100 villages, 600
   grids, 6,000 micro-grids) with 50,000 cases, then the same county grown to 500,000 (inserted
   set-based, VACUUM ANALYZE). Pages: the board (`/desk/board/`) as the town's center staff and
   as the county's, the county's case list (`/desk/cases/`), the town and county dashboards
   (`/desk/dashboard/`). Goal per page: median at 500k ≤ 1.3× the median at 50k, same query
   count. By default both sizes are spread over the same 730 days (10× the month's cases and
   10× the open backlog); with --history the growth is 450,000 older, closed cases (the same
   month and backlog at both sizes: what the pages show does not change).
2. Shared database. The same county (a second database) with 100,000 cases alone, then with 19
   other counties of 100,000 cases each in the same database (2,000,000 in all). The other
   counties have a smaller tree (10 towns, 50 villages, 200 grids, 400 micro-grids): what they
   put in the way of the first county's queries is their case rows, not their nodes. The county
   alone is kept as a copy of its database (CREATE DATABASE … TEMPLATE) before the others are
   added, and the two databases are measured in interleaved rounds. Pages: the town and county
   dashboards and the board. Goal: shared ≤ 1.2× alone, same query count.

Every page runs through Django's test client (production settings, a local-memory cache so
that no other process's cache is touched; the cache is cleared after each load, then each page
is warmed once, so the dashboard's 12-week trend is read from the cache as in steady state).
Timed in interleaved rounds: every page a few requests, then the next page, round after round,
so that a shared machine's load falls on all pages alike. For each page the heaviest statement
is run again under EXPLAIN (ANALYZE, BUFFERS) and its buffers and scans are printed.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridgov_bench_growth \\
        .venv/bin/python bench/growth.py [--requests 15] [--skip-shared] [--plans]
"""

import argparse
import os
import re
import statistics
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from _data import build_tree, insert_cases
from _setup import drop, fresh_postgres

ROUNDS = 3  # each page gets requests // ROUNDS requests per round
OTHER_COUNTIES = 19
OTHER_SHAPE = (10, 5, 4, 2)  # towns, villages per town, grids per village, micro-grids per grid


def build_small_county(index: int):
    """Another county, with a smaller tree (OTHER_SHAPE) built with tree_bulk_create."""
    from grids import actions as grid_actions
    from grids.actions import NodeRow

    code = f"6197{index:02d}"
    county = grid_actions.node_create(
        actor=None, parent_id=None, name=f"共享县{index}", tier="county", code=code
    )
    towns, villages, grids, micro = OTHER_SHAPE
    rows = []
    for t in range(1, towns + 1):
        town = f"{code}{100 + t:03d}"
        rows.append(NodeRow(code, f"县{index}镇{t}", "town", town))
        for v in range(1, villages + 1):
            village = f"{town}{200 + v:03d}"
            rows.append(NodeRow(town, f"镇{t}村{v}", "village", village))
            for g in range(1, grids + 1):
                grid = f"{village}{g:03d}"
                rows.append(
                    NodeRow(village, f"村{v}网格{g}", "grid", grid, {"difficulty": "ABC"[g % 3]})
                )
                for m in range(1, micro + 1):
                    rows.append(NodeRow(grid, f"微网格{m}", "micro_grid", f"{grid}{m:03d}"))
    grid_actions.tree_bulk_create(actor=None, root_id=county.pk, rows=rows)
    county.refresh_from_db()
    return county


def settle() -> None:
    """After a bulk load: the rollups counted again (the dashboards and the boards read a
    town's and a county's figures from them; the load writes rows with old `updated_at` stamps,
    which beat's incremental run does not look for, as after a restore), in a process of its
    own as a worker's would be, so that its millions of objects do not weigh on the measuring
    process's memory; then VACUUM ANALYZE as autovacuum would, and an empty cache."""
    import subprocess
    import sys

    from django.core.cache import cache
    from django.db import connection

    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "rollups", "--rebuild", "--skip-checks"],
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "DATABASE_URL": _database_url(connection)},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(
        f"  rollups counted again in {time.perf_counter() - t:.1f} s (manage.py rollups --rebuild)"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE cases_case")
        cursor.execute("ANALYZE")
    cache.clear()


def _database_url(connection) -> str:
    """The URL of the database this process is on (the shared part switches databases)."""
    s = connection.settings_dict
    return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def people(county):
    """The first town's center staff and the county's."""
    from grids.models import GridNode
    from staff.models import Assignment
    from tests.factories import UserFactory

    town = GridNode.objects.filter(tree_id=county.tree_id, tier="town").order_by("lft").first()
    town_user = UserFactory(username=f"growth_town_{county.pk}")
    county_user = UserFactory(username=f"growth_county_{county.pk}")
    Assignment.objects.create(user=town_user, node=town, role="center_staff")
    Assignment.objects.create(user=county_user, node=county, role="center_staff")
    return town_user, county_user


def pages(town_user, county_user, names):
    """name → a function making that page's request (each person on their own client)."""
    from django.test import Client

    clients = {}
    for label, user in (("town", town_user), ("county", county_user)):
        clients[label] = Client()
        clients[label].force_login(user)
    every = {
        "board, town": ("town", "/desk/board/"),
        "board, county": ("county", "/desk/board/"),
        "case list, county": ("county", "/desk/cases/"),
        "dashboard, town": ("town", "/desk/dashboard/"),
        "dashboard, county": ("county", "/desk/dashboard/"),
    }
    result = {}
    for name in names:
        who, path = every[name]

        def get(client=clients[who], path=path):
            response = client.get(path, secure=True)
            assert response.status_code == 200, (path, response.status_code)
            return response

        result[name] = (get, path)
    return result


def captured(fn):
    """Run fn once; its SQL statements as (sql, params, seconds)."""
    from django.db import connection

    statements = []

    def keep(execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((sql, params, time.perf_counter() - t))

    with connection.execute_wrapper(keep):
        fn()
    return statements


def explain(sql: str, params) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of one statement: execution time, buffers, scans, plan."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    buffers = next((line for line in plan if "Buffers:" in line), "")
    hit = re.search(r"hit=(\d+)", buffers)
    read = re.search(r"read=(\d+)", buffers)
    execution = next((line for line in plan if line.startswith("Execution Time")), "")
    ms = re.search(r"([\d.]+) ms", execution)
    scans = []
    for line in plan:
        for kind, name in re.findall(
            r"(Index Only Scan|Bitmap Index Scan|Index Scan|Seq Scan)(?: Backward)? (?:using|on) "
            r"(\w+)",
            line,
        ):
            label = name if kind != "Seq Scan" else f"seq scan {name}"
            if label not in scans:
                scans.append(label)
    return {
        "ms": float(ms.group(1)) if ms else 0.0,
        "buffers": (int(hit.group(1)) if hit else 0) + (int(read.group(1)) if read else 0),
        "scans": scans,
        "plan": plan,
    }


def same_figures(county, users) -> None:
    """The dashboards' figures as read from the rollups equal those counted from the cases, for
    the county and its first town, this month and last, and so do the boards' level × color
    tables of `users`: stop the run otherwise."""
    import dataclasses
    import datetime as dt

    from django.db.models import Count
    from django.utils import timezone

    from cases.queries import kpis
    from cases.queries.periods import midnight
    from cases.queries.rolled import current_kpis, town_sums
    from grids.models import GridNode

    town = GridNode.objects.filter(tree_id=county.tree_id, tier="town").order_by("lft").first()
    now = timezone.now()
    this = timezone.localdate(now).replace(day=1)
    last = (this - dt.timedelta(days=1)).replace(day=1)
    for node in (county, town):
        for start, end in ((this, (this + dt.timedelta(days=32)).replace(day=1)), (last, this)):
            assert town_sums(node, start, end, now) is not None, "the rollups did not answer"
            rolled = current_kpis(node, midnight(start), midnight(end), now=now)
            live = kpis(node, midnight(start), midnight(end), now=now)
            assert dataclasses.asdict(rolled) == dataclasses.asdict(live), (
                node,
                start,
                rolled,
                live,
            )
    from cases.queries import board

    for user in users:
        rolled = board._rolled_groups(user, board.BoardFilters())
        assert rolled is not None, "the board's rollups did not answer"
        live = list(
            board._filtered(user, board.BoardFilters(), skip_groups=True)
            .values("owner_node__tier", "color")
            .annotate(n=Count("pk"))
            .order_by()
        )

        def key(rows):
            return sorted((r["owner_node__tier"], r["color"], r["n"]) for r in rows if r["n"])

        assert key(rolled) == key(live), (user, rolled, live)
    print("  the dashboards' figures and the boards' tables from the rollups equal the live ones")


def measure(page_fns: dict, requests: int, plans: bool, label: str) -> dict:
    """Median ms per page over interleaved rounds, its query count, its heaviest statement."""
    result = {}
    for name, (fn, _path) in page_fns.items():
        fn()  # warm: templates, the trend's cache entry, the connection
        statements = captured(fn)
        heaviest = max(
            (s for s in statements if "cases_case" in s[0]), key=lambda s: s[2], default=None
        )
        result[name] = {"queries": len(statements), "times": []}
        if heaviest is not None:
            info = explain(heaviest[0], heaviest[1])
            info["sql"] = heaviest[0]
            result[name]["heaviest"] = info
            if plans:
                print(f"  [{label}] {name}: heaviest statement {heaviest[0][:160]} …")
                for line in info["plan"]:
                    print("      " + line)
    per_round = max(1, requests // ROUNDS)
    for _ in range(ROUNDS):
        for name, (fn, _path) in page_fns.items():
            for _ in range(per_round):
                t = time.perf_counter()
                fn()
                result[name]["times"].append(time.perf_counter() - t)
    for row in result.values():
        row["ms"] = statistics.median(row["times"]) * 1000
    return result


def table(title: str, before: dict, after: dict, labels: tuple[str, str], goal: float) -> bool:
    print()
    print(title)
    a, b = labels
    print(
        f"{'page':<20} {'ms ' + a:>12} {'ms ' + b:>12} {'ratio':>7} {'queries':>9} "
        f"{'goal':>6}  heaviest statement ({a} → {b}): PG ms, buffers"
    )
    met = True
    for name in before:
        x, y = before[name], after[name]
        ratio = y["ms"] / x["ms"]
        same = x["queries"] == y["queries"]
        ok = ratio <= goal and same
        met = met and ok
        hx, hy = x.get("heaviest"), y.get("heaviest")
        heavy = (
            f"{hx['ms']:.1f} → {hy['ms']:.1f} ms, {hx['buffers']:,} → {hy['buffers']:,}"
            if hx and hy
            else "-"
        )
        print(
            f"{name:<20} {x['ms']:>12.1f} {y['ms']:>12.1f} {ratio:>6.2f}× "
            f"{x['queries']:>4}/{y['queries']:<4} {'met' if ok else 'NOT':>6}  {heavy}"
        )
    print(f"goal: ≤ {goal}× and equal query counts — {'met' if met else 'NOT met'} on every page")
    return met


def scans_of(result: dict) -> None:
    for name, row in result.items():
        info = row.get("heaviest")
        if info:
            print(f"  {name}: {', '.join(info['scans'])}")


def setup_django():
    from django.conf import settings
    from django.test import override_settings
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client in (ALLOWED_HOSTS)
    plain = "django.contrib.staticfiles.storage.StaticFilesStorage"
    override_settings(
        STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": plain}},
        # A cache of this process only: the benchmark clears it after each load.
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    ).enable()
    # The goal is about what computing a dashboard costs at each size: its rendered figures are
    # not kept between requests here (a running server keeps them until a case changes).
    from cases.desk import dashboard

    dashboard.FIGURES_CACHE_SECONDS = 0


def growth(args) -> None:
    from django.utils import timezone

    from grids.models import GridNode

    t = time.perf_counter()
    county = build_tree()
    nodes = GridNode.objects.filter(tree_id=county.tree_id).count()
    print(f"built the tree: {nodes:,} nodes in {time.perf_counter() - t:.1f} s")
    town_user, county_user = people(county)
    now = timezone.now()
    names = (
        "board, town",
        "board, county",
        "case list, county",
        "dashboard, town",
        "dashboard, county",
    )
    results = []
    done = 0
    for size in (args.small, args.large):
        t = time.perf_counter()
        if args.history:
            # The same monthly volume and open backlog at both sizes: the first load covers the
            # last tenth of the 730 days, the growth is the nine tenths before it, all closed.
            span = 730 * args.small // args.large
            if done == 0:
                insert_cases(county, 1, size, now, days=span)
            else:
                insert_cases(county, done + 1, size, now, days=730 - span, before=span, closed=True)
        else:
            insert_cases(county, done + 1, size, now)
        settle()
        done = size
        print(f"{size:,} cases in the county, loaded in {time.perf_counter() - t:.1f} s")
        same_figures(county, (town_user, county_user))
        t = time.perf_counter()
        results.append(
            measure(pages(town_user, county_user, names), args.requests, args.plans, f"{size:,}")
        )
        print(f"  measured in {time.perf_counter() - t:.1f} s")
        scans_of(results[-1])
    table(
        f"10× data: {args.small:,} → {args.large:,} cases in one county "
        f"(median of {ROUNDS * max(1, args.requests // ROUNDS)} requests per page)",
        results[0],
        results[1],
        (f"{args.small // 1000}k", f"{args.large // 1000}k"),
        1.3,
    )


def _use_database(name: str) -> None:
    """Point this process at another database of the same server (closing its connection)."""
    from django.core.cache import cache
    from django.db import connections

    connections.close_all()
    connections["default"].settings_dict["NAME"] = name
    cache.clear()  # the two databases share node ids: nothing kept from the other one


def _copy_database(source: str, copy: str) -> None:
    """CREATE DATABASE copy TEMPLATE source (no connection may be open on the source)."""
    import psycopg2
    from django.db import connections

    connections.close_all()
    s = connections["default"].settings_dict
    admin = psycopg2.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"] or "postgres",
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        cursor.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{source}"')
    admin.close()


def measure_interleaved(databases: dict, page_fns: dict, requests: int, plans: bool) -> dict:
    """`measure` on several databases at once, in interleaved rounds: every round each database
    in turn (connected anew and each page warmed once), so that the machine's drift falls on all
    of them alike. {label: measure's result}."""
    results = {}
    for label, name in databases.items():
        _use_database(name)
        results[label] = measure(page_fns, 0, plans, label)  # query counts, plans, no timing
        for row in results[label].values():
            row["times"] = []
    per_round = max(1, requests // ROUNDS)
    for _ in range(ROUNDS):
        for label, name in databases.items():
            _use_database(name)
            for fn, _path in page_fns.values():
                fn()
            for page, (fn, _path) in page_fns.items():
                for _ in range(per_round):
                    t = time.perf_counter()
                    fn()
                    results[label][page]["times"].append(time.perf_counter() - t)
    for result in results.values():
        for row in result.values():
            row["ms"] = statistics.median(row["times"]) * 1000
    return results


def shared(args) -> None:
    from django.db import connection
    from django.utils import timezone

    from cases.models import Case

    t = time.perf_counter()
    county = build_tree()
    town_user, county_user = people(county)
    now = timezone.now()
    insert_cases(county, 1, args.county, now)
    settle()
    names = ("board, town", "board, county", "dashboard, town", "dashboard, county")
    page_fns = pages(town_user, county_user, names)  # logged in: the copy has the sessions too
    print(f"one county, {args.county:,} cases, built in {time.perf_counter() - t:.1f} s")
    shared_name = connection.settings_dict["NAME"]
    alone_name = f"{shared_name}_alone"
    _copy_database(shared_name, alone_name)
    t = time.perf_counter()
    trees = 0.0
    for i in range(1, OTHER_COUNTIES + 1):
        t_tree = time.perf_counter()
        other = build_small_county(i)
        trees += time.perf_counter() - t_tree
        insert_cases(other, i * args.county + 1, (i + 1) * args.county, now)
    settle()
    total = Case.objects.count()
    print(
        f"{OTHER_COUNTIES} other counties added ({total:,} cases in all) in "
        f"{time.perf_counter() - t:.1f} s (their trees {trees:.1f} s); the county alone kept "
        f"as a copy, {alone_name}"
    )
    try:
        both = measure_interleaved(
            {"alone": alone_name, "shared": shared_name}, page_fns, args.requests, args.plans
        )
    finally:
        _use_database(shared_name)
        if not args.keep:
            _drop_database(alone_name)
    for label in ("alone", "shared"):
        print(f"  {label}:")
        scans_of(both[label])
    table(
        f"Shared database: the county's {args.county:,} cases alone → with {OTHER_COUNTIES} "
        f"other counties ({total:,} cases); the two databases measured in interleaved rounds",
        both["alone"],
        both["shared"],
        ("alone", "shared"),
        1.2,
    )


def _drop_database(name: str) -> None:
    from django.db import connections

    s = connections["default"].settings_dict
    drop(
        f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=50_000)
    parser.add_argument("--large", type=int, default=500_000)
    parser.add_argument("--county", type=int, default=100_000, help="cases per shared county")
    parser.add_argument("--requests", type=int, default=15, help="timed requests per page")
    parser.add_argument("--skip-growth", action="store_true")
    parser.add_argument(
        "--history",
        action="store_true",
        help="grow by older, closed cases (same monthly volume and open backlog at both sizes)",
    )
    parser.add_argument("--skip-shared", action="store_true")
    parser.add_argument("--plans", action="store_true", help="print each heaviest plan")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases")
    args = parser.parse_args()
    started = time.perf_counter()
    url = fresh_postgres("gridgov_bench_growth")
    try:
        setup_django()
        if not args.skip_growth:
            growth(args)
    finally:
        if not args.keep:
            drop(url)
    if not args.skip_shared:
        parsed = urlparse(url)
        shared_url = urlunparse(parsed._replace(path=parsed.path + "_shared"))
        from django.db import connections

        connections.close_all()
        os.environ["BENCH_DATABASE_URL"] = shared_url
        settings_dict = connections["default"].settings_dict
        settings_dict["NAME"] = urlparse(shared_url).path.lstrip("/")
        try:
            fresh_postgres("gridgov_bench_growth_shared")  # created and migrated
            shared(args)
        finally:
            if not args.keep:
                drop(shared_url)
    print(f"\nwhole run {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
