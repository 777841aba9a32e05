"""The desk dashboard (/desk/dashboard/): the figures of the place asked for, by default the top of
the user's scope (their town, or the county); what each figure counts is in docs/kpis.md."""

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from cases.queries import dashboard as figures
from gridgov.cache import get_or_none, set_quietly
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


# The figures of one node and period are the same for everyone who may open them, and a town's
# staff open the page far more often than its cases change: the rendered figures are kept until
# a case of the county changes or the minute ends (cases.queries.dashboard.figures_key).
FIGURES_CACHE_SECONDS = 120


def _rendered_figures(node: GridNode, period, now) -> str:
    key = figures.figures_key(node, period, now, get_language())
    hit = None if key is None else get_or_none(cache, key)
    if hit is not None:
        return hit
    board = figures.dashboard(node, period, now=now)
    context = {"d": board, "periods": figures.PERIODS, "weights": figures.DIFFICULTY_WEIGHTS}
    html = render_to_string("cases/dashboard/_figures.html", context)
    if key is not None:
        set_quietly(cache, key, html, FIGURES_CACHE_SECONDS)
    return html


@access.required("dashboard.view")
def dashboard(request):
    node = _node(request)
    now = _now()
    period = figures.parse_period(request.GET, timezone.localdate(now))
    html = _rendered_figures(node, period, now)
    context = {"node": node, "figures": mark_safe(html)}  # noqa: S308 -- our own template's output
    return render(request, "cases/dashboard/dashboard.html", context)
