"""What the month's records say about each person of a village: the figures the appraisal items
and the points rules count (docs/people.md names each). Every figure is one grouped query over
the village's subtree for all its people at once, so a village of five workers and one of fifty
cost the same number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case as SqlCase
from django.db.models import Count, F, Q, Sum, When

from cases.models import Case, CaseEvent, Mediation, Source, Status
from cases.queries.cases import STANDING
from cases.queries.periods import midnight
from grids.models import GridNode, Resident, Tier
from staff.models import AppraisalLine, Assignment, Grade, Patrol, SheetStatus, Visit


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@dataclass(frozen=True)
class Month:
    """A calendar month: its first day, the day after its last, and both as Beijing midnights."""

    first: dt.date

    @property
    def end(self) -> dt.date:
        return next_month(self.first)

    @property
    def last(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        return midnight(self.first), midnight(self.end)


def _in(field: str, month: Month) -> Q:
    start, end = month.bounds
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _days(field: str, month: Month) -> Q:
    return Q(**{f"{field}__gte": month.first, f"{field}__lt": month.end})


def _counts(rows, key: str) -> dict[int, int]:
    return {row[key]: row["n"] for row in rows}


# The difficulty a case counts with: its grid's (a micro-grid's case counts with its grid's,
# unless the micro-grid has a class of its own), as the dashboard's ranking weighs it.
CASE_DIFFICULTY = SqlCase(
    When(node__tier=Tier.MICRO_GRID, node__difficulty="", then=F("node__parent__difficulty")),
    default=F("node__difficulty"),
)


def closed_on_time(village: GridNode, month: Month, people) -> dict[int, dict[str, int]]:
    """Per handler: cases of the village closed (verified) in the month no later than their
    deadline, by the difficulty of their grid ("" unclassed)."""
    rows = (
        Case.objects.filter(
            GridNode.subtree_q(village, via="node"),
            _in("closed_at", month),
            handler_id__in=people,
            status=Status.CLOSED,
            closed_at__lte=F("clear_by"),
        )
        .annotate(difficulty=CASE_DIFFICULTY)
        .values("handler_id", "difficulty")
        .annotate(n=Count("pk"))
        .order_by()
    )
    result: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        result[row["handler_id"]][row["difficulty"] or ""] = row["n"]
    return dict(result)


def patrol_days(village: GridNode, month: Month, people) -> dict[int, int]:
    """Per person: days of the month with a finished patrol of a grid of the village."""
    rows = (
        Patrol.objects.filter(
            GridNode.subtree_q(village, via="node"),
            _days("date", month),
            user_id__in=people,
            finished_at__isnull=False,
        )
        .values("user_id")
        .annotate(n=Count("date", distinct=True))
        .order_by()
    )
    return _counts(rows, "user_id")


def visits(village: GridNode, month: Month, people, *, on_time: bool) -> dict[int, int]:
    """Per person: household visits of the month in the village (on time: by the date the
    visit was due)."""
    rows = Visit.objects.filter(
        GridNode.subtree_q(village, via="household__node"), _days("date", month), user_id__in=people
    )
    if on_time:
        rows = rows.filter(due__isnull=False, date__lte=F("due"))
    return _counts(rows.values("user_id").annotate(n=Count("pk")).order_by(), "user_id")


def patrol_cases(village: GridNode, month: Month, people) -> dict[int, int]:
    """Per person: cases they reported from a patrol in the month and that were not refused
    or merged as a duplicate."""
    rows = (
        Case.objects.filter(
            GridNode.subtree_q(village, via="node"),
            STANDING,
            _in("created_at", month),
            reporter_id__in=people,
            source=Source.PATROL,
        )
        .values("reporter_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _counts(rows, "reporter_id")


def confirmed_reports(village: GridNode, month: Month, people) -> dict[int, int]:
    """Per person: their reports accepted as cases in the month (reported by them, any
    source)."""
    rows = (
        Case.objects.filter(
            GridNode.subtree_q(village, via="node"),
            _in("accepted_at", month),
            reporter_id__in=people,
        )
        .values("reporter_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _counts(rows, "reporter_id")


def mediations(village: GridNode, month: Month, people) -> dict[int, int]:
    """Per mediator: mediations of the month on the village's cases that settled the dispute."""
    rows = (
        Mediation.objects.filter(
            GridNode.subtree_q(village, via="case__node"),
            _in("created_at", month),
            mediator_id__in=people,
            outcome=Mediation.Outcome.SUCCESS,
        )
        .values("mediator_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _counts(rows, "mediator_id")


def rework(village: GridNode, month: Month, people) -> dict[int, int]:
    """Per handler: failed verifications (返工) in the month of the village's cases they hold."""
    rows = (
        CaseEvent.objects.filter(
            GridNode.subtree_q(village, via="case__node"),
            _in("created_at", month),
            case__handler_id__in=people,
            action="verify_fail",
        )
        .values("case__handler_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _counts(rows, "case__handler_id")


def satisfaction(village: GridNode, month: Month, people) -> dict[int, tuple[int, int]]:
    """Per handler: (ratings of 4 or 5, ratings) residents gave in the month."""
    rows = (
        Case.objects.filter(
            GridNode.subtree_q(village, via="node"), _in("rated_at", month), handler_id__in=people
        )
        .values("handler_id")
        .annotate(n=Count("pk"), satisfied=Count("pk", filter=Q(satisfaction__gte=4)))
        .order_by()
    )
    return {row["handler_id"]: (row["satisfied"], row["n"]) for row in rows}


def appraisal_grades(village: GridNode, month: Month, people, grade: str) -> dict[int, int]:
    """Per worker: their lines of `grade` on the village's sheets published in the month (an
    appraisal is published after its month, so its points come in the month it is)."""
    rows = (
        AppraisalLine.objects.filter(
            sheet__village=village,
            sheet__status=SheetStatus.PUBLISHED,
            worker_id__in=people,
            grade=grade,
        )
        .filter(_in("sheet__published_at", month))
        .values("worker_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _counts(rows, "worker_id")


def _done_orders(month: Month, people):
    from services.models import HelpOrder, OrderStatus

    return HelpOrder.objects.filter(
        _in("done_at", month),
        volunteer__user_id__in=people,
        status__in=[OrderStatus.DONE, OrderStatus.CONFIRMED],
    )


def _attended(month: Month, people):
    from services.models import ActivitySignup

    return ActivitySignup.objects.filter(
        _in("activity__starts", month), volunteer__user_id__in=people, checked_in_at__isnull=False
    )


def volunteer_hours(village: GridNode, month: Month, people) -> dict[int, int]:
    """Per volunteer: the hours they served in the month, in activities (by the activity's
    start) and on residents' help orders (by when the order was done), wherever they served,
    rounded to the whole hour (half up)."""
    from decimal import ROUND_HALF_UP, Decimal

    totals: dict[int, Decimal] = defaultdict(Decimal)
    for rows in (
        _attended(month, people).filter(hours__isnull=False),
        _done_orders(month, people).filter(hours__isnull=False),
    ):
        for row in rows.values("volunteer__user_id").annotate(h=Sum("hours")).order_by():
            totals[row["volunteer__user_id"]] += row["h"]
    return {p: int(h.quantize(Decimal(1), ROUND_HALF_UP)) for p, h in totals.items()}


def volunteer_activities(village: GridNode, month: Month, people) -> dict[int, int]:
    """Per volunteer: activities of the month they checked in to."""
    rows = _attended(month, people).values("volunteer__user_id").annotate(n=Count("pk"))
    return _counts(rows.order_by(), "volunteer__user_id")


def help_orders(village: GridNode, month: Month, people) -> dict[int, int]:
    """Per volunteer: residents' help orders they did in the month (done or confirmed)."""
    rows = _done_orders(month, people).values("volunteer__user_id").annotate(n=Count("pk"))
    return _counts(rows.order_by(), "volunteer__user_id")


GRADE_OF = {"appraisal_excellent": Grade.EXCELLENT, "appraisal_competent": Grade.COMPETENT}


def residents_reports(village: GridNode, month: Month) -> dict[int, int]:
    """Per resident of the village's ledger: their reports from the residents' door accepted as
    cases in the month, matched by the phone they gave (a phone two residents share counts for
    the first of them on the ledger)."""
    by_phone = {
        row["reporter_phone"]: row["n"]
        for row in Case.objects.filter(
            GridNode.subtree_q(village, via="node"),
            _in("accepted_at", month),
            source=Source.RESIDENT,
        )
        .exclude(reporter_phone="")
        .values("reporter_phone")
        .annotate(n=Count("pk"))
        .order_by()
    }
    if not by_phone:
        return {}
    result: dict[int, int] = {}
    seen: set[str] = set()
    for pk, phone in (
        Resident.objects.filter(
            GridNode.subtree_q(village, via="household__node"), phone__in=list(by_phone)
        )
        .order_by("pk")
        .values_list("pk", "phone")
    ):
        if phone not in seen:
            seen.add(phone)
            result[pk] = by_phone[phone]
    return result


@dataclass(frozen=True)
class Post:
    """Someone who held `role` in the village at some time of the month, at `node`."""

    user_id: int
    role: str
    node_id: int
    level: int


def posts_in(village: GridNode, month: Month, roles) -> list[Post]:
    """Grants of these roles in the village's subtree active on any day of the month."""
    rows = (
        Assignment.objects.filter(
            GridNode.subtree_q(village, via="node"),
            role__in=list(roles),
            starts__lte=month.last,
            user__is_active=True,
        )
        .filter(Q(ends__isnull=True) | Q(ends__gte=month.first))
        .order_by("user_id", "-node__level", "node__code")
        .values_list("user_id", "role", "node_id", "node__level")
    )
    return [Post(*row) for row in rows]
