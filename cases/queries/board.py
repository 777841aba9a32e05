"""Reads for the supervision board (督办), the county-calls page (乡呼县应) and the weekly
meeting sheet (周例会). Every list goes through the access policy: out of scope is absent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    OPEN_STATUSES,
    Case,
    Category,
    Color,
    Source,
    Status,
)
from cases.queries.cases import cases_in, filter_cases
from gridgov.cleaning import parse_id
from gridgov.durations import format_duration
from grids.models import GridNode, Tier
from grids.queries import subtree
from staff import access

# The levels of the ladder a case can be held at; micro-grids count with their grid.
LEVELS: dict[str, tuple[str, ...]] = {
    "grid": (Tier.GRID, Tier.MICRO_GRID),
    "village": (Tier.VILLAGE, Tier.AREA),
    "town": (Tier.TOWN,),
    "county": (Tier.COUNTY,),
}
TIER_LEVEL = {tier: level for level, tiers in LEVELS.items() for tier in tiers}
COLORS = [Color.RED, Color.ORANGE, Color.YELLOW]  # the most urgent first


def level_labels() -> dict[str, str]:
    # Translated per request (the module-level dict above only fixes the order).
    return {
        "grid": _("Grid"),
        "village": _("Village"),
        "town": _("Town"),
        "county": _("County"),
    }


# ---------------------------------------------------------------- board filters


@dataclass
class BoardFilters:
    """The board's GET filters, each already checked: a bad value is simply dropped."""

    village: GridNode | None = None
    grid: GridNode | None = None
    category: Category | None = None
    color: str = ""
    status: str = ""
    source: str = ""
    level: str = ""
    overdue: bool = False  # only the cases past their deadline now (the desk home's count)
    asking_time: bool = False  # only the cases whose handler asked for more time
    # The dashboard's link parameters (node, due_from, due_to), applied as the case list does.
    figure: dict[str, str] = field(default_factory=dict)
    figure_words: str = ""
    params: dict[str, str] = field(default_factory=dict)

    def querystring(self) -> str:
        from urllib.parse import urlencode

        return urlencode(self.params)

    def describe(self) -> str:
        """The filters in words, for the export's second row."""
        parts = []
        if self.village:
            parts.append(f"{_('Village')}: {self.village.name}")
        if self.grid:
            parts.append(f"{_('Grid')}: {self.grid.name}")
        if self.category:
            parts.append(f"{_('Category')}: {self.category.name}")
        if self.color:
            parts.append(f"{_('Color')}: {Color(self.color).label}")
        if self.status:
            parts.append(f"{_('Status')}: {Status(self.status).label}")
        if self.source:
            parts.append(f"{_('Source')}: {Source(self.source).label}")
        if self.level:
            parts.append(f"{_('Held at')}: {level_labels()[self.level]}")
        if self.overdue:
            parts.append(str(_("Overdue")))
        if self.asking_time:
            parts.append(str(_("More time asked for")))
        if self.figure_words:
            parts.append(self.figure_words)
        return "; ".join(parts) or _("All open cases")


def visible_nodes(user, tiers) -> QuerySet:
    """Nodes of these tiers inside the user's scope (the filter's choices)."""
    return access.scope(user, "case.view", GridNode.objects.filter(tier__in=tiers), via="")


def parse_filters(user, data) -> BoardFilters:
    """Read the filters from a QueryDict; unknown or out-of-scope values are ignored."""
    f = BoardFilters()
    wanted = {parse_id(data.get("village")), parse_id(data.get("grid"))} - {None}
    if wanted:
        nodes = {
            n.pk: n
            for n in visible_nodes(user, [Tier.VILLAGE, Tier.GRID, Tier.MICRO_GRID]).filter(
                pk__in=wanted
            )
        }
        village = nodes.get(parse_id(data.get("village")))
        grid = nodes.get(parse_id(data.get("grid")))
        if village is not None and village.tier == Tier.VILLAGE:
            f.village, f.params["village"] = village, str(village.pk)
        if grid is not None and grid.tier in LEVELS["grid"]:
            f.grid, f.params["grid"] = grid, str(grid.pk)
    category_id = parse_id(data.get("category"))
    if category_id:
        f.category = Category.objects.filter(pk=category_id).first()
        if f.category:
            f.params["category"] = str(f.category.pk)
    for name, allowed in (
        ("color", Color.values),
        ("status", [s.value for s in OPEN_STATUSES]),
        ("source", Source.values),
        ("level", list(LEVELS)),
    ):
        value = data.get(name, "")
        if value in allowed:
            setattr(f, name, value)
            f.params[name] = value
    if data.get("overdue") == "1":
        f.overdue, f.params["overdue"] = True, "1"
    if data.get("asking_time") == "1":
        f.asking_time, f.params["asking_time"] = True, "1"
    for name in FIGURE_PARAMS:
        value = (data.get(name) or "").strip()
        if value and len(value) <= 40:
            f.figure[name] = f.params[name] = value
    return f


# The dashboard links "the cases due in this period" here with these (cases.queries.filter_cases).
FIGURE_PARAMS = ("node", "due_from", "due_to")


def open_cases(user, *, action: str = "case.view") -> QuerySet:
    """Open cases (accepted, dispatched, handling) the user may see."""
    return access.scope(user, action, Case.objects.filter(status__in=OPEN_STATUSES), via="node")


def _filtered(user, f: BoardFilters, *, skip_groups: bool = False) -> QuerySet:
    qs = open_cases(user)
    if f.figure:
        visible = access.scope(user, "case.view", GridNode.objects.all(), via="")
        qs, words = filter_cases(qs, f.figure, nodes=visible)
        f.figure_words = words
    for node in (f.village, f.grid):
        if node is not None:
            qs = cases_in(node, qs)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.source:
        qs = qs.filter(source=f.source)
    if f.overdue:
        qs = qs.filter(clear_by__lt=timezone.now())
    if f.asking_time:
        qs = qs.filter(status=Status.HANDLING, extension_until__isnull=False)
    if not skip_groups:
        if f.color:
            qs = qs.filter(color=f.color)
        if f.level:
            qs = qs.filter(owner_node__tier__in=LEVELS[f.level])
    return qs


def board_cases(user, f: BoardFilters, now: dt.datetime) -> QuerySet:
    """The board's list: overdue first (longest overdue on top), then by deadline, cases
    without a deadline last. That is the deadline's own order: an overdue case's deadline is
    before every other's. So the database reads it from the deadline index and stops at the
    page, instead of sorting every open case of the county by a computed flag."""
    return (
        _filtered(user, f)
        .select_related("node", "owner_node", "category", "handler", "handler_unit")
        .order_by(F("clear_by").asc(nulls_last=True), "pk")
    )


def board_groups(user, f: BoardFilters) -> dict:
    """Open cases by the level holding them and color (the other filters applied): one query.

    `matching` is how many the list shows: the list is these cases narrowed by color and
    level, the two things the groups count by, so its length is a sum of their rows and the
    page needs no count of its own (at a county's scale that count reads every open case a
    second time)."""
    rows = _rolled_groups(user, f)
    if rows is None:
        rows = (
            _filtered(user, f, skip_groups=True)
            .values("owner_node__tier", "color")
            .annotate(n=Count("pk"))
            .order_by()
        )
    labels = level_labels()
    grid = {
        level: {"level": level, "label": labels[level], "cells": {c.value: 0 for c in COLORS}}
        for level in LEVELS
    }
    matching = 0
    for row in rows:
        tier, color, n = row["owner_node__tier"], row["color"], row["n"]
        if (not f.color or color == f.color) and (not f.level or tier in LEVELS[f.level]):
            matching += n
        level = TIER_LEVEL.get(tier)
        if level and color in grid[level]["cells"]:
            grid[level]["cells"][color] += n
    for level in grid.values():
        level["cells"] = [(c.value, c.label, level["cells"][c.value]) for c in COLORS]
        level["total"] = sum(n for _c, _l, n in level["cells"])
    return {
        "levels": list(grid.values()),
        "colors": [(c.value, c.label) for c in COLORS],
        "matching": matching,
    }


def _rolled_groups(user, f: BoardFilters) -> list[dict] | None:
    """The groups of a board that shows a whole county or a whole town (the person's scope is
    one of them and no filter narrows it but color and level, which the groups count by), read
    from the rollups brought up to the moment (cases.queries.rolled): what they cost does not
    follow the size of the county's backlog. None otherwise: they are counted from the cases."""
    from cases.queries.rolled import held_counts

    narrowed = (f.village, f.grid, f.category, f.status, f.source, f.overdue, f.asking_time)
    if any(narrowed) or f.figure:
        return None
    spans = access.scope_spans(user, "case.view")
    if not spans or len(spans) != 1:
        return None
    (grant,) = spans
    counts = held_counts(grant.tree_id, grant.node_id, grant.level)
    if counts is None:
        return None
    return [
        {"owner_node__tier": tier, "color": color, "n": n} for (tier, color), n in counts.items()
    ]


def span(delta: dt.timedelta) -> str:
    """A duration the way every page says it (gridgov/durations.py)."""
    return format_duration(delta)


def decorate(cases, user, now: dt.datetime) -> list[Case]:
    """Add what a row shows: the level, time left or overdue, and whether 督办 is offered."""
    labels = level_labels()
    rows = list(cases)
    for case in rows:
        case.level_label = labels.get(TIER_LEVEL.get(case.owner_node.tier, ""), "")
        case.overdue = bool(case.clear_by and case.clear_by < now)
        case.time_span = span(case.clear_by - now) if case.clear_by else ""
        case.can_supervise = access.can(user, "case.supervise", case)
    return rows


def board_choices(user, f: BoardFilters) -> dict:
    """The filters' choices: villages in scope, the chosen village's grids, categories."""
    villages = list(
        visible_nodes(user, [Tier.VILLAGE]).order_by(*GridNode.TREE_ORDER).only("pk", "name")
    )
    grids = []
    if f.village is not None:
        grids = list(
            subtree(f.village).filter(tier=Tier.GRID).order_by("lft").only("pk", "name", "tier")
        )
    return {
        "villages": villages,
        "grids": grids,
        "categories": list(Category.objects.order_by("name").only("pk", "name")),
        "colors": [(c.value, c.label) for c in COLORS],
        "statuses": [(s.value, s.label) for s in OPEN_STATUSES],
        "sources": Source.choices,
        "levels": list(level_labels().items()),
    }


# ---------------------------------------------------------------- county calls


# ---------------------------------------------------------------- weekly meeting sheet
