"""The services' figures on the desk (/desk/services/figures/): requests by item and status, the
share decided within the promised time, the share that needed at most one visit (最多跑一次) and
the overdue ones; the volunteers' orders placed, dispatched, taken and done, and the hours each
team served. Each figure opens the list behind it."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from services import queries
from services.models import RequestStatus
from staff import access


@access.door_required("desk", "servicerequest.view")
@require_GET
def figures_page(request):
    figures = queries.figures(request.user, request.GET)
    start = figures.start.date()
    end = figures.end.date()
    last = end.fromordinal(end.toordinal() - 1)
    period = {"from": start.isoformat(), "to": last.isoformat()}
    for row in figures.rows:  # one cell per status, in the table's order
        row["cells"] = [(value, row["counts"].get(value, 0)) for value in RequestStatus.values]
    return render(
        request,
        "services/desk/figures.html",
        {
            "f": figures,
            "orders": queries.order_figures(request.user, request.GET),
            "period": period,
            "statuses": RequestStatus.choices,
        },
    )
