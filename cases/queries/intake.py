"""Reads for the intake queue (一访二报三研): new reports in a person's scope, the likely
duplicates of one report, and whom to dispatch it to, the responsibility list's owner first."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cases.models import Case, Status, Unit
from cases.queries.cases import units_serving
from gridgov.cleaning import parse_id
from grids.models import GridNode, Tier
from grids.queries import breadcrumbs, subtree
from staff import access
from staff.models import Role

DUPLICATE_WINDOW = dt.timedelta(days=7)
DUPLICATE_CANDIDATES = 50  # newest reports of the neighbourhood looked at, in one query
DUPLICATE_MIN_SCORE = 0.25
DUPLICATES_SHOWN = 5

# Which of a town's four platforms takes a duty the town answers for itself, by the
# responsibility item's domain (seed 000: 综治 / 市场监管 / 综合执法 / 便民服务).
DOMAIN_PLATFORM = {
    "综治": Unit.Platform.GOVERNANCE,
    "应急管理": Unit.Platform.GOVERNANCE,
    "市场监管": Unit.Platform.MARKET,
    "综合执法": Unit.Platform.ENFORCEMENT,
    "城乡建设": Unit.Platform.ENFORCEMENT,
    "生态环境": Unit.Platform.ENFORCEMENT,
    "水利": Unit.Platform.ENFORCEMENT,
    "便民服务": Unit.Platform.CONVENIENCE,
    "民政": Unit.Platform.CONVENIENCE,
    "社会保障": Unit.Platform.CONVENIENCE,
}

# People a case may go down to from the intake page: field handlers below the town.
FIELD_HANDLERS = (Role.GRID_WORKER, Role.INSTRUCTOR, Role.GRID_CHIEF, Role.COMMANDER)


def queue(user) -> QuerySet:
    """New reports (status reported) the user may accept, oldest first."""
    cases = Case.objects.filter(status=Status.REPORTED)
    return (
        access.scope(user, "case.accept", cases, via="owner_node")
        .select_related("node", "category", "reporter")
        .order_by("created_at", "pk")
    )


def trails_from_town(cases: list[Case]) -> dict[int, list[GridNode]]:
    """For each case: town › (area) › village › grid … where it happened, in one query."""
    trails = breadcrumbs(list({c.node_id: c.node for c in cases}.values()))
    return {c.pk: [n for n in trails.get(c.node_id, []) if n.tier != Tier.COUNTY] for c in cases}


def first_line(text: str, limit: int = 60) -> str:
    line = next((s.strip() for s in (text or "").splitlines() if s.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


# ---------------------------------------------------------------- likely duplicates

_NOT_WORDS = re.compile(r"[\W_]+", re.UNICODE)


def bigrams(text: str) -> set[str]:
    """Character bigrams of a title, punctuation and spaces dropped (Chinese has no spaces)."""
    chars = _NOT_WORDS.sub("", (text or "").lower())
    if len(chars) < 2:
        return {chars} if chars else set()
    return {chars[i : i + 2] for i in range(len(chars) - 1)}


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the two titles' character bigrams: 0 (nothing shared) to 1."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


@dataclass(frozen=True)
class Duplicate:
    case: Case
    score: float
    same_grid: bool

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def neighbourhood(case: Case, trail: list[GridNode]) -> GridNode:
    """Where duplicates are looked for: the village the case happened in (its grid and the
    sibling grids), or the place itself when it happened above a village."""
    village = next((n for n in trail if n.tier == Tier.VILLAGE), None)
    return village or case.node


def likely_duplicates(user, case: Case, trail: list[GridNode]) -> list[Duplicate]:
    """Reports of the same grid or a sibling grid in the same village, from the 7 days before
    this one on, not rejected or merged, with similar words in the title; best first.
    One query for the candidates, the scoring in Python."""
    around = neighbourhood(case, trail)
    candidates = (
        subtree(around, Case.objects.all(), via="node")
        .filter(created_at__gte=case.created_at - DUPLICATE_WINDOW)
        .exclude(pk=case.pk)
        .exclude(status__in=[Status.REJECTED, Status.MERGED])
        .select_related("node")
        .only("pk", "number", "title", "status", "created_at", "node__name", "node__tier")
        .order_by("-created_at", "-pk")
    )
    candidates = access.scope(user, "case.view", candidates)[:DUPLICATE_CANDIDATES]
    found = []
    for other in candidates:
        score = similarity(case.title, other.title)
        if score >= DUPLICATE_MIN_SCORE:
            found.append(Duplicate(other, score, other.node_id == case.node_id))
    found.sort(key=lambda d: (-d.score, not d.same_grid, -d.case.created_at.timestamp()))
    return found[:DUPLICATES_SHOWN]


# ---------------------------------------------------------------- dispatch targets


@dataclass(frozen=True)
class Target:
    """One place a case can be dispatched to; `value` is what the form posts."""

    value: str
    label: str
    group: str
    suggested: bool = False
    # A person or a village above the level now holding the case: case_dispatch only hands a
    # case down, so the town must first take it onto its own list (accept with the town).
    needs_town_list: bool = False


def town_in(trail: list[GridNode]) -> GridNode | None:
    """The town on a trail already read (None for a case at the county): no query, unlike
    GridNode.town."""
    return next((n for n in trail if n.tier == Tier.TOWN), None)


def suggested_unit(case: Case, units: list[Unit]) -> Unit | None:
    """The responsibility item's owner (seed 004): the owning department's outpost in this
    town if there is one, else the department; the town's platform for the town's own duties."""
    item = case.category.responsibility if case.category else None
    if item is None:
        return None
    if item.is_town_duty:
        platforms = [u for u in units if u.kind == Unit.Kind.PLATFORM]
        wanted = DOMAIN_PLATFORM.get(item.domain, Unit.Platform.GOVERNANCE)
        return next((u for u in platforms if u.platform == wanted), None) or next(
            iter(platforms), None
        )
    # The list is the county's; in another county the department of the same name (its lead
    # unit) answers, so the suggestion is always one of this case's own dispatch targets.
    department = next((u for u in units if u.pk == item.department_id), None) or next(
        (
            u
            for u in units
            if u.kind == Unit.Kind.COUNTY_DEPARTMENT and u.name == item.lead_unit.strip()
        ),
        None,
    )
    if department is None:
        return None
    outpost = next(
        (u for u in units if u.kind == Unit.Kind.OUTPOST and u.parent_id == department.pk),
        None,
    )
    return outpost or department


def dispatch_targets(case: Case, trail: list[GridNode]) -> list[Target]:
    """Whom this case can go to: the responsibility owner first, then the grid's people, the
    village, the town's platforms and outposts, and the county departments. Three queries."""
    town = town_in(trail)
    units = list(units_serving(case.node))
    town_units = [u for u in units if u.kind != Unit.Kind.COUNTY_DEPARTMENT]
    suggested = suggested_unit(case, units)
    targets: list[Target] = []
    if suggested is not None:
        targets.append(
            Target(f"unit:{suggested.pk}", suggested.name, _("Responsibility list"), True)
        )
    people = (
        access.assignments_over("case.sign", case.node)
        .filter(role__in=FIELD_HANDLERS, node__level__gt=town.level if town else 0)
        .order_by("-node__level", "user__first_name", "pk")
    )
    seen: set[int] = set()
    for a in people:
        if a.user_id in seen:
            continue
        seen.add(a.user_id)
        name = a.user.first_name or a.user.username
        targets.append(
            Target(
                f"handler:{a.user_id}",
                f"{name} · {a.get_role_display()} · {a.node.name}",
                _("A person"),
                needs_town_list=a.node.level < case.owner_node.level,
            )
        )
    for village in (n for n in trail if n.tier == Tier.VILLAGE):
        targets.append(
            Target(
                f"village:{village.pk}",
                village.name,
                _("The village"),
                needs_town_list=village.level < case.owner_node.level,
            )
        )
    groups = (
        (Unit.Kind.PLATFORM, _("The town's platforms")),
        (Unit.Kind.OUTPOST, _("Outposts in the town")),
    )
    for kind, group in groups:
        for u in town_units:
            if u.kind == kind and u != suggested:
                targets.append(Target(f"unit:{u.pk}", u.name, group))
    for u in units:
        if u.kind == Unit.Kind.COUNTY_DEPARTMENT and u != suggested:
            targets.append(Target(f"unit:{u.pk}", u.name, _("County departments")))
    return targets


def dispatch_arguments(value: str) -> dict[str, int]:
    """'handler:7' → {'handler_id': 7}, as cases.actions.case_dispatch takes it."""
    kind, _sep, pk = value.partition(":")
    key = {"handler": "handler_id", "unit": "unit_id", "village": "village_id"}[kind]
    return {key: parse_id(pk)}
