"""Keeping the rollup tables (cases.models.rollups) equal to the cases.

Every few minutes beat calls `refresh()`: for each county, the towns holding a case changed
since the last run (`Case.updated_at`, which every action's save stamps) are counted again from
their cases, whole: a town's rows are replaced, never adjusted, so a case whose deadline or
closing moved (a case closed late changes an old due day's row) cannot leave a stale count
behind, and running twice changes nothing. A move of places between towns changes the towns'
spans in the tree; the county is then counted again whole. `rebuild()` counts everything.

Open and overdue are a county's state at the moment of the run (they change with the clock,
not only with the cases), taken with the dashboard's own definition.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
from collections import defaultdict

from django.db import transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, Value, When
from django.db.models import Case as SqlCase
from django.db.models.functions import TruncDate
from django.utils import timezone

from cases.models import (
    OPEN_STATUSES,
    Case,
    RollupState,
    Status,
    TownDay,
    TownDue,
    TownDueMonth,
    TownMonth,
)
from cases.models.rollups import FIGURES
from cases.queries.cases import STANDING, overdue_at, overdue_candidates
from grids.models import GridNode

# Cases saved just before a run may commit just after it read the changes; reading this far
# back again costs a few recounts and loses nothing.
OVERLAP = dt.timedelta(minutes=2)


def _towns(tree_id: int) -> tuple[GridNode, list[GridNode], str]:
    """The county's root, its towns in tree order, and a fingerprint of their spans."""
    nodes = list(
        GridNode.objects.filter(tree_id=tree_id, level__lte=1)
        .order_by("lft")
        .only("id", "tree_id", "lft", "rght", "level")
    )
    root, towns = nodes[0], nodes[1:]
    spans = ";".join(f"{t.pk}:{t.lft}:{t.rght}" for t in towns)
    return root, towns, hashlib.sha1(spans.encode()).hexdigest()


def _town_of_case(root: GridNode, towns: list[GridNode]):
    """The rollup row a case counts in, as SQL: the town whose span holds the case's place, or
    the county's own node for a case held at the county itself."""
    if not towns:
        return Value(root.pk)
    return SqlCase(
        *(When(node__lft__gte=t.lft, node__lft__lte=t.rght, then=Value(t.pk)) for t in towns),
        default=Value(root.pk),
    )


def _day(field: str):
    return TruncDate(field, tzinfo=timezone.get_default_timezone())


def _count(root: GridNode, towns: list[GridNode], only: list[GridNode]):
    """The rows of the towns `only` (the county's own node among them, maybe), counted from
    their cases: one grouped query per figure family for the whole county, whatever the number
    of towns."""
    cases = Case.objects.filter(county_tree=root.tree_id)
    if len(only) <= len(towns):  # not the whole county: only the cases of these towns
        where = Q(pk__in=[])
        for town in only:
            if town.pk == root.pk:
                where |= Q(node_id=root.pk)
            else:
                where |= Q(node__lft__gte=town.lft, node__lft__lte=town.rght)
        cases = cases.filter(where)
    cases = cases.annotate(town=_town_of_case(root, towns))
    days: dict[tuple[int, dt.date], dict[str, int]] = defaultdict(dict)
    per_date = (
        ("created_at", Q(), {"received": Count("pk")}),
        (
            "accepted_at",
            Q(),
            {"accepted": Count("pk"), "escalated": Count("pk", filter=Q(escalation_count__gt=0))},
        ),
        (
            "closed_at",
            Q(status=Status.CLOSED),
            {"closed": Count("pk"), "reworked": Count("pk", filter=Q(rework_count__gt=0))},
        ),
        (
            "rated_at",
            Q(satisfaction__isnull=False),
            {"rated": Count("pk"), "satisfied": Count("pk", filter=Q(satisfaction__gte=4))},
        ),
    )
    for field, condition, figures in per_date:
        rows = (
            cases.filter(condition, **{f"{field}__isnull": False})
            .annotate(d=_day(field))
            .values("town", "d")
            .annotate(**figures)
            .order_by()
        )
        for row in rows:
            key = (row.pop("town"), row.pop("d"))
            days[key].update(row)
    day_rows = [
        TownDay(town_id=town, county_tree=root.tree_id, day=day, **figures)
        for (town, day), figures in sorted(days.items())
    ]
    closed = Q(status=Status.CLOSED)
    due = (
        cases.filter(STANDING, clear_by__isnull=False)
        .annotate(
            due_day=_day("clear_by"),
            closed_day=SqlCase(When(closed, then=_day("closed_at")), default=None),
            on_time=ExpressionWrapper(
                closed & Q(closed_at__lte=F("clear_by")), output_field=BooleanField()
            ),
            resolved_in_time=ExpressionWrapper(
                Q(resolved_at__lte=F("clear_by")), output_field=BooleanField()
            ),
        )
        .values("town", "due_day", "closed_day", "on_time", "resolved_in_time")
        .annotate(n=Count("pk"))
        .order_by()
    )
    due_rows = [
        TownDue(
            town_id=row["town"],
            county_tree=root.tree_id,
            due_day=row["due_day"],
            closed_day=row["closed_day"],
            closed_on_time=bool(row["on_time"]),
            resolved_on_time=bool(row["resolved_in_time"]),
            cases=row["n"],
        )
        for row in due
    ]
    return day_rows, due_rows


def _month(day: dt.date | None) -> dt.date | None:
    return day.replace(day=1) if day else None


def _by_month(day_rows: list[TownDay], due_rows: list[TownDue]):
    """The month rows: the day rows just counted, added up by calendar month."""
    months: dict[tuple[int, int, dt.date], dict[str, int]] = {}
    for row in day_rows:
        sums = months.setdefault((row.town_id, row.county_tree, _month(row.day)), {})
        for name in FIGURES:
            sums[name] = sums.get(name, 0) + getattr(row, name)
    dues: dict[tuple, int] = defaultdict(int)
    for row in due_rows:
        key = (
            row.town_id,
            row.county_tree,
            _month(row.due_day),
            _month(row.closed_day),
            row.closed_on_time,
            row.resolved_on_time,
        )
        dues[key] += row.cases
    month_rows = [
        TownMonth(town_id=town, county_tree=tree, month=month, **sums)
        for (town, tree, month), sums in months.items()
    ]
    due_month_rows = [
        TownDueMonth(
            town_id=town,
            county_tree=tree,
            due_month=due,
            closed_month=closed,
            closed_on_time=on_time,
            resolved_on_time=resolved,
            cases=n,
        )
        for (town, tree, due, closed, on_time, resolved), n in dues.items()
    ]
    return month_rows, due_month_rows


def _town_of(lft: int, root: GridNode, towns: list[GridNode], lefts: list[int]) -> GridNode:
    i = bisect.bisect_right(lefts, lft) - 1
    if i >= 0 and towns[i].lft <= lft <= towns[i].rght:
        return towns[i]
    return root


_TABLES = (TownDay, TownDue, TownMonth, TownDueMonth)


def _refresh_county(tree_id: int, *, full: bool, now: dt.datetime) -> int:
    """Count the county's changed towns again (all of them when `full`); how many it counted."""
    state, _ = RollupState.objects.get_or_create(county_tree=tree_id)
    state = RollupState.objects.select_for_update().get(pk=state.pk)
    root, towns, fingerprint = _towns(tree_id)
    if full or state.refreshed_at is None or state.towns != fingerprint:
        dirty = [root, *towns]
        for table in _TABLES:
            table.objects.filter(county_tree=tree_id).delete()
    else:
        changed = (
            Case.objects.filter(county_tree=tree_id, updated_at__gte=state.refreshed_at - OVERLAP)
            .values_list("node__lft", flat=True)
            .distinct()
            .order_by()
        )
        lefts = [t.lft for t in towns]
        by_pk = {t.pk: t for t in (root, *towns)}
        dirty_ids = {_town_of(lft, root, towns, lefts).pk for lft in changed}
        dirty = [by_pk[pk] for pk in sorted(dirty_ids)]
        for table in _TABLES:
            table.objects.filter(town_id__in=dirty_ids).delete()
    day_rows, due_rows = _count(root, towns, dirty) if dirty else ([], [])
    month_rows, due_month_rows = _by_month(day_rows, due_rows)
    for table, rows in (
        (TownDay, day_rows),
        (TownDue, due_rows),
        (TownMonth, month_rows),
        (TownDueMonth, due_month_rows),
    ):
        table.objects.bulk_create(rows, batch_size=2000)
    state_now = (
        Case.objects.filter(county_tree=tree_id)
        .filter(overdue_candidates(now))
        .aggregate(
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("pk", filter=overdue_at(now)),
        )
    )
    state.refreshed_at = now
    state.towns = fingerprint
    state.open = state_now["open"]
    state.overdue = state_now["overdue"]
    state.save()
    return len(dirty)


def refresh(*, full: bool = False, now: dt.datetime | None = None) -> dict[int, int]:
    """Bring every county's rollups up to `now`: {county tree: towns counted}. Each county in a
    transaction of its own, holding its state row so that two runs never interleave."""
    counted = {}
    moment = now or timezone.now()  # taken before any change is read: the next run reads on
    trees = GridNode.objects.filter(parent__isnull=True).values_list("tree_id", flat=True)
    for tree_id in trees:
        with transaction.atomic():
            counted[tree_id] = _refresh_county(tree_id, full=full, now=moment)
    return counted


def rebuild() -> dict[int, int]:
    """Count every county again from its cases."""
    return refresh(full=True)
