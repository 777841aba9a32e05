"""A town's or a county's headline figures read from the rollup tables (cases.models.rollups)
instead of its cases, and brought up to the moment: the rows as of the last run, with the cases
changed since then counted again in memory the way the next run will count them. What this reads
follows the towns, the days of the period and the cases changed in the last minutes, not the
number of cases a county holds: a county with ten times the cases reads the same rows.

The figures are exactly `kpis()`'s: every row holds what the cases it counts were counted for
(`CaseCount`), so taking those counts off for the cases changed since the run and putting their
present ones on gives what counting every case now would give. 超期数 for a period still running
is the open cases due before today, from the rows (the cases unchanged since the run are as they
were then), and those due today or changed since the run, counted live. Anything the rows cannot
answer (a village's or a grid's figures, a period not made of whole days, a county never counted
or whose towns moved since) is counted live by `kpis()`."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import NamedTuple

from django.db.models import Count, Q, Sum
from django.utils import timezone

from cases import rollups
from cases.models import RollupState, TownDay, TownDue, TownDueMonth, TownMonth
from cases.models.rollups import FIGURES, SETTLED
from cases.queries.cases import (
    STANDING,
    Kpis,
    cases_in,
    kpis,
    overdue_at,
    overdue_candidates,
)
from cases.queries.periods import midnight
from grids.models import GridNode

DUE_FIGURES = ("due", "closed", "closed_on_time", "resolved_on_time")


def whole_months(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """[first, last): the calendar months lying wholly inside [start, end), as their first days
    (first == last == start when there is none)."""
    first = start
    if first.day != 1:
        first = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    last = end.replace(day=1)
    return (first, last) if first < last else (start, start)


def period_sums(
    where: Q, group: str, start: dt.date, end: dt.date, overdue_before: dt.date | None = None
) -> dict[int, Counter]:
    """The rows matching `where` added up by `group` (`town_id` or `county_tree`) for the days
    [start, end), in four queries: every figure of FIGURES, `closed` renamed `closed_in_period`;
    of the cases due in the period, `due`, `closed` (closed before its end) and the two on-time
    counts; with `overdue_before`, `overdue`: the open cases due before that day.

    The calendar months lying wholly inside the period are read from the month rows (a year is
    twelve rows a town), the days before and after them from the day rows."""
    first, last = whole_months(start, end)
    sums: dict[int, Counter] = defaultdict(Counter)

    def add(rows) -> None:
        for row in rows.order_by():
            key = row.pop(group)
            for name, value in row.items():
                if value:
                    sums[key][name] += value

    figures = {name: Sum(name) for name in FIGURES}
    edge_days = Q(day__gte=start, day__lt=first) | Q(day__gte=last, day__lt=end)
    add(
        TownMonth.objects.filter(where, month__gte=first, month__lt=last)
        .values(group)
        .annotate(**figures)
    )
    add(TownDay.objects.filter(where & edge_days).values(group).annotate(**figures))
    for counts in sums.values():
        counts["closed_in_period"] = counts.pop("closed", 0)
    # Due in a whole month and closed before the month after the last whole month: by the month
    # rows. Due then but closed after that, before the period's end: in the day rows, with the
    # cases due on the edge days.
    months = Q(due_month__gte=first, due_month__lt=last)
    edge = Q(due_day__gte=start, due_day__lt=first) | Q(due_day__gte=last, due_day__lt=end)
    closed_after_the_months = Q(
        due_day__gte=first, due_day__lt=last, closed_day__gte=last, closed_day__lt=end
    )
    month_sums = {
        "due": Sum("cases", filter=months),
        "closed": Sum("cases", filter=months & Q(closed_month__lt=last)),
        "closed_on_time": Sum("cases", filter=months & Q(closed_on_time=True)),
        "resolved_on_time": Sum("cases", filter=months & Q(resolved_on_time=True)),
    }
    day_sums = {
        "due": Sum("cases", filter=edge),
        "closed": Sum("cases", filter=(edge & Q(closed_day__lt=end)) | closed_after_the_months),
        "closed_on_time": Sum("cases", filter=edge & Q(closed_on_time=True)),
        "resolved_on_time": Sum("cases", filter=edge & Q(resolved_on_time=True)),
    }
    month_rows, day_rows = months, edge | closed_after_the_months
    if overdue_before is not None:
        # Open and due before this month by the month rows, due this month before the day by
        # the day rows.
        this_month = overdue_before.replace(day=1)
        overdue_months = Q(open=True, due_month__lt=this_month)
        overdue_days = Q(open=True, due_day__gte=this_month, due_day__lt=overdue_before)
        month_sums["overdue"] = Sum("cases", filter=overdue_months)
        day_sums["overdue"] = Sum("cases", filter=overdue_days)
        month_rows, day_rows = month_rows | overdue_months, day_rows | overdue_days
    add(TownDueMonth.objects.filter(where & month_rows).values(group).annotate(**month_sums))
    add(TownDue.objects.filter(where & day_rows).values(group).annotate(**day_sums))
    return sums


def _add_changes(
    sums: dict[int, Counter], tally: rollups.Tally, towns: set[int], start, end
) -> None:
    """Add a tally of changed cases (by town and day) to `sums` for the days [start, end), as
    period_sums counts the rows."""
    for (town, day), figures in tally.days.items():
        if town in towns and start <= day < end:
            for name, n in figures.items():
                sums[town]["closed_in_period" if name == "closed" else name] += n
    for (town, due_day, closed_day, on_time, resolved_on_time, _open), n in tally.dues.items():
        if town not in towns or not start <= due_day < end:
            continue
        counts = sums[town]
        counts["due"] += n
        counts["closed"] += n if closed_day is not None and closed_day < end else 0
        counts["closed_on_time"] += n if on_time else 0
        counts["resolved_on_time"] += n if resolved_on_time else 0


def _state(tree_id: int):
    return RollupState.objects.filter(county_tree=tree_id).values_list("refreshed_at", "towns")


class Rolled(NamedTuple):
    sums: dict[int, Counter]  # by town (a county's own node among its towns)
    overdue: bool  # whether each town's `overdue` is 超期数 at the moment asked for


def town_sums(node: GridNode, start: dt.date, end: dt.date, now: dt.datetime) -> Rolled | None:
    """The figures of a county's towns (and of the county's own node), or of one town, for the
    days [start, end), by town; None when the rows cannot say (see above). 超期数 at `now` is
    among them while the period runs on at `now`, if `now` is not before the last run.

    Ten queries whatever the county's size. The rollup state is read again at the end: if a run
    committed meanwhile, the rows and the counts kept per case may come from either side of it,
    and the figures are read again."""
    if node.level > 1:
        return None
    for _ in range(2):
        state = _state(node.tree_id).first()
        if state is None or state[0] is None:
            return None
        refreshed_at, fingerprint = state
        root, towns, now_fingerprint = rollups.county_towns(node.tree_id)
        if now_fingerprint != fingerprint:
            return None  # places moved between towns: the rows count them where they were
        ids = {root.pk, *(t.pk for t in towns)} if node.level == 0 else {node.pk}
        since = refreshed_at - rollups.OVERLAP
        # A case unchanged since the run is, at `now`, as the run counted it only if `now` is
        # not before the changes the run left to the next one.
        overdue = midnight(end) > now >= since
        today = timezone.localdate(now)
        sums = period_sums(
            Q(town_id__in=ids), "town_id", start, end, overdue_before=today if overdue else None
        )
        changes = rollups.changes_since(node.tree_id, root, towns, since)
        _add_changes(sums, changes.tally, ids, start, end)
        if overdue:
            _overdue_now(node, rollups.town_of_case(root, towns), sums, changes, ids, now)
        if _state(node.tree_id).values_list("refreshed_at", flat=True).first() == refreshed_at:
            return Rolled(sums, overdue)
    return None


def _overdue_now(node, town_of_case, sums, changes, ids, now) -> None:
    """Bring the rows' overdue (open cases due before today, as the run counted them) to 超期数
    at `now`: the changed cases' counts at the run off, and, counted live in one query, those of
    them overdue now and due before today, and every case due today and overdue now."""
    today = midnight(timezone.localdate(now))
    for c in changes.before.values():
        if c.town_id in ids and c.open and c.due_day is not None and c.due_day < today.date():
            sums[c.town_id]["overdue"] -= 1
    changed = Q(pk__in=changes.read, clear_by__lt=today)
    due_today = Q(clear_by__gte=today, clear_by__lt=now)
    rows = (
        cases_in(node)
        .filter(STANDING & (changed | due_today), overdue_at(now))
        .annotate(town=town_of_case)
        .values("town")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        sums[row["town"]]["overdue"] += row["n"]


def _overdue_at(node: GridNode, moment: dt.datetime) -> int:
    """超期数 at a moment, counted live (as `kpis` counts it)."""
    return (
        cases_in(node)
        .filter(overdue_candidates(moment))
        .aggregate(n=Count("pk", filter=overdue_at(moment)))["n"]
    )


def _kpis(counts: Counter) -> Kpis:
    handled = counts["handled"]
    avg = counts["handling_us"] / handled / 1_000_000 / 86400 if handled else None
    return Kpis(
        received=counts["received"],
        accepted=counts["accepted"],
        due=counts["due"],
        closed=counts["closed"],
        closed_on_time=counts["closed_on_time"],
        resolved_on_time=counts["resolved_on_time"],
        overdue=counts["overdue"],
        closed_in_period=counts["closed_in_period"],
        **{f"settled_{rung}": counts[f"settled_{rung}"] for rung in SETTLED},
        verified_in_time=counts["verified_in_time"],
        escalated=counts["escalated"],
        reworked=counts["reworked"],
        rated=counts["rated"],
        satisfied=counts["satisfied"],
        avg_handling_days=round(avg, 2) if avg is not None else None,
    )


def _days(start: dt.datetime, end: dt.datetime) -> tuple[dt.date, dt.date] | None:
    """The period as days, if it is made of whole days of Beijing time."""
    days = timezone.localdate(start), timezone.localdate(end)
    return days if (midnight(days[0]), midnight(days[1])) == (start, end) else None


def current(
    node: GridNode, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None
) -> tuple[Kpis, dict[int, Counter] | None]:
    """`kpis(node, start, end, now)`, read from the rollups where they can answer, and the
    figures by town they were added up from (None when they were counted live)."""
    now = now or timezone.now()
    days = _days(start, end)
    rolled = town_sums(node, *days, now) if days else None
    if rolled is None:
        return kpis(node, start, end, now=now), None
    total = Counter()
    for counts in rolled.sums.values():
        total.update(counts)
    if not rolled.overdue:
        total["overdue"] = _overdue_at(node, min(end, now))
    return _kpis(total), rolled.sums


def current_kpis(
    node: GridNode, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None
) -> Kpis:
    """`kpis(node, start, end, now)`, read from the rollups where they can answer."""
    return current(node, start, end, now)[0]
