"""The figures of a periodic report (日清周报, 周清月报, 月清季报) for a town or a county, and the
one name of its period that the desk page, the workbook and the file name all use."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.models import OPEN_STATUSES, CaseEvent, Color, PeriodicReport, Status
from cases.queries.cases import GRID_TIERS, STANDING, cases_in, closed_on_time
from cases.queries.periods import midnight
from grids.models import GridNode, Tier

KIND_COLOR = {
    PeriodicReport.Kind.WEEKLY: Color.YELLOW,
    PeriodicReport.Kind.MONTHLY: Color.ORANGE,
    PeriodicReport.Kind.QUARTERLY: Color.RED,
}


CADENCE_NAMES = {Color.YELLOW: "日清周报", Color.ORANGE: "周清月报", Color.RED: "月清季报"}


LEVELS = [Tier.MICRO_GRID, Tier.GRID, Tier.VILLAGE, Tier.TOWN, Tier.COUNTY]


def period_name(report: PeriodicReport, *, days: bool = True) -> str:
    """The report's period in words: "2026年第48周 (11-23 – 11-29)", "2026年11月 (…)",
    "2026年第4季度 (…)"; without the days for a file name."""
    start = report.period_start
    if report.kind == PeriodicReport.Kind.WEEKLY:
        year, week, _weekday = start.isocalendar()  # the ISO week, as Chinese calendars number it
        name = _("Week %(week)d of %(year)d") % {"week": week, "year": year}
    elif report.kind == PeriodicReport.Kind.MONTHLY:
        name = date_format(start, "YEAR_MONTH_FORMAT")  # 2026年11月, November 2026
    else:
        name = _("Q%(quarter)d %(year)d") % {
            "quarter": (start.month - 1) // 3 + 1,
            "year": start.year,
        }
    if not days:
        return name
    last_day = report.period_end - dt.timedelta(days=1)
    return f"{name} ({start:%m-%d} – {last_day:%m-%d})"


def report_moment(end: dt.date, now: dt.datetime) -> dt.datetime:
    """The instant a report's open and overdue figures describe: the end of its period, or now
    while the period runs. A report made again later says the same about the same period."""
    return min(midnight(end), now)


def _rate(part: int, whole: int) -> float | None:
    # Rounded like cases.queries.kpis: nothing to count is None ("—"), never 0.
    return round(part / whole, 4) if whole else None


def _open_at(cases, moment: dt.datetime):
    """The cases that were open (accepted, dispatched or handling) at `moment`, each with its
    status then, and its last progress note by then. One query.

    The status at a moment is the one the case's last event before it led to (every action
    records it), so a case closed or resolved since, or reopened since, reads as it stood."""
    before = CaseEvent.objects.filter(case=OuterRef("pk"), created_at__lt=moment)
    status_then = before.exclude(to_status="").order_by("-created_at", "-pk").values("to_status")
    last_note = before.filter(action="progress").order_by("-created_at", "-pk").values("note")
    # A case open at the moment is open now, or was resolved or closed after it: reading only
    # those keeps the history lookups off the long tail of cases closed in earlier periods.
    maybe_open = (
        Q(status__in=OPEN_STATUSES)
        | Q(status=Status.RESOLVED, resolved_at__gte=moment)
        | Q(status=Status.CLOSED, closed_at__gte=moment)
    )
    return (
        cases.filter(maybe_open, created_at__lt=moment)
        # A row without any history (made outside the actions) counts by its status now.
        .annotate(
            status_then=Coalesce(Subquery(status_then[:1]), F("status")),
            last_progress=Subquery(last_note[:1]),
        )
        .filter(status_then__in=OPEN_STATUSES)
        .select_related("node", "owner_node")
        .only(
            "pk",
            "number",
            "title",
            "clear_by",
            "node__name",
            "owner_node__name",
            "owner_node__tier",
        )
        .order_by("clear_by", "pk")
    )


def compute(node: GridNode, kind: str, start: dt.date, end: dt.date, now: dt.datetime) -> dict:
    """The report's figures, every one of them about the cases of the report's color (yellow
    for the weekly report, orange monthly, red quarterly): two queries whatever the number of
    cases.

    `period` counts the cases reported and closed in the period, and those open and overdue at
    the report's moment (`as_of`, see report_moment); a case is overdue then if it was open and
    its deadline `clear_by` had passed, whether or not the deadline sweep had flagged it yet.
    `open_cases` lists exactly the cases behind `open`. `kpis` are the figures of
    docs/kpis.md (due, closed of due, closure and on-time rate, settled in the grid) counted
    the same way, over the report's color only."""
    color = KIND_COLOR[kind]
    begin, finish = midnight(start), midnight(end)
    moment = report_moment(end, now)
    cases = cases_in(node).filter(color=color)

    rows = list(_open_at(cases, moment))
    detail = [
        {
            "number": c.number,
            "title": c.title,
            "where": c.node.name,
            "held_by": c.owner_node.name,
            "status": c.status_then,
            "clear_by": timezone.localtime(c.clear_by).isoformat(timespec="minutes")
            if c.clear_by
            else "",
            "overdue": c.clear_by is not None and c.clear_by < moment,
            "progress": c.last_progress or "",
        }
        for c in rows
    ]
    open_by_level: dict[str, int] = {}
    open_by_status: dict[str, int] = {}
    for c in rows:
        open_by_level[c.owner_node.tier] = open_by_level.get(c.owner_node.tier, 0) + 1
        open_by_status[c.status_then] = open_by_status.get(c.status_then, 0) + 1

    reported = Q(created_at__gte=begin, created_at__lt=finish)
    due = STANDING & Q(clear_by__gte=begin, clear_by__lt=finish)
    closed_due = due & Q(status=Status.CLOSED, closed_at__lt=finish)
    closed_period = Q(status=Status.CLOSED, closed_at__gte=begin, closed_at__lt=finish)
    counts = cases.filter(
        reported | Q(clear_by__gte=begin, clear_by__lt=finish) | closed_period
    ).aggregate(
        new=Count("pk", filter=reported),
        closed_in_period=Count("pk", filter=closed_period),
        due=Count("pk", filter=due),
        closed=Count("pk", filter=closed_due),
        # 按期结案 as the dashboard counts it (docs/kpis.md): closed by the deadline.
        closed_on_time=Count("pk", filter=closed_due & closed_on_time()),
        settled_grid=Count("pk", filter=closed_period & Q(settled_tier__in=GRID_TIERS)),
    )
    kpi = {
        "due": counts["due"],
        "closed": counts["closed"],
        "closed_on_time": counts["closed_on_time"],
        "closed_in_period": counts["closed_in_period"],
        "settled_grid": counts["settled_grid"],
        "closure_rate": _rate(counts["closed"], counts["due"]),
        "on_time_rate": _rate(counts["closed_on_time"], counts["due"]),
        "grid_share": _rate(counts["settled_grid"], counts["closed_in_period"]),
    }
    return {
        "as_of": timezone.localtime(moment).isoformat(timespec="minutes"),
        "open_by_level": open_by_level,
        "open_by_status": open_by_status,
        "period": {
            "new": counts["new"],
            "closed": counts["closed_in_period"],
            "open": len(detail),
            "overdue": sum(1 for row in detail if row["overdue"]),
        },
        "kpis": kpi,
        "open_cases": detail,
    }
