"""The naive versions the benchmarks compare against: what gridgov would do without its set-based
queries. Kept here, outside the product."""

from __future__ import annotations

import datetime as dt

from cases.actions.sweep import OPEN
from cases.models import Status
from cases.queries import STANDING, cases_in
from cases.queries.figures import Period
from grids.models import GridNode, Tier
from grids.queries import subtree


def naive_counts(node: GridNode, period: Period) -> dict[int, tuple[int, int, int]]:
    """The per-node way, for the benchmark only: three COUNT queries for every grid in scope."""
    start, end = period.bounds
    result = {}
    for grid in subtree(node).filter(tier=Tier.GRID):
        cases = cases_in(grid)
        due = cases.filter(STANDING, clear_by__gte=start, clear_by__lt=end)
        result[grid.pk] = (
            cases.filter(created_at__gte=start, created_at__lt=end).count(),
            due.count(),
            due.filter(status=Status.CLOSED, closed_at__lt=end).count(),
        )
    return result


def per_row_overdue_loop(queryset, now: dt.datetime, *, record: bool = False) -> int:
    """The way many ticket systems do it, kept for the benchmark's comparison only. `record`:
    also write each case's history event and its supervision notice, one row at a time, as
    the set-based sweep does for all of them at once."""
    from cases.models import CaseEvent
    from gridgov.models import OutboxMessage

    count = 0
    for case in queryset.filter(OPEN, overdue_since__isnull=True, clear_by__lt=now).iterator():
        case.overdue_since = now
        case.save()
        if record:
            CaseEvent.objects.create(
                case=case,
                action="supervise",
                automatic=True,
                from_status=case.status,
                to_status=case.status,
                from_owner_id=case.owner_node_id,
                to_owner_id=case.owner_node_id,
                note="The deadline has passed.",
                created_at=now,
            )
            # A plain insert (no look-up of an earlier notice first): the cheapest per-row way.
            OutboxMessage.objects.create(
                kind="case_supervised",
                case=case,
                payload={"automatic": True},
                dedupe_key=f"case_supervised:{case.pk}:{case.owner_node_id}:{case.clear_by}",
            )
        count += 1
    return count
