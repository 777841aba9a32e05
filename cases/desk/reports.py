"""Reports on the desk: the list and the .xlsx download, both through the access policy."""

import re
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from cases import sheets
from cases.models import PeriodicReport
from cases.queries.reports import CADENCE_NAMES, KIND_COLOR, period_name
from staff import access

# What a file name cannot hold on Windows or in a header: replaced, so a unit's name never
# turns into a path or breaks the Content-Disposition header.
_NOT_IN_A_FILE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def _reports(user):
    return access.scope(
        user, "report.view", PeriodicReport.objects.select_related("node"), via="node"
    )


@login_required
def report_list(request):
    items = list(
        _reports(request.user).only(
            "pk", "kind", "color", "period_start", "period_end", "generated_at", "node__name"
        )[:100]
    )
    for r in items:
        r.period_name = period_name(r)
    return render(request, "cases/report_list.html", {"items": items})


def file_name(report: PeriodicReport) -> str:
    """沙河营镇-日清周报-2026年第48周.xlsx: the unit, the cadence and the period, as the page
    names them."""
    cadence = CADENCE_NAMES[KIND_COLOR[report.kind]]
    name = f"{report.node.name}-{cadence}-{period_name(report, days=False)}"
    return _NOT_IN_A_FILE_NAME.sub("_", name) + ".xlsx"


def ascii_file_name(report: PeriodicReport) -> str:
    """The same file for a client that cannot read a UTF-8 name: 610722001-weekly-2026-W48.xlsx."""
    start = report.period_start
    if report.kind == PeriodicReport.Kind.WEEKLY:
        year, week, _weekday = start.isocalendar()
        period = f"{year}-W{week:02d}"
    elif report.kind == PeriodicReport.Kind.MONTHLY:
        period = f"{start:%Y-%m}"
    else:
        period = f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    code = re.sub(r"[^0-9A-Za-z_-]", "_", report.node.code)
    return f"{code}-{report.kind}-{period}.xlsx"


def content_disposition(report: PeriodicReport) -> str:
    # django.utils.http.content_disposition_header gives a non-ASCII name as filename* alone;
    # a plain ASCII filename before it (RFC 6266, section 4.3) serves clients without RFC 5987.
    utf8 = quote(file_name(report), safe="")
    return f"attachment; filename=\"{ascii_file_name(report)}\"; filename*=UTF-8''{utf8}"


@login_required
def report_download(request, report_id: int):
    report = get_object_or_404(PeriodicReport.objects.select_related("node"), pk=report_id)
    access.require(request.user, "report.view", report)  # outside the scope: 404, else 403
    response = HttpResponse(
        sheets.report_xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition(report)
    return response
