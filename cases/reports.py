"""Periodic reports (日清周报, 周清月报, 月清季报): figures per town and county, stored as Report
rows (regenerating replaces) and laid out in .xlsx the way a township office hands them upward."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import asdict

from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import OPEN_STATUSES, CaseEvent, Color, Report, Status
from cases.queries import cases_in, kpis
from grids.models import GridNode, Tier

KIND_COLOR = {
    Report.Kind.WEEKLY: Color.YELLOW,
    Report.Kind.MONTHLY: Color.ORANGE,
    Report.Kind.QUARTERLY: Color.RED,
}
CADENCE_NAMES = {Color.YELLOW: "日清周报", Color.ORANGE: "周清月报", Color.RED: "月清季报"}
LEVELS = [Tier.MICRO_GRID, Tier.GRID, Tier.VILLAGE, Tier.TOWN, Tier.COUNTY]


def period_containing(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """[start, end) of the week (Monday first), month or quarter that contains `day`."""
    if kind == Report.Kind.WEEKLY:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=7)
    if kind == Report.Kind.MONTHLY:
        start = day.replace(day=1)
    else:
        start = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    months = 1 if kind == Report.Kind.MONTHLY else 3
    end_month = start.month - 1 + months
    return start, start.replace(year=start.year + end_month // 12, month=end_month % 12 + 1)


def last_completed_period(kind: str, today: dt.date) -> tuple[dt.date, dt.date]:
    start, _end = period_containing(kind, today)
    return period_containing(kind, start - dt.timedelta(days=1))


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))


def compute(node: GridNode, kind: str, start: dt.date, end: dt.date, now: dt.datetime) -> dict:
    """The report's figures: a fixed handful of queries whatever the number of cases."""
    color = KIND_COLOR[kind]
    begin, finish = _midnight(start), _midnight(end)
    cases = cases_in(node)
    by_color_status = {
        f"{row['color'] or '-'}:{row['status']}": row["n"]
        for row in cases.values("color", "status").annotate(n=Count("pk")).order_by()
    }
    open_by_level = {
        row["owner_node__tier"]: row["n"]
        for row in cases.filter(status__in=OPEN_STATUSES)
        .values("owner_node__tier")
        .annotate(n=Count("pk"))
        .order_by()
    }
    period = cases.aggregate(
        new=Count("pk", filter=Q(created_at__gte=begin, created_at__lt=finish)),
        closed=Count(
            "pk", filter=Q(status=Status.CLOSED, closed_at__gte=begin, closed_at__lt=finish)
        ),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, overdue_since__isnull=False)),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
    )
    last_note = CaseEvent.objects.filter(case=OuterRef("pk"), action="progress").order_by(
        "-created_at", "-pk"
    )
    detail = [
        {
            "number": c.number,
            "title": c.title,
            "where": c.node.name,
            "held_by": c.owner_node.name,
            "status": c.status,
            "clear_by": timezone.localtime(c.clear_by).strftime("%Y-%m-%d %H:%M")
            if c.clear_by
            else "",
            "overdue": c.overdue_since is not None,
            "progress": c.last_progress or "",
        }
        for c in cases.filter(status__in=OPEN_STATUSES, color=color)
        .select_related("node", "owner_node")
        .annotate(last_progress=Subquery(last_note.values("note")[:1]))
        .order_by("clear_by", "pk")
    ]
    figures = kpis(node, begin, finish)
    kpi = asdict(figures) | {
        "closure_rate": figures.closure_rate,
        "on_time_rate": figures.on_time_rate,
        "grid_share": figures.grid_share,
        "satisfaction_rate": figures.satisfaction_rate,
    }
    return {
        "by_color_status": by_color_status,
        "open_by_level": open_by_level,
        "period": period,
        "kpis": kpi,
        "open_cases": detail,
    }


def generate(
    *, node_id: int, kind: str, period_start: dt.date, now: dt.datetime | None = None
) -> Report:
    """Build (or rebuild, replacing) one report. Safe to run twice, or twice at once."""
    now = now or timezone.now()
    node = GridNode.objects.get(pk=node_id)
    start, end = period_containing(kind, period_start)
    values = {
        "color": KIND_COLOR[kind],
        "period_end": end,
        "data": compute(node, kind, start, end, now),
        "generated_at": now,
    }
    for _attempt in range(2):
        try:
            with transaction.atomic():
                report, _created = Report.objects.update_or_create(
                    node=node, kind=kind, period_start=start, defaults=values
                )
                return report
        except IntegrityError:  # a parallel run created it first: update that one
            continue
    raise RuntimeError("report could not be stored")


def generate_due(*, kinds=None, now: dt.datetime | None = None) -> list[Report]:
    """Reports of the last completed period of each kind, for every town and county."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    kinds = kinds or list(Report.Kind.values)
    units = GridNode.objects.filter(tier__in=[Tier.TOWN, Tier.COUNTY]).values_list("pk", flat=True)
    return [
        generate(node_id=pk, kind=kind, period_start=last_completed_period(kind, today)[0], now=now)
        for kind in kinds
        for pk in units
    ]


# ---------------------------------------------------------------- .xlsx


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def xlsx(report: Report) -> bytes:
    """The report as a workbook: title, period, unit, totals, then the detail table."""
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
    append_row(ws, [_("Period"), f"{report.period_start:%Y-%m-%d} — {last_day:%Y-%m-%d}"])
    append_row(
        ws,
        [
            _("Unit"),
            report.node.name,
            _("Generated"),
            timezone.localtime(report.generated_at).strftime("%Y-%m-%d %H:%M"),
        ],
    )
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
            _pct(k["closure_rate"]),
            _pct(k["on_time_rate"]),
            _pct(k["grid_share"]),
        ],
    )
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
                c["clear_by"],
                _("Yes") if c["overdue"] else _("No"),
                c["progress"],
            ],
        )
    for row in ws.iter_rows(min_row=header_row, max_row=ws.max_row, max_col=len(columns)):
        for cell in row:
            cell.border = box
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for letter, w in zip("ABCDEFGHI", (6, 22, 30, 16, 16, 10, 18, 8, 40), strict=True):
        ws.column_dimensions[letter].width = w
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
