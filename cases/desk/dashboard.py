"""The desk dashboard (/desk/dashboard/): the figures of the place asked for, by default the top of
the user's scope (their town, or the county); what each figure counts is in docs/kpis.md."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from cases.queries import dashboard as figures
from gridgov.cleaning import parse_id
from grids.models import GridNode
from staff import access


def _node(request) -> GridNode:
    """The node asked for (`?node=`), inside the scope (else 404), or the user's own top node."""
    raw = request.GET.get("node")
    if not raw:
        node = figures.scope_root(request.user)
        if node is None:
            raise PermissionDenied
        return node
    node = GridNode.objects.filter(pk=parse_id(raw) or 0).first()
    if node is None:
        raise Http404("No such node.")
    access.require(request.user, "dashboard.view", node)
    return node


def _now():
    return timezone.now()  # one seam, so tests can fix "today"


@access.required("dashboard.view")
def dashboard(request):
    node = _node(request)
    now = _now()
    period = figures.parse_period(request.GET, timezone.localdate(now))
    board = figures.dashboard(node, period, now=now)
    context = {"d": board, "periods": figures.PERIODS, "weights": figures.DIFFICULTY_WEIGHTS}
    return render(request, "cases/dashboard/dashboard.html", context)
