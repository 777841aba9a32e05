"""Reads of the monthly appraisal that the desk, the phone and the pay sheet share: a fixed
number of queries however many villages, workers and items a page shows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q, QuerySet

from gridgov.cleaning import parse_int
from grids.models import GridNode, Tier
from staff import access
from staff.models import (
    AppraisalItem,
    AppraisalLine,
    AppraisalObjection,
    AppraisalScore,
    AppraisalSheet,
    SheetStatus,
)

# Lines are listed for a town or anything below it; a county's page sums its villages' sheets.
LINES_FROM = (Tier.TOWN, Tier.AREA, Tier.VILLAGE, Tier.GRID, Tier.MICRO_GRID)


def parse_month(value: str | None) -> dt.date | None:
    """A month written YYYY-MM (as the month chooser sends it); None for anything else."""
    text = (value or "").strip() if isinstance(value, str) else ""
    if len(text) != 7 or text[4] != "-":
        return None
    year, month = parse_int(text[:4], minimum=2000), parse_int(text[5:], minimum=1, maximum=12)
    if year is None or month is None or text[5] == "-":
        return None
    return dt.date(year, month, 1)


def sheets_in(user, node: GridNode) -> QuerySet:
    """Sheets of villages in (or, for a grid, around) the node that the user may see."""
    if node.tier in (Tier.GRID, Tier.MICRO_GRID):
        where = GridNode.ancestors_q(node, via="village")
    else:
        where = GridNode.subtree_q(node, via="village")
    return access.scope(user, "appraisal.view", AppraisalSheet.objects.filter(where), via="village")


def months_of(user, node: GridNode) -> list[dt.date]:
    """The months with a sheet the user may see here, newest first (one query)."""
    return list(sheets_in(user, node).order_by("-month").values_list("month", flat=True).distinct())


@dataclass
class LineView:
    line: AppraisalLine
    scores: list[AppraisalScore] = field(default_factory=list)
    objections: list[AppraisalObjection] = field(default_factory=list)

    @property
    def open_objection(self) -> AppraisalObjection | None:
        return next((o for o in self.objections if o.is_open), None)


@dataclass
class SheetView:
    sheet: AppraisalSheet
    items: list[AppraisalItem]
    lines: list[LineView] = field(default_factory=list)
    count: int = 0
    average: float | None = None
    open_objections: int = 0

    @property
    def manual_items(self) -> list[AppraisalItem]:
        return [item for item in self.items if item.is_manual]

    @property
    def columns(self) -> int:
        """The width of the sheet's table: person, grid, class, the items, then five figures."""
        return len(self.items) + 8


def appraisal_page(user, node: GridNode, month: dt.date) -> list[SheetView]:
    """The month's sheets at a node with their lines (each with its items' scores and its
    objections), for a town or below; a county's sheets with their counts only. Seven queries
    however many sheets, lines and items."""
    sheets = list(
        sheets_in(user, node)
        .filter(month=month)
        .select_related("village", "rule", "signed_by", "published_by")
        .order_by("village__code")
    )
    items: dict[int, list[AppraisalItem]] = defaultdict(list)
    for item in AppraisalItem.objects.filter(rule_id__in={s.rule_id for s in sheets}):
        items[item.rule_id].append(item)
    views = {s.pk: SheetView(s, items[s.rule_id]) for s in sheets}
    if not sheets:
        return []
    for row in (
        AppraisalLine.objects.filter(sheet_id__in=list(views))
        .values("sheet_id")
        .annotate(n=Count("pk"), avg=Avg("score"))
        .order_by()
    ):
        views[row["sheet_id"]].count, views[row["sheet_id"]].average = row["n"], row["avg"]
    for row in (
        AppraisalObjection.objects.filter(line__sheet_id__in=list(views), answered_at__isnull=True)
        .values("line__sheet_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        views[row["line__sheet_id"]].open_objections = row["n"]
    if node.tier not in LINES_FROM:
        return list(views.values())
    lines = (
        AppraisalLine.objects.filter(sheet_id__in=list(views))
        .filter(GridNode.subtree_q(node, via="grid") if node.tier != Tier.TOWN else Q())
        .select_related("worker", "grid")
        .order_by("grid__code", "worker_id")
    )
    by_line = {
        line.pk: LineView(line) for line in access.scope(user, "appraisal.view", lines, via="grid")
    }
    for score in AppraisalScore.objects.filter(line_id__in=list(by_line)).select_related(
        "item", "scored_by"
    ):
        by_line[score.line_id].scores.append(score)
    for objection in AppraisalObjection.objects.filter(line_id__in=list(by_line)).select_related(
        "answered_by"
    ):
        by_line[objection.line_id].objections.append(objection)
    for view in by_line.values():
        order = {item.pk: i for i, item in enumerate(views[view.line.sheet_id].items)}
        view.scores.sort(key=lambda s: order.get(s.item_id, 0))
        views[view.line.sheet_id].lines.append(view)
    return list(views.values())


def my_lines(user) -> list[AppraisalLine]:
    """The person's own published lines, newest month first (one query)."""
    return list(
        AppraisalLine.objects.filter(worker=user, sheet__status=SheetStatus.PUBLISHED)
        .select_related("sheet", "sheet__village", "grid")
        .order_by("-sheet__month")
    )


def line_view(line: AppraisalLine) -> LineView:
    """A line with its items' scores in the rule's order and its objections (two queries)."""
    view = LineView(line)
    view.scores = list(
        AppraisalScore.objects.filter(line=line)
        .select_related("item")
        .order_by("item__position", "item_id")
    )
    view.objections = list(line.objections.select_related("answered_by"))
    return view


def pay_rows(user, node: GridNode, month: dt.date) -> list[AppraisalLine]:
    """The published lines of a month under a node, for the pay sheet: village, then grid."""
    lines = AppraisalLine.objects.filter(
        sheet__month=month,
        sheet__status=SheetStatus.PUBLISHED,
    ).filter(GridNode.subtree_q(node, via="grid"))
    return list(
        access.scope(user, "appraisal.pay", lines, via="grid")
        .select_related("worker", "grid", "sheet__village")
        .annotate(open=Count("objections", filter=Q(objections__answered_at__isnull=True)))
        .order_by("sheet__village__code", "grid__code", "worker_id")
    )


def pay_totals(lines: list[AppraisalLine]) -> dict:
    return {
        "base": sum((line.base_pay for line in lines), start=0),
        "performance": sum((line.performance_pay for line in lines), start=0),
        "total": sum((line.total_pay for line in lines), start=0),
    }
