"""Reads of cases that pages, reports and the API share. docs/kpis.md says what each figure counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet

from cases.models import Case, CaseEvent, Status
from grids.models import GridNode, Tier
from grids.queries import subtree

STANDING = ~Q(status__in=[Status.REPORTED, Status.REJECTED, Status.MERGED])
GRID_TIERS = (Tier.GRID, Tier.MICRO_GRID)


@dataclass(frozen=True)
class Kpis:
    received: int
    accepted: int
    due: int
    closed: int
    closed_on_time: int
    closed_in_period: int
    settled_grid: int
    settled_village: int
    settled_town: int
    settled_county: int
    escalated: int
    reworked: int
    rated: int
    satisfied: int
    avg_handling_days: float | None

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    @property
    def closure_rate(self) -> float | None:
        """结案率 = closed ÷ due."""
        return self._rate(self.closed, self.due)

    @property
    def on_time_rate(self) -> float | None:
        """按期结案率 = closed on time ÷ due."""
        return self._rate(self.closed_on_time, self.due)

    @property
    def grid_share(self) -> float | None:
        """小事不出网格: share of cases closed in the period settled at a grid or micro-grid."""
        return self._rate(self.settled_grid, self.closed_in_period)

    @property
    def village_share(self) -> float | None:
        return self._rate(self.settled_village, self.closed_in_period)

    @property
    def town_share(self) -> float | None:
        return self._rate(self.settled_town, self.closed_in_period)

    @property
    def county_share(self) -> float | None:
        return self._rate(self.settled_county, self.closed_in_period)

    @property
    def escalation_rate(self) -> float | None:
        return self._rate(self.escalated, self.accepted)

    @property
    def rework_rate(self) -> float | None:
        """返工率: closed in the period after at least one failed verification."""
        return self._rate(self.reworked, self.closed_in_period)

    @property
    def satisfaction_rate(self) -> float | None:
        """Ratings of 4 or 5 among ratings given in the period."""
        return self._rate(self.satisfied, self.rated)


def cases_in(node: GridNode, queryset: QuerySet | None = None) -> QuerySet:
    """Cases that happened in the node's subtree: one range condition."""
    return subtree(node, Case.objects.all() if queryset is None else queryset, via="node")


def kpis(node: GridNode, start: dt.datetime, end: dt.datetime) -> Kpis:
    """Every headline figure for a subtree and a period [start, end): one SQL query."""
    in_period = {"created_at__gte": start, "created_at__lt": end}
    accepted = Q(accepted_at__gte=start, accepted_at__lt=end)
    due = STANDING & Q(clear_by__gte=start, clear_by__lt=end)
    closed_due = due & Q(status=Status.CLOSED, closed_at__lt=end)
    closed_period = Q(status=Status.CLOSED, closed_at__gte=start, closed_at__lt=end)
    rated = Q(rated_at__gte=start, rated_at__lt=end, satisfaction__isnull=False)
    handling = ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=DurationField())
    # Every figure below counts only cases with one of these dates in the period: saying so
    # lets PostgreSQL read those rows through the date indexes instead of the whole subtree.
    relevant = (
        Q(**in_period)
        | accepted
        | Q(clear_by__gte=start, clear_by__lt=end)
        | Q(closed_at__gte=start, closed_at__lt=end)
        | Q(rated_at__gte=start, rated_at__lt=end)
    )
    row = (
        cases_in(node)
        .filter(relevant)
        .aggregate(
            received=Count("pk", filter=Q(**in_period)),
            accepted=Count("pk", filter=accepted),
            due=Count("pk", filter=due),
            closed=Count("pk", filter=closed_due),
            closed_on_time=Count("pk", filter=closed_due & Q(resolved_at__lte=F("clear_by"))),
            closed_in_period=Count("pk", filter=closed_period),
            settled_grid=Count("pk", filter=closed_period & Q(settled_tier__in=GRID_TIERS)),
            settled_village=Count("pk", filter=closed_period & Q(settled_tier=Tier.VILLAGE)),
            settled_town=Count("pk", filter=closed_period & Q(settled_tier=Tier.TOWN)),
            settled_county=Count("pk", filter=closed_period & Q(settled_tier=Tier.COUNTY)),
            escalated=Count("pk", filter=accepted & Q(escalation_count__gt=0)),
            reworked=Count("pk", filter=closed_period & Q(rework_count__gt=0)),
            rated=Count("pk", filter=rated),
            satisfied=Count("pk", filter=rated & Q(satisfaction__gte=4)),
            avg_handling=Avg(handling, filter=closed_period),
        )
    )
    avg = row.pop("avg_handling")
    days = round(avg.total_seconds() / 86400, 2) if avg is not None else None
    return Kpis(**row, avg_handling_days=days)


def level_history(case: Case) -> list[dict]:
    """How long each level held the case, from the history: one query."""
    rows = []
    events = list(
        CaseEvent.objects.filter(
            case=case, action__in=["report", "accept", "dispatch", "return", "escalate"]
        )
        .select_related("from_owner", "to_owner")
        .order_by("created_at", "pk")
    )
    for e in events:
        if e.action == "escalate":
            rows.append(
                {
                    "level": e.from_owner,
                    "held_for": e.held_for,
                    "until": e.created_at,
                    "to": e.to_owner,
                }
            )
    return rows
