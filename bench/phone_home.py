"""Phone today at county scale: a grid worker's open cases should cost what their own grid holds,
not what the county holds.

One county as bench/dashboard.py builds it (10 towns, 100 villages, 600 grids, 6,000 micro-grids),
a grid worker holding one grid, and cases at two sizes: first 50,000, then 500,000 in the
database. The worker's own grid holds the same cases at both sizes (40 open, 200 closed); all the
growth is in the other grids. At each size, after ANALYZE: `my_open_cases(worker)` against the
form it replaced (`naive_open_cases`, below), in interleaved rounds, with the query count and the
plan's buffers and indexes; then the whole page `GET /m/` through Django's test client with each
form.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridgov_bench_phone_home \\
        .venv/bin/python bench/phone_home.py [--small 50000] [--large 500000] [--runs 20] [--plans]
"""

import argparse
import re
import statistics
import time

from _data import build_tree
from _setup import drop, fresh_postgres

OWN_OPEN, OWN_CLOSED = 40, 200  # the worker's own grid, the same at both sizes
ROUNDS = 4  # new, old, new, old: a shared machine's load falls on both forms alike


def naive_open_cases(user, limit: int = 20):
    """The form `my_open_cases` had before: the cases held at the person's levels found by
    walking every case's holder through the tree (`pk IN (cases whose owner node is in the
    subtree)`), OR-ed with the handler."""
    from django.db.models import BooleanField, ExpressionWrapper, Q

    from cases.models import OPEN_STATUSES, Case, Status
    from staff import access

    held_here = access.scope(user, "case.sign", Case.objects.all(), via="owner_node")
    signable = Q(status=Status.DISPATCHED, pk__in=held_here.values("pk")) & (
        Q(handler_id=user.pk) | Q(handler__isnull=True, handler_unit__isnull=True)
    )
    return list(
        Case.objects.filter(status__in=OPEN_STATUSES)
        .filter(Q(handler_id=user.pk) | Q(pk__in=held_here.values("pk")))
        .annotate(awaiting_my_sign=ExpressionWrapper(signable, output_field=BooleanField()))
        .select_related("node")
        .only("pk", "number", "title", "color", "status", "clear_by", "created_at", "node__name")
        .order_by("-awaiting_my_sign", "clear_by", "pk")[:limit]
    )


_COLUMNS = """number, tracking_code, title, description, source, emergency, node_id, owner_node_id,
    color, suggested_color, status, handler_id, reporter_name, reporter_phone, parties, location,
    result, public_reply, sms_opt_out, clear_by, accepted_at, resolved_at, closed_at,
    rework_count, escalation_count, reopen_count, settled_tier, extension_reason, created_at,
    updated_at, county_tree"""


def _columns() -> tuple[str, str]:
    """The INSERT's columns, and the SQL of the last value: the county's tree id, on a schema
    whose case rows carry it (`county_tree`), else nothing."""
    from cases.models import Case

    if any(f.column == "county_tree" for f in Case._meta.concrete_fields):
        return _COLUMNS, ", %(tree)s"
    return _COLUMNS.replace(", county_tree", ""), ""


def build_other_cases(first: int, last: int, now, tree: int) -> None:
    """Cases numbered first..last in every grid but the worker's, set-based (INSERT … SELECT
    generate_series, as bench/dashboard.py). Status and color come from a hash of the number,
    not from the node: bench/dashboard.py's `mod(g * 7, 20)` over 6,000 micro-grids (a multiple
    of 20) gives every case of a micro-grid the same status, which would leave some grids with
    no open case at all and others with nothing else. Here 15% are open (accepted, dispatched,
    handling), 75% closed, the rest untriaged or rejected, in every grid; a dispatched or
    handling case is handled by its grid's own worker."""
    from django.db import connection

    columns, county = _columns()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO cases_case ({columns})
            SELECT 'P-' || s.g, 'PT' || s.g, '基准事件', '基准事件的描述', 'patrol', false,
                s.node, s.node, CASE WHEN s.k <= 1 THEN '' ELSE s.color END, '',
                CASE WHEN s.k = 0 THEN 'reported' WHEN s.k = 1 THEN 'rejected'
                     WHEN s.k = 2 THEN 'accepted' WHEN s.k = 3 THEN 'dispatched'
                     WHEN s.k = 4 THEN 'handling' ELSE 'closed' END,
                CASE WHEN s.k IN (3, 4) THEN s.worker END,
                '', '', '', '', '', '', false,
                CASE WHEN s.k >= 2 THEN s.created + s.clear END,
                CASE WHEN s.k >= 2 THEN s.created + interval '1 hour' END,
                CASE WHEN s.k >= 5 THEN s.created + s.clear * s.took END,
                CASE WHEN s.k >= 5 THEN s.created + s.clear * s.took + interval '2 hours' END,
                0, 0, 0, CASE WHEN s.k >= 5 THEN 'grid' ELSE '' END, '', s.created, s.created
                {county}
            FROM (
                SELECT g, mod(h.v, 20) AS k,
                    CASE WHEN mod(g, 10) = 0 THEN gr.node_id ELSE mi.node_id END AS node,
                    CASE WHEN mod(g, 10) = 0 THEN gr.worker_id ELSE mi.worker_id END AS worker,
                    (ARRAY['yellow','yellow','yellow','orange','red'])[1 + mod(h.v / 20, 5)]
                        AS color,
                    (ARRAY[interval '1 day', interval '1 day', interval '1 day',
                           interval '7 days', interval '30 days'])[1 + mod(h.v / 20, 5)] AS clear,
                    CASE WHEN mod(h.v / 100, 7) = 0 THEN 1.5 ELSE 0.5 END AS took,
                    %(now)s - mod(g, 730) * interval '1 day' - mod(g, 17) * interval '1 hour'
                        AS created
                FROM generate_series(%(first)s, %(last)s) AS g
                CROSS JOIN LATERAL (SELECT hashint4(g)::bigint + 2147483648 AS v) AS h
                JOIN bench_micro mi ON mi.i = mod(g, (SELECT count(*) FROM bench_micro))
                JOIN bench_grid gr ON gr.i = mod(g / 10, (SELECT count(*) FROM bench_grid))
            ) AS s
            """,
            {"first": first, "last": last, "now": now, "tree": tree},
        )
        cursor.execute("VACUUM ANALYZE cases_case")  # as autovacuum would after a bulk load
        cursor.execute("ANALYZE")


def build_own_cases(grid, micro_ids: list[int], worker, now) -> None:
    """The worker's grid: OWN_OPEN open cases (accepted, dispatched to them or to nobody, handling
    by them; yellow, orange and red; some overdue) and OWN_CLOSED closed ones, spread over the
    grid and its micro-grids."""
    from django.db import connection

    nodes = [grid.pk, *micro_ids]
    columns, county = _columns()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO cases_case ({columns})
            SELECT 'W-' || g, 'WT' || g, '本网格事件', '本网格事件的描述', 'patrol', false,
                s.node, s.node, s.color, '', s.status,
                CASE WHEN s.status = 'handling' OR (s.status = 'dispatched' AND mod(g, 2) = 0)
                     THEN %(worker)s END,
                '', '', '', '', '', '', false,
                s.created + s.clear, s.created + interval '1 hour',
                CASE WHEN s.status = 'closed' THEN s.created + s.clear / 2 END,
                CASE WHEN s.status = 'closed' THEN s.created + s.clear / 2 + interval '2 hours'
                END,
                0, 0, 0, CASE WHEN s.status = 'closed' THEN 'grid' ELSE '' END, '',
                s.created, s.created {county}
            FROM (
                SELECT g, (%(nodes)s::int[])[1 + mod(g, %(n)s)] AS node,
                    CASE WHEN g > %(open)s THEN 'closed'
                         ELSE (ARRAY['accepted','dispatched','handling'])[1 + mod(g, 3)] END
                        AS status,
                    (ARRAY['yellow','yellow','orange','red'])[1 + mod(g / 3, 4)] AS color,
                    (ARRAY[interval '1 day', interval '1 day', interval '7 days',
                           interval '30 days'])[1 + mod(g / 3, 4)] AS clear,
                    %(now)s - mod(g * 7, 60) * interval '1 day' AS created
                FROM generate_series(1, %(total)s) AS g
            ) AS s
            """,
            {
                "worker": worker.pk,
                "nodes": nodes,
                "n": len(nodes),
                "open": OWN_OPEN,
                "total": OWN_OPEN + OWN_CLOSED,
                "now": now,
                "tree": grid.tree_id,
            },
        )


def build_people(county, own_grid):
    """The worker of `own_grid` (one grant, on that grid), and a worker for every other grid
    (their grid's handler in the data); the temporary tables that map a case's number to a node
    outside the worker's grid and that node's worker."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from grids.models import GridNode
    from staff.models import Assignment

    User = get_user_model()
    worker = User.objects.create_user(username="bench_worker")
    Assignment.objects.create(user=worker, node=own_grid, role="grid_worker")
    grids = list(
        GridNode.objects.filter(tree_id=county.tree_id, tier="grid")
        .exclude(pk=own_grid.pk)
        .order_by("lft")
        .values_list("pk", flat=True)
    )
    others = User.objects.bulk_create([User(username=f"bench_w{pk}", password="!") for pk in grids])
    worker_of = {pk: user.pk for pk, user in zip(grids, others, strict=True)}
    micro = list(
        GridNode.objects.filter(tree_id=county.tree_id, tier="micro_grid")
        .exclude(parent_id=own_grid.pk)
        .order_by("lft")
        .values_list("pk", "parent_id")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_micro (i int primary key, node_id int, worker_id int)"
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_grid (i int primary key, node_id int, worker_id int)"
        )
        cursor.executemany(
            "INSERT INTO bench_micro VALUES (%s, %s, %s)",
            [(i, pk, worker_of[parent]) for i, (pk, parent) in enumerate(micro)],
        )
        cursor.executemany(
            "INSERT INTO bench_grid VALUES (%s, %s, %s)",
            [(i, pk, worker_of[pk]) for i, pk in enumerate(grids)],
        )
    return worker


def captured(fn):
    """Run fn once; return its SQL statements as (sql, params)."""
    from django.db import connection

    statements = []

    def keep(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        fn()
    return statements


def explain(sql: str, params) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of one statement: its buffers, the scans it makes, its plan."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    # The top node's buffers are the statement's own (its children's included); planning's
    # buffers come after a "Planning:" line and are left out.
    buffers = next((line for line in plan if "Buffers:" in line), "")
    hit = re.search(r"hit=(\d+)", buffers)
    read = re.search(r"read=(\d+)", buffers)
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
    removed = sum(int(n) for n in re.findall(r"Rows Removed by Filter: (\d+)", "\n".join(plan)))
    return {
        "hit": int(hit.group(1)) if hit else 0,
        "read": int(read.group(1)) if read else 0,
        "scans": scans,
        "removed": removed,
        "plan": plan,
    }


def interleaved(forms: dict, runs: int) -> dict[str, float]:
    """Median ms of each form over `runs` calls, taken in ROUNDS rounds that alternate the
    forms (new, old, new, old), each form warmed once first."""
    times = {name: [] for name in forms}
    for fn in forms.values():
        fn()
    per_round = max(1, runs // ROUNDS)
    for _ in range(ROUNDS):
        for name, fn in forms.items():
            for _ in range(per_round):
                t = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t)
    return {name: statistics.median(values) * 1000 for name, values in times.items()}


def measure(size: int, worker, runs: int, plans: bool) -> dict:
    from django.test import Client

    import staff.mobile.today as today
    from cases.models import Case
    from cases.queries import my_open_cases

    assert Case.objects.count() == size, Case.objects.count()
    worker = type(worker).objects.get(pk=worker.pk)  # grants read anew, then kept per request
    new = [c.pk for c in my_open_cases(worker)]
    old = [c.pk for c in naive_open_cases(worker)]
    assert new == old, "the two forms disagree"
    assert len(new) == 20, len(new)  # 40 open in the grid, the first 20 shown

    forms = {"new": lambda: my_open_cases(worker), "old": lambda: naive_open_cases(worker)}
    result = {"size": size, "fn_ms": interleaved(forms, runs)}
    result["fn_queries"] = {name: len(captured(fn)) for name, fn in forms.items()}
    result["fn_plan"] = {}
    for name, fn in forms.items():
        (statement,) = [s for s in captured(fn) if "cases_case" in s[0]]
        result["fn_plan"][name] = explain(*statement)

    client = Client()
    client.force_login(worker)

    def page():
        response = client.get("/m/", secure=True)
        assert response.status_code == 200, response.status_code
        return response

    def page_old():
        today.my_open_cases = naive_open_cases  # the view with the former query
        try:
            return page()
        finally:
            today.my_open_cases = my_open_cases

    html = page().content.decode()
    assert html.count('href="/m/cases/') >= 20, "the page does not list the worker's cases"
    result["page_ms"] = interleaved({"new": page, "old": page_old}, runs)
    result["page_queries"] = {"new": len(captured(page)), "old": len(captured(page_old))}
    if plans:
        for name, info in result["fn_plan"].items():
            print(f"  plan of the {name} form at {size:,} cases:")
            for line in info["plan"]:
                print("    " + line)
    return result


def report(rows: list[dict]) -> None:
    def buffers(info):
        return f"{info['hit']:,} hit / {info['read']:,} read"

    print()
    print("my_open_cases(worker): median of", "interleaved rounds")
    header = (
        "cases",
        "form",
        "ms",
        "queries",
        "buffers (shared)",
        "rows filtered",
        "scans (index or table)",
    )
    print(
        f"{header[0]:>9} {header[1]:>4} {header[2]:>8} {header[3]:>7} {header[4]:>24} "
        f"{header[5]:>13}  {header[6]}"
    )
    for r in rows:
        for name in ("new", "old"):
            info = r["fn_plan"][name]
            print(
                f"{r['size']:>9,} {name:>4} {r['fn_ms'][name]:>8.2f} {r['fn_queries'][name]:>7} "
                f"{buffers(info):>24} {info['removed']:>13,}  {', '.join(info['scans'])}"
            )
    print()
    print("GET /m/ (whole page, test client)")
    for r in rows:
        for name in ("new", "old"):
            print(
                f"{r['size']:>9,} {name:>4} {r['page_ms'][name]:>8.2f} ms "
                f"{r['page_queries'][name]:>3} queries"
            )
    small, large = rows[0], rows[-1]
    factor = large["size"] / small["size"]
    print()
    print(f"growth {large['size']:,} / {small['size']:,} cases ({factor:.0f}× the data):")
    for name in ("new", "old"):
        fn = large["fn_ms"][name] / small["fn_ms"][name]
        page = large["page_ms"][name] / small["page_ms"][name]

        def buf(r, name=name):
            return r["fn_plan"][name]["hit"] + r["fn_plan"][name]["read"]

        same = (
            small["fn_queries"][name] == large["fn_queries"][name]
            and small["page_queries"][name] == large["page_queries"][name]
        )
        goal = "  (goal ≤ 1.3×, query count equal)" if name == "new" else ""
        print(
            f"  {name}: my_open_cases {fn:.2f}×, buffers {buf(large) / max(1, buf(small)):.2f}×, "
            f"GET /m/ {page:.2f}×, query counts {'equal' if same else 'DIFFER'}{goal}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=50_000)
    parser.add_argument("--large", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=20, help="timed calls per form and size")
    parser.add_argument("--plans", action="store_true", help="print each form's whole plan")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    started = time.perf_counter()
    url = fresh_postgres("gridgov_bench_phone_home")
    try:
        from django.conf import settings
        from django.test import override_settings
        from django.test.utils import setup_test_environment
        from django.utils import timezone

        from grids.models import GridNode

        setup_test_environment()  # lets the test client in (ALLOWED_HOSTS)
        plain = "django.contrib.staticfiles.storage.StaticFilesStorage"
        override_settings(
            STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": plain}}
        ).enable()
        t = time.perf_counter()
        county = build_tree()
        print(f"built the tree in {time.perf_counter() - t:.1f} s")
        own_grid = (
            GridNode.objects.filter(tree_id=county.tree_id, tier="grid").order_by("lft").first()
        )
        micro_ids = list(
            GridNode.objects.filter(parent=own_grid).order_by("lft").values_list("pk", flat=True)
        )
        worker = build_people(county, own_grid)
        now = timezone.now()
        own = OWN_OPEN + OWN_CLOSED
        build_own_cases(own_grid, micro_ids, worker, now)
        rows = []
        done = 0
        for size in (args.small, args.large):
            t = time.perf_counter()
            build_other_cases(done + 1, size - own, now, county.tree_id)
            done = size - own
            print(
                f"{size:,} cases in the database ({own} in the worker's grid), "
                f"built in {time.perf_counter() - t:.1f} s"
            )
            rows.append(measure(size, worker, args.runs, args.plans))
        report(rows)
    finally:
        if not args.keep:
            drop(url)
        print(f"\nwhole run {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
