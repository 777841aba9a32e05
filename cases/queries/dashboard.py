"""The desk dashboard in a fixed handful of queries whatever the size of the scope: the KPI set
(`queries.kpis`, one query, which also gives the ladder), the 12-week trend (one query), the
grid ranking and, for a county, the town-by-town comparison (cases.queries.ranking), and the
12345 hotline's three rates (one query, cases.queries.hotline).
docs/kpis.md says what each figure counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from cases.models import Case
from cases.queries.cases import Kpis
from cases.queries.charts import ladder_chart, trend_chart
from cases.queries.figures import (
    DIFFICULTY_WEIGHTS,
    PERIODS,
    RANKING_SHOWN,
    Period,
    Rung,
    Week,
    _figure_links,
    cached_trend,
    ladder,
    parse_period,
    scope_root,
    trend,
)
from cases.queries.hotline import HotlineRates, hotline_rates
from cases.queries.periods import midnight
from cases.queries.ranking import Standing, grid_ranking, town_comparison
from cases.queries.rolled import current
from grids.models import GridNode, Tier

# What the dashboard page and its benchmark read besides the assembled figures.
__all__ = [
    "DIFFICULTY_WEIGHTS",
    "PERIODS",
    "Dashboard",
    "Period",
    "dashboard",
    "figures_key",
    "grid_ranking",
    "midnight",
    "parse_period",
    "scope_root",
    "town_comparison",
    "trend",
]


@dataclass
class Dashboard:
    node: GridNode
    period: Period
    kpis: Kpis
    links: dict
    ladder: list[Rung]
    trend: list[Week]
    ranking: list[Standing]
    towns: list[Standing] | None
    generated_at: dt.datetime
    trend_as_of: dt.datetime | None = None
    hotline: HotlineRates | None = None  # the 12345 hotline's 三率 (cases/queries/hotline.py)

    @property
    def trend_chart(self) -> dict:
        return trend_chart(self.trend)

    @property
    def ladder_chart(self) -> list[dict]:
        return ladder_chart(self.ladder)

    @property
    def ranking_top(self) -> list[Standing]:
        return self.ranking[:RANKING_SHOWN]

    @property
    def overdue_now(self) -> bool:
        """Whether 超期数 is counted now (the period runs on) rather than at its end."""
        return self.generated_at < midnight(self.period.end)


def dashboard(node: GridNode, period: Period, now: dt.datetime | None = None) -> Dashboard:
    """Everything the dashboard shows for a node and a period: a fixed number of queries."""
    # To the second, so that the overdue count and its link's instant are the same moment.
    now = (now or timezone.now()).replace(microsecond=0)
    today = timezone.localdate(now)
    # A town's or a county's figures come from the rollups brought up to the moment, so that
    # they cost the same for ten times the cases (cases.queries.rolled).
    k, by_town = current(node, *period.bounds, now=now)
    links = _figure_links(node, period.start, period.end, as_of=now)
    weeks, trend_as_of = cached_trend(node, today, now)
    return Dashboard(
        node=node,
        period=period,
        kpis=k,
        links=links,
        ladder=ladder(node, k, links),
        trend=weeks,
        trend_as_of=trend_as_of,
        ranking=grid_ranking(node, period, today),
        towns=town_comparison(node, period, by_town) if node.tier == Tier.COUNTY else None,
        generated_at=now,
        hotline=hotline_rates(node, *period.bounds, now=now),
    )


def figures_key(node: GridNode, period: Period, now: dt.datetime, language: str) -> str | None:
    """The key under which a dashboard's rendered figures may be kept, or None when they must
    not be (a period with a message about the caller's own input).

    It holds the newest change of any case of the county (`updated_at`, read backwards through
    the `(county_tree, updated_at)` index: one row), so that a case reported, handled, handed
    on or closed shows on the next request. Figures that move with the clock alone (超期数 "now",
    the patrol days of the period so far) and those read from other tables (patrols, visits,
    the tree's names and difficulty) are taken at the minute the key also holds: at most a
    minute old, and the page says when they were computed."""
    if period.error:
        return None
    newest = Case.objects.filter(county_tree=node.tree_id).aggregate(at=Max("updated_at"))["at"]
    version = newest.isoformat() if newest else "-"
    minute = now.replace(second=0, microsecond=0).isoformat()
    return (
        f"dashboard:{node.pk}:{period.kind}:{period.start}:{period.end}:{language}:"
        f"{minute}:{version}"
    )
