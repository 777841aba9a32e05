"""Warn in time that next year's holidays are not known: from 1 October, while the holiday
package does not carry next year and the admin has entered no Holiday row for it, working-day
deadlines that reach into it would skip only weekends and the days that never move."""

from __future__ import annotations

import datetime as dt

from django.core import checks
from django.db import DatabaseError
from django.utils import timezone

from cases.policy import package_knows

WARN_FROM_MONTH = 10  # the State Council's notice for a year usually comes in November


def today() -> dt.date:
    """The date the warning is about; a test puts its own here."""
    return timezone.localdate()


def unentered_year(on: dt.date | None = None) -> int | None:
    """Next year, if it is time to enter it and nobody has: else None."""
    from cases.models import Holiday

    on = on or today()
    year = on.year + 1
    if on.month < WARN_FROM_MONTH or package_knows(year):
        return None
    if Holiday.objects.filter(date__year=year).exists():
        return None
    return year


def next_year_holidays(app_configs=None, on: dt.date | None = None, **kwargs):
    try:
        year = unentered_year(on)
    except DatabaseError:  # no database yet (a fresh checkout before migrate)
        return []
    if year is None:
        return []
    return [
        checks.Warning(
            f"The holidays and make-up workdays of {year} are not known: working-day deadlines "
            f"in {year} skip only weekends and the statutory days that never move.",
            hint=f"Enter {year}'s arrangement from the State Council's notice in the admin, "
            "under Holidays and make-up days.",
            id="cases.W001",
        )
    ]
