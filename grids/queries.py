"""Reads of the tree that pages, the API and reports share."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from grids.models import GridNode


def subtree(node: GridNode, queryset: QuerySet | None = None, via: str = "") -> QuerySet:
    """Everything in `node`'s subtree (itself included): one range condition, one query."""
    qs = GridNode.objects.all() if queryset is None else queryset
    prefix = f"{via}__" if via else ""
    return qs.filter(
        **{
            f"{prefix}tree_id": node.tree_id,
            f"{prefix}lft__gte": node.lft,
            f"{prefix}rght__lte": node.rght,
        }
    )


def breadcrumbs(nodes: list[GridNode]) -> dict[int, list[GridNode]]:
    """County › town › … › node for each node, all in one query."""
    if not nodes:
        return {}
    q = Q()
    for n in nodes:
        q |= Q(tree_id=n.tree_id, lft__lte=n.lft, rght__gte=n.rght)
    ancestors = list(GridNode.objects.filter(q).order_by("tree_id", "lft"))
    return {
        n.pk: [
            a for a in ancestors if a.tree_id == n.tree_id and a.lft <= n.lft and a.rght >= n.rght
        ]
        for n in nodes
    }
