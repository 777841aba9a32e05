"""The province summary: twenty counties and two million cases read from the rollup tables, beside
the naive way (each county's figures computed live from its cases with `kpis()`, as the county's
own dashboard does), in interleaved rounds.

1. Builds 20 counties (10 towns, 50 villages, 200 grids, 400 micro-grids each; bench/growth.py's
   shape) with --county cases each (default 100,000: 2,000,000 in all), statuses and colors mixed
   inside every grid, reported over two years; one province over all of them.
2. Counts the rollups from scratch (`rollups.rebuild()`), then changes --changed cases spread over
   every county (closed late, which moves old due days) and times the incremental run that beat
   makes every five minutes: the figures are at most five minutes plus that run old.
3. Times the summary page (`GET /desk/province/`, a province post, the test client with
   production settings) for this month and for the last twelve months, against the naive live
   computation of the same figures, and checks that both give equal figures for every county.

Goal: summary ≤ 100 ms (median) from the rollup tables, figures equal to the live ones.

    .venv/bin/python bench/province.py [--county 100000] [--requests 15] [--changed 2000]
"""

import argparse
import datetime as dt
import statistics
import time

from _data import insert_cases
from _setup import drop, fresh_postgres
from growth import build_small_county, settle, setup_django

COUNTIES = 20
ROUNDS = 3
COMPARED = (
    "received",
    "accepted",
    "escalated",
    "due",
    "closed",
    "closed_on_time",
    "resolved_on_time",
    "closed_in_period",
    "reworked",
    "rated",
    "satisfied",
)


def build(args):
    from django.utils import timezone

    from grids.models import GridNode, Province
    from staff.models import ProvincePost
    from tests.factories import UserFactory

    now = timezone.now()
    province = Province.objects.create(code="61", name="基准省")
    t = time.perf_counter()
    for i in range(1, COUNTIES + 1):
        county = build_small_county(i)
        insert_cases(county, (i - 1) * args.county + 1, i * args.county, now)
    GridNode.objects.filter(parent__isnull=True).update(province=province)
    settle()
    print(
        f"{COUNTIES} counties, {COUNTIES * args.county:,} cases, built in {time.perf_counter() - t:.0f} s"
    )
    user = UserFactory(username="bench_province")
    ProvincePost.objects.create(user=user, province=province)
    return province, user


def change_some(n: int) -> None:
    """n open cases spread over every county, closed now (late, for most): old due days move."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE cases_case SET status = 'closed', resolved_at = now() - interval '1 hour',
                closed_at = now(), settled_tier = 'grid', updated_at = now()
            WHERE id IN (
                SELECT id FROM cases_case WHERE status IN ('accepted', 'dispatched', 'handling')
                ORDER BY hashint4(id::int) LIMIT %s)
            """,
            [n],
        )


def periods():
    from django.utils import timezone

    from cases.queries.figures import Period

    today = timezone.localdate()
    month = Period("month", today.replace(day=1), today + dt.timedelta(days=1))
    year = Period("range", today - dt.timedelta(days=364), today + dt.timedelta(days=1))
    return {"this month": month, "last 12 months": year}


def live(province, period):
    """The naive version: every county's figures computed from its cases, as its dashboard does
    (overdue taken at the moment of the county's last rollup run, to compare like with like)."""
    from cases.models import RollupState
    from cases.queries import kpis
    from grids.models import GridNode

    start, end = period.bounds
    runs = dict(RollupState.objects.values_list("county_tree", "refreshed_at"))
    return {
        c.pk: kpis(c, start, end, now=runs[c.tree_id])
        for c in GridNode.objects.filter(province=province, parent__isnull=True)
    }


def timed(fn, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--county", type=int, default=100_000, help="cases per county")
    parser.add_argument("--requests", type=int, default=15, help="timed requests per measure")
    parser.add_argument("--changed", type=int, default=2_000, help="cases changed before a refresh")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    url = fresh_postgres("gridgov_bench_province")
    try:
        setup_django()
        from django.test import Client

        from cases import rollups
        from cases.queries import province as summary_of

        province, user = build(args)
        t = time.perf_counter()
        towns = sum(rollups.rebuild().values())
        print(f"full rebuild: {towns} towns counted in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        counted = sum(rollups.refresh().values())
        print(
            f"incremental run, nothing changed: {counted} towns in {time.perf_counter() - t:.2f} s"
        )
        change_some(args.changed)
        t = time.perf_counter()
        counted = sum(rollups.refresh().values())
        took = time.perf_counter() - t
        fresh = 240 + took <= 300
        print(
            f"incremental run after {args.changed:,} cases closed: {counted} towns counted in "
            f"{took:.1f} s (beat runs it every 240 s: figures at most {240 + took:.0f} s old; "
            f"≤ 300 s: {'met' if fresh else 'NOT met'})"
        )
        client = Client()
        client.force_login(user)
        response = client.get("/desk/province/", secure=True)
        assert response.status_code == 200, response.status_code
        assert "基准县" in response.content.decode() or "共享县1" in response.content.decode()
        ok = fresh
        print(f"\n{'measure':<44}{'median ms':>10}{'p95 ms':>9}   goal")
        for label, period in periods().items():
            query = f"?period=range&start={period.start:%Y-%m-%d}&end={period.last_day:%Y-%m-%d}"
            page = []
            naive = []
            for _ in range(ROUNDS):
                page += timed(
                    lambda q=query: client.get(f"/desk/province/{q}", secure=True),
                    args.requests // ROUNDS,
                )
                naive += timed(
                    lambda p=period: live(province, p), max(1, args.requests // ROUNDS // 3)
                )
            rolled = {c.county.pk: c for c in summary_of.summary(province, period).counties}
            computed = live(province, period)
            # Overdue is the state at the run: live, taken at the same moment (`as_of`).
            equal = all(
                getattr(rolled[pk], name) == getattr(k, name)
                for pk, k in computed.items()
                for name in (*COMPARED, "overdue")
            )
            med = statistics.median(page)
            p95 = sorted(page)[max(0, int(len(page) * 0.95) - 1)]
            met = med <= 100
            ok &= met and equal
            print(
                f"{'summary page, ' + label:<44}{med:>10.1f}{p95:>9.1f}   ≤ 100 ms: {'met' if met else 'NOT met'}"
            )
            nmed = statistics.median(naive)
            print(
                f"{'naive: 20 × kpis() live, ' + label:<44}{nmed:>10.1f}{max(naive):>9.1f}   ({nmed / med:.0f}× the page)"
            )
            print(f"{'  figures equal to the live ones':<44}{'yes' if equal else 'NO':>10}")
        print("\nall goals met" if ok else "\nNOT all goals met")
    finally:
        if not args.keep:
            drop(url)


if __name__ == "__main__":
    main()
