"""The .xlsx sheets that leave gridgov: a periodic report laid out the way a township office hands
it upward, and the supervision board's export. Every cell goes through gridgov.xlsx."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    Color,
    PeriodicReport,
    Source,
    Status,
)
from cases.queries.board import BoardFilters, decorate
from cases.queries.reports import CADENCE_NAMES, period_name

PERCENT = "0.00%"  # 94.86%, as seed 004 gives the closure rate
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"


def _rate(value) -> float | str:
    # A rate with nothing to count is a dash, not 0%: "no case was due" is not "none closed".
    return "—" if value is None else value


def _local(value: dt.datetime) -> dt.datetime:
    # A spreadsheet has no time zones: the cell holds the Beijing wall-clock time.
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def _moment(text: str):
    """A stored time (ISO 8601, or the "YYYY-MM-DD HH:MM" of older reports) as a cell value:
    a datetime, or the text itself if it is not one."""
    if not text:
        return None
    try:
        return _local(dt.datetime.fromisoformat(text))
    except (TypeError, ValueError):
        return text


def _formats(ws, row: int, percent_columns: tuple[int, ...] = ()) -> None:
    """Show the row's dates as dates and its rates as percentages (the cells stay numbers)."""
    for cell in ws[row]:
        if isinstance(cell.value, dt.datetime):
            cell.number_format = DATETIME
        elif isinstance(cell.value, dt.date):
            cell.number_format = DATE
        elif cell.column in percent_columns and isinstance(cell.value, int | float):
            cell.number_format = PERCENT


def report_xlsx(report: PeriodicReport) -> bytes:
    """The report as a workbook: title, period, unit, totals, then the detail table. Counts,
    rates and dates are typed cells (numbers, fractions shown as %, dates), text stays text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    from gridgov.xlsx import append_row

    data = report.data
    wb = Workbook()
    ws = wb.active
    ws.title = str(report.get_kind_display())[:31]
    width = 9
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)

    title = _("%(unit)s %(color)s cases: %(kind)s (%(cadence)s)") % {
        "unit": report.node.name,
        "color": Color(report.color).label,
        "kind": report.get_kind_display(),
        "cadence": CADENCE_NAMES[report.color],
    }
    append_row(ws, [title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    last_day = report.period_end - dt.timedelta(days=1)
    # The dates sit in the wide columns E and G, so that no date shows as ####.
    append_row(
        ws,
        [
            _("Period"),
            period_name(report),
            None,
            _("From"),
            report.period_start,
            _("Until"),
            last_day,
        ],
    )
    append_row(
        ws,
        [
            _("Unit"),
            report.node.name,
            None,
            _("Generated"),
            _local(report.generated_at),
            _("Figures as of"),
            _moment(data.get("as_of", "")),
        ],
    )
    for row in (2, 3):
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
        _formats(ws, row)
    append_row(ws, [])

    k, p = data["kpis"], data["period"]
    headers = [
        _("New"),
        _("Closed"),
        _("Open"),
        _("Overdue"),
        _("Due"),
        _("Closed of due"),
        _("Closure rate"),
        _("On-time rate"),
        _("Settled in the grid"),
    ]
    append_row(ws, [_("Totals")])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    append_row(ws, headers)
    append_row(
        ws,
        [
            p["new"],
            p["closed"],
            p["open"],
            p["overdue"],
            k["due"],
            k["closed"],
            _rate(k.get("closure_rate")),
            _rate(k.get("on_time_rate")),
            _rate(k.get("grid_share")),
        ],
    )
    _formats(ws, ws.max_row, percent_columns=(7, 8, 9))
    for row in ws.iter_rows(min_row=ws.max_row - 1, max_row=ws.max_row, max_col=len(headers)):
        for cell in row:
            cell.border = box
    append_row(ws, [])

    append_row(ws, [_("Open %(color)s cases") % {"color": Color(report.color).label}])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    columns = [
        _("No."),
        _("Case number"),
        _("Matter"),
        _("Where"),
        _("Held by"),
        _("Status"),
        _("Clear by"),
        _("Overdue"),
        _("Latest progress"),
    ]
    append_row(ws, columns)
    header_row = ws.max_row
    for i, c in enumerate(data["open_cases"], start=1):
        append_row(
            ws,
            [
                i,
                c["number"],
                c["title"],
                c["where"],
                c["held_by"],
                str(Status(c["status"]).label),
                _moment(c["clear_by"]),
                _("Yes") if c["overdue"] else _("No"),
                c["progress"],
            ],
        )
        _formats(ws, ws.max_row)
    for row in ws.iter_rows(min_row=header_row, max_row=ws.max_row, max_col=len(columns)):
        for cell in row:
            cell.border = box
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for letter, w in zip("ABCDEFGHI", (6, 22, 30, 16, 17, 10, 18, 8, 40), strict=True):
        ws.column_dimensions[letter].width = w
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def board_xlsx(cases, f: BoardFilters, now: dt.datetime, *, limit: int = 10000) -> bytes:
    """The filtered board as a workbook: title, the filters in words, then the table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from gridgov.xlsx import append_row

    wb = Workbook()
    ws = wb.active
    ws.title = str(_("Supervision board"))[:31]
    headers = [
        _("Case number"),
        _("Title"),
        _("Where"),
        _("Held by"),
        _("Level"),
        _("Color"),
        _("Status"),
        _("Category"),
        _("Source"),
        _("Deadline"),
        _("Time left"),
        _("Overdue by"),
    ]
    local_now = timezone.localtime(now)
    append_row(ws, [_("Supervision board (open cases)") + f" · {local_now:%Y-%m-%d %H:%M}"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws["A1"].font = Font(size=14, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    append_row(ws, [_("Filters") + ": " + f.describe()])
    append_row(ws, headers)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    red = PatternFill("solid", fgColor="FDECEA")
    for case in decorate(cases[:limit], None, now):
        deadline = (
            timezone.localtime(case.clear_by).strftime("%Y-%m-%d %H:%M") if case.clear_by else ""
        )
        append_row(
            ws,
            [
                case.number,
                case.title,
                case.node.name,
                case.owner_node.name,
                case.level_label,
                str(Color(case.color).label) if case.color else "",
                str(Status(case.status).label),
                case.category.name if case.category else "",
                str(Source(case.source).label),
                deadline,
                "" if case.overdue else case.time_span,
                case.time_span if case.overdue else "",
            ],
        )
        if case.overdue:
            for cell in ws[ws.max_row]:
                cell.fill = red
    for letter, width in zip(
        "ABCDEFGHIJKL", (20, 30, 18, 18, 8, 8, 10, 12, 12, 17, 12, 12), strict=True
    ):
        ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
