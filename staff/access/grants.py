"""A person's grants (their active posts), read once a request, and the questions answered from
them alone: their roles, their posts, where they handle cases, their top node for an action."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

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
        today = connection.ops.adapt_datefield_value(timezone.localdate())
        with connection.cursor() as cursor:
            cursor.execute(_grants_sql(), [user.pk, today, today, PROVINCE, user.pk, today, today])
            cached = tuple(Grant(*row) for row in cursor.fetchall())
        setattr(user, _CACHE_ATTR, cached)
    return cached


@functools.cache
def _grants_sql() -> str:
    """Every page asks for the grants first: written out once, not compiled by the ORM each
    request (that cost more than running it). Active means what AssignmentQuerySet.active
    says: begun, and not ended before today."""
    quote = connection.ops.quote_name
    assignments, posts = quote(Assignment._meta.db_table), quote(ProvincePost._meta.db_table)
    nodes = quote(GridNode._meta.db_table)
    return (
        f"SELECT a.role, a.node_id, n.tree_id, n.lft, n.rght, n.level FROM {assignments} a"
        f" INNER JOIN {nodes} n ON n.id = a.node_id"
        " WHERE a.user_id = %s AND a.starts <= %s AND (a.ends IS NULL OR a.ends >= %s)"
        " UNION ALL"
        f" SELECT %s, c.id, c.tree_id, c.lft, c.rght, c.level FROM {posts} p"
        f" INNER JOIN {nodes} c ON c.province_id = p.province_id"
        " WHERE p.user_id = %s AND p.starts <= %s AND (p.ends IS NULL OR p.ends >= %s)"
    )


def forget_grants(user) -> None:
    """Drop the cached grants and units (after assignments of this user changed in this
    request)."""
    for attr in (_CACHE_ATTR, _UNITS_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


_UNITS_ATTR = "_gridgov_unit_ids"


def _unit_ids(user) -> frozenset[int]:
    """The units of the user's active posts, read once and kept on the user for the request."""
    cached = getattr(user, _UNITS_ATTR, None)
    if cached is None:
        cached = frozenset(
            Assignment.objects.active()
            .filter(user_id=user.pk, unit__isnull=False)
            .values_list("unit_id", flat=True)
        )
        setattr(user, _UNITS_ATTR, cached)
    return cached


def standing(user) -> tuple:
    """What every "may this person do X somewhere" answer depends on, and nothing more: two
    people with the same standing see the same menus and pass the same doors (policy.can_anywhere
    reads whether the person is active and a superuser, and the roles held, on a county or not)."""
    if user is None or not user.is_authenticated:
        return (False, False, frozenset())
    held = frozenset((g.role, g.level == 0) for g in _grants(user))
    return (bool(user.is_active), bool(user.is_superuser), held)


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
