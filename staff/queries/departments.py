"""The county's appraisal of its departments and of their outposts in the towns (部门考核评价,
seed 004): per unit and month, the calls answered on time, the callers' ratings, the cases
dispatched to it and signed for in time, those it returned (退办), its 按期处置率, and the
towns' own scores of the outposts (工作评价权) beside them; and the ranking they make.
docs/people.md says what each figure counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from cases.models import Case, CaseEvent, CountyCall, Unit
from cases.queries.cases import STANDING, resolved_on_time
from grids.models import GridNode
from staff.models import DepartmentAppraisalRule, OutpostScore, OutpostScoreItem
from staff.queries.measures import Month, next_month

FAR_FUTURE = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _share(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


@dataclass
class UnitStanding:
    """One unit's figures for the month, and its score (docs/people.md)."""

    unit: Unit
    calls: int = 0  # calls made to it in the month
    calls_on_time: int = 0  # of those, answered no later than the answer was due
    rated: int = 0  # of those, rated by the caller
    rating_sum: int = 0
    dispatched: int = 0  # cases dispatched to it in the month
    signed_on_time: int = 0  # of those, signed for within the rule's hours
    returned: int = 0  # of those, returned (退办) before being dispatched anywhere else
    due: int = 0  # cases it handles whose deadline fell in the month (应结案)
    resolved_on_time: int = 0  # 按期处置: of those, resolved by the deadline
    town_scores: list[OutpostScore] = field(default_factory=list)
    town_share: int = 30
    rank: int | None = None

    @property
    def call_rate(self) -> float | None:
        return _rate(self.calls_on_time, self.calls)

    @property
    def rating(self) -> float | None:
        return round(self.rating_sum / self.rated, 2) if self.rated else None

    @property
    def sign_rate(self) -> float | None:
        return _rate(self.signed_on_time, self.dispatched)

    @property
    def return_rate(self) -> float | None:
        return _rate(self.returned, self.dispatched)

    @property
    def handling_rate(self) -> float | None:
        """按期处置率 = 按期处置数 ÷ 应结案数, as docs/kpis.md, over the cases it handles."""
        return _rate(self.resolved_on_time, self.due)

    @property
    def town_score(self) -> Decimal | None:
        """The towns' score out of 100: an outpost's own, a department's its outposts' mean."""
        scores = [s.percent for s in self.town_scores if s.percent is not None]
        if not scores:
            return None
        return (sum(scores) / len(scores)).quantize(Decimal("0.01"))

    @property
    def measured(self) -> Decimal | None:
        """The measured figures as one share: answered on time, rating ÷ 5, signed on time,
        not returned, handled on time, each counted alike, those with nothing to count left out.
        Worked from the counts, not from the rounded rates shown."""
        parts = [
            _share(self.calls_on_time, self.calls),
            _share(self.rating_sum, self.rated * 5),
            _share(self.signed_on_time, self.dispatched),
            _share(self.dispatched - self.returned, self.dispatched),
            _share(self.resolved_on_time, self.due),
        ]
        known = [p for p in parts if p is not None]
        return sum(known) / len(known) if known else None

    @property
    def score(self) -> Decimal | None:
        """Out of 100: the measured share × (100 − the towns' share) + the towns' score × their
        share ÷ 100; with only one of the two, that one alone; with neither, none."""
        measured = None if self.measured is None else self.measured * 100
        town = self.town_score
        if measured is None and town is None:
            return None
        if town is None:
            value = measured
        elif measured is None:
            value = town
        else:
            share = Decimal(self.town_share)
            value = (measured * (100 - share) + town * share) / 100
        return value.quantize(Decimal("0.01"))


def rule_for(county: GridNode) -> DepartmentAppraisalRule:
    """The county's rule, or the defaults (24 hours to sign, the towns' scores 30 %)."""
    rule = DepartmentAppraisalRule.objects.filter(county=county).first()
    return rule or DepartmentAppraisalRule(county=county)


def _calls(tree_id: int, start, end) -> dict[int, dict]:
    rows = (
        CountyCall.objects.filter(
            department__node__tree_id=tree_id, created_at__gte=start, created_at__lt=end
        )
        .values("department_id")
        .annotate(
            calls=Count("pk"),
            calls_on_time=Count(
                "pk", filter=Q(responded_at__isnull=False, responded_at__lte=F("respond_by"))
            ),
            rated=Count("pk", filter=Q(town_rating__isnull=False)),
            rating_sum=Sum("town_rating"),
        )
    )
    return {r.pop("department_id"): r for r in rows}


def _dispatches(tree_id: int, start, end, hours: int) -> dict[int, dict]:
    """Each dispatch to a unit in the month: signed for within `hours` and before the case was
    dispatched again; returned before it was dispatched again."""
    later = CaseEvent.objects.filter(
        case=OuterRef("case"), action="dispatch", created_at__gt=OuterRef("created_at")
    ).order_by("created_at", "pk")
    window = ExpressionWrapper(
        OuterRef("created_at") + Value(dt.timedelta(hours=hours)), output_field=DateTimeField()
    )

    def after(action: str, **more):
        return CaseEvent.objects.filter(
            case=OuterRef("case"),
            action=action,
            created_at__gte=OuterRef("created_at"),
            created_at__lt=OuterRef("until"),
            **more,
        )

    rows = (
        CaseEvent.objects.filter(
            action="dispatch",
            unit__node__tree_id=tree_id,
            created_at__gte=start,
            created_at__lt=end,
        )
        .annotate(until=Coalesce(Subquery(later.values("created_at")[:1]), Value(FAR_FUTURE)))
        .annotate(
            signed=Exists(after("sign", created_at__lte=window)),
            returned=Exists(after("return")),
        )
        .values_list("unit_id", "signed", "returned")
    )
    counts: dict[int, dict] = {}
    for unit_id, signed, returned in rows:
        row = counts.setdefault(unit_id, {"dispatched": 0, "signed_on_time": 0, "returned": 0})
        row["dispatched"] += 1
        row["signed_on_time"] += bool(signed)
        row["returned"] += bool(returned)
    return counts


def _due(tree_id: int, start, end) -> dict[int, dict]:
    rows = (
        Case.objects.filter(
            STANDING,
            county_tree=tree_id,
            handler_unit__isnull=False,
            clear_by__gte=start,
            clear_by__lt=end,
        )
        .values("handler_unit_id")
        .annotate(due=Count("pk"), resolved_on_time=Count("pk", filter=resolved_on_time()))
    )
    return {r.pop("handler_unit_id"): r for r in rows}


def unit_ranking(
    county: GridNode, month: dt.date, rule: DepartmentAppraisalRule | None = None
) -> list[UnitStanding]:
    """The county's departments and outposts for a month, best score first (those with nothing
    to score last), ties by name. Five queries however many units, cases and calls (six without
    the county's rule given)."""
    start, end = Month(month).bounds
    rule = rule or rule_for(county)
    tree_id = county.tree_id
    units = list(
        Unit.objects.filter(
            node__tree_id=tree_id,
            kind__in=[Unit.Kind.COUNTY_DEPARTMENT, Unit.Kind.OUTPOST],
        ).select_related("node", "parent")
    )
    calls, dispatches = (
        _calls(tree_id, start, end),
        _dispatches(tree_id, start, end, rule.sign_within_hours),
    )
    due = _due(tree_id, start, end)
    scores = (
        OutpostScore.objects.filter(outpost__node__tree_id=tree_id, month=month)
        .select_related("town")
        .order_by("town__code")
    )
    by_outpost: dict[int, list[OutpostScore]] = {}
    for score in scores:
        by_outpost.setdefault(score.outpost_id, []).append(score)
    standings = []
    for unit in units:
        row = UnitStanding(
            unit=unit,
            town_share=rule.town_share,
            **calls.get(unit.pk, {}),
            **dispatches.get(unit.pk, {}),
            **due.get(unit.pk, {}),
        )
        row.rating_sum = row.rating_sum or 0
        if unit.kind == Unit.Kind.OUTPOST:
            row.town_scores = by_outpost.get(unit.pk, [])
        else:
            row.town_scores = [
                s for u in units if u.parent_id == unit.pk for s in by_outpost.get(u.pk, [])
            ]
        standings.append(row)
    standings.sort(key=lambda r: (r.score is None, -(r.score or 0), r.unit.name, r.unit.pk))
    for i, row in enumerate(standings, start=1):
        row.rank = i if row.score is not None else None
    return standings


# --- A town's score sheet of its outposts ---------------------------------------------------


@dataclass
class OutpostSheetRow:
    outpost: Unit
    score: OutpostScore | None
    lines: dict[int, object]  # item id -> OutpostScoreLine


def county_of(node: GridNode) -> GridNode:
    return (
        node
        if node.parent_id is None
        else GridNode.objects.get(tree_id=node.tree_id, parent__isnull=True)
    )


def score_items(county: GridNode) -> list[OutpostScoreItem]:
    return list(OutpostScoreItem.objects.filter(county=county, active=True))


def outpost_sheet(town: GridNode, month: dt.date) -> list[OutpostSheetRow]:
    """The outposts stationed in the town, each with its score of the month and the score's
    lines by item. Three queries however many outposts and items."""
    outposts = list(Unit.objects.filter(kind=Unit.Kind.OUTPOST, node=town).select_related("parent"))
    scores = {
        s.outpost_id: s
        for s in OutpostScore.objects.filter(outpost__in=outposts, month=month)
        .select_related("scored_by")
        .prefetch_related("lines")
    }
    rows = []
    for outpost in outposts:
        score = scores.get(outpost.pk)
        lines = {line.item_id: line for line in score.lines.all()} if score else {}
        rows.append(OutpostSheetRow(outpost, score, lines))
    return rows


def months_scored(town: GridNode) -> list[dt.date]:
    """The months with a score in the town, newest first, and the month after the newest."""
    months = list(OutpostScore.objects.filter(town=town).values_list("month", flat=True).distinct())
    months = sorted(set(months), reverse=True)
    return [next_month(months[0]), *months] if months else []
