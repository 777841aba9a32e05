"""Report periods: the week, month or quarter a day falls in, and the last one completed."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases.models import PeriodicReport


def period_containing(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """[start, end) of the week (Monday first), month or quarter that contains `day`."""
    if kind == PeriodicReport.Kind.WEEKLY:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=7)
    if kind == PeriodicReport.Kind.MONTHLY:
        start = day.replace(day=1)
    else:
        start = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    months = 1 if kind == PeriodicReport.Kind.MONTHLY else 3
    end_month = start.month - 1 + months
    return start, start.replace(year=start.year + end_month // 12, month=end_month % 12 + 1)


def last_completed_period(kind: str, today: dt.date) -> tuple[dt.date, dt.date]:
    start, _end = period_containing(kind, today)
    return period_containing(kind, start - dt.timedelta(days=1))


def midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))
