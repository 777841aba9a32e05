"""The weekly meeting sheet (周例会) of a town: what to decide this week."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case as SqlCase
from django.db.models import (
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from cases.models import (
    OPEN_STATUSES,
    Case,
    Color,
    PeriodicReport,
)
from cases.queries.board import decorate
from cases.queries.cases import Kpis, cases_in, kpis
from cases.queries.periods import last_completed_period, midnight
from grids.models import GridNode, Tier
from staff import access


def meeting_towns(user) -> QuerySet:
    """Towns whose meeting sheet the user may print."""
    return access.scope(
        user, "report.view", GridNode.objects.filter(tier=Tier.TOWN), via=""
    ).order_by(*GridNode.TREE_ORDER)


@dataclass(frozen=True)
class MeetingSheet:
    town: GridNode
    now: dt.datetime
    week_start: dt.date
    week_end: dt.date  # exclusive
    serious: list
    overdue: list
    figures: Kpis  # last week's, as the dashboard counts them


def meeting_sheet(town: GridNode, now: dt.datetime) -> MeetingSheet:
    """周例会: open orange and red cases, overdue cases of any color, last week's figures."""
    start, end = last_completed_period(PeriodicReport.Kind.WEEKLY, timezone.localtime(now).date())
    cases = cases_in(town, Case.objects.filter(status__in=OPEN_STATUSES)).select_related(
        "node", "owner_node", "category"
    )
    serious = decorate(
        cases.filter(color__in=[Color.RED, Color.ORANGE])
        .annotate(red_first=SqlCase(When(color=Color.RED, then=Value(0)), default=Value(1)))
        .order_by("red_first", "clear_by", "pk"),
        None,
        now,
    )
    overdue = decorate(cases.filter(clear_by__lt=now).order_by("clear_by", "pk"), None, now)
    return MeetingSheet(
        town=town,
        now=now,
        week_start=start,
        week_end=end,
        serious=serious,
        overdue=overdue,
        figures=kpis(town, midnight(start), midnight(end), now=now),
    )
