"""A place's page (/g/<code>/), where a bulletin's QR code leads: who serves here and how to
reach them, the grid's duties, office hours and hotline, a button to report a problem, and this
month's public figures. Nothing about any case or any person beyond what the board shows."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from cases.models import PeriodicReport
from cases.queries import kpis
from cases.queries.periods import midnight, period_containing
from grids.queries import bulletins, public_node


def not_found(request):
    """An unknown code: said in residents' words (404), with where to look instead."""
    return render(request, "grids/public/not_found.html", status=404)


def report_url(code: str) -> str:
    """Where the "report a problem" button leads: the residents' report form of the place."""
    try:
        return reverse("public_report", kwargs={"code": code})
    except NoReverseMatch:  # the form's page not mounted (yet): its address all the same
        return f"/g/{code}/report/"


@require_safe
def grid_page(request, code: str):
    node = public_node(code)
    if node is None:
        return not_found(request)
    board = bulletins([node])[node.pk]
    first, following = period_containing(PeriodicReport.Kind.MONTHLY, timezone.localdate())
    figures = kpis(node, midnight(first), midnight(following))
    return render(
        request,
        "grids/public/grid.html",
        {
            "node": node,
            "board": board,
            "month": first,
            "closed": figures.closed_in_period,
            "grid_share": figures.grid_share,
            "report_url": report_url(node.code),
            "children": _children(node),
        },
    )


def _children(node):
    """The places one level down, for a village's or town's page: each leads to its own."""
    if node.tier not in ("town", "area", "village"):
        return []
    return list(node.get_children().only("name", "code", "tier"))
