"""The grid workers' daily flags (each morning, from beat: `staff.tasks.flag_daily`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from gridgov import outbox
from grids.models import Household, Tier
from staff.models import Assignment, Patrol, Role


@dataclass
class Flags:
    missed_patrols: int = 0
    overdue_visits: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


@transaction.atomic
def daily_flags(now: dt.datetime | None = None) -> Flags:
    """Flag (1) each grid worker's grid with no patrol yesterday, (2) each household whose
    next visit date has passed. Two set-based selections; the dedupe keys make a second run
    the same day (or a replay) add nothing. Returns how many notices were newly queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    yesterday = today - dt.timedelta(days=1)
    flags = Flags()
    patrolled = Patrol.objects.filter(
        user_id=OuterRef("user_id"), node_id=OuterRef("node_id"), date=yesterday
    )
    missed = (
        Assignment.objects.active(yesterday)
        .filter(role=Role.GRID_WORKER, node__tier__in=(Tier.GRID, Tier.MICRO_GRID))
        .exclude(Exists(patrolled))
        .values_list("user_id", "node_id")
        .distinct()
        .order_by("user_id", "node_id")
    )
    for user_id, node_id in missed:
        if outbox.enqueue(
            kind="missed_patrol",
            dedupe_key=f"missed_patrol:{user_id}:{node_id}:{yesterday.isoformat()}",
            user=user_id,
            node=node_id,
            date=yesterday.isoformat(),
        ):
            flags.missed_patrols += 1
    overdue = (
        Household.objects.filter(next_visit_due__lt=today)
        .values_list("pk", "node_id", "next_visit_due")
        .order_by("next_visit_due", "pk")
    )
    for household_id, node_id, due in overdue:
        if outbox.enqueue(
            kind="visit_overdue",
            dedupe_key=f"visit_overdue:{household_id}:{due.isoformat()}",
            household=household_id,
            node=node_id,
            due=due.isoformat(),
        ):
            flags.overdue_visits += 1
    return flags
