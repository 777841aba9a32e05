"""Keeping the rollup tables (cases.models.rollups) equal to the cases.

Every few minutes beat calls `refresh()`: for each county, the cases changed since the last run
(`Case.updated_at`, which every action's save stamps) are read with what they count for now
(their town, the days of their figures, their due day), and what each was last counted for
(`CaseCount`) is taken off the rows and the new counts put on: a case whose deadline or closing
moved (a case closed late changes an old due day's row) leaves no stale count behind, reading a
case twice changes nothing, and a run's work follows the cases changed, not their towns' size.
A move of places between towns changes the towns' spans in the tree; the county is then counted
again whole, as `rebuild()` counts everything.

Open and overdue are a county's state at the moment of the run (they change with the clock,
not only with the cases), taken with the dashboard's own definition.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
from collections import Counter, defaultdict
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Value,
    When,
)
from django.db.models import Case as SqlCase
from django.db.models.functions import TruncDate
from django.utils import timezone

from cases.models import (
    OPEN_STATUSES,
    Case,
    CaseCount,
    RollupState,
    Status,
    TownDay,
    TownDue,
    TownDueMonth,
    TownMonth,
    TownOpen,
)
from cases.models.rollups import FIGURES, SETTLED
from cases.queries.cases import (
    GRID_TIERS,
    STANDING,
    overdue_at,
    overdue_candidates,
    verified_in_time,
)
from grids.models import GridNode, Tier

# Cases saved just before a run may commit just after it read the changes; reading this far
# back again costs a few cases read twice (which changes nothing) and loses nothing.
OVERLAP = dt.timedelta(minutes=2)
BATCH = 2000


class Counted(NamedTuple):
    """What one case counts for in the rollups (the columns of CaseCount)."""

    case_id: int
    town_id: int
    created_day: dt.date
    accepted_day: dt.date | None
    escalated: bool
    closed_day: dt.date | None  # only once closed
    reworked: bool
    rated_day: dt.date | None  # only once rated
    satisfied: bool
    due_day: dt.date | None  # only for a standing case with a deadline
    closed_on_time: bool
    resolved_on_time: bool
    settled: str  # the rung it was settled at (SETTLED), only once closed
    verified_in_time: bool  # only once closed
    handling_us: int | None  # report to resolution, only once closed after a resolution
    open: bool  # accepted, dispatched or handling: overdue once past its due day
    held: bool  # on the board: accepted, dispatched or handling
    holder_tier: str  # the tier of the node holding it, while held
    held_color: str  # its color, while held


COUNTED_FIELDS = Counted._fields
# What splits a due row besides its town and days (cases.models.rollups._DueCounts).
DUE_FLAGS = ("closed_on_time", "resolved_on_time", "open")


def county_towns(tree_id: int) -> tuple[GridNode, list[GridNode], str]:
    """The county's root, its towns in tree order, and a fingerprint of their spans."""
    nodes = list(
        GridNode.objects.filter(tree_id=tree_id, level__lte=1)
        .order_by("lft")
        .only("id", "tree_id", "lft", "rght", "level")
    )
    root, towns = nodes[0], nodes[1:]
    spans = ";".join(f"{t.pk}:{t.lft}:{t.rght}" for t in towns)
    return root, towns, hashlib.sha1(spans.encode()).hexdigest()


def town_of_case(root: GridNode, towns: list[GridNode]):
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


def counts_now(cases, root: GridNode, towns: list[GridNode]):
    """What each case of `cases` counts for now, read in one query: Counted tuples, by the
    definitions of docs/kpis.md (received by the day reported, accepted and escalated by the
    day accepted, closed and reworked by the day closed, rated and satisfied by the day rated;
    due: a standing case by its deadline's day; the ladder's rung, verified in time and the
    handling time by the day closed)."""
    closed = Q(status=Status.CLOSED)
    rungs = ((GRID_TIERS, "grid"), ((Tier.VILLAGE,), "village"), ((Tier.TOWN,), "town"))
    rows = cases.annotate(
        town_id_=town_of_case(root, towns),
        created_day=_day("created_at"),
        accepted_day=_day("accepted_at"),
        escalated=ExpressionWrapper(Q(escalation_count__gt=0), output_field=BooleanField()),
        closed_day=SqlCase(When(closed, then=_day("closed_at")), default=None),
        reworked=ExpressionWrapper(Q(rework_count__gt=0), output_field=BooleanField()),
        rated_day=SqlCase(When(satisfaction__isnull=False, then=_day("rated_at")), default=None),
        satisfied=ExpressionWrapper(Q(satisfaction__gte=4), output_field=BooleanField()),
        due_day=SqlCase(
            When(STANDING & Q(clear_by__isnull=False), then=_day("clear_by")), default=None
        ),
        closed_on_time=ExpressionWrapper(
            closed & Q(closed_at__lte=F("clear_by")), output_field=BooleanField()
        ),
        resolved_on_time=ExpressionWrapper(
            Q(resolved_at__lte=F("clear_by")), output_field=BooleanField()
        ),
        settled=SqlCase(
            *(When(closed & Q(settled_tier__in=tiers), then=Value(rung)) for tiers, rung in rungs),
            When(closed & Q(settled_tier=Tier.COUNTY), then=Value("county")),
            When(closed, then=Value("other")),
            default=Value(""),
        ),
        verified_in_time=ExpressionWrapper(closed & verified_in_time(), BooleanField()),
        handling_us=SqlCase(
            When(closed, then=F("resolved_at") - F("created_at")),
            default=None,
            output_field=DurationField(),
        ),
        open=ExpressionWrapper(
            Q(status__in=OPEN_STATUSES, accepted_at__isnull=False), output_field=BooleanField()
        ),
        held=ExpressionWrapper(Q(status__in=OPEN_STATUSES), output_field=BooleanField()),
        holder_tier=SqlCase(
            When(status__in=OPEN_STATUSES, then=F("owner_node__tier")), default=Value("")
        ),
        held_color=SqlCase(When(status__in=OPEN_STATUSES, then=F("color")), default=Value("")),
    ).values_list("pk", "town_id_", *COUNTED_FIELDS[2:])
    flags = [COUNTED_FIELDS.index(name) for name in _FLAGS]
    handling = COUNTED_FIELDS.index("handling_us")
    for row in rows.order_by().iterator(chunk_size=BATCH):
        row = list(row)
        for i in flags:  # a comparison with a missing date is unknown in SQL: false here
            row[i] = bool(row[i])
        if row[handling] is not None:
            row[handling] = _microseconds(row[handling])
        yield Counted(*row)


_FLAGS = (
    "escalated",
    "reworked",
    "satisfied",
    "closed_on_time",
    "resolved_on_time",
    "verified_in_time",
    "open",
    "held",
)


def _microseconds(span: dt.timedelta) -> int:
    return (span.days * 86400 + span.seconds) * 1_000_000 + span.microseconds


class _Drift(Exception):
    """A row would fall below zero: the tables no longer match the counts kept per case."""


def _month(day: dt.date | None) -> dt.date | None:
    return day.replace(day=1) if day else None


class Tally:
    """Changes to the four tables, by row: +1 for what a case counts for now, -1 for what it
    counted for before."""

    def __init__(self):
        self.days: dict[tuple[int, dt.date], Counter] = defaultdict(Counter)
        self.months: dict[tuple[int, dt.date], Counter] = defaultdict(Counter)
        self.dues: Counter = Counter()
        self.due_months: Counter = Counter()
        self.held: Counter = Counter()  # (town, holder's tier, color): open cases

    def add(self, c: Counted, sign: int = 1) -> None:
        for day, figures in (
            (c.created_day, {"received": 1}),
            (c.accepted_day, {"accepted": 1, "escalated": int(c.escalated)}),
            (c.closed_day, _closed_figures(c)),
            (c.rated_day, {"rated": 1, "satisfied": int(c.satisfied)}),
        ):
            if day is None:
                continue
            for name, n in figures.items():
                if n:
                    self.days[(c.town_id, day)][name] += sign * n
                    self.months[(c.town_id, _month(day))][name] += sign * n
        if c.due_day is not None:
            flags = (c.closed_on_time, c.resolved_on_time, c.open)
            self.dues[(c.town_id, c.due_day, c.closed_day, *flags)] += sign
            self.due_months[(c.town_id, _month(c.due_day), _month(c.closed_day), *flags)] += sign
        if c.held:
            self.held[(c.town_id, c.holder_tier, c.held_color)] += sign


def _closed_figures(c: Counted) -> dict[str, int]:
    figures = {
        "closed": 1,
        "reworked": int(c.reworked),
        "verified_in_time": int(c.verified_in_time),
    }
    if c.settled in SETTLED:
        figures[f"settled_{c.settled}"] = 1
    if c.handling_us is not None:
        figures["handled"] = 1
        figures["handling_us"] = c.handling_us
    return figures


def _apply_figures(model, key_field: str, tree_id: int, changes: dict) -> None:
    """Add `changes` ({(town, day or month): Counter of figures}) to the rows of `model`."""
    changes = {k: v for k, v in changes.items() if any(v.values())}
    if not changes:
        return
    towns = {town for town, _ in changes}
    keys = {key for _, key in changes}
    existing = {
        (row.town_id, getattr(row, key_field)): row
        for row in model.objects.filter(town_id__in=towns, **{f"{key_field}__in": keys})
    }
    new, changed, emptied = [], [], []
    for (town, key), delta in changes.items():
        row = existing.get((town, key))
        if row is None:
            row = model(town_id=town, county_tree=tree_id, **{key_field: key})
            new.append(row)
        else:
            changed.append(row)
        for name, n in delta.items():
            setattr(row, name, getattr(row, name) + n)
            if getattr(row, name) < 0:
                raise _Drift(model.__name__)
        if row.pk is not None and not any(getattr(row, name) for name in FIGURES):
            emptied.append(row.pk)
    model.objects.bulk_create(new, batch_size=BATCH)
    model.objects.bulk_update(changed, FIGURES, batch_size=BATCH)
    model.objects.filter(pk__in=emptied).delete()


def _apply_dues(model, fields: tuple[str, str], tree_id: int, changes: Counter) -> None:
    """Add `changes` ({(town, due, closed, on time, resolved on time, open): cases}) to
    `model`."""
    changes = {k: n for k, n in changes.items() if n}
    if not changes:
        return
    due_field, closed_field = fields
    names = ("town_id", due_field, closed_field, *DUE_FLAGS)
    existing = {
        tuple(getattr(row, n) for n in names): row
        for row in model.objects.filter(
            town_id__in={k[0] for k in changes}, **{f"{due_field}__in": {k[1] for k in changes}}
        )
    }
    new, changed, emptied = [], [], []
    for key, n in changes.items():
        row = existing.get(key)
        if row is None:
            if n < 0:
                raise _Drift(model.__name__)
            new.append(model(county_tree=tree_id, cases=n, **dict(zip(names, key, strict=True))))
            continue
        row.cases += n
        if row.cases < 0:
            raise _Drift(model.__name__)
        (changed if row.cases else emptied).append(row)
    model.objects.bulk_create(new, batch_size=BATCH)
    model.objects.bulk_update(changed, ["cases"], batch_size=BATCH)
    model.objects.filter(pk__in=[row.pk for row in emptied]).delete()


def _save_counted(tree_id: int, counted: list[Counted], *, replace: bool = True) -> None:
    rows = [CaseCount(county_tree=tree_id, **c._asdict()) for c in counted]
    if not replace:  # the county's counts were all deleted first
        CaseCount.objects.bulk_create(rows, batch_size=BATCH)
        return
    CaseCount.objects.bulk_create(
        rows,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["case"],
        update_fields=["county_tree", *COUNTED_FIELDS[1:]],
    )


def _recount_county(tree_id: int, root: GridNode, towns: list[GridNode]) -> int:
    """Every row of the county counted again from all its cases; the towns counted."""
    # A town moved in from another county is still counted there until that county is counted
    # again, which may come after this one: its rows and its cases' counts move here now.
    places = [root.pk, *(t.pk for t in towns)]
    for table in _TABLES:
        table.objects.filter(Q(county_tree=tree_id) | Q(town_id__in=places)).delete()
    CaseCount.objects.filter(Q(county_tree=tree_id) | Q(case__county_tree=tree_id)).delete()
    tally = Tally()
    counted = []
    for c in counts_now(Case.objects.filter(county_tree=tree_id), root, towns):
        tally.add(c)
        counted.append(c)
        if len(counted) >= BATCH:
            _save_counted(tree_id, counted, replace=False)
            counted = []
    _save_counted(tree_id, counted, replace=False)
    _write(tree_id, tally)
    return 1 + len(towns)


def _write(tree_id: int, tally: Tally) -> None:
    _apply_figures(TownDay, "day", tree_id, tally.days)
    _apply_figures(TownMonth, "month", tree_id, tally.months)
    _apply_dues(TownDue, ("due_day", "closed_day"), tree_id, tally.dues)
    _apply_dues(TownDueMonth, ("due_month", "closed_month"), tree_id, tally.due_months)
    _apply_held(tree_id, tally.held)


def _apply_held(tree_id: int, changes: Counter) -> None:
    """Add `changes` ({(town, holder's tier, color): cases}) to TownOpen."""
    changes = {k: n for k, n in changes.items() if n}
    if not changes:
        return
    existing = {
        (row.town_id, row.tier, row.color): row
        for row in TownOpen.objects.filter(town_id__in={k[0] for k in changes})
    }
    new, changed, emptied = [], [], []
    for (town, tier, color), n in changes.items():
        row = existing.get((town, tier, color))
        if row is None:
            if n < 0:
                raise _Drift("TownOpen")
            new.append(TownOpen(town_id=town, county_tree=tree_id, tier=tier, color=color, cases=n))
            continue
        row.cases += n
        if row.cases < 0:
            raise _Drift("TownOpen")
        (changed if row.cases else emptied).append(row)
    TownOpen.objects.bulk_create(new, batch_size=BATCH)
    TownOpen.objects.bulk_update(changed, ["cases"], batch_size=BATCH)
    TownOpen.objects.filter(pk__in=[row.pk for row in emptied]).delete()


class Changes(NamedTuple):
    tally: Tally  # to add to the rows: each changed case's new counts on, its old ones off
    counted: list[Counted]  # the changed cases whose counts differ from what was kept
    towns: set[int]  # where those cases stand now, or stood before
    before: dict[int, Counted]  # what the changed cases were counted for (none if new)
    read: list[int]  # every changed case read, its counts changed or not


def changes_since(tree_id: int, root: GridNode, towns: list[GridNode], since) -> Changes:
    """What the county's cases changed since `since` count for now, against what each was last
    counted for: two queries whatever their number. The cases are read first: a case changed
    after that read still has its old counts found (its `updated_at` only moves on)."""
    now_counted = list(
        counts_now(Case.objects.filter(county_tree=tree_id, updated_at__gte=since), root, towns)
    )
    rows = CaseCount.objects.filter(case__county_tree=tree_id, case__updated_at__gte=since)
    before = {row[0]: Counted(*row) for row in rows.values_list(*COUNTED_FIELDS)}
    read = [c.case_id for c in now_counted]
    result = Changes(Tally(), [], set(), {i: before[i] for i in read if i in before}, read)
    for c in now_counted:
        old = before.get(c.case_id)
        if old == c:
            continue
        if old is not None:
            result.tally.add(old, -1)
            result.towns.add(old.town_id)
        result.tally.add(c)
        result.towns.add(c.town_id)
        result.counted.append(c)
    return result


def held_changes_since(tree_id: int, root: GridNode, towns: list[GridNode], since) -> Counter:
    """The board's part of `changes_since` alone, in two lean statements: for the county's
    cases changed since `since`, +1 on (town, holder's tier, color) where each is open now and
    -1 where it was open when last counted. The cases are read first, as there."""
    quote = connection.ops.quote_name
    cases, nodes = quote(Case._meta.db_table), quote(GridNode._meta.db_table)
    counts = quote(CaseCount._meta.db_table)
    moment = connection.ops.adapt_datetimefield_value(since)
    starts = [t.lft for t in towns]
    open_now = {str(s) for s in OPEN_STATUSES}
    result: Counter = Counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.id, c.status, c.color, n.lft, o.tier FROM {cases} c"
            f" JOIN {nodes} n ON n.id = c.node_id JOIN {nodes} o ON o.id = c.owner_node_id"
            " WHERE c.county_tree = %s AND c.updated_at >= %s",
            [tree_id, moment],
        )
        read = set()
        for case_id, status, color, lft, tier in cursor.fetchall():
            read.add(case_id)
            if status in open_now:
                i = bisect.bisect_right(starts, lft) - 1
                town = towns[i].pk if i >= 0 and lft <= towns[i].rght else root.pk
                result[(town, tier, color)] += 1
        cursor.execute(
            f"SELECT k.case_id, k.town_id, k.holder_tier, k.held_color FROM {counts} k"
            f" JOIN {cases} c ON c.id = k.case_id"
            " WHERE c.county_tree = %s AND c.updated_at >= %s AND k.held = %s",
            [tree_id, moment, True],
        )
        for case_id, town, tier, color in cursor.fetchall():
            if case_id in read:
                result[(town, tier, color)] -= 1
    return result


def _recount_changed(tree_id: int, root: GridNode, towns: list[GridNode], since) -> int:
    """The cases changed since `since`: their old counts off, their new ones on; the towns
    whose cases changed (where they stand now, or stood before)."""
    changes = changes_since(tree_id, root, towns, since)
    _save_counted(tree_id, changes.counted)
    _write(tree_id, changes.tally)
    return len(changes.towns)


_TABLES = (TownDay, TownDue, TownMonth, TownDueMonth, TownOpen)


def _refresh_county(tree_id: int, *, full: bool, now: dt.datetime) -> int:
    """Count the county's changed cases again (all of them when `full`); the towns counted."""
    state, _ = RollupState.objects.get_or_create(county_tree=tree_id)
    state = RollupState.objects.select_for_update().get(pk=state.pk)
    root, towns, fingerprint = county_towns(tree_id)
    if full or state.refreshed_at is None or state.towns != fingerprint:
        counted = _recount_county(tree_id, root, towns)
    else:
        try:
            with transaction.atomic():
                counted = _recount_changed(tree_id, root, towns, state.refreshed_at - OVERLAP)
        except _Drift:
            # Rows edited by hand or a restore from another day: count the county again.
            counted = _recount_county(tree_id, root, towns)
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
    return counted


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
