"""Weekly / monthly / quarterly reports: figures, .xlsx cells, one report per scope and period."""

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook

from cases import actions, sheets
from cases.models import Case, CaseEvent, PeriodicReport
from cases.queries import periods
from cases.queries.reports import period_name
from tests.factories import T0, make_case

D = dt.timedelta(days=1)
WEEK = dt.date(2026, 11, 16)  # Monday


@pytest.fixture
def week_of_cases(cast, tree, report):
    a = make_case(cast, tree.grid_a, "handling", title="排水沟堵塞", now=T0)
    actions.case_progress(actor=cast.worker_a, case_id=a.pk, note="已联系挖机", now=T0 + D)
    b = make_case(
        cast,
        tree.grid_a,
        "closed",
        title="路灯损坏",
        result="已更换灯泡",
        now={
            "reported": T0,
            "resolved": T0 + 2 * dt.timedelta(hours=3),
            "closed": T0 + dt.timedelta(hours=8),
        },
    )
    c = make_case(cast, tree.grid_a, "accepted", color="red", title="宅基地边界", now=T0)
    report(node=tree.grid_c, actor="staff_town2", title="别镇的事")
    return a, b, c


def test_the_weekly_report_counts_the_week(week_of_cases, tree):
    a, b, c = week_of_cases
    report = actions.generate_report(
        node_id=tree.town1.pk, kind="weekly", period_start=WEEK, now=T0 + 7 * D
    )
    data = report.data
    assert (report.period_start, report.period_end, report.color) == (WEEK, WEEK + 7 * D, "yellow")
    # The yellow cases only (the red one is the quarterly report's); the open one was due on
    # Tuesday, so at the end of the week it is overdue although no sweep has flagged it.
    assert data["period"] == {"new": 2, "closed": 1, "open": 1, "overdue": 1}
    assert data["open_by_level"] == {"grid": 1}
    assert data["open_by_status"] == {"handling": 1}
    assert data["as_of"] == "2026-11-23T00:00+08:00"
    assert (data["kpis"]["due"], data["kpis"]["closed"], data["kpis"]["closure_rate"]) == (
        2,
        1,
        0.5,
    )
    # Every open case of the report's color, with its last progress note.
    assert [(r["number"], r["progress"]) for r in data["open_cases"]] == [(a.number, "已联系挖机")]


def test_generating_the_same_period_twice_leaves_one_report(week_of_cases, tree):
    first = actions.generate_report(
        node_id=tree.town1.pk, kind="weekly", period_start=WEEK + 3 * D, now=T0 + 7 * D
    )
    again = actions.generate_report(
        node_id=tree.town1.pk, kind="weekly", period_start=WEEK, now=T0 + 8 * D
    )
    assert first.pk == again.pk
    assert PeriodicReport.objects.count() == 1
    assert PeriodicReport.objects.get().generated_at == T0 + 8 * D


def test_the_xlsx_reads_like_a_township_report(week_of_cases, tree):
    a, _b, _c = week_of_cases
    report = actions.generate_report(
        node_id=tree.town1.pk, kind="weekly", period_start=WEEK, now=T0 + 7 * D
    )
    ws = load_workbook(io.BytesIO(sheets.report_xlsx(report))).active
    assert ws["A1"].value == "沙河营镇黄色事件周报（日清周报）"
    assert (ws["A2"].value, ws["B2"].value) == ("统计期间", period_name(report))
    assert (ws["D2"].value, ws["E2"].value) == ("起始日期", dt.datetime(2026, 11, 16))
    assert (ws["F2"].value, ws["G2"].value) == ("截止日期", dt.datetime(2026, 11, 22))
    assert (ws["A3"].value, ws["B3"].value) == ("填报单位", "沙河营镇")
    assert [ws.cell(row=6, column=i).value for i in range(1, 8)] == [
        "新增",
        "已结案",
        "在办",
        "超期",
        "应结案",
        "应结已结",
        "结案率",
    ]
    assert [ws.cell(row=7, column=i).value for i in range(1, 8)] == [2, 1, 1, 1, 2, 1, 0.5]
    assert ws.cell(row=7, column=7).number_format == "0.00%"
    assert ws.cell(row=10, column=2).value == "事件编号"
    assert [ws.cell(row=11, column=i).value for i in (1, 2, 3, 9)] == [
        1,
        a.number,
        "排水沟堵塞",
        "已联系挖机",
    ]


def test_monthly_and_quarterly_periods():
    assert periods.period_containing("monthly", dt.date(2026, 11, 21)) == (
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 1),
    )
    assert periods.period_containing("quarterly", dt.date(2026, 11, 21)) == (
        dt.date(2026, 10, 1),
        dt.date(2027, 1, 1),
    )
    assert periods.last_completed_period("weekly", dt.date(2026, 11, 23)) == (WEEK, WEEK + 7 * D)
    assert periods.last_completed_period("quarterly", dt.date(2026, 1, 1)) == (
        dt.date(2025, 10, 1),
        dt.date(2026, 1, 1),
    )


def test_generate_due_makes_one_report_per_town_and_county(week_of_cases, tree):
    made = actions.generate_due_reports(kinds=["weekly"], now=T0 + 7 * D)
    assert {r.node_id for r in made} == {tree.county.pk, tree.town1.pk, tree.town2.pk}
    actions.generate_due_reports(kinds=["weekly"], now=T0 + 7 * D)
    assert PeriodicReport.objects.count() == 3


def test_download_is_scoped_to_the_town(client, cast, week_of_cases, tree):
    mine = actions.generate_report(
        node_id=tree.town1.pk, kind="weekly", period_start=WEEK, now=T0 + 7 * D
    )
    client.force_login(cast.staff_town2)
    assert client.get(f"/desk/reports/{mine.pk}/xlsx/").status_code == 404
    assert mine.node.name not in client.get("/desk/reports/").content.decode()
    client.force_login(cast.staff_town1)
    response = client.get(f"/desk/reports/{mine.pk}/xlsx/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "沙河营镇" in client.get("/desk/reports/").content.decode()


def test_a_formula_in_a_title_is_written_as_text_in_the_weekly_report(
    client, cast, week_of_cases, tree
):
    a, _b, _c = week_of_cases
    formula = '=HYPERLINK("http://x.invalid","y")'
    # Old rows were stored before any form check: straight into the database.
    Case.objects.filter(pk=a.pk).update(
        title=formula[:11] + "\x01" + formula[11:], description="描述\x01" + formula
    )
    CaseEvent.objects.filter(case=a, action="progress").update(note="@\x01SUM(A1)")
    report = actions.generate_report(
        node_id=tree.town1.pk, kind="weekly", period_start=WEEK, now=T0 + 7 * D
    )
    client.force_login(cast.staff_town1)
    response = client.get(f"/desk/reports/{report.pk}/xlsx/")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    title, progress = ws.cell(row=11, column=3), ws.cell(row=11, column=9)
    assert ws.cell(row=11, column=2).value == a.number
    assert (title.value, title.data_type) == (formula, "s")
    assert (progress.value, progress.data_type) == ("@SUM(A1)", "s")
    sheet_xml = zipfile.ZipFile(io.BytesIO(response.content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml


def test_the_management_command_generates_last_weeks_reports(week_of_cases, tree):
    from django.core.management import call_command

    call_command("generate_reports", "--kind", "weekly", "--today", "2026-11-23")
    assert PeriodicReport.objects.filter(kind="weekly", period_start=WEEK).count() == 3
