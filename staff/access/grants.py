"""A person's grants (their active posts), read once a request, and the questions answered from
them alone: their roles, their posts, where they handle cases, their top node for an action."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import CharField, Value

from grids.models import GridNode, span_contains
from staff.access.table import _COUNTY_WIDE, _PERMISSIONS, HANDLERS, PROVINCE
from staff.models import Assignment, ProvincePost


@dataclass(frozen=True, slots=True)
class Grant:
    role: str
    node_id: int
    tree_id: int
    lft: int
    rght: int
    level: int

    def covers(self, node: GridNode) -> bool:
        return span_contains(self, node)

    def contains(self, other: Grant) -> bool:
        return span_contains(self, other)


_CACHE_ATTR = "_gridgov_grants"


def _grants(user) -> tuple[Grant, ...]:
    """The user's active grants, read once and kept on the user object for the request. A
    province post reads as a grant of the province role on each of its counties: one query
    either way (a union)."""
    if user is None or not user.is_authenticated:
        return ()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        rows = (
            Assignment.objects.active()
            .filter(user_id=user.pk)
            .values_list(
                "role", "node_id", "node__tree_id", "node__lft", "node__rght", "node__level"
            )
            .order_by()
            .union(
                ProvincePost.objects.active()
                .filter(user_id=user.pk, province__counties__isnull=False)
                .annotate(role=Value(PROVINCE, output_field=CharField()))
                .values_list(
                    "role",
                    "province__counties__id",
                    "province__counties__tree_id",
                    "province__counties__lft",
                    "province__counties__rght",
                    "province__counties__level",
                )
                .order_by(),
                all=True,
            )
        )
        cached = tuple(Grant(*row) for row in rows)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_grants(user) -> None:
    """Drop the cached grants (after assignments of this user changed in this request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles(user) -> set[str]:
    return {g.role for g in _grants(user)}


def _roles_for(action: str) -> frozenset[str]:
    try:
        return _PERMISSIONS[action]
    except KeyError:
        raise ValueError(
            f"Unknown action {action!r}: add it to staff.access.table._PERMISSIONS"
        ) from None


def _allowing(user, action: str) -> list[Grant]:
    """The user's grants whose role allows `action` (for a county-wide action, only those on a
    county itself). Superusers are not special here: callers decide what they may."""
    allowed = _roles_for(action)
    county_wide = action in _COUNTY_WIDE
    return [g for g in _grants(user) if g.role in allowed and (not county_wide or g.level == 0)]


def posts(user) -> list[tuple[str, int]]:
    """(role, node id) of each of the user's active grants."""
    return [(g.role, g.node_id) for g in _grants(user)]


def nodes_where(user, action: str) -> list[int]:
    """The nodes of the user's own grants that allow `action` (not their subtrees)."""
    return [g.node_id for g in _allowing(user, action)]


def top_node(user, action: str) -> GridNode | None:
    """The highest node on which the user may take `action` (the first county for a superuser
    who holds no such grant); None when there is none. One query."""
    held = _allowing(user, action)
    if user.is_superuser and not held:
        return GridNode.objects.filter(parent__isnull=True).order_by("tree_id").first()
    if not held:
        return None
    top = min(held, key=lambda g: (g.level, g.tree_id, g.lft))
    return GridNode.objects.get(pk=top.node_id)


def handling_node_id(user, node: GridNode) -> int | None:
    """The lowest node where the user handles cases and which covers `node`: where a case at
    `node` stands once it is handed to them. None when they handle none there."""
    covering = [g for g in _grants(user) if g.role in HANDLERS and g.covers(node)]
    best = max(covering, key=lambda g: g.level, default=None)
    return best.node_id if best else None


def posted_within(user, action: str, node: GridNode) -> list[Grant]:
    """The user's grants allowing `action` whose node lies at or below `node`: where a person
    serves inside a place (who may sign in to a training the place holds)."""
    return [g for g in _allowing(user, action) if span_contains(node, g)]
