"""The days of the services: working days and days off come from the cases' holiday calendar
(cases.policy: the admin's Holiday table, then the holiday package, then the fixed days off), so
that a request's promised time and a duty slot's day agree with every case deadline."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Holiday
from cases.policy import WorkCalendar, add_working_days, fixed_days_off

# The package names its holidays in English; they have a Chinese name each too.
_PACKAGE_NAMES = {h.value: h.chinese for h in chinese_calendar.Holiday}


def is_day_off(day: dt.date, cal: WorkCalendar | None = None) -> bool:
    return not (cal or WorkCalendar()).is_workday(day)


def holiday_names(days, cal: WorkCalendar | None = None) -> dict[dt.date, str]:
    """What each day off is called: the admin's name for it, the State Council's holiday, a
    fixed statutory day, or "Weekend"; "" for a working day. Two queries for any days."""
    days = sorted(set(days))
    if not days:
        return {}
    cal = cal or WorkCalendar()
    stored = dict(
        Holiday.objects.filter(date__in=days).exclude(name="").values_list("date", "name")
    )
    names = {}
    for day in days:
        if cal.is_workday(day):
            names[day] = ""
            continue
        try:
            _on, holiday = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            holiday = None
        names[day] = (
            stored.get(day)
            or (_PACKAGE_NAMES.get(holiday, holiday) if holiday else "")
            or fixed_days_off(day.year).get(day)
            or _("Weekend")
        )
    return names


def holiday_name(day: dt.date) -> str:
    return holiday_names([day])[day]


def deadline(start: dt.datetime, days: int, cal: WorkCalendar | None = None) -> dt.datetime:
    """When a request accepted at `start` is due: `days` working days later at the same time;
    for 0 days (即办件), the end of the working day it was accepted on (or the next one)."""
    cal = cal or WorkCalendar()
    if days > 0:
        return add_working_days(start, days, cal)
    day = timezone.localtime(start).date()
    if not cal.is_workday(day):
        day = cal.next_workday(day)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))
