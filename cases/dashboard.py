"""The desk dashboard's figures (issue: Township desk, items 5 and 7).

A fixed handful of queries whatever the size of the scope: the KPI set (`queries.kpis`, one
query, which also gives the ladder), the 12-week trend (one query, conditional aggregation),
the grid ranking (one grouped query, plus the grid list, plus one grouped query each for
patrol and visit compliance) and, for a county, the town-by-town
comparison (one grouped query, plus the town list). docs/kpis.md says what each figure counts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, DateField, F, Q
from django.db.models.functions import Substr, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Report, Status
from cases.queries import STANDING, Kpis, cases_in, kpis
from cases.reports import period_containing
from grids.models import GridNode, Tier
from grids.queries import subtree
from staff import access

PERIODS = ("week", "month", "quarter", "range")
DEFAULT_PERIOD = "month"
MAX_RANGE_DAYS = 366
TREND_WEEKS = 12
# 难度系数: a closure on time in a hard grid weighs more (docs/kpis.md, "Grid ranking").
DIFFICULTY_WEIGHTS = {"A": 1.2, "B": 1.0, "C": 0.8, "": 1.0}
GRID_CODE_LENGTH = 15  # a grid's code; a micro-grid's code extends it (grids/models.py)
TOWN_CODE_LENGTH = 9
RANKING_SHOWN = 30  # the whole ranking is computed; the page lists the first 30
CASES_PAGE = "/desk/cases/"
BOARD_PAGE = "/desk/board/"
_KIND = {
    "week": Report.Kind.WEEKLY,
    "month": Report.Kind.MONTHLY,
    "quarter": Report.Kind.QUARTERLY,
}


# ---------------------------------------------------------------- period and scope


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date  # first day
    end: dt.date  # day after the last day
    error: str = ""

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        return midnight(self.start), midnight(self.end)


def midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


def parse_period(params, today: dt.date) -> Period:
    """The period asked for (`period`, and `start`/`end` for a range, both days included);
    anything unreadable gives the default period with a message saying why."""
    kind = params.get("period") or DEFAULT_PERIOD
    if kind in _KIND:
        return Period(kind, *period_containing(_KIND[kind], today))
    default = Period(DEFAULT_PERIOD, *period_containing(_KIND[DEFAULT_PERIOD], today))
    if kind != "range":
        return Period(
            default.kind, default.start, default.end, _("Unknown period; showing this month.")
        )
    start, last = _day(params.get("start")), _day(params.get("end"))
    if start is None or last is None:
        error = _("Give the range as two dates, YYYY-MM-DD; showing this month.")
    elif last < start:
        error = _("The range ends before it starts; showing this month.")
    elif (last - start).days >= MAX_RANGE_DAYS:
        error = _("A range may cover at most %(days)d days; showing this month.") % {
            "days": MAX_RANGE_DAYS
        }
    else:
        return Period("range", start, last + dt.timedelta(days=1))
    return Period(default.kind, default.start, default.end, error)


def scope_root(user) -> GridNode | None:
    """Where the user's dashboard opens: the highest node on which they may see reports."""
    allowed = access.PERMISSIONS["report.view"]
    held = [g for g in access.grants(user) if g.role in allowed]
    if user.is_superuser and not held:
        return GridNode.objects.filter(parent__isnull=True).order_by("tree_id").first()
    if not held:
        return None
    top = min(held, key=lambda g: (g.level, g.tree_id, g.lft))
    return GridNode.objects.get(pk=top.node_id)


# ---------------------------------------------------------------- links to the cases behind


def cases_link(node: GridNode, page: str = CASES_PAGE, **filters) -> str:
    """The list of cases behind a figure: the cases page (or the board) with its filters."""
    query = {"node": node.pk}
    for key, value in filters.items():
        if value is None or value == "":
            continue
        query[key] = value.isoformat() if isinstance(value, dt.date) else value
    return f"{page}?{urlencode(query)}"


def _figure_links(node: GridNode, start: dt.date, end: dt.date) -> dict[str, str]:
    """Links for the KPI figures of one node and period [start, end)."""
    last = end - dt.timedelta(days=1)
    received = {"received_from": start, "received_to": last}
    due = {"due_from": start, "due_to": last}
    closed = {"status": Status.CLOSED, "closed_from": start, "closed_to": last}
    return {
        "received": cases_link(node, **received),
        "accepted": cases_link(node, accepted_from=start, accepted_to=last),
        "due": cases_link(node, **due),
        "closed": cases_link(node, status=Status.CLOSED, **due),
        "closed_on_time": cases_link(node, status=Status.CLOSED, on_time=1, **due),
        "open_due": cases_link(node, page=BOARD_PAGE, **due),
        "closed_in_period": cases_link(node, **closed),
        "settled_grid": cases_link(node, settled="grid", **closed),
        "settled_village": cases_link(node, settled="village", **closed),
        "settled_town": cases_link(node, settled="town", **closed),
        "settled_county": cases_link(node, settled="county", **closed),
        "escalated": cases_link(node, accepted_from=start, accepted_to=last, escalated=1),
        "reworked": cases_link(node, reworked=1, **closed),
        "rated": cases_link(node, rated_from=start, rated_to=last),
    }


# ---------------------------------------------------------------- the figures


@dataclass
class Week:
    start: dt.date
    received: int
    due: int
    closed: int
    links: dict = field(default_factory=dict)

    @property
    def closure_rate(self) -> float | None:
        return round(self.closed / self.due, 4) if self.due else None


def trend(node: GridNode, today: dt.date, weeks: int = TREND_WEEKS) -> list[Week]:
    """Received, due and closed (as `kpis` counts them) for each of the last `weeks` weeks,
    the current week included: two grouped queries (by the week a case was reported, and by the
    week its deadline fell in), each reading only the window's rows through a date index."""
    this_monday = today - dt.timedelta(days=today.weekday())
    starts = [this_monday - dt.timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    first, last = midnight(starts[0]), midnight(this_monday + dt.timedelta(weeks=1))
    tz = timezone.get_current_timezone()
    received = {
        row["week"]: row["n"]
        for row in cases_in(node)
        .filter(created_at__gte=first, created_at__lt=last)
        .annotate(week=TruncWeek("created_at", tzinfo=tz, output_field=DateField()))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
    }
    # "Closed" among the due counts a case closed before the end of its deadline's week, that is
    # closed in that week or an earlier one (weeks compared as local Monday dates).
    due = {
        row["week"]: row
        for row in cases_in(node)
        .filter(STANDING, clear_by__gte=first, clear_by__lt=last)
        .annotate(
            week=TruncWeek("clear_by", tzinfo=tz, output_field=DateField()),
            closed_week=TruncWeek("closed_at", tzinfo=tz, output_field=DateField()),
        )
        .values("week")
        .annotate(
            due=Count("pk"),
            closed=Count("pk", filter=Q(status=Status.CLOSED, closed_week__lte=F("week"))),
        )
        .order_by()
    }
    result = []
    for start in starts:
        links = _figure_links(node, start, start + dt.timedelta(weeks=1))
        row = due.get(start, {})
        result.append(
            Week(
                start,
                received.get(start, 0),
                row.get("due", 0),
                row.get("closed", 0),
                {k: links[k] for k in ("received", "due", "closed")},
            )
        )
    return result


TREND_CACHE_SECONDS = 300


def cached_trend(
    node: GridNode, today: dt.date, now: dt.datetime
) -> tuple[list[Week], dt.datetime]:
    """The 12-week trend, kept for five minutes: twelve weeks of history move slowly, and the
    page says when the trend was computed. Without a working cache it is computed each time."""
    key = f"dashboard-trend:{node.pk}:{today.isoformat()}"
    try:
        hit = cache.get(key)
    except Exception:  # a cache that is down must not take the page with it
        hit = None
    if hit is not None:
        return hit
    value = (trend(node, today), now)
    with contextlib.suppress(Exception):
        cache.set(key, value, TREND_CACHE_SECONDS)
    return value


@dataclass
class Rung:
    tier: str
    label: str
    count: int
    share: float | None
    link: str


def ladder(node: GridNode, k: Kpis, links: dict) -> list[Rung]:
    """Where the cases closed in the period were settled (小事不出网格): from the KPI set."""
    return [
        Rung("grid", _("Grid / micro-grid"), k.settled_grid, k.grid_share, links["settled_grid"]),
        Rung("village", _("Village"), k.settled_village, k.village_share, links["settled_village"]),
        Rung("town", _("Town"), k.settled_town, k.town_share, links["settled_town"]),
        Rung("county", _("County"), k.settled_county, k.county_share, links["settled_county"]),
    ]


def _period_counts(start: dt.datetime, end: dt.datetime) -> tuple[Q, dict]:
    """A WHERE that keeps only cases a period's figures can count, and those figures."""
    due = STANDING & Q(clear_by__gte=start, clear_by__lt=end)
    closed_due = due & Q(status=Status.CLOSED, closed_at__lt=end)
    where = Q(created_at__gte=start, created_at__lt=end) | due
    return where, {
        "received": Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)),
        "due": Count("pk", filter=due),
        "closed": Count("pk", filter=closed_due),
        "on_time": Count("pk", filter=closed_due & Q(resolved_at__lte=F("clear_by"))),
    }


@dataclass
class Standing:
    """One row of a ranking or comparison: a node and its period figures."""

    node: GridNode
    received: int = 0
    due: int = 0
    closed: int = 0
    on_time: int = 0
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
            "on_time": cases_link(self.node, status=Status.CLOSED, on_time=1, **due),
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


def _in_subtree(node: GridNode, via: str) -> Q:
    return Q(
        **{
            f"{via}__tree_id": node.tree_id,
            f"{via}__lft__gte": node.lft,
            f"{via}__rght__lte": node.rght,
            f"{via}__tier__in": (Tier.GRID, Tier.MICRO_GRID),
        }
    )


def _compliance(node: GridNode, period: Period, today: dt.date) -> tuple[dict, dict]:
    """Patrol days and visits (on time, due) per grid code: one grouped query each
    (docs/kpis.md, "Grid ranking")."""
    from grids.models import Household
    from staff.models import Patrol

    up_to = min(period.end, today + dt.timedelta(days=1))  # days of the period so far
    patrols = (
        Patrol.objects.filter(
            _in_subtree(node, "node"),
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
        Household.objects.filter(_in_subtree(node, "node"))
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
    """Grids in scope ranked by score = on-time closures × difficulty weight (A 1.2, B 1.0,
    C 0.8), then on-time rate, then code; cases in a micro-grid count for its grid. Each row
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


def town_comparison(county: GridNode, period: Period) -> list[Standing]:
    """Every town of the county side by side: one grouped query, towns as rows."""
    towns = list(county.get_children().filter(tier=Tier.TOWN).only("pk", "name", "code"))
    below_town = [t for t in Tier.values if t not in (Tier.COUNTY, Tier.TOWN)] + [Tier.TOWN]
    counts = _grouped(county, period, TOWN_CODE_LENGTH, below_town)
    return _standings(towns, counts, period, weights=False)


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

    @property
    def trend_chart(self) -> dict:
        return trend_chart(self.trend)

    @property
    def ladder_chart(self) -> list[dict]:
        return ladder_chart(self.ladder)

    @property
    def ranking_top(self) -> list[Standing]:
        return self.ranking[:RANKING_SHOWN]


def dashboard(node: GridNode, period: Period, now: dt.datetime | None = None) -> Dashboard:
    """Everything the dashboard shows for a node and a period: a fixed number of queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    k = kpis(node, *period.bounds)
    links = _figure_links(node, period.start, period.end)
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
        towns=town_comparison(node, period) if node.tier == Tier.COUNTY else None,
        generated_at=now,
    )


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


# ---------------------------------------------------------------- chart geometry (inline SVG)

CHART_W, CHART_H, CHART_PAD = 640, 170, 22


def trend_chart(weeks: list[Week]) -> dict:
    """Bar positions for the 12-week chart (received, closed; closure rate as a line)."""
    top = max([max(w.received, w.due, w.closed) for w in weeks] + [1])
    slot = (CHART_W - 2 * CHART_PAD) / len(weeks)
    bar = slot * 0.36
    base = CHART_H - CHART_PAD
    scale = (CHART_H - 2 * CHART_PAD) / top
    bars, points = [], []
    for i, w in enumerate(weeks):
        x = CHART_PAD + i * slot + slot * 0.12
        for j, (kind, value) in enumerate((("received", w.received), ("closed", w.closed))):
            h = round(value * scale, 1)
            bars.append(
                {
                    "kind": kind,
                    "x": round(x + j * bar, 1),
                    "y": round(base - h, 1),
                    "w": round(bar - 1, 1),
                    "h": h,
                    "value": value,
                    "week": w,
                    "link": w.links[kind],
                }
            )
        if w.closure_rate is not None:
            cx = round(x + bar, 1)
            points.append(f"{cx},{round(base - w.closure_rate * (CHART_H - 2 * CHART_PAD), 1)}")
    labels = [
        {"x": round(CHART_PAD + i * slot + slot / 2, 1), "week": w} for i, w in enumerate(weeks)
    ]
    return {
        "w": CHART_W,
        "h": CHART_H,
        "base": base,
        "pad": CHART_PAD,
        "top": top,
        "bars": bars,
        "rate_line": " ".join(points),
        "labels": labels,
        "right": CHART_W - CHART_PAD,
    }


def ladder_chart(rungs: list[Rung], width: int = 250) -> list[dict]:
    """Horizontal bar lengths for the ladder (share of cases closed in the period)."""
    return [
        {"rung": r, "y": i * 26, "w": round((r.share or 0) * width, 1)} for i, r in enumerate(rungs)
    ]
