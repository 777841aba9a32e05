"""Reads of the tree that pages, the API and reports share."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from grids.models import GridNode


def subtree(node: GridNode, queryset: QuerySet | None = None, via: str = "") -> QuerySet:
    """Everything in `node`'s subtree (itself included): one range condition, one query."""
    qs = GridNode.objects.all() if queryset is None else queryset
    return qs.filter(GridNode.subtree_q(node, via=via))


def breadcrumbs(nodes: list[GridNode]) -> dict[int, list[GridNode]]:
    """County › town › … › node for each node, all in one query."""
    if not nodes:
        return {}
    ancestors = list(
        GridNode.objects.filter(GridNode.ancestors_q(*nodes)).order_by(*GridNode.TREE_ORDER)
    )
    return {n.pk: [a for a in ancestors if a.contains(n)] for n in nodes}


# ---------------------------------------------------------------- household ledger (台账)


def ledger_nodes(user, action: str, tiers=("grid", "micro_grid")) -> QuerySet:
    """The nodes (grids and micro-grids by default) where `user` may take `action`."""
    from staff import access

    return access.scope(user, action, GridNode.objects.filter(tier__in=tiers), via="").order_by(
        *GridNode.TREE_ORDER
    )


def ledger_households(user, *, search: str = "", category: str = "") -> QuerySet:
    """The households the user may see, with their grid and number of residents: one query."""
    from django.db.models import Count

    from grids.models import Household
    from staff import access

    qs = access.scope(user, "household.view", Household.objects.all(), via="node")
    if search:
        qs = qs.filter(Q(address__icontains=search) | Q(head_name__icontains=search))
    if category:
        qs = qs.filter(category=category)
    return (
        qs.select_related("node")
        .annotate(resident_count=Count("residents"))
        .order_by("node__tree_id", "node__lft", "address", "pk")
    )


def ledger_organizations(user) -> QuerySet:
    from grids.models import Organization
    from staff import access

    return (
        access.scope(user, "household.view", Organization.objects.all(), via="node")
        .select_related("node")
        .order_by("node__tree_id", "node__lft", "name")
    )


def masked_residents(user, household) -> list:
    """The household's residents as pages show them: ID number and phone masked, tags only
    for those who may see them, and whether this user may reveal the full values."""
    from grids.models import ResidentTag
    from grids.privacy import masked, may_reveal, may_see_tags

    labels = dict(ResidentTag.choices)

    residents = list(household.residents.all())
    reveal = bool(residents) and may_reveal(user, household)
    tags = may_see_tags(user, household)
    for r in residents:
        r.masked = masked(r)
        r.may_reveal = reveal
        r.visible_tags = [labels.get(t, t) for t in r.tags] if tags else []
    return residents
