"""A province's summary: each county's headline figures for a period, read from the rollup tables
(cases.models.rollups) rather than the cases, so that twenty counties and millions of cases take
six small queries. The figures are those of `kpis()` (docs/kpis.md) for the county's root, as
of the last rollup run; open and overdue are the counties' state at that run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cases.models import RollupState
from cases.models.rollups import FIGURES
from cases.queries.figures import Period
from cases.queries.rolled import period_sums
from grids.models import GridNode, Province
from staff import access


@dataclass
class CountyFigures:
    county: GridNode
    received: int = 0
    accepted: int = 0
    escalated: int = 0
    due: int = 0
    closed: int = 0  # 结案数: due in the period and closed before its end
    closed_on_time: int = 0
    resolved_on_time: int = 0
    closed_in_period: int = 0
    reworked: int = 0
    rated: int = 0
    satisfied: int = 0
    # The rest of the rows' figures (cases.models.rollups.FIGURES), which the summary does not show.
    settled_grid: int = 0
    settled_village: int = 0
    settled_town: int = 0
    settled_county: int = 0
    settled_other: int = 0
    verified_in_time: int = 0
    handled: int = 0
    handling_us: int = 0
    open: int = 0  # at the last rollup run
    overdue: int = 0  # at the last rollup run
    as_of: dt.datetime | None = None

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def closure_rate(self) -> float | None:
        return self._rate(self.closed, self.due)

    @property
    def on_time_rate(self) -> float | None:
        return self._rate(self.closed_on_time, self.due)

    @property
    def resolved_on_time_rate(self) -> float | None:
        return self._rate(self.resolved_on_time, self.due)

    @property
    def satisfaction_rate(self) -> float | None:
        return self._rate(self.satisfied, self.rated)

    def add(self, other: CountyFigures) -> None:
        for name in (*FIGURES, "due", "closed_on_time", "resolved_on_time", "open", "overdue"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.closed_in_period = self.closed_in_period + other.closed_in_period


@dataclass
class ProvinceSummary:
    province: Province
    period: Period
    counties: list[CountyFigures]
    total: CountyFigures
    as_of: dt.datetime | None  # the oldest county's last run: every figure is at least this fresh
    never_counted: list[GridNode] = field(default_factory=list)


def provinces_of(user):
    """The provinces whose summary the user may read: those of their active posts (all of them
    for a superuser)."""
    if user.is_superuser:
        return Province.objects.order_by("code")
    if not access.can_anywhere(user, "province.view"):
        return Province.objects.none()
    return (
        Province.objects.filter(posts__in=user.province_posts.active()).distinct().order_by("code")
    )


def summary(province: Province, period: Period) -> ProvinceSummary:
    """Each county's figures for [period.start, period.end) from the rollups: six queries."""
    counties = list(
        GridNode.objects.filter(province=province, parent__isnull=True).order_by("code")
    )
    trees = [c.tree_id for c in counties]
    by_tree = {c.tree_id: CountyFigures(county=c) for c in counties}
    sums = period_sums("county_tree", trees, "county_tree", period.start, period.end)
    for tree, counts in sums.items():
        for name, value in counts.items():
            setattr(by_tree[tree], name, value)
    never = []
    states = {s.county_tree: s for s in RollupState.objects.filter(county_tree__in=trees)}
    for tree, figures in by_tree.items():
        state = states.get(tree)
        if state is None or state.refreshed_at is None:
            never.append(figures.county)
            continue
        figures.open, figures.overdue, figures.as_of = state.open, state.overdue, state.refreshed_at
    total = CountyFigures(county=None)  # type: ignore[arg-type]
    for figures in by_tree.values():
        total.add(figures)
    times = [f.as_of for f in by_tree.values() if f.as_of is not None]
    return ProvinceSummary(
        province=province,
        period=period,
        counties=list(by_tree.values()),
        total=total,
        as_of=min(times) if times else None,
        never_counted=never,
    )
