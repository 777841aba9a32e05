"""A year's holidays entered after deadlines reaching into it were computed: recompute them."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cases import policy
from cases.actions._common import _event, _lock, _now
from cases.models import OPEN_STATUSES, Case, DayKind
from staff import access

# The steps that start a level's clock: policy.clear_by(color, their time).
CLOCK_STARTS = ("accept", "escalate", "reopen")


def _clock_start(case: Case) -> dt.datetime | None:
    started = (
        case.events.filter(action__in=CLOCK_STARTS)
        .order_by("-created_at", "-pk")
        .values_list("created_at", flat=True)
        .first()
    )
    return started or case.level_since or case.accepted_at


def recompute_deadlines(actor, year: int, now: dt.datetime | None = None) -> list[int]:
    """Recompute the deadline of each open case whose working-day deadline was computed over
    `year`, now that the year's days off and make-up workdays are known, and note each move in
    its history. An approved extension stays as approved. Returns the ids of the cases moved.
    `actor` None is the system; anyone else must be a county administrator."""
    if actor is not None:
        access.require_anywhere(actor, "reference.change")
    now = _now(now)
    working = [
        color for color in policy.DEFAULTS if policy.policy_for(color).day_kind == DayKind.WORKING
    ]
    if not working:  # calendar-day deadlines do not care about holidays
        return []
    year_start = timezone.make_aware(dt.datetime(year, 1, 1))
    year_end = timezone.make_aware(dt.datetime(year + 1, 1, 1))
    candidates = list(
        Case.objects.filter(
            status__in=OPEN_STATUSES, color__in=working, clear_by__gte=year_start
        ).values_list("pk", flat=True)
    )
    moved = []
    for case_id in candidates:
        with transaction.atomic():
            case = _lock(case_id)
            if case.status not in OPEN_STATUSES or case.clear_by is None:
                continue
            if case.extension_until and case.clear_by == case.extension_until:
                continue
            start = _clock_start(case)
            if start is None or start >= year_end:
                continue
            before = case.clear_by
            after = policy.clear_by(case.color, start, policy.WorkCalendar())
            if after == before:
                continue
            case.clear_by = after
            # updated_at too: the rollups and the dashboards find changed cases by it.
            fields = ["clear_by", "updated_at"]
            if after > now:  # the old deadline's warning and overdue flag no longer hold
                case.overdue_since = case.warned_at = None
                fields += ["overdue_since", "warned_at"]
            case.save(update_fields=fields)
            _event(
                case,
                actor=actor,
                action="deadline_recomputed",
                from_status=case.status,
                now=now,
                automatic=actor is None,
                note=(
                    f"{timezone.localtime(before):%Y-%m-%d %H:%M} → "
                    f"{timezone.localtime(after):%Y-%m-%d %H:%M}"
                ),
            )
            moved.append(case.pk)
    return moved


def holidays_enter(
    actor, entries: list[tuple[dt.date, str, str]], now: dt.datetime | None = None
) -> tuple[int, list[int]]:
    """Write a year's arrangement (policy.parse_arrangement's entries) into the Holiday table,
    each date's row replaced, then recompute the deadlines over the years it touches. Returns
    (dates written, ids of the cases whose deadline moved)."""
    from cases.models import Holiday

    if actor is not None:
        access.require_anywhere(actor, "reference.change")
    with transaction.atomic():
        for day, kind, name in entries:
            Holiday.objects.update_or_create(date=day, defaults={"kind": kind, "name": name})
    moved = []
    for year in sorted({day.year for day, _kind, _name in entries}):
        moved += recompute_deadlines(actor, year, now=now)
    return len(entries), moved
