"""Reads about the yearly two-way evaluation (双向评价): whom a person may evaluate (the pairing of
grid workers and their instructors on the tree: an instructor's post covers the worker's grid),
and the results a place may see, each with its evaluations."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch

from grids.models import GridNode, Tier, span_contains
from staff import access
from staff.models import (
    Assignment,
    Evaluation,
    EvaluationResult,
    EvaluationSide,
    Grade,
    Role,
    TrainedRole,
)

# Who is evaluated, by the side that evaluates: the subject's role, and the role of the post
# that makes the evaluator one.
SIDES = {
    EvaluationSide.INSTRUCTOR_OF_WORKER: (TrainedRole.GRID_WORKER, (Role.INSTRUCTOR,)),
    EvaluationSide.WORKER_OF_INSTRUCTOR: (TrainedRole.INSTRUCTOR, (Role.GRID_WORKER,)),
    EvaluationSide.VILLAGE_OF_INSTRUCTOR: (
        TrainedRole.INSTRUCTOR,
        (Role.GRID_CHIEF, Role.COMMANDER),
    ),
}


@dataclass
class Pairing:
    """Someone the person may evaluate from one side, and the village the result goes to."""

    side: str
    subject: object
    post: Assignment  # the subject's post
    village: GridNode

    @property
    def side_label(self) -> str:
        return str(EvaluationSide(self.side).label)


def _villages(nodes) -> dict[int, GridNode]:
    """The village of each node (itself for a village). One query."""
    nodes = [n for n in nodes if n.tier in (Tier.VILLAGE, Tier.GRID, Tier.MICRO_GRID)]
    if not nodes:
        return {}
    villages = list(GridNode.objects.filter(GridNode.ancestors_q(*nodes), tier=Tier.VILLAGE))
    return {n.pk: next(v for v in villages if span_contains(v, n)) for n in nodes}


def pairings(user) -> list[Pairing]:
    """Whom `user` may evaluate this year and from which side: as an instructor, the grid
    workers of the grids their post covers; as a grid worker, the instructors whose post covers
    their grid; as a village's grid chief or commander, the village's instructors. Three
    queries."""
    mine = list(
        Assignment.objects.active()
        .filter(user_id=user.pk, role__in=[Role.INSTRUCTOR, Role.GRID_WORKER, *SIDES[
            EvaluationSide.VILLAGE_OF_INSTRUCTOR][1]])
        .select_related("node")
    )  # fmt: skip
    if not mine:
        return []
    others = list(
        Assignment.objects.active()
        .filter(
            GridNode.subtree_q(*[m.node for m in mine], via="node")
            | GridNode.ancestors_q(*[m.node for m in mine], via="node"),
            role__in=TrainedRole.values,
            user__is_active=True,
        )
        .exclude(user_id=user.pk)
        .select_related("user", "node")
        .order_by("node__code", "user_id")
    )
    villages = _villages([o.node for o in others])
    found: dict[tuple, Pairing] = {}
    for side, (subject_role, evaluator_roles) in SIDES.items():
        for post in (m for m in mine if m.role in evaluator_roles):
            for other in (o for o in others if o.role == subject_role and o.node_id in villages):
                if side == EvaluationSide.INSTRUCTOR_OF_WORKER:
                    paired = span_contains(post.node, other.node)
                elif side == EvaluationSide.WORKER_OF_INSTRUCTOR:
                    paired = span_contains(other.node, post.node)
                else:
                    paired = post.node.tier == Tier.VILLAGE and span_contains(post.node, other.node)
                if paired:
                    village = villages[other.node_id]
                    found.setdefault((side, other.user_id, village.pk), Pairing(
                        side, other.user, other, village))  # fmt: skip
    return list(found.values())


def given(user, year: int) -> dict[tuple, Evaluation]:
    """The person's evaluations of the year, by (side, subject, village). One query."""
    return {
        (e.side, e.result.subject_id, e.result.village_id): e
        for e in Evaluation.objects.filter(evaluator_id=user.pk, result__year=year).select_related(
            "result"
        )
    }


@dataclass
class ResultView:
    result: EvaluationResult
    evaluations: list[Evaluation]

    @property
    def grades(self) -> list[tuple[str, int]]:
        """(grade label, how many) in the grades' order, those given at least once."""
        counted = Counter(e.grade for e in self.evaluations)
        return [(str(label), counted[value]) for value, label in Grade.choices if counted[value]]


def results_at(user, node: GridNode, year: int) -> dict[str, list[ResultView]]:
    """The year's results at or under `node` the person may see: grid workers' (the village's)
    and instructors' (the town's and the county's), each with its evaluations. Two queries for
    each kind the person may see."""
    shown = {}
    for role, action in (
        (TrainedRole.GRID_WORKER, "evaluation.view_worker"),
        (TrainedRole.INSTRUCTOR, "evaluation.view_instructor"),
    ):
        if not access.can_anywhere(user, action):
            continue
        results = (
            access.scope(
                user,
                action,
                EvaluationResult.objects.filter(
                    GridNode.subtree_q(node, via="village"), year=year, role=role
                ),
                via="village",
            )
            .select_related("subject", "village", "decided_by", "forwarded_by")
            .prefetch_related(
                Prefetch(
                    "evaluations",
                    queryset=Evaluation.objects.select_related("evaluator").order_by("side", "pk"),
                )
            )
            .order_by("village__code", "subject__first_name", "pk")
        )
        shown[role] = [ResultView(r, list(r.evaluations.all())) for r in results]
    return shown
