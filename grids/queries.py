"""Reads of the tree that pages, the API and reports share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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


# ---------------------------------------------------------------- bulletins (公示牌)

# Who a bulletin board names, in the order it names them: the grid worker first, then the
# seeds' 一长一员一户 (grid chief, instructor, party-member household) and the street chiefs.
PUBLIC_ROLES = ("grid_worker", "grid_chief", "instructor", "party_household", "street_chief")
# Posts below the town: a town's own staff work at the desk and are reached by its hotline.
_LOCAL_TIERS = ("village", "grid", "micro_grid")


@dataclass(frozen=True)
class PublicPost:
    """One person serving at a place, as a bulletin board shows them and nothing more."""

    name: str
    title: str
    role: str
    place: str  # where the post is, when it is not the board's own place
    phone: str  # the work phone, only when its owner agreed to show it
    photo_code: str
    duties: tuple[str, ...]
    segment: object | None  # a street chief's road segment
    node_id: int


@dataclass
class Bulletin:
    """What a place's page and its printed board say: who serves, how to reach them."""

    node: GridNode
    trail: list[GridNode]
    posts: list[PublicPost]
    office_hours: str
    hotline: str

    @property
    def place_line(self) -> str:
        """Town, area and village the place lies in, as a board's heading names them."""
        return "".join(n.name for n in self.trail[:-1] if n.tier in ("town", "area", "village"))

    @property
    def town(self) -> GridNode | None:
        return next((n for n in self.trail if n.tier == "town"), None)

    @property
    def duties(self) -> list[str]:
        """The grid's duties: what its grid workers' posts list (the nearest post first)."""
        seen: dict[str, None] = {}
        for post in self.posts:
            if post.role == "grid_worker" and not post.place:
                seen.update(dict.fromkeys(post.duties))
        return list(seen)

    @property
    def people(self) -> list[PublicPost]:
        """Who serves the place itself (the street chiefs serve their roads: see below)."""
        return [p for p in self.posts if p.role != "street_chief"]

    @property
    def street_chiefs(self) -> list[PublicPost]:
        return [p for p in self.posts if p.role == "street_chief"]

    @property
    def segments(self) -> list[tuple[object, list[PublicPost]]]:
        """The road segments of the place's street chiefs, each with its chiefs, in code order."""
        found: dict[int, tuple[object, list[PublicPost]]] = {}
        for post in self.street_chiefs:
            if post.segment is not None:
                found.setdefault(post.segment.pk, (post.segment, []))[1].append(post)
        return sorted(found.values(), key=lambda pair: pair[0].code)


def _nearest(trail: list[GridNode], field: str) -> str:
    """The value of `field` on the node itself or, failing that, the nearest place above it."""
    return next((getattr(n, field) for n in reversed(trail) if getattr(n, field)), "")


def _public_post(assignment, board: GridNode) -> PublicPost:
    profile = getattr(assignment.user, "profile", None)  # select_related: None when missing
    segment = assignment.segment
    duties = assignment.duty_lines or (segment.duty_lines if segment else [])
    return PublicPost(
        name=assignment.user.get_full_name() or assignment.user.first_name or "—",
        title=assignment.public_title,
        role=assignment.role,
        place="" if assignment.node_id == board.pk else assignment.node.name,
        phone=profile.public_phone if profile else "",
        photo_code=profile.photo_code if profile else "",
        duties=tuple(duties),
        segment=segment,
        node_id=assignment.node_id,
    )


def bulletins(nodes: list[GridNode], *, on: dt.date | None = None) -> dict[int, Bulletin]:
    """Each node's bulletin, for any number of nodes in two queries: who serves there (public
    posts on the node, on the places above it down from the village, and on the places just
    below it), with only opted-in work phones; office hours and hotline from the node or the
    nearest place above it that has them (the town's hotline, usually)."""
    from staff.models import Assignment

    if not nodes:
        return {}
    above = list(
        GridNode.objects.filter(GridNode.ancestors_q(*nodes)).order_by(*GridNode.TREE_ORDER)
    )
    local = [n.pk for n in above if n.tier in _LOCAL_TIERS]
    order = {role: i for i, role in enumerate(PUBLIC_ROLES)}
    assignments = sorted(
        Assignment.objects.active(on)
        .filter(Q(node_id__in=local) | Q(node__parent_id__in=[n.pk for n in nodes]))
        .filter(role__in=PUBLIC_ROLES, user__is_active=True)
        .select_related("user", "user__profile", "node", "segment"),
        key=lambda a: (order[a.role], a.node.tree_id, a.node.lft, a.segment_id or 0, a.pk),
    )
    result = {}
    for node in nodes:
        trail = [a for a in above if a.contains(node)]
        posts = [
            _public_post(a, node)
            for a in assignments
            if a.node.contains(node) or a.node.parent_id == node.pk
        ]
        result[node.pk] = Bulletin(
            node=node,
            trail=trail,
            posts=posts,
            office_hours=_nearest(trail, "office_hours"),
            hotline=_nearest(trail, "hotline"),
        )
    return result


def public_node(code: str) -> GridNode | None:
    """The place a public page is about, by its code: a town or anything below it."""
    return GridNode.objects.exclude(tier="county").filter(code=code).first()


def bulletin_grids(node: GridNode) -> QuerySet:
    """The grids whose boards a print of `node` holds, in tree order: the node itself when it
    is a grid, else every grid below it (micro-grids are on their grid's board)."""
    qs = GridNode.objects.filter(tier="grid")
    if node.tier == "grid":
        return qs.filter(pk=node.pk)
    return qs.filter(GridNode.subtree_q(node)).order_by(*GridNode.TREE_ORDER)


def segment_bulletin(code: str, *, on: dt.date | None = None):
    """A road segment's 街长公示栏: (segment, its chiefs, the bulletin of the place it lies
    in), or None for an unknown code."""
    from grids.models import StreetSegment

    segment = StreetSegment.objects.select_related("node").filter(code=code).first()
    if segment is None:
        return None
    board = bulletins([segment.node], on=on)[segment.node.pk]
    chiefs = [p for p in board.posts if p.segment is not None and p.segment.pk == segment.pk]
    return segment, chiefs, board
