"""The dashboard's building blocks: the period asked for, the scope's top node, the links from a
figure to the cases behind it, the 12-week trend (one query, conditional aggregation) and the
ladder of where cases were settled."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, DateField, F, Q
from django.db.models.functions import TruncWeek
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import PeriodicReport, Status
from cases.queries.cases import SETTLED_OTHER, STANDING, Kpis, cases_in, closed_on_time
from cases.queries.periods import midnight, period_containing
from gridgov.cache import get_or_none, set_quietly
from gridgov.cleaning import plausible_day
from grids.models import GridNode
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
# The pages a figure links to, by URL name (cases/desk/urls.py).
CASES_PAGE = "case_list"
BOARD_PAGE = "desk_board"
_KIND = {
    "week": PeriodicReport.Kind.WEEKLY,
    "month": PeriodicReport.Kind.MONTHLY,
    "quarter": PeriodicReport.Kind.QUARTERLY,
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


def _day(value: str | None) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(value or "")
    except ValueError:
        return None
    return day if plausible_day(day) else None


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
    return access.top_node(user, "dashboard.view")


# ---------------------------------------------------------------- links to the cases behind


@functools.lru_cache(maxsize=16)
def _page_url(page: str, prefix: str) -> str:
    # A dashboard makes thousands of links to two pages: resolve each page once per prefix.
    return reverse(page)


def cases_link(node: GridNode, page: str = CASES_PAGE, **filters) -> str:
    """The list of cases behind a figure: the cases page (or the board, `page` names it) with
    its filters."""
    query = {"node": node.pk}
    for key, value in filters.items():
        if value is None or value == "":
            continue
        query[key] = value.isoformat() if isinstance(value, dt.date) else value
    return f"{_page_url(page, get_script_prefix())}?{urlencode(query)}"


class _Links(Mapping):
    """A figure's links by name, each made when a page first shows it: a dashboard shows a
    few of them for each of hundreds of rows and weeks."""

    def __init__(self, node: GridNode, specs: dict[str, tuple[str, dict]]):
        self._node, self._specs, self._made = node, specs, {}

    def __getitem__(self, name: str) -> str:
        if name not in self._made:
            page, filters = self._specs[name]
            self._made[name] = cases_link(self._node, page, **filters)
        return self._made[name]

    def __iter__(self):
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)


def _figure_links(
    node: GridNode, start: dt.date, end: dt.date, as_of: dt.datetime | None = None
) -> Mapping[str, str]:
    """Links for the KPI figures of one node and period [start, end). `as_of` is the moment the
    overdue are counted at when the period has not ended yet (kpis' `now`)."""
    last = end - dt.timedelta(days=1)
    received = {"received_from": start, "received_to": last}
    due = {"due_from": start, "due_to": last}
    closed = {"status": Status.CLOSED, "closed_from": start, "closed_to": last}
    if as_of is not None and as_of < midnight(end):
        overdue = timezone.localtime(as_of).replace(microsecond=0).isoformat()
    else:
        overdue = last  # the end of the period's last day
    specs = {
        "received": (CASES_PAGE, {**received}),
        "accepted": (CASES_PAGE, {"accepted_from": start, "accepted_to": last}),
        "due": (CASES_PAGE, {**due}),
        "closed": (CASES_PAGE, {"status": Status.CLOSED, **due}),
        "closed_on_time": (CASES_PAGE, {"status": Status.CLOSED, "on_time": "closed", **due}),
        "resolved_on_time": (CASES_PAGE, {"on_time": "resolved", **due}),
        "overdue": (CASES_PAGE, {"overdue_at": overdue}),
        "open_due": (BOARD_PAGE, {**due}),
        "closed_in_period": (CASES_PAGE, {**closed}),
        "settled_grid": (CASES_PAGE, {"settled": "grid", **closed}),
        "settled_village": (CASES_PAGE, {"settled": "village", **closed}),
        "settled_town": (CASES_PAGE, {"settled": "town", **closed}),
        "settled_county": (CASES_PAGE, {"settled": "county", **closed}),
        "settled_other": (CASES_PAGE, {"settled": SETTLED_OTHER, **closed}),
        "verified_in_time": (CASES_PAGE, {"verified_in_time": 1, **closed}),
        "escalated": (CASES_PAGE, {"accepted_from": start, "accepted_to": last, "escalated": 1}),
        "reworked": (CASES_PAGE, {"reworked": 1, **closed}),
        "rated": (CASES_PAGE, {"rated_from": start, "rated_to": last}),
    }
    return _Links(node, specs)


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
    hit = get_or_none(cache, key)
    if hit is not None:
        return hit
    value = (trend(node, today), now)
    set_quietly(cache, key, value, TREND_CACHE_SECONDS)
    return value


@dataclass
class Rung:
    tier: str
    label: str
    count: int
    share: float | None
    link: str


def ladder(node: GridNode, k: Kpis, links: dict) -> list[Rung]:
    """Where the cases closed in the period were settled (小事不出网格): from the KPI set. The
    rows add up to `closed_in_period`, the figure the ladder is shown with: a case settled while
    an area held it (not a rung) gets a row of its own when there is one."""
    rungs = [
        Rung("grid", _("Grid / micro-grid"), k.settled_grid, k.grid_share, links["settled_grid"]),
        Rung("village", _("Village"), k.settled_village, k.village_share, links["settled_village"]),
        Rung("town", _("Town"), k.settled_town, k.town_share, links["settled_town"]),
        Rung("county", _("County"), k.settled_county, k.county_share, links["settled_county"]),
    ]
    if k.settled_other:
        rungs.append(
            Rung(
                SETTLED_OTHER,
                _("Elsewhere (an area, or not recorded)"),
                k.settled_other,
                k.other_share,
                links["settled_other"],
            )
        )
    return rungs


def _period_counts(start: dt.datetime, end: dt.datetime) -> tuple[Q, dict]:
    """A WHERE that keeps only cases a period's figures can count, and those figures."""
    due = STANDING & Q(clear_by__gte=start, clear_by__lt=end)
    closed_due = due & Q(status=Status.CLOSED, closed_at__lt=end)
    where = Q(created_at__gte=start, created_at__lt=end) | due
    return where, {
        "received": Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)),
        "due": Count("pk", filter=due),
        "closed": Count("pk", filter=closed_due),
        "on_time": Count("pk", filter=due & closed_on_time()),
    }


# ---------------------------------------------------------------- chart geometry (inline SVG)
