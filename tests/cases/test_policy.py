"""Deadlines: calendar days, and working days across Spring Festival, National Day and their
make-up workdays; the admin's holiday table wins over the package."""

import datetime as dt

import chinese_calendar
import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from cases import policy
from cases.models import Holiday, TriagePolicy
from cases.policy import WorkCalendar, add_working_days

# 2026: Spring Festival off Feb 15–23 with make-up workdays Feb 14 and Feb 28 (Saturdays);
# National Day off Oct 1–7 with make-up workday Oct 10 (a Saturday).
AROUND_HOLIDAYS = st.datetimes(
    min_value=dt.datetime(2026, 1, 20), max_value=dt.datetime(2026, 3, 10)
) | st.datetimes(min_value=dt.datetime(2026, 9, 15), max_value=dt.datetime(2026, 10, 25))
NO_OVERRIDES = WorkCalendar(overrides={})


def aware(naive: dt.datetime) -> dt.datetime:
    return timezone.make_aware(naive)


def workdays_between(first: dt.date, last: dt.date) -> int:
    """Working days in [first, last)."""
    days, d = 0, first
    while d < last:
        days += chinese_calendar.is_workday(d)
        d += dt.timedelta(days=1)
    return days


@settings(max_examples=300, deadline=None)
@given(start=AROUND_HOLIDAYS, n=st.integers(min_value=1, max_value=30))
def test_working_day_deadline_counts_exactly_n_working_days(start, n):
    start = aware(start)
    due = timezone.localtime(add_working_days(start, n, NO_OVERRIDES))
    local = timezone.localtime(start)
    assert due > start
    # The deadline falls on a working day, at the start's time of day (or 00:00 when the case
    # came in on a day off).
    assert chinese_calendar.is_workday(due.date())
    if chinese_calendar.is_workday(local.date()):
        assert due.time() == local.time()
        assert workdays_between(local.date(), due.date()) == n
    else:
        assert due.time() == dt.time(0, 0)
        assert workdays_between(local.date(), due.date()) == n


@settings(max_examples=200, deadline=None)
@given(start=AROUND_HOLIDAYS, n=st.integers(min_value=1, max_value=10))
def test_a_later_start_never_gets_an_earlier_deadline(start, n):
    a = aware(start)
    b = a + dt.timedelta(hours=7)
    assert add_working_days(a, n, NO_OVERRIDES) <= add_working_days(b, n, NO_OVERRIDES)


def test_spring_festival_and_its_make_up_saturday():
    # Friday Feb 13 10:00, 1 working day: Saturday Feb 14 is a make-up workday.
    assert add_working_days(aware(dt.datetime(2026, 2, 13, 10)), 1, NO_OVERRIDES) == aware(
        dt.datetime(2026, 2, 14, 10)
    )
    # Saturday Feb 14 10:00 (make-up workday), 1 working day: the holiday runs to Feb 23.
    assert add_working_days(aware(dt.datetime(2026, 2, 14, 10)), 1, NO_OVERRIDES) == aware(
        dt.datetime(2026, 2, 24, 10)
    )
    # Reported on the first day of the holiday: the clock starts Feb 24 00:00.
    assert add_working_days(aware(dt.datetime(2026, 2, 16, 15)), 1, NO_OVERRIDES) == aware(
        dt.datetime(2026, 2, 25, 0)
    )


def test_national_day_and_its_make_up_saturday():
    assert add_working_days(aware(dt.datetime(2026, 9, 30, 9)), 1, NO_OVERRIDES) == aware(
        dt.datetime(2026, 10, 8, 9)
    )
    assert add_working_days(aware(dt.datetime(2026, 10, 9, 9)), 1, NO_OVERRIDES) == aware(
        dt.datetime(2026, 10, 10, 9)
    )


@pytest.mark.django_db
def test_the_admin_table_overrides_the_package():
    start = aware(dt.datetime(2026, 11, 20, 9))  # a Friday
    assert add_working_days(start, 1) == aware(dt.datetime(2026, 11, 23, 9))
    Holiday.objects.create(date=dt.date(2026, 11, 23), kind="holiday", name="县庆")
    assert add_working_days(start, 1) == aware(dt.datetime(2026, 11, 24, 9))
    Holiday.objects.create(date=dt.date(2026, 11, 21), kind="workday", name="调休")
    assert add_working_days(start, 1) == aware(dt.datetime(2026, 11, 21, 9))


@pytest.mark.django_db
def test_a_year_the_package_does_not_know_falls_back_to_weekends_and_the_table():
    start = aware(dt.datetime(2030, 1, 4, 9))  # a Friday
    assert add_working_days(start, 1) == aware(dt.datetime(2030, 1, 7, 9))
    Holiday.objects.create(date=dt.date(2030, 1, 7), kind="holiday", name="补录假日")
    assert add_working_days(start, 1) == aware(dt.datetime(2030, 1, 8, 9))


@pytest.mark.django_db
def test_policy_in_working_days_is_used_for_deadlines():
    TriagePolicy.objects.filter(color="orange").update(day_kind="working", clear_within=5)
    start = aware(dt.datetime(2026, 9, 28, 9))  # Monday before National Day
    # Sep 29, Sep 30, Oct 8, Oct 9, then Saturday Oct 10 (a make-up workday)
    assert policy.clear_by("orange", start) == aware(dt.datetime(2026, 10, 10, 9))
    assert policy.clear_by("yellow", start) == start + dt.timedelta(days=1)


@pytest.mark.django_db
def test_the_seeds_defaults_are_stored_as_editable_data():
    rows = {p.color: (p.clear_within, p.report_cadence) for p in TriagePolicy.objects.all()}
    assert rows == {"yellow": (1, "weekly"), "orange": (7, "monthly"), "red": (30, "quarterly")}
