"""Printing every bulletin of a village or a town as one document, one page per grid (or one
per road segment: ?what=streets), for those who may change the place (a town's admin). Without
a place: the places one may print."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from gridgov.cleaning import id_or_404
from grids.models import GridNode, StreetSegment, Tier
from grids.public.bulletin import grid_sheet, paper_size, render_sheets, street_sheet
from grids.queries import bulletin_grids, bulletins
from staff import access

WHAT = ("grids", "streets")
CHOICES = 500  # a county's towns and villages, with room to spare


@access.door_required("desk", "node.change")
@require_safe
def print_bulletins(request):
    if "node" not in request.GET:
        return _choose(request)
    node = GridNode.objects.filter(pk=id_or_404(request.GET["node"])).first()
    if node is None:
        raise Http404("No such place.")
    access.require(request.user, "node.change", node)  # outside: 404, like a missing place
    what = request.GET.get("what") if request.GET.get("what") in WHAT else WHAT[0]
    size = paper_size(request)
    if what == "streets":
        segments = list(
            StreetSegment.objects.filter(GridNode.subtree_q(node, via="node"))
            .select_related("node")
            .order_by("node__tree_id", "node__lft", "code")
        )
        boards = bulletins(list({s.node_id: s.node for s in segments}.values()))
        sheets = [
            street_sheet(
                request,
                s,
                [p for p in boards[s.node_id].street_chiefs if p.segment.pk == s.pk],
                boards[s.node_id],
            )
            for s in segments
        ]
    else:
        grids = list(bulletin_grids(node))
        boards = bulletins(grids)
        sheets = [grid_sheet(request, boards[g.pk]) for g in grids]
    return render_sheets(
        request,
        sheets,
        title=node.name,
        size=size,
        query=f"node={node.pk}&what={what}&",
        back_url=reverse("desk_bulletins"),
    )


def _choose(request):
    places = access.scope(
        request.user,
        "node.change",
        GridNode.objects.filter(tier__in=[Tier.TOWN, Tier.AREA, Tier.VILLAGE]),
        via="",
    ).order_by(*GridNode.TREE_ORDER)[:CHOICES]
    return render(request, "grids/desk/bulletins.html", {"places": places})
