"""Reads about people and their grants."""

from __future__ import annotations

from dataclasses import dataclass

from grids.models import GridNode
from grids.queries import breadcrumbs
from staff import access
from staff.models import Assignment, Role


@dataclass
class Post:
    """One of the user's active grants, with its place in the tree."""

    role: str
    role_label: str
    node: GridNode
    trail: list[GridNode]
    linkable: set[int]  # the places on the trail this person may open


def posts(user) -> list[Post]:
    """The user's active grants with breadcrumbs: two queries however many grants."""
    nodes = {
        a.node_id: a.node
        for a in Assignment.objects.active().filter(user_id=user.pk).select_related("node")
    }
    trails = breadcrumbs(list(nodes.values()))
    result = [
        Post(
            role=g.role,
            role_label=str(Role(g.role).label),
            node=nodes[g.node_id],
            trail=trails[g.node_id],
            linkable={n.pk for n in trails[g.node_id] if access.in_scope(user, n)},
        )
        for g in access.grants(user)
        if g.node_id in nodes
    ]
    result.sort(key=lambda p: (p.node.tree_id, p.node.lft, p.role))
    return result
