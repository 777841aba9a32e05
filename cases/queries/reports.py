"""The figures of a periodic report (日清周报, 周清月报, 月清季报) for a town or a county."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from cases.models import OPEN_STATUSES, CaseEvent, Color, PeriodicReport, Status
from cases.queries.cases import cases_in, kpis
from cases.queries.periods import midnight
from grids.models import GridNode, Tier

KIND_COLOR = {
    PeriodicReport.Kind.WEEKLY: Color.YELLOW,
    PeriodicReport.Kind.MONTHLY: Color.ORANGE,
    PeriodicReport.Kind.QUARTERLY: Color.RED,
}


CADENCE_NAMES = {Color.YELLOW: "日清周报", Color.ORANGE: "周清月报", Color.RED: "月清季报"}


LEVELS = [Tier.MICRO_GRID, Tier.GRID, Tier.VILLAGE, Tier.TOWN, Tier.COUNTY]


def compute(node: GridNode, kind: str, start: dt.date, end: dt.date, now: dt.datetime) -> dict:
    """The report's figures: a fixed handful of queries whatever the number of cases."""
    color = KIND_COLOR[kind]
    begin, finish = midnight(start), midnight(end)
    cases = cases_in(node)
    by_color_status = {
        f"{row['color'] or '-'}:{row['status']}": row["n"]
        for row in cases.values("color", "status").annotate(n=Count("pk")).order_by()
    }
    open_by_level = {
        row["owner_node__tier"]: row["n"]
        for row in cases.filter(status__in=OPEN_STATUSES)
        .values("owner_node__tier")
        .annotate(n=Count("pk"))
        .order_by()
    }
    period = cases.aggregate(
        new=Count("pk", filter=Q(created_at__gte=begin, created_at__lt=finish)),
        closed=Count(
            "pk", filter=Q(status=Status.CLOSED, closed_at__gte=begin, closed_at__lt=finish)
        ),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, overdue_since__isnull=False)),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
    )
    last_note = CaseEvent.objects.filter(case=OuterRef("pk"), action="progress").order_by(
        "-created_at", "-pk"
    )
    detail = [
        {
            "number": c.number,
            "title": c.title,
            "where": c.node.name,
            "held_by": c.owner_node.name,
            "status": c.status,
            "clear_by": timezone.localtime(c.clear_by).strftime("%Y-%m-%d %H:%M")
            if c.clear_by
            else "",
            "overdue": c.overdue_since is not None,
            "progress": c.last_progress or "",
        }
        for c in cases.filter(status__in=OPEN_STATUSES, color=color)
        .select_related("node", "owner_node")
        .annotate(last_progress=Subquery(last_note.values("note")[:1]))
        .order_by("clear_by", "pk")
    ]
    figures = kpis(node, begin, finish)
    kpi = asdict(figures) | {
        "closure_rate": figures.closure_rate,
        "on_time_rate": figures.on_time_rate,
        "grid_share": figures.grid_share,
        "satisfaction_rate": figures.satisfaction_rate,
    }
    return {
        "by_color_status": by_color_status,
        "open_by_level": open_by_level,
        "period": period,
        "kpis": kpi,
        "open_cases": detail,
    }
