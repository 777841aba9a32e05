"""Time rules of the triage policy: deadlines in calendar or working days, report cadence.

Working days follow China's public holidays and make-up workdays (the `chinesecalendar`
package), and the admin's Holiday table wins over it: for years the package does not know yet,
or a local change. Where neither knows a year, Saturday and Sunday are days off, and so are
the statutory days that never move (`fixed_days_off`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re

import chinese_calendar
from django.utils import timezone

from cases.models import Cadence, DayKind, Holiday, TriagePolicy

DEFAULTS = {
    # 日清周报, 周清月报, 月清季报 (seed 000)
    "yellow": {"clear_within": 1, "report_cadence": Cadence.WEEKLY},
    "orange": {"clear_within": 7, "report_cadence": Cadence.MONTHLY},
    "red": {"clear_within": 30, "report_cadence": Cadence.QUARTERLY},
}


def policy_for(color: str) -> TriagePolicy:
    policy = TriagePolicy.objects.filter(color=color).first()
    if policy is None:  # never stored: the seeds' defaults
        policy = TriagePolicy(color=color, **DEFAULTS[color])
    return policy


# The first day of the lunar year (春节, 正月初一), as published in the Hong Kong Observatory's
# Gregorian–Lunar calendar conversion tables. No installed package converts lunar dates, and
# the State Council's notice for a year always comes before these tables run out.
LUNAR_NEW_YEAR = {
    2027: dt.date(2027, 2, 6),
    2028: dt.date(2028, 1, 26),
    2029: dt.date(2029, 2, 13),
    2030: dt.date(2030, 2, 3),
    2031: dt.date(2031, 1, 23),
    2032: dt.date(2032, 2, 11),
    2033: dt.date(2033, 1, 31),
    2034: dt.date(2034, 2, 19),
    2035: dt.date(2035, 2, 8),
}


@functools.lru_cache(maxsize=64)
def fixed_days_off(year: int) -> dict[dt.date, str]:
    """The statutory days off that never move, per 《全国年节及纪念日放假办法》 (2025 revision):
    元旦 1 Jan, 春节 除夕 through 初三, 劳动节 1–2 May, 国庆 1–3 Oct. The State Council's yearly
    notice only adds bridge days and make-up workdays around them."""
    days = {dt.date(year, 1, 1): "元旦"}
    new_year = LUNAR_NEW_YEAR.get(year)
    if new_year is not None:  # 除夕 is the day before 初一, whether the 12th month has 29 or 30
        for offset in range(-1, 3):
            days[new_year + dt.timedelta(days=offset)] = "春节"
    for day in (1, 2):
        days[dt.date(year, 5, day)] = "劳动节"
    for day in (1, 2, 3):
        days[dt.date(year, 10, day)] = "国庆节"
    return days


def package_knows(year: int) -> bool:
    """Does the holiday package carry the State Council's arrangement for this year?"""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


class WorkCalendar:
    """Is a date a working day? Reads the admin's overrides for a range once."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None):
        self.overrides = overrides

    def _load(self, around: dt.date) -> None:
        if self.overrides is None:
            rows = Holiday.objects.filter(
                date__gte=around - dt.timedelta(days=30), date__lte=around + dt.timedelta(days=400)
            ).values_list("date", "kind")
            self.overrides = {d: kind == Holiday.Kind.WORKDAY for d, kind in rows}

    def is_workday(self, day: dt.date) -> bool:
        self._load(day)
        if day in self.overrides:
            return self.overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:  # a year the package does not know yet
            return day.weekday() < 5 and day not in fixed_days_off(day.year)

    def next_workday(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        day += dt.timedelta(days=1)
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day


def add_working_days(start: dt.datetime, days: int, cal: WorkCalendar | None = None) -> dt.datetime:
    """`days` working days after `start`, at the same time of day. A case that arrives on a day
    off starts its clock at 00:00 of the next working day, so it gets all of that day."""
    cal = cal or WorkCalendar()
    local = timezone.localtime(start)
    day, clock = local.date(), local.time().replace(tzinfo=None)
    if not cal.is_workday(day):
        day, clock = cal.next_workday(day), dt.time(0, 0)
    for _ in range(days):
        day = cal.next_workday(day)
    return timezone.make_aware(dt.datetime.combine(day, clock))


def clear_by(color: str, start: dt.datetime, cal: WorkCalendar | None = None) -> dt.datetime:
    """When a case of this color, taken on at `start` by a level, must be cleared."""
    policy = policy_for(color)
    if policy.day_kind == DayKind.WORKING:
        return add_working_days(start, policy.clear_within, cal)
    return start + dt.timedelta(days=policy.clear_within)


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    local = timezone.localtime(moment)
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


def report_by(color: str, start: dt.datetime) -> dt.datetime:
    """When the next progress report on an open case is due: 周报 / 月报 / 季报."""
    cadence = policy_for(color).report_cadence
    if cadence == Cadence.WEEKLY:
        return start + dt.timedelta(days=7)
    return add_months(start, 1 if cadence == Cadence.MONTHLY else 3)


# "休" marks days off and "班" make-up workdays, as the State Council's notice says them.
ARRANGEMENT_KINDS = {"休": "holiday", "off": "holiday", "班": "workday", "work": "workday"}
LONGEST_RANGE = 31  # no holiday runs longer: a longer range is a typing error


def parse_arrangement(text: str) -> list[tuple[dt.date, str, str]]:
    """A year's arrangement typed as lines, "2027-02-05..2027-02-12 休 春节" or
    "2027-02-14 班 春节": a date or a range of dates, 休 (day off) or 班 (make-up workday), and
    an optional name. Blank lines and lines starting with # are skipped. Returns
    (date, Holiday kind, name) for every date; ValueError names the first line that is wrong."""
    from django.utils.translation import gettext as _

    entries: dict[dt.date, tuple[str, str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(maxsplit=2)
        problem = None
        kind = ARRANGEMENT_KINDS.get(parts[1].lower()) if len(parts) > 1 else None
        first = last = None
        if kind is None:
            problem = _("say 休 (day off) or 班 (make-up workday) after the date")
        else:
            start, _dots, end = parts[0].replace("～", "..").replace("~", "..").partition("..")
            try:
                first = dt.date.fromisoformat(start)
                last = dt.date.fromisoformat(end) if end else first
            except ValueError:
                problem = _("write dates as 2027-02-05, a range as 2027-02-05..2027-02-12")
            else:
                if last < first:
                    problem = _("the range ends before it starts")
                elif (last - first).days >= LONGEST_RANGE:
                    problem = _("a range is at most %(days)d days") % {"days": LONGEST_RANGE}
        if problem is None:
            name = parts[2].strip() if len(parts) > 2 else ""
            day = first
            while day <= last:
                if entries.get(day, (kind,))[0] != kind:
                    problem = _("%(date)s is both a day off and a workday") % {"date": day}
                    break
                entries[day] = (kind, name)
                day += dt.timedelta(days=1)
        if problem is not None:
            raise ValueError(
                _("Line %(number)d (%(line)s): %(problem)s.")
                % {"number": number, "line": line, "problem": problem}
            )
    return [(day, kind, name) for day, (kind, name) in sorted(entries.items())]


# A year of holidays is a few dozen lines; the sheet may hold a few hundred.
ARRANGEMENT_ROWS = 1_000
ARRANGEMENT_CHARS = 20_000


def arrangement_text(name: str, content: bytes) -> str:
    """An uploaded arrangement as parse_arrangement's lines: a text file as it is, or a .xlsx
    sheet whose rows are the lines' parts in columns A–C (date or range, 休 or 班, name)."""
    from django.utils.translation import gettext as _

    from gridgov.cleaning import clean_text
    from grids.ledger_xlsx import LedgerFileError, read_cells

    if not name.lower().endswith(".xlsx"):
        try:
            text = clean_text(content.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise ValueError(_("Save the text file as UTF-8, or upload an .xlsx sheet.")) from None
        if len(text) > ARRANGEMENT_CHARS:
            raise ValueError(_("This is more than a year's holidays; upload one year at a time."))
        return text
    try:
        rows = read_cells(content, columns=3, max_rows=ARRANGEMENT_ROWS)
    except LedgerFileError as exc:
        raise ValueError(str(exc)) from None
    lines = []
    for when, *rest in rows:
        # A date cell is stored as its day number since 1899-12-30 (Excel's day 0).
        if re.fullmatch(r"[0-9]{5}(\.0+)?", when):
            when = (dt.date(1899, 12, 30) + dt.timedelta(days=int(float(when)))).isoformat()
        lines.append(" ".join(part for part in (when, *rest) if part))
    return "\n".join(lines)
