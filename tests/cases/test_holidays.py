"""Next year's holidays: the statutory days that never move are days off even before anyone
knows the year's arrangement, the admin is told in time to enter it, and deadlines computed
before it was entered are recomputed once it is."""

import datetime as dt
import io

import pytest
from django.core.checks import run_checks
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases import actions, checks, policy
from cases.models import Holiday, TriagePolicy
from cases.pages import EVENT_LABELS
from cases.policy import WorkCalendar, add_working_days, fixed_days_off
from tests.factories import called_case, make_case


def at(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def yellow_in_working_days(db):
    TriagePolicy.objects.filter(color="yellow").update(day_kind="working")


def test_the_package_does_not_know_2027_yet():
    assert policy.package_knows(2026)
    assert not policy.package_knows(2027)


def test_the_days_that_never_move_follow_the_holiday_law():
    days = fixed_days_off(2027)
    assert days[dt.date(2027, 1, 1)] == "元旦"
    # 2027's 初一 is Saturday 6 February: 除夕 Friday the 5th through 初三 Monday the 8th.
    spring = sorted(d for d, name in days.items() if name == "春节")
    assert spring == [dt.date(2027, 2, 5) + dt.timedelta(days=i) for i in range(4)]
    assert {d for d, name in days.items() if name == "劳动节"} == {
        dt.date(2027, 5, 1),
        dt.date(2027, 5, 2),
    }
    assert {d for d, name in days.items() if name == "国庆节"} == {
        dt.date(2027, 10, i) for i in (1, 2, 3)
    }


def test_every_tabled_spring_festival_falls_between_21_january_and_20_february():
    for year, new_year in policy.LUNAR_NEW_YEAR.items():
        assert new_year.year == year
        assert dt.date(year, 1, 21) <= new_year <= dt.date(year, 2, 20)


def test_a_weekday_that_never_moves_is_a_day_off_in_an_unknown_year():
    cal = WorkCalendar(overrides={})
    assert not cal.is_workday(dt.date(2027, 1, 1))  # a Friday
    assert not cal.is_workday(dt.date(2027, 2, 8))  # 初三, a Monday
    assert not cal.is_workday(dt.date(2027, 10, 1))  # a Friday
    assert cal.is_workday(dt.date(2027, 1, 4))  # an ordinary Monday


def test_the_admins_holiday_rows_still_win_over_the_days_that_never_move(db):
    Holiday.objects.create(date=dt.date(2027, 1, 1), kind=Holiday.Kind.WORKDAY, name="调休")
    assert WorkCalendar().is_workday(dt.date(2027, 1, 1))


def test_a_yellow_case_on_new_years_eve_is_not_due_on_new_years_day(yellow_in_working_days):
    due = timezone.localtime(policy.clear_by("yellow", at(2026, 12, 31, 10, 0)))
    assert due == at(2027, 1, 4, 10, 0)  # 元旦 Friday, then the weekend


def test_a_county_call_on_wednesday_3_february_2027_is_answered_after_chusan(cast, tree, units):
    _case, call = called_case(
        cast, tree.grid_a, units.civil, units.hardship, now=at(2027, 2, 3, 9, 0)
    )
    # Thursday the 4th, then 除夕–初三 (5–8 February) off, then Tuesday 9 and Wednesday 10.
    assert timezone.localtime(call.respond_by) == at(2027, 2, 10, 9, 0)
    assert add_working_days(at(2027, 2, 3, 9, 0), 3) > at(2027, 2, 8, 23, 59)


# ---------------------------------------------------------------- telling the admin in time

OCTOBER_FIRST = dt.date(2026, 10, 1)


@pytest.fixture
def on_day(monkeypatch):
    """on_day(date): the warning's "today" is that date."""

    def set_day(day: dt.date):
        monkeypatch.setattr(checks, "today", lambda: day)

    return set_day


def test_the_system_check_warns_from_1_october_while_next_year_is_unknown(db):
    [warning] = checks.next_year_holidays(on=OCTOBER_FIRST)
    assert warning.id == "cases.W001"
    assert "2027" in warning.msg


def test_the_system_check_is_quiet_before_october(db):
    assert checks.next_year_holidays(on=dt.date(2026, 9, 30)) == []


def test_the_system_check_is_quiet_once_a_holiday_row_of_next_year_is_entered(db):
    Holiday.objects.create(date=dt.date(2027, 2, 5), kind=Holiday.Kind.HOLIDAY, name="春节")
    assert checks.next_year_holidays(on=OCTOBER_FIRST) == []


def test_the_system_check_is_quiet_for_a_year_the_package_knows(db):
    assert checks.next_year_holidays(on=dt.date(2025, 10, 1)) == []


def test_the_system_check_is_registered(db, on_day):
    on_day(OCTOBER_FIRST)
    assert "cases.W001" in {message.id for message in run_checks()}


def test_the_admin_index_asks_for_next_years_holidays_with_a_link(client, cast, on_day):
    on_day(OCTOBER_FIRST)
    client.force_login(cast.county_admin)
    page = client.get(reverse("admin:index")).content.decode()
    assert "holiday-warning" in page
    assert reverse("admin:cases_holiday_changelist") in page


def test_the_desk_home_asks_for_next_years_holidays(client, cast, on_day):
    on_day(OCTOBER_FIRST)
    client.force_login(cast.staff_town1)
    page = client.get("/desk/").content.decode()
    assert "holiday-warning" in page and "2027" in page


def test_the_banner_is_gone_once_next_year_is_entered(client, cast, on_day):
    on_day(OCTOBER_FIRST)
    Holiday.objects.create(date=dt.date(2027, 1, 1), kind=Holiday.Kind.HOLIDAY, name="元旦")
    client.force_login(cast.county_admin)
    assert "holiday-warning" not in client.get(reverse("admin:index")).content.decode()
    client.force_login(cast.staff_town1)
    assert "holiday-warning" not in client.get("/desk/").content.decode()


# ---------------------------------------------------------------- deadlines computed too early

NEW_YEARS_EVE = at(2026, 12, 31, 10, 0)
# From 31 December, 30 working days skipping weekends, 元旦 and 除夕–初三 (5 and 8 February)
# reach Tuesday 16 February; once 9–12 February are entered as days off, Monday 22 February.
DUE_BEFORE, DUE_AFTER = at(2027, 2, 16, 10, 0), at(2027, 2, 22, 10, 0)


@pytest.fixture
def red_in_working_days(db):
    TriagePolicy.objects.filter(color="red").update(day_kind="working")


@pytest.fixture
def red_case(cast, tree, red_in_working_days):
    case = make_case(cast, tree.grid_a, "accepted", color="red", now=NEW_YEARS_EVE)
    assert timezone.localtime(case.clear_by) == DUE_BEFORE
    return case


def spring_festival_rows():
    for day in range(9, 13):
        Holiday.objects.create(date=dt.date(2027, 2, day), kind=Holiday.Kind.HOLIDAY, name="春节")


def test_entering_next_years_days_off_moves_an_open_cases_deadline_with_a_note(red_case, cast):
    spring_festival_rows()
    moved = actions.recompute_deadlines(cast.county_admin, 2027, now=at(2026, 12, 31, 12, 0))
    assert moved == [red_case.pk]
    red_case.refresh_from_db()
    assert timezone.localtime(red_case.clear_by) == DUE_AFTER
    note = red_case.events.get(action="deadline_recomputed")
    assert note.actor == cast.county_admin
    assert note.note == "2027-02-16 10:00 → 2027-02-22 10:00"


def test_a_deadline_that_does_not_change_gets_no_note(red_case):
    assert actions.recompute_deadlines(None, 2027) == []
    assert not red_case.events.filter(action="deadline_recomputed").exists()


def test_a_closed_case_and_a_calendar_day_case_keep_their_deadlines(cast, tree, red_case):
    yellow = make_case(cast, tree.grid_a, "accepted", now=NEW_YEARS_EVE)
    closed = make_case(cast, tree.grid_a, "closed", color="red", now=NEW_YEARS_EVE)
    spring_festival_rows()
    assert actions.recompute_deadlines(None, 2027) == [red_case.pk]
    for case in (yellow, closed):
        before = case.clear_by
        case.refresh_from_db()
        assert case.clear_by == before


def test_a_town_worker_may_not_recompute_deadlines(cast, red_case):
    with pytest.raises(PermissionDenied):
        actions.recompute_deadlines(cast.staff_town1, 2027)


def test_saving_a_holiday_in_the_admin_recomputes_the_deadlines(client, cast, red_case):
    client.force_login(cast.county_admin)
    for day in range(9, 13):
        response = client.post(
            reverse("admin:cases_holiday_add"),
            {"date": f"2027-02-{day:02d}", "kind": "holiday", "name": "春节"},
        )
        assert response.status_code == 302
    red_case.refresh_from_db()
    assert timezone.localtime(red_case.clear_by) == DUE_AFTER
    assert red_case.events.filter(action="deadline_recomputed").count() == 4


def test_the_history_names_the_recomputed_deadline():
    assert EVENT_LABELS["deadline_recomputed"] != "deadline_recomputed"


# ---------------------------------------------------------------- entering a year quickly

NOTICE_2027 = """
# 春节
2027-02-05..2027-02-12 休 春节
2027-02-14 班 春节

2027-01-01 休 元旦
"""


def test_a_years_arrangement_is_read_from_lines_of_ranges_and_make_up_days():
    entries = policy.parse_arrangement(NOTICE_2027)
    days_off = [day for day, kind, _name in entries if kind == Holiday.Kind.HOLIDAY]
    assert days_off[0] == dt.date(2027, 1, 1)
    assert days_off[1:] == [dt.date(2027, 2, 5) + dt.timedelta(days=i) for i in range(8)]
    assert (dt.date(2027, 2, 14), Holiday.Kind.WORKDAY, "春节") in entries


@pytest.mark.parametrize(
    "line",
    [
        "2027-02-05 放",  # neither 休 nor 班
        "2027-02-30 休",  # no such date
        "2027-02-12..2027-02-05 休",  # backwards
        "2027-01-01..2027-03-01 休",  # longer than any holiday
        "2027-02-05..2027-02-12 休\n2027-02-07 班",  # both
    ],
)
def test_a_wrong_line_is_refused_by_its_number(line):
    with pytest.raises(ValueError, match=r"^第\d+行（"):
        policy.parse_arrangement(line)


def test_the_admin_enters_a_year_from_the_notice_and_deadlines_move(client, cast, red_case):
    client.force_login(cast.county_admin)
    changelist = client.get(reverse("admin:cases_holiday_changelist")).content.decode()
    assert reverse("admin:cases_holiday_enter") in changelist
    response = client.post(reverse("admin:cases_holiday_enter"), {"arrangement": NOTICE_2027})
    assert response.status_code == 302
    assert Holiday.objects.filter(date__year=2027).count() == 10
    assert Holiday.objects.get(date=dt.date(2027, 2, 14)).kind == Holiday.Kind.WORKDAY
    red_case.refresh_from_db()
    # 24 working days to 4 February, 5–13 February off, Sunday the 14th worked (25), then the
    # 15th to the 19th (30): Friday 19 February, not Tuesday the 16th.
    assert timezone.localtime(red_case.clear_by) == at(2027, 2, 19, 10, 0)
    assert red_case.events.filter(action="deadline_recomputed").count() == 1


def test_a_wrong_arrangement_is_shown_back_with_its_line(client, cast):
    client.force_login(cast.county_admin)
    page = client.post(reverse("admin:cases_holiday_enter"), {"arrangement": "2027-02-05 放"})
    assert page.status_code == 200
    assert (
        "第1行（2027-02-05 放）：请在日期后写“休”（放假）或“班”（调休上班）。"
        in page.content.decode()
    )
    assert not Holiday.objects.exists()


def test_town_staff_may_not_enter_a_years_holidays(client, cast):
    client.force_login(cast.staff_town1)
    response = client.post(reverse("admin:cases_holiday_enter"), {"arrangement": NOTICE_2027})
    assert response.status_code == 403
    assert not Holiday.objects.exists()


def xlsx(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_admin_imports_a_year_from_an_xlsx_sheet(client, cast):
    sheet = xlsx(
        [
            [dt.date(2027, 1, 1), "休", "元旦"],
            ["2027-02-05..2027-02-12", "休", "春节"],
            [dt.datetime(2027, 2, 14), "班", "春节"],
        ]
    )
    client.force_login(cast.county_admin)
    upload = SimpleUploadedFile("2027年放假安排.xlsx", sheet)
    response = client.post(reverse("admin:cases_holiday_enter"), {"upload": upload})
    assert response.status_code == 302
    assert Holiday.objects.filter(kind=Holiday.Kind.HOLIDAY).count() == 9
    assert Holiday.objects.get(date=dt.date(2027, 2, 14)).kind == Holiday.Kind.WORKDAY


def test_the_admin_imports_a_year_from_a_text_file(client, cast):
    client.force_login(cast.county_admin)
    upload = SimpleUploadedFile("2027.txt", NOTICE_2027.encode("utf-8-sig"))
    assert client.post(reverse("admin:cases_holiday_enter"), {"upload": upload}).status_code == 302
    assert Holiday.objects.filter(date__year=2027).count() == 10


def test_a_file_that_is_no_sheet_is_refused(client, cast):
    client.force_login(cast.county_admin)
    upload = SimpleUploadedFile("2027.xlsx", b"not a sheet")
    page = client.post(reverse("admin:cases_holiday_enter"), {"upload": upload})
    assert page.status_code == 200
    assert not Holiday.objects.exists()


def test_an_uploaded_arrangement_is_read_within_the_ledgers_limits_and_cleaned():
    # A sheet is read by the same bounded reader as the ledger import, never by openpyxl.
    with pytest.raises(ValueError, match="行"):
        policy.arrangement_text("a.xlsx", xlsx([["2027-01-01", "休", "元旦"]] * 1_001))
    with pytest.raises(ValueError):
        policy.arrangement_text("a.xlsx", b"PK\x03\x04 not really a sheet")
    assert policy.arrangement_text("a.txt", "2027-01-01 休 元\x00旦\r\n".encode()) == (
        "2027-01-01 休 元旦\n"
    )
    with pytest.raises(ValueError):
        policy.arrangement_text("a.txt", ("2027-01-01 休 元旦\n" * 2_000).encode())


def test_a_recomputed_deadline_reaches_the_rollups_and_the_dashboards_figures(red_case, tree):
    # The rollups and the dashboards read the cases changed since their last run by
    # updated_at: a deadline moved without it would stay counted on its old due day.
    import dataclasses

    from cases import rollups
    from cases.models import Case
    from cases.queries import dashboard as figures
    from cases.queries import kpis
    from cases.queries.rolled import current_kpis, town_sums

    # Reported a while before the last run, so that the run after it sees only what changed.
    Case.objects.filter(pk=red_case.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    rollups.refresh()
    spring_festival_rows()
    assert actions.recompute_deadlines(None, 2027) == [red_case.pk]
    rollups.refresh()  # an ordinary run: only the cases changed since the last one
    now = timezone.now()
    old_week = figures.Period("range", dt.date(2027, 2, 15), dt.date(2027, 2, 22))
    for node in (tree.county, tree.town1):
        assert town_sums(node, old_week.start, old_week.end, now) is not None  # read rolled
        rolled = current_kpis(node, *old_week.bounds, now=now)
        live = kpis(node, *old_week.bounds, now=now)
        assert live.due == 0  # the deadline left the week of 16 February
        assert dataclasses.asdict(rolled) == dataclasses.asdict(live), node.name
