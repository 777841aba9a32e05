"""The grid ranking (weighted by difficulty, 难度系数) and the town-by-town comparison of a county."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, F, Q
from django.db.models.functions import Substr
from django.utils import timezone

from cases.models import Status
from cases.queries.cases import cases_in
from cases.queries.figures import (
    DIFFICULTY_WEIGHTS,
    GRID_CODE_LENGTH,
    TOWN_CODE_LENGTH,
    Period,
    _period_counts,
    cases_link,
)
from grids.models import GridNode, Tier
from grids.queries import subtree


@dataclass
class Standing:
    """One row of a ranking or comparison: a node and its period figures."""

    node: GridNode
    received: int = 0
    due: int = 0
    closed: int = 0  # of the cases due in the period, as the dashboard's 结案数
    on_time: int = 0  # 按期结案: of those due, closed (verified) by the deadline
    weight: float = 1.0
    period: Period | None = None
    # Patrol and visit compliance (grid ranking only; docs/kpis.md): None = nothing to count.
    patrol_days: int = 0
    patrol_days_total: int = 0
    visits_on_time: int = 0
    visits_due: int = 0

    @cached_property
    def links(self) -> dict[str, str]:
        start, last = self.period.start, self.period.last_day
        due = {"due_from": start, "due_to": last}
        return {
            "received": cases_link(self.node, received_from=start, received_to=last),
            "due": cases_link(self.node, **due),
            "closed": cases_link(self.node, status=Status.CLOSED, **due),
            "on_time": cases_link(self.node, status=Status.CLOSED, on_time="closed", **due),
        }

    @property
    def closure_rate(self) -> float | None:
        return round(self.closed / self.due, 4) if self.due else None

    @property
    def on_time_rate(self) -> float | None:
        return round(self.on_time / self.due, 4) if self.due else None

    @property
    def score(self) -> float:
        return round(self.on_time * self.weight, 2)

    @property
    def patrol_rate(self) -> float | None:
        return (
            round(self.patrol_days / self.patrol_days_total, 4) if self.patrol_days_total else None
        )

    @property
    def visit_rate(self) -> float | None:
        return round(self.visits_on_time / self.visits_due, 4) if self.visits_due else None


def _grouped(node: GridNode, period: Period, code_length: int, tiers) -> dict[str, dict]:
    """Period figures grouped by the first `code_length` characters of the case's node code
    (its grid or its town: a node's code starts with its parent's): one grouped query."""
    where, figures = _period_counts(*period.bounds)
    rows = (
        cases_in(node)
        .filter(where, node__tier__in=tiers)
        .annotate(unit=Substr("node__code", 1, code_length))
        .values("unit")
        .annotate(**figures)
        .order_by()
    )
    return {row.pop("unit"): row for row in rows}


def _standings(units, counts, period: Period, weights: bool) -> list[Standing]:
    result = []
    for unit in units:
        row = counts.get(unit.code, {})
        weight = DIFFICULTY_WEIGHTS.get(unit.difficulty, 1.0) if weights else 1.0
        result.append(Standing(unit, **row, weight=weight, period=period))
    return result


def _grids_in(node: GridNode, via: str) -> Q:
    """Rows whose node (through `via`) is a grid or micro-grid in `node`'s subtree."""
    return GridNode.subtree_q(node, via=via) & Q(
        **{f"{via}__tier__in": (Tier.GRID, Tier.MICRO_GRID)}
    )


def _compliance(node: GridNode, period: Period, today: dt.date) -> tuple[dict, dict]:
    """Patrol days and visits (on time, due) per grid code: one grouped query each
    (docs/kpis.md, "Grid ranking")."""
    from grids.models import Household
    from staff.models import Patrol

    up_to = min(period.end, today + dt.timedelta(days=1))  # days of the period so far
    patrols = (
        Patrol.objects.filter(
            _grids_in(node, "node"),
            finished_at__isnull=False,
            date__gte=period.start,
            date__lt=up_to,
        )
        .annotate(unit=Substr("node__code", 1, GRID_CODE_LENGTH))
        .values("unit")
        .annotate(days=Count("date", distinct=True))
        .order_by()
    )
    due_in = Q(visits__due__gte=period.start, visits__due__lt=period.end)
    visits = (
        Household.objects.filter(_grids_in(node, "node"))
        .annotate(unit=Substr("node__code", 1, GRID_CODE_LENGTH))
        .values("unit")
        .annotate(
            done=Count("visits", filter=due_in),
            on_time=Count("visits", filter=due_in & Q(visits__date__lte=F("visits__due"))),
            missed=Count(
                "pk",
                distinct=True,
                filter=Q(
                    next_visit_due__gte=period.start, next_visit_due__lt=min(period.end, today)
                ),
            ),
        )
        .order_by()
    )
    return {r["unit"]: r["days"] for r in patrols}, {r.pop("unit"): r for r in visits}


def grid_ranking(node: GridNode, period: Period, today: dt.date | None = None) -> list[Standing]:
    """Grids in scope ranked by score = on-time closures (按期结案) × difficulty weight (A 1.2,
    B 1.0, C 0.8), then on-time rate, then code; cases in a micro-grid count for its grid. Each row
    also carries the grid's patrol and visit compliance."""
    grids = list(
        subtree(node).filter(tier=Tier.GRID).only("pk", "name", "code", "difficulty", "parent")
    )
    if node.tier == Tier.MICRO_GRID:
        grids = []
    counts = _grouped(node, period, GRID_CODE_LENGTH, (Tier.GRID, Tier.MICRO_GRID))
    ranked = _standings(grids, counts, period, weights=True)
    if grids:
        today = today or timezone.localdate()
        patrol_days, visits = _compliance(node, period, today)
        days_so_far = max((min(period.end, today + dt.timedelta(days=1)) - period.start).days, 0)
        for s in ranked:
            v = visits.get(s.node.code, {})
            s.patrol_days = patrol_days.get(s.node.code, 0)
            s.patrol_days_total = days_so_far
            s.visits_on_time = v.get("on_time", 0)
            s.visits_due = v.get("done", 0) + v.get("missed", 0)
    ranked.sort(key=lambda s: (-s.score, -(s.on_time_rate or 0), s.node.code))
    return ranked


def town_comparison(
    county: GridNode, period: Period, by_town: dict[int, Mapping] | None = None
) -> list[Standing]:
    """Every town of the county side by side: one grouped query, towns as rows; none when the
    figures by town are given (read from the rollups, cases.queries.rolled)."""
    towns = list(county.get_children().filter(tier=Tier.TOWN).only("pk", "name", "code"))
    if by_town is not None:
        counts = {
            t.code: {name: by_town.get(t.pk, {}).get(figure, 0) for name, figure in _ROLLED}
            for t in towns
        }
    else:
        below_town = [t for t in Tier.values if t not in (Tier.COUNTY, Tier.TOWN)] + [Tier.TOWN]
        counts = _grouped(county, period, TOWN_CODE_LENGTH, below_town)
    return _standings(towns, counts, period, weights=False)


# A comparison row's figures by the names the rollups give them.
_ROLLED = (
    ("received", "received"),
    ("due", "due"),
    ("closed", "closed"),
    ("on_time", "closed_on_time"),
)
