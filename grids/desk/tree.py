"""Browsing the tree from the desk: a list and a detail, both through the access policy."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gridgov.errors import add_to_form
from grids import actions
from grids.forms import NodeFactsForm
from grids.models import GridNode, Tier
from grids.queries import breadcrumbs
from staff import access


@access.door_required("desk")
def node_list(request):
    nodes = access.scope(request.user, "node.view", GridNode.objects.all(), via="")
    term = request.GET.get("q", "").strip()[:50]
    if term:
        nodes = nodes.filter(Q(name__icontains=term) | Q(code__startswith=term))
    tier = request.GET.get("tier", "")
    if tier in Tier.values:
        nodes = nodes.filter(tier=tier)
    page = Paginator(nodes.order_by(*GridNode.TREE_ORDER), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "grids/node_list.html",
        {"page": page, "q": term, "tier": tier, "tiers": Tier.choices},
    )


def _node_in_scope(request, pk: int) -> GridNode:
    # Out of scope answers exactly like a missing node: 404; then the door: 403.
    node = get_object_or_404(
        access.scope(request.user, "node.view", GridNode.objects.all(), via=""), pk=pk
    )
    access.require_door(request.user, "desk")
    return node


@login_required
def node_detail(request, node_id: int):
    node = _node_in_scope(request, node_id)
    children = list(node.get_children())
    trail = breadcrumbs([node])[node.pk]
    return render(
        request,
        "grids/node_detail.html",
        {
            "node": node,
            "trail": trail,
            "linkable": {n.pk for n in trail if access.in_scope(request.user, n)},
            "children": children,
            "can_edit": access.can(request.user, "node.change", node),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def node_edit(request, node_id: int):
    node = _node_in_scope(request, node_id)
    access.require(request.user, "node.change", node)
    form = NodeFactsForm(request.POST or None, instance=node)
    if request.method == "POST" and form.is_valid():
        try:
            actions.node_update(actor=request.user, node_id=node.pk, **form.cleaned_data)
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("node_detail", node_id=node.pk)
    return render(request, "grids/node_edit.html", {"node": node, "form": form})
