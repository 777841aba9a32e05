"""Reports on the desk: the list and the .xlsx download, both through the access policy."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from cases import sheets
from cases.models import PeriodicReport
from staff import access


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
    return render(request, "cases/report_list.html", {"items": items})


@login_required
def report_download(request, report_id: int):
    report = get_object_or_404(PeriodicReport.objects.select_related("node"), pk=report_id)
    access.require(request.user, "report.view", report)  # outside the scope: 404, else 403
    response = HttpResponse(
        sheets.report_xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"{report.node.code}-{report.kind}-{report.period_start:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
