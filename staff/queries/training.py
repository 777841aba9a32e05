"""Reads about training: which plan a post follows, who at a place has trained in the period and
who is overdue, a session's attendance list, a person's own training. Each is a fixed number of
queries however many people, sessions or attendances there are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from grids.models import GridNode, span_contains
from staff import access
from staff.access.table import FIELD_ROLES
from staff.models import (
    Assignment,
    Attendance,
    Certificate,
    TrainedRole,
    TrainingPlan,
    TrainingSession,
    period_of,
)

SHOWN = 50


def judged_period(plan: TrainingPlan, today: dt.date) -> tuple[dt.date, dt.date]:
    """The last period of the plan that is over on `today`: the one a post is judged by."""
    start, _end = period_of(today, plan.every_months)
    return period_of(start - dt.timedelta(days=1), plan.every_months)


def judged_from(start: dt.date, end: dt.date) -> dt.date:
    """A post taken by the middle of a period is judged by it; one taken later is not (a worker
    who starts in June is not overdue for January–June)."""
    return start + (end - start) / 2


def nearest_plan(plans: list[TrainingPlan], role: str, node) -> TrainingPlan | None:
    """The plan for `role` nearest at or above `node` (a village's own over its town's, a town's
    over the county's)."""
    covering = [p for p in plans if p.role == role and span_contains(p.node, node)]
    return max(covering, key=lambda p: p.node.level, default=None)


def plans_around(node: GridNode) -> list[TrainingPlan]:
    """The plans at or above `node`, and below it: every plan a post at the place may follow.
    One query."""
    return list(
        TrainingPlan.objects.filter(
            GridNode.ancestors_q(node, via="node") | GridNode.subtree_q(node, via="node")
        ).select_related("node")
    )


@dataclass
class TraineeRow:
    """One post of a trained role at a place, and how its training stands."""

    post: Assignment
    plan: TrainingPlan | None
    period: tuple[dt.date, dt.date] | None = None  # the current period
    trained_on: dt.date | None = None  # latest training attended in the current period
    judged: tuple[dt.date, dt.date] | None = None  # the last period that is over
    overdue: bool = False  # no training attended in it

    @property
    def due_by(self) -> dt.date | None:
        return self.period[1] - dt.timedelta(days=1) if self.period else None


def _days_by_user(user_ids, since: dt.date) -> dict[int, list[dt.date]]:
    days: dict[int, list[dt.date]] = {}
    rows = Attendance.objects.filter(user_id__in=user_ids, day__gte=since).values_list(
        "user_id", "day"
    )
    for user_id, day in rows:
        days.setdefault(user_id, []).append(day)
    return days


def _rows(posts: list[Assignment], plans: list[TrainingPlan], today: dt.date) -> list[TraineeRow]:
    rows = [TraineeRow(post=p, plan=nearest_plan(plans, p.role, p.node)) for p in posts]
    judged = [judged_period(r.plan, today) for r in rows if r.plan]
    since = min((start for start, _end in judged), default=today)
    days = _days_by_user({r.post.user_id for r in rows}, since)
    for row in rows:
        if row.plan is None:
            continue
        row.period = period_of(today, row.plan.every_months)
        row.judged = start, end = judged_period(row.plan, today)
        attended = days.get(row.post.user_id, [])
        now_days = [d for d in attended if row.period[0] <= d < row.period[1]]
        row.trained_on = max(now_days, default=None)
        held_then = row.post.starts <= judged_from(start, end) and (
            row.post.ends is None or row.post.ends >= end - dt.timedelta(days=1)
        )
        row.overdue = held_then and not any(start <= d < end for d in attended)
    return rows


def trainee_rows(user, node: GridNode, today: dt.date | None = None) -> list[TraineeRow]:
    """The instructors and grid workers serving at or under `node` whom the person may see, each
    with the plan they follow, their training this period and whether they are overdue for the
    last one. Three queries."""
    today = today or timezone.localdate()
    posts = list(
        access.scope(
            user,
            "training.view",
            Assignment.objects.active(today).filter(
                GridNode.subtree_q(node, via="node"), role__in=TrainedRole.values
            ),
        )
        .select_related("user", "node")
        .order_by("node__code", "role", "user_id")
    )
    # Posts held since before the last period began count for it too: read the ended ones.
    return _rows(posts, plans_around(node), today)


def my_rows(user, today: dt.date | None = None) -> list[TraineeRow]:
    """The person's own posts of a trained role and how their training stands."""
    today = today or timezone.localdate()
    posts = list(
        Assignment.objects.active(today)
        .filter(user_id=user.pk, role__in=TrainedRole.values)
        .select_related("user", "node")
    )
    plans = list(
        TrainingPlan.objects.filter(
            GridNode.ancestors_q(*[p.node for p in posts], via="node")
        ).select_related("node")
        if posts
        else []
    )
    return _rows(posts, plans, today)


def trainees_of(user, node: GridNode) -> QuerySet:
    """The people serving in the field at or under `node` (whom staff may mark present or give a
    certificate), as far as the person may see them."""
    posts = access.scope(
        user,
        "training.view",
        Assignment.objects.active().filter(
            GridNode.subtree_q(node, via="node"), role__in=FIELD_ROLES
        ),
    )
    return (
        get_user_model()
        .objects.filter(pk__in=posts.values("user_id"), is_active=True)
        .order_by("first_name", "pk")
    )


def sessions_at(user, node: GridNode) -> list[TrainingSession]:
    """The latest sessions held at or under `node`, with how many attended. One query."""
    from django.db.models import Count

    return list(
        access.scope(
            user,
            "training.view",
            TrainingSession.objects.filter(GridNode.subtree_q(node, via="node")),
        )
        .select_related("node")
        .annotate(attended=Count("attendances"))
        .order_by("-starts", "-pk")[:SHOWN]
    )


@dataclass
class AttendanceRow:
    attendance: Attendance
    posts: list[Assignment] = field(default_factory=list)  # where the person serves


def attendance_list(session: TrainingSession) -> list[AttendanceRow]:
    """Who attended the session, in the order they signed in, each with their posts inside the
    place that held it. Two queries however many attended."""
    attendances = list(
        session.attendances.select_related("user", "marked_by").order_by("created_at", "pk")
    )
    posts: dict[int, list[Assignment]] = {}
    if attendances:
        for post in (
            Assignment.objects.active(timezone.localdate(session.starts))
            .filter(
                GridNode.subtree_q(session.node, via="node"),
                user_id__in=[a.user_id for a in attendances],
            )
            .select_related("node")
            .order_by("node__code", "role")
        ):
            posts.setdefault(post.user_id, []).append(post)
    return [AttendanceRow(a, posts.get(a.user_id, [])) for a in attendances]


def certificates_at(user, node: GridNode) -> list[Certificate]:
    """The certificates kept at or under `node`, newest first. One query."""
    return list(
        access.scope(
            user,
            "training.view",
            Certificate.objects.filter(GridNode.subtree_q(node, via="node")),
        )
        .select_related("user", "node")
        .order_by("-issued", "-pk")[:SHOWN]
    )


def my_attendances(user) -> list[Attendance]:
    return list(
        Attendance.objects.filter(user_id=user.pk)
        .select_related("session__node")
        .order_by("-day", "-pk")[:SHOWN]
    )


def my_certificates(user) -> list[Certificate]:
    return list(Certificate.objects.filter(user_id=user.pk).order_by("-issued", "-pk"))
