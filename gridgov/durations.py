"""One way of saying how long something took or is late, everywhere: the two largest units
among days, hours and minutes ("2天3小时", "2 days 3 hours"), never a clock like 1 day, 10:00:00."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _unit(n: int, unit: str) -> str:
    if unit == "day":
        return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}
    if unit == "hour":
        return ngettext("%(n)d hour", "%(n)d hours", n) % {"n": n}
    return ngettext("%(n)d minute", "%(n)d minutes", n) % {"n": n}


def format_duration(value: dt.timedelta | None) -> str:
    """A non-negative duration in words; a negative one is read as its size; None is "—"."""
    if value is None:
        return "—"
    minutes = abs(int(value.total_seconds())) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    while parts and parts[0][0] == 0:
        parts.pop(0)
    if not parts:
        return _("under a minute")
    shown = [p for p in parts[:2] if p[0]]
    # Between two numbers a space in English, nothing in Chinese ("2天3小时").
    return (
        _("%(first)s %(second)s")
        % {
            "first": _unit(*shown[0]),
            "second": _unit(*shown[1]),
        }
        if len(shown) == 2
        else _unit(*shown[0])
    )
