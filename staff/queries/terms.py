"""What the exit of a post reads: what its holder keeps there (cases they handle, due visits,
households) that nobody would hold once it ends, who may take it over, the posts whose term
ends soon and the posts flagged for exit by a violation. Each a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from cases.models import HANDED_OVER_STATUSES, Case
from grids.models import GridNode, Household, Tier
from staff import access
from staff.access.table import _PERMISSIONS, HANDLERS
from staff.models import Assignment, Violation

# Who keeps households and visits them (the grid's worker; the village's grid chief may).
VISITORS = _PERMISSIONS["visit.record"]
KINDS = ("cases", "visits", "households")
VILLAGE = "village"  # a successor choice: the village holds it
REMINDER_DAYS = 60  # a term's reminder comes this many days before it ends


@dataclass
class Holdings:
    """What ending `post` would leave without a handler, by kind."""

    post: Assignment
    village: GridNode | None
    cases: list = field(default_factory=list)
    visits: list = field(default_factory=list)  # households with a visit due
    households: list = field(default_factory=list)  # per node: {"node", "count"}

    @property
    def household_count(self) -> int:
        return sum(row["count"] for row in self.households)

    def count(self, kind: str) -> int:
        return self.household_count if kind == "households" else len(getattr(self, kind))

    @property
    def empty(self) -> bool:
        return not any(self.count(kind) for kind in KINDS)


def village_of(node: GridNode) -> GridNode | None:
    """The village a node lies in (itself for a village); None above villages. One query."""
    if node.tier == Tier.VILLAGE:
        return node
    if node.tier not in (Tier.GRID, Tier.MICRO_GRID):
        return None
    return GridNode.objects.filter(GridNode.ancestors_q(node), tier=Tier.VILLAGE).first()


def holdings(post: Assignment, *, on: dt.date) -> Holdings:
    """What the post's holder keeps through it that their other posts on `on` do not cover:
    open (and resolved) cases they handle, due visits and households under the post's node.
    Four queries, however much they hold."""
    others = list(
        Assignment.objects.active(on)
        .filter(user_id=post.user_id)
        .exclude(pk=post.pk)
        .select_related("node")
    )
    handling = [a.node for a in others if a.role in HANDLERS]
    visiting = [a.node for a in others if a.role in VISITORS]
    cases = (
        Case.objects.filter(handler_id=post.user_id, status__in=HANDED_OVER_STATUSES)
        .exclude(GridNode.subtree_q(*handling, via="owner_node") if handling else Q(pk__in=[]))
        .select_related("node", "owner_node")
        .order_by("clear_by", "pk")
    )
    under = Household.objects.filter(GridNode.subtree_q(post.node, via="node"))
    if visiting:
        under = under.exclude(GridNode.subtree_q(*visiting, via="node"))
    if post.role not in VISITORS:
        under = under.none()
    due = under.filter(next_visit_due__lte=on).select_related("node").order_by("next_visit_due")
    per_node = (
        under.values("node_id", "node__name", "node__tree_id", "node__lft", "node__rght")
        .annotate(count=Count("pk"))
        .order_by("node__lft")
    )
    return Holdings(
        post=post,
        village=village_of(post.node),
        cases=list(cases),
        visits=list(due),
        households=[
            {
                "node": GridNode(
                    pk=r["node_id"],
                    name=r["node__name"],
                    tree_id=r["node__tree_id"],
                    lft=r["node__lft"],
                    rght=r["node__rght"],
                ),
                "count": r["count"],
            }
            for r in per_node
        ],
    )


def successor_posts(actor, post: Assignment, *, on: dt.date) -> QuerySet:
    """Active posts of other people, in the actor's scope, that could take over what the post
    holds: handlers' and visitors' posts in the post's village (or under its node). One query."""
    place = village_of(post.node) or post.node
    roles = HANDLERS | VISITORS
    return access.scope(
        actor,
        "node.view",
        Assignment.objects.active(on)
        .filter(GridNode.subtree_q(place, via="node"), role__in=roles, user__is_active=True)
        .exclude(user_id=post.user_id)
        .select_related("user", "node")
        .order_by("node__lft", "user_id"),
    )


def terms_ending(actor, node: GridNode, *, on: dt.date) -> QuerySet:
    """Active posts under `node` the actor may end whose term ends within REMINDER_DAYS (or has
    passed), soonest first."""
    return access.scope(
        actor,
        "assignment.exit",
        Assignment.objects.active(on)
        .filter(
            GridNode.subtree_q(node, via="node"),
            term_ends__lte=on + dt.timedelta(days=REMINDER_DAYS),
        )
        .select_related("user", "node")
        .order_by("term_ends", "pk"),
    )


def exits_due(actor, node: GridNode, *, on: dt.date) -> QuerySet:
    """Violations leading to exit whose post under `node` is still active and not ended by an
    exit: the posts to end."""
    active = Q(assignment__handover__isnull=True) & (
        Q(assignment__ends__isnull=True) | Q(assignment__ends__gte=on)
    )
    return access.scope(
        actor,
        "assignment.exit",
        Violation.objects.filter(active, leads_to_exit=True)
        .filter(GridNode.subtree_q(node, via="assignment__node"))
        .select_related("person", "assignment__node", "red_line")
        .order_by("-date", "-pk"),
        via="assignment__node",
    )


def red_lines_for(node: GridNode):
    """The negative list of the node's county."""
    from staff.models import RedLine

    return RedLine.objects.filter(county__tree_id=node.tree_id, county__parent__isnull=True)
