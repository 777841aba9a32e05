"""A periodic report adds up: its figures are about its color, at its moment; the workbook's cells
are typed; the page, the workbook and the file name name the period alike."""

import datetime as dt
import io
from urllib.parse import quote, unquote

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from cases import actions, sheets
from cases.models import Case
from cases.queries.periods import midnight
from cases.queries.reports import compute, period_name
from grids.models import GridNode
from tests.conftest import page_text
from tests.factories import T0, advance, make_case

D = dt.timedelta(days=1)
H = dt.timedelta(hours=1)
WEEK = dt.date(2026, 11, 16)  # Monday; T0 is 09:00 that day
END = midnight(WEEK + 7 * D)  # the week ends at Monday 2026-11-23 00:00, Beijing time


def weekly(tree, now, node=None):
    node = node or tree.town1
    return actions.generate_report(node_id=node.pk, kind="weekly", period_start=WEEK, now=now)


def workbook(report):
    return load_workbook(io.BytesIO(sheets.report_xlsx(report))).active


def detail(ws, column: int) -> list:
    """One column of the open-cases table (its header is row 10)."""
    return [ws.cell(row=r, column=column).value for r in range(11, ws.max_row + 1)]


# ---------------------------------------------------------------- open: the color, the moment


def test_the_open_count_is_the_reports_color_open_at_the_end_of_its_period(cast, tree, report):
    in_week = make_case(cast, tree.grid_a, "handling", title="本周在办", now=T0)
    carried = make_case(cast, tree.grid_a, "handling", title="上周结转", now=T0 - 7 * D)
    done_later = make_case(
        cast, tree.grid_a, "closed", title="下周才办结", now={"reported": T0, "resolved": END + H}
    )
    # Not open at the end of the week, or not this report's:
    make_case(cast, tree.grid_a, "handling", color="orange", title="橙色", now=T0)
    make_case(cast, tree.grid_a, "handling", title="下周才报", now=END + H)
    make_case(cast, tree.grid_a, "resolved", title="待核查", now=T0)
    reopened = make_case(cast, tree.grid_a, "closed", title="下周重办", now=T0)
    actions.case_reopen(actor=None, case_id=reopened.pk, reason="居民不满意", now=END + 2 * H)
    report(title="尚未研判")
    make_case(
        cast,
        tree.grid_c,
        "handling",
        title="别镇的事",
        owner=tree.town2,
        handler="staff_town2",
        now=T0,
    )

    data = weekly(tree, now=T0 + 8 * D).data

    assert Case.objects.get(pk=reopened.pk).status == "handling"  # open now, closed back then
    rows = {r["number"]: r["status"] for r in data["open_cases"]}
    assert rows == {
        in_week.number: "handling",
        carried.number: "handling",
        done_later.number: "handling",
    }
    assert data["period"]["open"] == 3
    assert data["open_by_level"] == {"grid": 3}
    assert data["open_by_status"] == {"handling": 3}
    ws = workbook(weekly(tree, now=T0 + 8 * D))
    assert ws.cell(row=7, column=3).value == 3
    assert len(detail(ws, 2)) == 3
    # The county's report counts the other town's case too; made again later, a report says
    # the same about the same week.
    assert weekly(tree, now=T0 + 8 * D, node=tree.county).data["period"]["open"] == 4
    assert weekly(tree, now=T0 + 30 * D).data == data


def test_new_and_closed_count_the_reports_color_only(cast, tree):
    make_case(cast, tree.grid_a, "closed", now=T0)
    make_case(cast, tree.grid_a, "closed", color="red", now=T0)
    make_case(cast, tree.grid_a, "handling", color="orange", now=T0)

    period = weekly(tree, now=T0 + 7 * D).data["period"]

    assert (period["new"], period["closed"], period["open"]) == (1, 1, 0)


def test_a_report_of_the_running_week_counts_what_is_open_now(cast, tree):
    case = make_case(cast, tree.grid_a, "handling", now=T0)

    data = weekly(tree, now=T0 + 3 * H).data

    assert data["as_of"] == "2026-11-16T12:00+08:00"
    assert [r["number"] for r in data["open_cases"]] == [case.number]
    assert data["period"]["overdue"] == 0  # due tomorrow


# ---------------------------------------------------------------- overdue: at the moment


def test_overdue_is_read_at_the_reports_moment_not_from_the_sweep(cast, tree):
    late = make_case(cast, tree.grid_a, "handling", title="周二到期", now=T0)
    closes_late = make_case(cast, tree.grid_a, "handling", title="超期后办结", now=T0)
    actions.deadline_sweep(now=late.clear_by + H, escalate_limit=0)
    advance(cast, closes_late, "closed", now=late.clear_by + 2 * H)
    unflagged = make_case(cast, tree.grid_a, "handling", title="周三报", now=T0 + 2 * D)
    sunday = make_case(cast, tree.grid_a, "handling", title="周日晚报", now=END - 4 * H)
    assert unflagged.clear_by < END < sunday.clear_by

    # Monday 06:00, when beat makes last week's reports: the sweep has not seen `unflagged`.
    before_sweep = weekly(tree, now=END + 6 * H).data
    assert Case.objects.get(pk=unflagged.pk).overdue_since is None
    actions.deadline_sweep(now=sunday.clear_by + H, escalate_limit=0)
    assert Case.objects.get(pk=sunday.pk).overdue_since is not None
    after_sweep = weekly(tree, now=sunday.clear_by + 2 * H).data

    for data in (before_sweep, after_sweep):
        flags = {r["number"]: r["overdue"] for r in data["open_cases"]}
        assert flags == {late.number: True, unflagged.number: True, sunday.number: False}
        assert data["period"]["overdue"] == 2
    ws = workbook(weekly(tree, now=sunday.clear_by + 2 * H))
    assert ws.cell(row=7, column=4).value == 2
    assert dict(zip(detail(ws, 3), detail(ws, 8), strict=True)) == {
        "周二到期": "是",
        "周三报": "是",
        "周日晚报": "否",
    }


# ---------------------------------------------------------------- latest progress


def test_the_latest_progress_is_each_cases_newest_progress_note(cast, tree):
    a = make_case(cast, tree.grid_a, "handling", title="甲", now=T0)
    b = make_case(cast, tree.grid_a, "handling", title="乙", now=T0)
    c = make_case(cast, tree.grid_a, "handling", title="丙", now=T0)
    note = actions.case_progress
    note(actor=cast.worker_a, case_id=a.pk, note="已联系物业", now=T0 + H)
    note(actor=cast.worker_a, case_id=a.pk, note="挖机明天到", now=T0 + 2 * D)
    note(actor=cast.worker_a, case_id=c.pk, note="第一条", now=T0 + D)
    note(actor=cast.worker_a, case_id=c.pk, note="同一时刻的第二条", now=T0 + D)
    # Not progress notes, or written after the week the report is about:
    actions.case_supervise(actor=cast.staff_town1, case_id=a.pk, note="请尽快", now=T0 + 3 * D)
    note(actor=cast.worker_a, case_id=c.pk, note="下周的进展", now=END + H)

    report = weekly(tree, now=T0 + 8 * D)

    progress = {r["number"]: r["progress"] for r in report.data["open_cases"]}
    assert progress == {a.number: "挖机明天到", b.number: "", c.number: "同一时刻的第二条"}
    ws = workbook(report)
    assert dict(zip(detail(ws, 3), detail(ws, 9), strict=True)) == {
        "甲": "挖机明天到",
        "乙": None,
        "丙": "同一时刻的第二条",
    }


# ---------------------------------------------------------------- typed cells


def test_the_workbooks_numbers_rates_and_dates_are_typed_cells(cast, tree):
    case = make_case(cast, tree.grid_a, "handling", now=T0)
    make_case(
        cast, tree.grid_a, "closed", now={"reported": T0, "resolved": T0 + H, "closed": T0 + 2 * H}
    )
    report = weekly(tree, now=T0 + 7 * D)
    ws = workbook(report)

    totals = [ws.cell(row=7, column=i) for i in range(1, 10)]
    assert [c.value for c in totals] == [2, 1, 1, 1, 2, 1, 0.5, 0.5, 1]
    assert all(c.data_type == "n" for c in totals)
    assert [c.number_format for c in totals[6:]] == ["0.00%"] * 3
    for cell, value in (
        (ws["E2"], dt.datetime(2026, 11, 16)),
        (ws["G2"], dt.datetime(2026, 11, 22)),
        (ws["E3"], timezone.localtime(report.generated_at).replace(tzinfo=None)),
        (ws["G3"], dt.datetime(2026, 11, 23)),
        (ws["G11"], timezone.localtime(case.clear_by).replace(tzinfo=None)),
    ):
        assert cell.is_date and cell.value == value
    assert (ws["E2"].number_format, ws["G11"].number_format) == ("yyyy-mm-dd", "yyyy-mm-dd hh:mm")
    assert (ws["A11"].value, ws["A11"].data_type) == (1, "n")


def test_a_rate_with_nothing_to_count_is_a_dash_not_zero(cast, tree):
    report = actions.generate_report(
        node_id=tree.town1.pk, kind="monthly", period_start=WEEK, now=T0 + 30 * D
    )
    ws = workbook(report)

    assert [ws.cell(row=7, column=i).value for i in range(1, 10)] == [0] * 6 + ["—"] * 3
    assert report.data["kpis"]["closure_rate"] is None


def test_a_report_stored_with_the_older_figures_still_downloads(client, cast, tree):
    case = make_case(cast, tree.grid_a, "handling", now=T0)
    report = weekly(tree, now=T0 + 7 * D)
    data = report.data
    del data["as_of"]
    data["open_cases"][0]["clear_by"] = "2026-11-17 18:00"
    report.save(update_fields=["data"])
    client.force_login(cast.staff_town1)

    response = client.get(reverse("report_download", args=[report.pk]))

    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    assert (ws["B11"].value, ws["G11"].value) == (case.number, dt.datetime(2026, 11, 17, 18))
    assert ws["G3"].value is None


# ---------------------------------------------------------------- the period's name


def test_a_period_is_named_by_its_week_month_or_quarter_and_days(tree):
    weekly_, monthly, quarterly = (
        actions.generate_report(
            node_id=tree.town1.pk, kind=kind, period_start=dt.date(2026, 11, 23), now=T0
        )
        for kind in ("weekly", "monthly", "quarterly")
    )
    with translation.override("en"):
        assert period_name(weekly_) == "Week 48 of 2026 (11-23 – 11-29)"
        assert period_name(monthly) == "November 2026 (11-01 – 11-30)"
        assert period_name(quarterly) == "Q4 2026 (10-01 – 12-31)"
        assert period_name(weekly_, days=False) == "Week 48 of 2026"
    assert period_name(monthly) == "2026年11月 (11-01 – 11-30)"
    # The ISO week: the last days of December can be week 1 of the next year.
    new_year = actions.generate_report(
        node_id=tree.town1.pk, kind="weekly", period_start=dt.date(2026, 12, 30), now=T0
    )
    with translation.override("en"):
        assert period_name(new_year) == "Week 53 of 2026 (12-28 – 01-03)"


def test_the_page_and_the_workbook_name_the_period_alike(client, cast, tree):
    reports = [
        actions.generate_report(node_id=tree.town1.pk, kind=kind, period_start=WEEK, now=T0)
        for kind in ("weekly", "monthly", "quarterly")
    ]
    client.force_login(cast.staff_town1)

    page = page_text(client.get(reverse("report_list")))

    for report in reports:
        name = period_name(report)
        assert name in page
        assert workbook(report)["B2"].value == name
    assert "11-16 – 11-22" in period_name(reports[0])


# ---------------------------------------------------------------- the file's name


@pytest.mark.parametrize(
    "kind, ascii_name",
    [
        ("weekly", "610722107-weekly-2026-W47.xlsx"),
        ("monthly", "610722107-monthly-2026-11.xlsx"),
        ("quarterly", "610722107-quarterly-2026-Q4.xlsx"),
    ],
)
def test_the_download_is_named_in_chinese_with_an_ascii_fallback(
    client, cast, tree, kind, ascii_name
):
    report = actions.generate_report(node_id=tree.town1.pk, kind=kind, period_start=WEEK, now=T0)
    client.force_login(cast.staff_town1)

    header = client.get(reverse("report_download", args=[report.pk]))["Content-Disposition"]

    cadence = {"weekly": "日清周报", "monthly": "周清月报", "quarterly": "月清季报"}[kind]
    name = f"沙河营镇-{cadence}-{period_name(report, days=False)}.xlsx"
    assert header == f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    expected = {
        "weekly": "沙河营镇-日清周报-2026年第47周.xlsx",
        "monthly": "沙河营镇-周清月报-2026年11月.xlsx",
        "quarterly": "沙河营镇-月清季报-2026年第4季度.xlsx",
    }[kind]
    assert unquote(header.split("''")[1]) == expected


def test_a_units_name_cannot_break_the_download_header(client, cast, tree):
    GridNode.objects.filter(pk=tree.town1.pk).update(name='沙河营镇/"试点"\\')
    report = actions.generate_report(
        node_id=tree.town1.pk, kind="monthly", period_start=WEEK, now=T0
    )
    client.force_login(cast.staff_town1)

    response = client.get(reverse("report_download", args=[report.pk]))

    assert response.status_code == 200
    _attachment, fallback, utf8 = response["Content-Disposition"].split("; ")
    assert fallback == 'filename="610722107-monthly-2026-11.xlsx"'
    assert (
        unquote(utf8.removeprefix("filename*=UTF-8''"))
        == "沙河营镇__试点__-周清月报-2026年11月.xlsx"
    )


# ---------------------------------------------------------------- queries


def test_the_figures_take_two_queries_whatever_the_number_of_cases(
    cast, tree, django_assert_num_queries
):
    for i in range(3):
        case = make_case(cast, tree.grid_a, "handling", now=T0 + i * H)
        actions.case_progress(actor=cast.worker_a, case_id=case.pk, note=f"进展{i}", now=T0 + D)
    make_case(cast, tree.grid_a, "closed", now=T0)

    with django_assert_num_queries(2):
        data = compute(tree.town1, "weekly", WEEK, WEEK + 7 * D, T0 + 7 * D)

    assert data["period"]["open"] == 3


REPORT_LIST_QUERIES = 5


def test_the_report_list_takes_the_same_queries_however_many_reports(
    client, cast, tree, django_assert_num_queries
):
    client.force_login(cast.staff_town1)
    weekly(tree, now=T0)
    with django_assert_num_queries(REPORT_LIST_QUERIES):
        assert client.get(reverse("report_list")).status_code == 200
    for kind in ("monthly", "quarterly"):
        actions.generate_report(node_id=tree.town1.pk, kind=kind, period_start=WEEK, now=T0)
    with django_assert_num_queries(REPORT_LIST_QUERIES):
        assert client.get(reverse("report_list")).status_code == 200


def test_the_reports_on_time_closures_are_the_dashboards_closed_by_the_deadline(cast, tree):
    from cases.models import Case

    on_time = make_case(
        cast, tree.grid_a, "closed", now={"reported": T0, "resolved": T0 + H, "closed": T0 + 2 * H}
    )
    late = make_case(
        cast, tree.grid_a, "closed", now={"reported": T0, "resolved": T0 + H, "closed": T0 + 2 * H}
    )
    # Both deadlines fall in the week; the late one was verified after its deadline although
    # the work was done before it (按期处置, not 按期结案).
    Case.objects.filter(pk=on_time.pk).update(clear_by=T0 + 3 * H)
    Case.objects.filter(pk=late.pk).update(clear_by=T0 + 90 * 60 * dt.timedelta(seconds=1))
    kpi = weekly(tree, END + H).data["kpis"]
    assert (kpi["due"], kpi["closed"], kpi["closed_on_time"]) == (2, 2, 1)
