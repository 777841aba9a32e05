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
            role=role,
            role_label=str(Role(role).label),
            node=nodes[node_id],
            trail=trails[node_id],
            linkable={n.pk for n in trails[node_id] if access.in_scope(user, n)},
        )
        for role, node_id in access.posts(user)
        if node_id in nodes
    ]
    result.sort(key=lambda p: (p.node.tree_id, p.node.lft, p.role))
    return result


# --- Today's list: patrols and household visits (巡查, 走访) --------------------------------------


def patrol_grids(user):
    """The grids (and micro-grids) the user patrols: the nodes of their patrol grants."""
    from grids.models import Tier

    ids = access.nodes_where(user, "patrol.record")
    return list(
        GridNode.objects.filter(pk__in=ids, tier__in=(Tier.GRID, Tier.MICRO_GRID)).order_by("code")
    )


def todays_patrols(user, today):
    from staff.models import Patrol

    return list(Patrol.objects.filter(user_id=user.pk, date=today).select_related("node"))


def due_households(user, today, limit: int | None = None):
    """Households in the user's scope with a visit due by today (key weekly, monitored and 五必访
    monthly), most overdue first: one query."""
    from grids.models import Household

    qs = (
        access.scope(user, "visit.record", Household.objects.all())
        .filter(next_visit_due__lte=today)
        .select_related("node")
        .order_by("next_visit_due", "pk")
    )
    return list(qs[:limit] if limit else qs)


def due_households_count(user, today) -> int:
    from grids.models import Household

    return (
        access.scope(user, "visit.record", Household.objects.all())
        .filter(next_visit_due__lte=today)
        .count()
    )


@dataclass
class TodayList:
    """The phone home's "today": each patrol grid with today's patrol (or None), and the
    households due a visit (the first few and how many)."""

    patrols: list
    due_first: list
    due_count: int


def today_list(user, today=None, first: int = 3) -> TodayList:
    """Two queries however many grids and households (none for people who neither patrol nor
    visit): the patrol grids with today's patrol, and the first few households due with the
    total (a window count)."""
    from django.db.models import Count, OuterRef, Subquery, Window
    from django.utils import timezone

    from grids.models import Household, Tier
    from staff.models import Patrol

    today = today or timezone.localdate()
    ids = access.nodes_where(user, "patrol.record")
    rows = []
    if ids:
        mine = Patrol.objects.filter(user_id=user.pk, node_id=OuterRef("pk"), date=today)
        grids = (
            GridNode.objects.filter(pk__in=ids, tier__in=(Tier.GRID, Tier.MICRO_GRID))
            .annotate(
                patrol_id=Subquery(mine.values("pk")[:1]),
                patrol_started=Subquery(mine.values("started_at")[:1]),
                patrol_finished=Subquery(mine.values("finished_at")[:1]),
            )
            .order_by("code")
        )
        for g in grids:
            patrol = None
            if g.patrol_id:
                patrol = Patrol(
                    pk=g.patrol_id, started_at=g.patrol_started, finished_at=g.patrol_finished
                )
            rows.append((g, patrol))
    due, count = [], 0
    if access.can_anywhere(user, "visit.record"):
        due = list(
            access.scope(user, "visit.record", Household.objects.all())
            .filter(next_visit_due__lte=today)
            .annotate(total=Window(Count("pk")))
            .order_by("next_visit_due", "pk")[:first]
        )
        count = due[0].total if due else 0
    return TodayList(rows, due, count)
