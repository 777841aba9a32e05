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

from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone

from cases import rollups
from cases.models import OPEN_STATUSES, RollupState, TownOpen
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


# The rows' columns a caller may select and group by (period_sums writes them into its SQL).
_KEYS = ("town_id", "county_tree")


def period_sums(
    column: str,
    values,
    group: str,
    start: dt.date,
    end: dt.date,
    overdue_before: dt.date | None = None,
) -> dict[int, Counter]:
    """The rows whose `column` (a town or a county's tree) is one of `values`, added up by
    `group` for the days [start, end), in four queries: every figure of FIGURES, `closed`
    renamed `closed_in_period`; of the cases due in the period, `due`, `closed` (closed before
    its end) and the two on-time counts; with `overdue_before`, `overdue`: the open cases due
    before that day.

    The calendar months lying wholly inside the period are read from the month rows (a year is
    twelve rows a town), the days before and after them from the day rows. Written as SQL: the
    statements are the same on every call, and building them through the ORM cost more than
    running them."""
    if column not in _KEYS or group not in _KEYS:
        raise ValueError(f"period_sums selects and groups by one of {_KEYS}")
    values = list(values)
    sums: dict[int, Counter] = defaultdict(Counter)
    if not values:
        return sums
    first, last = whole_months(start, end)
    day = connection.ops.adapt_datefield_value
    inside = f"{column} IN ({', '.join(['%s'] * len(values))})"

    def add(table: str, columns: dict[str, tuple[str, list]], where: str, params: list) -> None:
        """One grouped statement: {name: (SQL sum, its parameters)} over the rows `where`."""
        sql = (
            f"SELECT {group}, {', '.join(expr for expr, _ in columns.values())} FROM {table} "
            f"WHERE {inside} AND ({where}) GROUP BY {group}"
        )
        sum_params = [p for _, ps in columns.values() for p in ps]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*sum_params, *values, *params])
            for key, *row in cursor.fetchall():
                for name, value in zip(columns, row, strict=True):
                    if value:  # a sum of big integers is a decimal in PostgreSQL
                        sums[key][name] += int(value)

    def summed(condition: str, params: list) -> tuple[str, list]:
        return f"SUM(CASE WHEN {condition} THEN cases ELSE 0 END)", params

    figures = {name: (f"SUM({name})", []) for name in FIGURES}
    months_params = [day(first), day(last)]
    edge_params = [day(start), day(first), day(last), day(end)]
    add("cases_townmonth", figures, "month >= %s AND month < %s", months_params)
    add(
        "cases_townday",
        figures,
        "(day >= %s AND day < %s) OR (day >= %s AND day < %s)",
        edge_params,
    )
    for counts in sums.values():
        counts["closed_in_period"] = counts.pop("closed", 0)
    # Due in a whole month and closed before the month after the last whole month: by the month
    # rows. Due then but closed after that, before the period's end: in the day rows, with the
    # cases due on the edge days.
    months = "(due_month >= %s AND due_month < %s)"
    edge = "((due_day >= %s AND due_day < %s) OR (due_day >= %s AND due_day < %s))"
    after = "(due_day >= %s AND due_day < %s AND closed_day >= %s AND closed_day < %s)"
    after_params = [day(first), day(last), day(last), day(end)]
    m, e = months_params, edge_params
    by_month = {
        "due": summed(months, m),
        "closed": summed(f"{months} AND closed_month < %s", [*m, day(last)]),
        "closed_on_time": summed(f"{months} AND closed_on_time = %s", [*m, True]),
        "resolved_on_time": summed(f"{months} AND resolved_on_time = %s", [*m, True]),
    }
    by_day = {
        "due": summed(edge, e),
        "closed": summed(f"({edge} AND closed_day < %s) OR {after}", [*e, day(end), *after_params]),
        "closed_on_time": summed(f"{edge} AND closed_on_time = %s", [*e, True]),
        "resolved_on_time": summed(f"{edge} AND resolved_on_time = %s", [*e, True]),
    }
    month_rows, month_params = months, list(m)
    day_rows, day_params = f"{edge} OR {after}", [*e, *after_params]
    if overdue_before is not None:
        # Open and due before this month by the month rows, due this month before the day by
        # the day rows.
        this_month = day(overdue_before.replace(day=1))
        overdue_months, om = "(open = %s AND due_month < %s)", [True, this_month]
        overdue_days = "(open = %s AND due_day >= %s AND due_day < %s)"
        od = [True, this_month, day(overdue_before)]
        by_month["overdue"] = summed(overdue_months, om)
        by_day["overdue"] = summed(overdue_days, od)
        month_rows, month_params = f"{month_rows} OR {overdue_months}", [*month_params, *om]
        day_rows, day_params = f"{day_rows} OR {overdue_days}", [*day_params, *od]
    add("cases_townduemonth", by_month, month_rows, month_params)
    add("cases_towndue", by_day, day_rows, day_params)
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


def _read_consistently(tree_id: int, node_id: int, level: int, read):
    """`read(root, towns, ids, since)` over the rows of a county (level 0) or a town (level 1)
    and the cases changed since their last run; None when the rows cannot say (never counted,
    or places moved between towns since: the rows count them where they were). The rollup
    state is read again at the end: if a run committed meanwhile, the rows and the counts kept
    per case may come from either side of it, and everything is read again."""
    if level > 1:
        return None
    for _ in range(2):
        state = _state(tree_id).first()
        if state is None or state[0] is None:
            return None
        refreshed_at, fingerprint = state
        root, towns, now_fingerprint = rollups.county_towns(tree_id)
        if now_fingerprint != fingerprint:
            return None
        ids = {root.pk, *(t.pk for t in towns)} if level == 0 else {node_id}
        result = read(root, towns, ids, refreshed_at - rollups.OVERLAP)
        if _state(tree_id).values_list("refreshed_at", flat=True).first() == refreshed_at:
            return result
    return None


class Rolled(NamedTuple):
    sums: dict[int, Counter]  # by town (a county's own node among its towns)
    overdue: int | None  # 超期数 at the moment asked for, if the rows could say


def town_sums(node: GridNode, start: dt.date, end: dt.date, now: dt.datetime) -> Rolled | None:
    """The figures of a county's towns (and of the county's own node), or of one town, for the
    days [start, end), by town; None when the rows cannot say (see above). With them 超期数 at
    `now`, while the period runs on at `now` and `now` is not before the last run. Ten queries
    whatever the county's size."""

    def read(root, towns, ids, since) -> Rolled:
        # A case unchanged since the run is, at `now`, as the run counted it only if `now` is
        # not before the changes the run left to the next one.
        running = midnight(end) > now >= since
        today = timezone.localdate(now)
        sums = period_sums(
            "town_id", ids, "town_id", start, end, overdue_before=today if running else None
        )
        changes = rollups.changes_since(node.tree_id, root, towns, since)
        _add_changes(sums, changes.tally, ids, start, end)
        overdue = _overdue_now(node, sums, changes, ids, now) if running else None
        return Rolled(sums, overdue)

    return _read_consistently(node.tree_id, node.pk, node.level, read)


def held_counts(tree_id: int, node_id: int, level: int) -> Counter | None:
    """The open cases of a county or a town, now, by (the tier of the node holding them,
    color): the supervision board's table. The TownOpen rows with the cases changed since the
    run counted again; None when the rows cannot say. Six queries whatever the county's size."""

    def read(root, towns, ids, since) -> Counter:
        counts = Counter()
        rows = (
            TownOpen.objects.filter(town_id__in=ids)
            .values_list("tier", "color")
            .annotate(n=Sum("cases"))
            .order_by()
        )
        for tier, color, n in rows:
            counts[(tier, color)] += n
        for (town, tier, color), n in rollups.held_changes_since(
            tree_id, root, towns, since
        ).items():
            if town in ids:
                counts[(tier, color)] += n
        return counts

    return _read_consistently(tree_id, node_id, level, read)


def _overdue_now(node, sums, changes, ids, now) -> int:
    """超期数 at `now`: the rows' open cases due before today (as the run counted them) without
    the cases changed since the run, and, counted live in one query, those changed cases overdue
    now and the unchanged open cases due today and past their deadline. A case unchanged since
    before `now` was not resolved after it."""
    today = midnight(timezone.localdate(now))
    total = sum(counts.pop("overdue", 0) for counts in sums.values())
    for c in changes.before.values():
        if c.town_id in ids and c.open and c.due_day is not None and c.due_day < today.date():
            total -= 1
    changed = STANDING & Q(pk__in=changes.read) & overdue_at(now)
    due_today = Q(status__in=OPEN_STATUSES, clear_by__gte=today, clear_by__lt=now) & ~Q(
        pk__in=changes.read
    )
    return total + cases_in(node).filter(changed | due_today).count()


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
    total["overdue"] = (
        rolled.overdue if rolled.overdue is not None else _overdue_at(node, min(end, now))
    )
    return _kpis(total), rolled.sums


def current_kpis(
    node: GridNode, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None
) -> Kpis:
    """`kpis(node, start, end, now)`, read from the rollups where they can answer."""
    return current(node, start, end, now)[0]
