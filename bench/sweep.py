"""Deadline sweep at county scale: a whole county's backlog in one run.

1,000,000 open cases, 100,000 of which have just passed their deadline: time the set-based
sweep clearing that backlog, then a steady-state run with nothing newly due; in the same run,
time the per-row way (load each case, save() it) on a 10,000-case sample, and print both rates
and the ratio.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridgov_bench \\
        .venv/bin/python bench/sweep.py [--cases 1000000] [--due 100000] [--sample 10000]
"""

import argparse
import statistics
import time

from _setup import drop, fresh_postgres


def build(cases: int, due: int):
    from django.db import connection
    from django.utils import timezone

    from grids import actions as grid_actions

    county = grid_actions.node_create(
        actor=None, parent_id=None, name="基准县", tier="county", code="619999"
    )
    town = grid_actions.node_create(
        actor=None, parent_id=county.pk, name="基准镇", tier="town", code="619999101"
    )
    village = grid_actions.node_create(
        actor=None, parent_id=town.pk, name="基准村", tier="village", code="619999101201"
    )
    grids = [
        grid_actions.node_create(
            actor=None,
            parent_id=village.pk,
            name=f"网格{i}",
            tier="grid",
            code=f"619999101201{i:03d}",
        )
        for i in range(1, 21)
    ]
    now = timezone.now()
    grid_ids = "ARRAY[" + ",".join(str(g.pk) for g in grids) + "]"
    # Open cases: `due` of them passed their deadline a minute ago, the rest fall due over the
    # coming month (beyond every warning window).
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO cases_case (number, tracking_code, title, description, source, emergency,
                node_id, owner_node_id, color, suggested_color, status, reporter_name,
                reporter_phone, parties, location, result, public_reply, sms_opt_out, clear_by,
                report_by, level_since,
                accepted_at, rework_count, escalation_count, reopen_count, settled_tier,
                extension_reason, created_at, updated_at, county_tree)
            SELECT 'B-' || g, 'T' || g, '基准事件', '基准', 'patrol', false,
                ({grid_ids})[1 + mod(g, 20)], ({grid_ids})[1 + mod(g, 20)], 'yellow', '', 'handling',
                '', '', '', '', '', '', false,
                CASE WHEN g <= %(due)s THEN %(now)s - interval '1 minute'
                     ELSE %(now)s + interval '2 days' + mod(g, 28) * interval '1 day' END,
                %(now)s + interval '60 days', %(now)s - interval '2 days', %(now)s - interval '2 days',
                0, 0, 0, '', '', %(now)s - interval '2 days', %(now)s, %(tree)s
            FROM generate_series(1, %(cases)s) AS g
            """,
            {"due": due, "cases": cases, "now": now, "tree": grids[0].tree_id},
        )
        cursor.execute("ANALYZE cases_case")
    return now


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    url = fresh_postgres("gridgov_bench_sweep")
    try:
        t = time.perf_counter()
        now = build(args.cases, args.due)
        print(
            f"built {args.cases:,} open cases ({args.due:,} just overdue) in {time.perf_counter() - t:.1f} s"
        )

        from bench.naive import per_row_overdue_loop
        from cases.actions import deadline_sweep
        from cases.models import Case, CaseEvent
        from gridgov.models import OutboxMessage

        t = time.perf_counter()
        result = deadline_sweep(now=now)
        backlog = time.perf_counter() - t
        assert result.overdue == args.due, result
        print(f"backlog sweep: {result.as_dict()} in {backlog:.2f} s  (target ≤ 10 s)")

        steady = []
        for _ in range(5):
            t = time.perf_counter()
            again = deadline_sweep(now=now)
            steady.append(time.perf_counter() - t)
            assert again.overdue == 0 and again.warned == 0, again
        print(
            f"steady-state sweep, nothing newly due: median {statistics.median(steady) * 1000:.1f} ms of 5 (target ≤ 100 ms)"
        )

        # Baselines: the same flagging done one row at a time, on a sample put back to "due";
        # once the flag alone, once with the history event and the notice the sweep writes too.
        sample = list(
            Case.objects.filter(overdue_since__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)[: args.sample]
        )
        set_rate = args.due / backlog
        rates = {}
        for record in (False, True):
            Case.objects.filter(pk__in=sample).update(overdue_since=None)
            # The sweep's own history and notices of the sample go: the loop writes them anew.
            CaseEvent.objects.filter(case_id__in=sample, action="supervise").delete()
            OutboxMessage.objects.filter(case_id__in=sample).delete()
            t = time.perf_counter()
            looped = per_row_overdue_loop(Case.objects.filter(pk__in=sample), now, record=record)
            loop_time = time.perf_counter() - t
            assert looped == len(sample)
            rates[record] = looped / loop_time
            what = "with history and notices" if record else "flag only"
            print(
                f"per-row loop (load, save() each; {what}): {looped:,} cases in {loop_time:.2f} s"
            )
        print(
            f"rates: set-based {set_rate:,.0f} cases/s (with history and notices); per-row "
            f"{rates[True]:,.0f} cases/s with them, {rates[False]:,.0f} flag only; ratio like "
            f"for like {set_rate / rates[True]:.1f}× (goal ≥ 20×), against the flag alone "
            f"{set_rate / rates[False]:.1f}×"
        )
    finally:
        if not args.keep:
            drop(url)


if __name__ == "__main__":
    main()
