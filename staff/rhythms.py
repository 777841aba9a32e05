"""The daily flags: grid workers' missed patrols, overdue household visits, and the people
overdue for training (each morning, from beat: `staff.tasks.flag_daily`).

Set-based, like the deadline sweep (cases/actions/sweep.py): each flag is one INSERT … SELECT
of notices for exactly the rows still due, whatever the number of grids and households. The
rows flagged carry no mark of their own; the claim is the notice's unique key (the person and
grid and day, or the household and its due date): ON CONFLICT DO NOTHING makes a second run the
same day, a replay, or a run overlapping this one (PostgreSQL makes it wait on the keys this run
inserted, then skip them) add nothing. The counts are the notices this run newly queued.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db import connection, transaction
from django.db.models import CharField, DateTimeField, Exists, F, OuterRef, QuerySet, Value
from django.db.models.functions import Concat, JSONObject
from django.utils import timezone

from gridgov.models import OutboxMessage
from grids.models import GridNode, Household, Tier
from staff.models import Assignment, Patrol, Role
from staff.queries.terms import REMINDER_DAYS

# The outbox columns each flag fills, in the order its SELECT gives them.
_COLUMNS = ("kind", "payload", "dedupe_key", "created_at", "attempts", "last_error")


@dataclass
class Flags:
    missed_patrols: int = 0
    overdue_visits: int = 0
    training_overdue: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _key(*parts) -> Concat:
    return Concat(*parts, output_field=CharField())


def _queue(kind: str, rows: QuerySet, *, queued_at: dt.datetime) -> int:
    """Queue one notice of `kind` per row of `rows` (annotated with `payload` and `dedupe_key`)
    whose key is not queued yet; return how many were."""
    select = rows.annotate(
        kind_=Value(kind, output_field=CharField()),
        created_at_=Value(queued_at, output_field=DateTimeField()),
        attempts_=Value(0),
        last_error_=Value("", output_field=CharField()),
    ).values_list("kind_", "payload", "dedupe_key", "created_at_", "attempts_", "last_error_")
    sql, params = select.query.sql_with_params()
    table = connection.ops.quote_name(OutboxMessage._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
    with connection.cursor() as cursor:
        # The SELECT always has a WHERE clause, so SQLite cannot read ON CONFLICT as a join's ON.
        cursor.execute(
            f"INSERT INTO {table} ({columns}) {sql} ON CONFLICT (dedupe_key) DO NOTHING", params
        )
        return cursor.rowcount


@transaction.atomic
def daily_flags(now: dt.datetime | None = None) -> Flags:
    """Flag (1) each grid worker's grid with no patrol yesterday, (2) each household whose
    next visit date has passed. One INSERT … SELECT each; the notices' unique keys make a second
    run the same day (or a replay) add nothing. Returns how many notices were newly queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    yesterday = today - dt.timedelta(days=1)
    queued_at = timezone.now()  # as the outbox's own auto_now_add would stamp it, even in a replay
    patrolled = Patrol.objects.filter(
        user_id=OuterRef("user_id"), node_id=OuterRef("node_id"), date=yesterday
    )
    # A person holding the same grid twice (two grants) is one notice: the key repeats, and
    # ON CONFLICT skips the repeat within the same statement too.
    missed = (
        Assignment.objects.active(yesterday)
        .filter(role=Role.GRID_WORKER, node__tier__in=(Tier.GRID, Tier.MICRO_GRID))
        .exclude(Exists(patrolled))
        .annotate(
            payload=JSONObject(
                user=F("user_id"), node=F("node_id"), date=Value(yesterday.isoformat())
            ),
            dedupe_key=_key(
                Value("missed_patrol:"),
                F("user_id"),
                Value(":"),
                F("node_id"),
                Value(f":{yesterday.isoformat()}"),
            ),
        )
        .order_by("user_id", "node_id")
    )
    overdue = (
        Household.objects.filter(next_visit_due__lt=today)
        .annotate(
            payload=JSONObject(household=F("pk"), node=F("node_id"), due=F("next_visit_due")),
            dedupe_key=_key(Value("visit_overdue:"), F("pk"), Value(":"), F("next_visit_due")),
        )
        .order_by("next_visit_due", "pk")
    )
    return Flags(
        missed_patrols=_queue("missed_patrol", missed, queued_at=queued_at),
        overdue_visits=_queue("visit_overdue", overdue, queued_at=queued_at),
        training_overdue=sum(
            _queue("training_overdue", rows, queued_at=queued_at) for rows in _untrained(today)
        ),
    )


# --- Each morning too: terms of office ending (聘期, seed 002) -------------------------------------


@dataclass
class Reminders:
    terms_ending: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


@transaction.atomic
def term_reminders(now: dt.datetime | None = None) -> Reminders:
    """Remind the holder of each active post whose term ends within REMINDER_DAYS, and who may
    end it, once per post and term end (the notice's key): a second run adds nothing, and a
    renewed term is reminded of again when its own end comes near. One INSERT … SELECT."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    queued_at = timezone.now()
    ending = (
        Assignment.objects.active(today)
        .filter(term_ends__gte=today, term_ends__lte=today + dt.timedelta(days=REMINDER_DAYS))
        .annotate(
            payload=JSONObject(
                assignment=F("pk"), user=F("user_id"), node=F("node_id"), date=F("term_ends")
            ),
            dedupe_key=_key(Value("term_ending:"), F("pk"), Value(":"), F("term_ends")),
        )
        .order_by("term_ends", "pk")
    )
    return Reminders(terms_ending=_queue("term_ending", ending, queued_at=queued_at))


@dataclass
class Morning:
    flags: Flags
    reminders: Reminders

    def as_dict(self) -> dict:
        return {**self.flags.as_dict(), **self.reminders.as_dict()}


def morning(now: dt.datetime | None = None) -> Morning:
    """The morning's rhythm (beat: `staff.tasks.flag_daily`): the daily flags, then the terms'
    reminders."""
    return Morning(daily_flags(now), term_reminders(now))


def _untrained(today: dt.date) -> list[QuerySet]:
    """Per training plan, the posts that follow it (those under a nearer plan for the same role
    follow that one) and attended no training in its last period that is over: 分级培训, seed
    002 (instructors once a year by the county, grid workers once each half-year by the town or
    the village). One statement a plan: plans are a few rows a county, the posts are many."""
    from staff.models import Attendance, TrainingPlan
    from staff.queries.training import judged_from, judged_period

    plans = list(TrainingPlan.objects.select_related("node").order_by("pk"))
    statements = []
    for plan in plans:
        start, end = judged_period(plan, today)
        last_day = end - dt.timedelta(days=1)
        nearer = [
            p.node
            for p in plans
            if p.role == plan.role and p.pk != plan.pk and plan.node.contains(p.node)
        ]
        trained = Attendance.objects.filter(
            user_id=OuterRef("user_id"), day__gte=start, day__lt=end
        )
        posts = (
            Assignment.objects.active(last_day)
            .filter(
                GridNode.subtree_q(plan.node, via="node"),
                role=plan.role,
                starts__lte=judged_from(start, end),
            )
            .exclude(Exists(trained))
        )
        if nearer:
            posts = posts.exclude(GridNode.subtree_q(*nearer, via="node"))
        statements.append(
            posts.annotate(
                payload=JSONObject(
                    user=F("user_id"),
                    node=F("node_id"),
                    plan=Value(plan.pk),
                    name=F("user__first_name"),
                    date=Value(start.isoformat()),
                ),
                dedupe_key=_key(
                    Value("training_overdue:"),
                    F("user_id"),
                    Value(f":{plan.pk}:{start.isoformat()}"),
                ),
            ).order_by("user_id", "node_id")
        )
    return statements


# --- The 1st of each month: last month's appraisal sheets and points (考核, 积分) ---------------


@dataclass
class MonthEnd:
    appraisal_sheets: int = 0
    points_months: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def month_end(now: dt.datetime | None = None) -> MonthEnd:
    """On the 1st (beat): compute last month's appraisal sheet of every village with grid
    workers and last month's points of every village, where the county has rules in force and
    the month is not computed yet. Each village in its own transaction; a second run the same
    day (or a replay) finds nothing left to do."""
    from staff.actions import appraisal_compute_due, points_compute_due

    now = now or timezone.now()
    if timezone.is_naive(now):
        now = timezone.make_aware(now)
    return MonthEnd(
        appraisal_sheets=appraisal_compute_due(now=now),
        points_months=points_compute_due(now=now),
    )
