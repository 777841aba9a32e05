"""Reads of cases that pages, reports and the API share. docs/kpis.md says what each figure counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Avg,
    BooleanField,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import OPEN_STATUSES, Case, CaseEvent, Status
from gridgov.cleaning import parse_id, plausible_moment
from grids.models import GridNode, Tier
from staff import access

STANDING = ~Q(status__in=[Status.REPORTED, Status.REJECTED, Status.MERGED])
GRID_TIERS = (Tier.GRID, Tier.MICRO_GRID)
# The rungs of "where settled" (小事不出网格); an area (片区) is none of them.
RUNG_TIERS = (*GRID_TIERS, Tier.VILLAGE, Tier.TOWN, Tier.COUNTY)


@dataclass(frozen=True)
class Kpis:
    """The headline figures of a subtree and a period (docs/kpis.md). Three families, each over
    its own cases: reported or accepted in the period; due in the period (结案率 and the on-time
    rates); closed in the period (the ladder, handling days, 及时核查率, 返工率)."""

    received: int
    accepted: int
    due: int
    closed: int  # 结案数: due in the period and closed before its end
    closed_on_time: int  # 按期结案数: due, and closed (verified) by the deadline
    resolved_on_time: int  # 按期处置数: due, and resolved by the deadline
    overdue: int  # 超期数: open past the deadline at the period's end (or now)
    closed_in_period: int
    settled_grid: int
    settled_village: int
    settled_town: int
    settled_county: int
    settled_other: int  # closed in the period while an area held it, or with no level recorded
    verified_in_time: int  # closed in the period within the policy's hours of the resolution
    escalated: int
    reworked: int
    rated: int
    satisfied: int
    avg_handling_days: float | None

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    @property
    def closure_rate(self) -> float | None:
        """结案率 = 结案数 ÷ 应结案数 (closed ÷ due)."""
        return self._rate(self.closed, self.due)

    @property
    def on_time_rate(self) -> float | None:
        """按期结案率 = 按期结案数 ÷ 应结案数: closed (verified) by the deadline ÷ due."""
        return self._rate(self.closed_on_time, self.due)

    @property
    def resolved_on_time_rate(self) -> float | None:
        """按期处置率 = 按期处置数 ÷ 应结案数: resolved by the deadline ÷ due."""
        return self._rate(self.resolved_on_time, self.due)

    @property
    def grid_share(self) -> float | None:
        """小事不出网格: share of cases closed in the period settled at a grid or micro-grid."""
        return self._rate(self.settled_grid, self.closed_in_period)

    @property
    def village_share(self) -> float | None:
        return self._rate(self.settled_village, self.closed_in_period)

    @property
    def town_share(self) -> float | None:
        return self._rate(self.settled_town, self.closed_in_period)

    @property
    def county_share(self) -> float | None:
        return self._rate(self.settled_county, self.closed_in_period)

    @property
    def other_share(self) -> float | None:
        return self._rate(self.settled_other, self.closed_in_period)

    @property
    def verified_in_time_rate(self) -> float | None:
        """及时核查率 = verified in time ÷ verified (closed in the period)."""
        return self._rate(self.verified_in_time, self.closed_in_period)

    @property
    def escalation_rate(self) -> float | None:
        return self._rate(self.escalated, self.accepted)

    @property
    def rework_rate(self) -> float | None:
        """返工率 = reworked ÷ closed in the period (at least one failed verification)."""
        return self._rate(self.reworked, self.closed_in_period)

    @property
    def satisfaction_rate(self) -> float | None:
        """Ratings of 4 or 5 among ratings given in the period."""
        return self._rate(self.satisfied, self.rated)


def overdue_at(moment: dt.datetime) -> Q:
    """超期: cases open (accepted, dispatched or handling) and past their deadline at `moment`.
    A case resolved or closed since was open then if its resolution came at or after it."""
    return (
        STANDING
        & Q(accepted_at__lt=moment, clear_by__lt=moment)
        & (Q(status__in=OPEN_STATUSES) | Q(resolved_at__gte=moment))
    )


def overdue_candidates(moment: dt.datetime) -> Q:
    """A superset of `overdue_at(moment)` that an index can bound: the cases open now, those
    resolved and not yet closed, and those closed at or after `moment` (a case is closed after
    its resolution). `overdue_at` alone says only "a deadline before `moment`", which every old
    case has: PostgreSQL then reads the county's whole history (bench/growth.py)."""
    return Q(status__in=[*OPEN_STATUSES, Status.RESOLVED]) | Q(
        status=Status.CLOSED, closed_at__gte=moment
    )


def closed_on_time() -> Q:
    """按期结案: closed (verified) no later than the deadline."""
    return Q(status=Status.CLOSED, closed_at__lte=F("clear_by"))


def resolved_on_time() -> Q:
    """按期处置: the work done (the last resolution) no later than the deadline."""
    return Q(resolved_at__lte=F("clear_by"))


def verified_in_time() -> Q:
    """及时核查: closed within the hours the case's color policy allows after its last
    resolution (TriagePolicy.verify_within_hours; a color never stored has the default)."""
    from cases.models import TriagePolicy
    from cases.models.policy import VERIFY_WITHIN_HOURS

    hours = Coalesce(
        Subquery(
            TriagePolicy.objects.filter(color=OuterRef("color")).values("verify_within_hours")[:1]
        ),
        Value(VERIFY_WITHIN_HOURS),
        output_field=IntegerField(),
    )
    allowed = ExpressionWrapper(Value(dt.timedelta(hours=1)) * hours, output_field=DurationField())
    limit = ExpressionWrapper(F("resolved_at") + allowed, output_field=DateTimeField())
    return Q(status=Status.CLOSED, closed_at__lte=limit)


def units_serving(node: GridNode) -> QuerySet:
    """The units a case at `node` may go to: its county's departments, and the platforms and
    outposts of its own town (never another town's)."""
    from cases.models import Unit

    town = GridNode.ancestors_q(node, via="node")
    return Unit.objects.filter(
        Q(node__tree_id=node.tree_id, kind=Unit.Kind.COUNTY_DEPARTMENT)
        | (town & ~Q(kind=Unit.Kind.COUNTY_DEPARTMENT))
    ).order_by("kind", "name")


def cases_in(node: GridNode, queryset: QuerySet | None = None) -> QuerySet:
    """Cases that happened in the node's subtree: one range condition, and the county's tree
    that the date indexes lead with. The range is on `lft` alone (a node is in the subtree
    exactly when its `lft` lies in the subtree's span): with a second condition on `rght`
    PostgreSQL multiplies both selectivities, expects a tenth of a town's nodes and plans a
    nested loop that redoes the date indexes' bitmap once per node (bench/growth.py)."""
    queryset = Case.objects.all() if queryset is None else queryset
    return queryset.filter(
        node__tree_id=node.tree_id,
        node__lft__gte=node.lft,
        node__lft__lte=node.rght,
        county_tree=node.tree_id,
    )


def kpis(
    node: GridNode, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None
) -> Kpis:
    """Every headline figure for a subtree and a period [start, end): one SQL query. 超期数 is
    taken at the end of the period, or at `now` (default: the present) if that comes first."""
    as_of = min(end, now or timezone.now())
    in_period = {"created_at__gte": start, "created_at__lt": end}
    accepted = Q(accepted_at__gte=start, accepted_at__lt=end)
    due = STANDING & Q(clear_by__gte=start, clear_by__lt=end)
    closed_due = due & Q(status=Status.CLOSED, closed_at__lt=end)
    closed_period = Q(status=Status.CLOSED, closed_at__gte=start, closed_at__lt=end)
    overdue = overdue_at(as_of)
    rated = Q(rated_at__gte=start, rated_at__lt=end, satisfaction__isnull=False)
    handling = ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=DurationField())
    # Every figure below counts only cases with one of these dates in the period (or, for the
    # overdue, still open or resolved, or closed since): saying so lets PostgreSQL read those
    # rows through the date indexes instead of the whole subtree.
    relevant = (
        Q(**in_period)
        | accepted
        | Q(clear_by__gte=start, clear_by__lt=end)
        | Q(closed_at__gte=start, closed_at__lt=end)
        | Q(rated_at__gte=start, rated_at__lt=end)
        | overdue_candidates(as_of)
    )
    row = (
        cases_in(node)
        .filter(relevant)
        .aggregate(
            received=Count("pk", filter=Q(**in_period)),
            accepted=Count("pk", filter=accepted),
            due=Count("pk", filter=due),
            closed=Count("pk", filter=closed_due),
            closed_on_time=Count("pk", filter=due & closed_on_time()),
            resolved_on_time=Count("pk", filter=due & resolved_on_time()),
            overdue=Count("pk", filter=overdue),
            closed_in_period=Count("pk", filter=closed_period),
            settled_grid=Count("pk", filter=closed_period & Q(settled_tier__in=GRID_TIERS)),
            settled_village=Count("pk", filter=closed_period & Q(settled_tier=Tier.VILLAGE)),
            settled_town=Count("pk", filter=closed_period & Q(settled_tier=Tier.TOWN)),
            settled_county=Count("pk", filter=closed_period & Q(settled_tier=Tier.COUNTY)),
            settled_other=Count("pk", filter=closed_period & ~Q(settled_tier__in=RUNG_TIERS)),
            verified_in_time=Count("pk", filter=closed_period & verified_in_time()),
            escalated=Count("pk", filter=accepted & Q(escalation_count__gt=0)),
            reworked=Count("pk", filter=closed_period & Q(rework_count__gt=0)),
            rated=Count("pk", filter=rated),
            satisfied=Count("pk", filter=rated & Q(satisfaction__gte=4)),
            avg_handling=Avg(handling, filter=closed_period),
        )
    )
    avg = row.pop("avg_handling")
    days = round(avg.total_seconds() / 86400, 2) if avg is not None else None
    return Kpis(**row, avg_handling_days=days)


# ---------------------------------------------------------------- the cases behind a figure

# The query parameters of the dashboard's links (cases.queries.figures.cases_link), in the order
# the description names them. `q` and `page` belong to the list page, not to a figure.
DATE_FILTERS = ("received", "accepted", "due", "closed", "rated")
CASE_FILTERS = (
    "node",
    *(f"{name}_{end}" for name in DATE_FILTERS for end in ("from", "to")),
    "overdue_at",
    "status",
    "on_time",
    "verified_in_time",
    "settled",
    "escalated",
    "reworked",
)
SETTLED_TIERS = {
    "grid": GRID_TIERS,
    "village": (Tier.VILLAGE,),  # an area (片区) is not a rung
    "town": (Tier.TOWN,),
    "county": (Tier.COUNTY,),
}
# `settled=other`: closed while an area held the case, or with no level recorded, so that the
# rungs together count every case closed in the period.
SETTLED_OTHER = "other"
_YES = {"1", "true", "yes", "on"}


def _bound(value: str | None, *, end: bool) -> tuple[dt.datetime, str] | None:
    """A range bound in Beijing time and how to say it, or None if unreadable.

    A date `from` starts at that midnight; a date `to` is the last day, included (the range
    ends at the next midnight), as the dashboard's links give it. A datetime is the instant
    itself (a `to` instant is excluded)."""
    value = (value or "").strip()[:40]
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        day = None
    try:
        if day is not None:
            moment = dt.datetime.combine(day + dt.timedelta(days=1) if end else day, dt.time())
            label = day.isoformat()
        else:
            moment = dt.datetime.fromisoformat(value)
            label = moment.strftime("%Y-%m-%d %H:%M")
    except (ValueError, OverflowError):
        return None
    if not plausible_moment(moment):
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment, label


def _span(label_from: str | None, label_to: str | None) -> str:
    if label_from and label_to:
        return f"{label_from} – {label_to}"
    if label_from:
        return _("from %(date)s") % {"date": label_from}
    return _("until %(date)s") % {"date": label_to}


def filter_cases(queryset: QuerySet, params, *, nodes: QuerySet | None = None):
    """The cases behind a dashboard figure: apply its link's parameters with the conditions
    `kpis` counts by, and say in words which filters are on. Returns (queryset, description).

    `queryset` is already scoped by the access policy; `node` is looked up among `nodes` (the
    tree the user may see), so a node outside the scope selects nothing. Unreadable values are
    ignored. `due_*` keeps standing cases only; `status=closed` together with `due_to` keeps
    those closed before the end of that period (结案 among 应结案); `overdue_at` keeps the cases
    open past their deadline at that moment (超期)."""
    words: list[str] = []
    raw_node = parse_id(params.get("node"))
    if raw_node is not None:
        tree = GridNode.objects.all() if nodes is None else nodes
        node = tree.filter(pk=raw_node).only("pk", "name", *GridNode.SPAN_FIELDS).first()
        if node is None:
            queryset = queryset.none()
            words.append(_("Where: a place outside your scope"))
        else:
            queryset = cases_in(node, queryset)
            words.append(_("Where: %(place)s") % {"place": node.name})

    labels = {
        "received": _("Reported %(span)s"),
        "accepted": _("Accepted %(span)s"),
        "due": _("Due %(span)s"),
        "closed": _("Closed %(span)s"),
        "rated": _("Rated %(span)s"),
    }
    fields = {
        "received": "created_at",
        "accepted": "accepted_at",
        "due": "clear_by",
        "closed": "closed_at",
        "rated": "rated_at",
    }
    due_end = None
    for name in DATE_FILTERS:
        lo = _bound(params.get(f"{name}_from"), end=False)
        hi = _bound(params.get(f"{name}_to"), end=True)
        if lo is None and hi is None:
            continue
        field = fields[name]
        condition = Q()
        if lo is not None:
            condition &= Q(**{f"{field}__gte": lo[0]})
        if hi is not None:
            condition &= Q(**{f"{field}__lt": hi[0]})
        if name == "due":
            condition &= STANDING
            due_end = hi[0] if hi is not None else None
        elif name == "closed":
            condition &= Q(status=Status.CLOSED)
        elif name == "rated":
            condition &= Q(satisfaction__isnull=False)
        queryset = queryset.filter(condition)
        words.append(labels[name] % {"span": _span(lo and lo[1], hi and hi[1])})

    # 超期数: a date means the end of that day (the end of the period), a datetime the instant.
    moment = _bound(params.get("overdue_at"), end=True)
    if moment is not None:
        queryset = queryset.filter(overdue_at(moment[0]))
        label = moment[1]
        if len(label) == len("2026-11-30"):  # a day: the moment is its end
            label = _("the end of %(date)s") % {"date": label}
        words.append(_("Open past the deadline at %(moment)s") % {"moment": label})

    status = params.get("status") or ""
    if status in Status.values:
        queryset = queryset.filter(status=status)
        if status == Status.CLOSED and due_end is not None:
            queryset = queryset.filter(closed_at__lt=due_end)
            words.append(_("Closed before the end of the due period"))
        else:
            words.append(_("Status: %(status)s") % {"status": Status(status).label})
    # `on_time=closed` is 按期结案; `on_time=1` keeps the meaning links had before 按期结案 was
    # defined by the closing date: the work done by the deadline (按期处置, also `resolved`).
    on_time = (params.get("on_time") or "").lower()
    if on_time == "closed":
        queryset = queryset.filter(closed_on_time())
        words.append(_("Closed by the deadline"))
    elif on_time == "resolved" or on_time in _YES:
        queryset = queryset.filter(resolved_on_time())
        words.append(_("Done on time"))
    if (params.get("verified_in_time") or "").lower() in _YES:
        queryset = queryset.filter(verified_in_time())
        words.append(_("Verified within the policy's time after the work was done"))
    settled = params.get("settled") or ""
    if settled in SETTLED_TIERS or settled == SETTLED_OTHER:
        if settled == SETTLED_OTHER:
            queryset = queryset.exclude(settled_tier__in=RUNG_TIERS)
        else:
            queryset = queryset.filter(settled_tier__in=SETTLED_TIERS[settled])
        tier = {
            "grid": _("a grid or micro-grid"),
            "village": _("a village"),
            "town": _("the town"),
            "county": _("the county"),
            SETTLED_OTHER: _("an area, or no level recorded"),
        }[settled]
        words.append(_("Settled at %(tier)s") % {"tier": tier})
    if (params.get("escalated") or "").lower() in _YES:
        queryset = queryset.filter(escalation_count__gt=0)
        words.append(_("Escalated at least once"))
    if (params.get("reworked") or "").lower() in _YES:
        queryset = queryset.filter(rework_count__gt=0)
        words.append(_("Failed a verification at least once"))
    return queryset, "; ".join(words)


def level_history(case: Case) -> list[dict]:
    """How long each level held the case, from the history: one query."""
    rows = []
    events = list(
        CaseEvent.objects.filter(
            case=case, action__in=["report", "accept", "dispatch", "return", "escalate"]
        )
        .select_related("from_owner", "to_owner")
        .order_by("created_at", "pk")
    )
    for e in events:
        if e.action == "escalate":
            rows.append(
                {
                    "level": e.from_owner,
                    "held_for": e.held_for,
                    "until": e.created_at,
                    "to": e.to_owner,
                }
            )
    return rows


def my_open_cases(user, limit: int = 20) -> list[Case]:
    """A field worker's open cases: handled by them or held at a level they handle; those
    waiting for them to sign first (`awaiting_my_sign`), then soonest deadline first. One query."""
    # The nodes where the person handles cases, as ids: the cases are then found by the open
    # cases' holder index, never by walking every case's holder through the tree.
    my_nodes = access.scope(user, "case.sign", GridNode.objects.all(), via="").values("pk")
    held_here = Q(owner_node_id__in=my_nodes)
    # What workflow.available_actions offers as "sign", in SQL: dispatched, held where the
    # person handles cases, and handed to them or to nobody in particular (a village).
    signable = (
        Q(status=Status.DISPATCHED)
        & held_here
        & (Q(handler_id=user.pk) | Q(handler__isnull=True, handler_unit__isnull=True))
    )
    # Two branches, each read through its own partial index of open cases (by handler, by
    # holder). As one `handler = me OR owner_node IN (…)`, PostgreSQL cannot use either index
    # for the OR and reads every open case in the database to keep the person's few.
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES).order_by().values("pk")
    mine = open_cases.filter(handler_id=user.pk).union(open_cases.filter(held_here), all=True)
    return list(
        Case.objects.filter(pk__in=mine)
        .annotate(awaiting_my_sign=ExpressionWrapper(signable, output_field=BooleanField()))
        .select_related("node")
        .only("pk", "number", "title", "color", "status", "clear_by", "created_at", "node__name")
        .order_by("-awaiting_my_sign", "clear_by", "pk")[:limit]
    )
