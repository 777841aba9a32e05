"""Reads of the services that pages and the figures share: the catalog of a place, the requests
a person may see, the day's duty bookings, and the desk's figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from grids.models import GridNode, Tier
from services.models import (
    Domain,
    DutyBooking,
    DutySlot,
    RequestStatus,
    ServiceItem,
    ServiceRequest,
)
from staff import access

SEARCH_CHARS = 40  # of a search box: a name or a few words
S = RequestStatus


@dataclass(frozen=True)
class PublicStaff:
    """Someone in charge of an item as the catalog shows them: a name and an opted-in work
    phone, nothing else."""

    name: str
    phone: str


def _staff_prefetch() -> Prefetch:
    people = get_user_model().objects.filter(is_active=True).select_related("profile")
    return Prefetch("staff", queryset=people.order_by("pk"), to_attr="staff_people")


def public_staff(item: ServiceItem) -> list[PublicStaff]:
    """The item's staff in charge (prefetched by the catalog reads), each with the work phone
    only if they agreed to show it; never a private phone."""
    out = []
    people = (
        item.staff_people if hasattr(item, "staff_people") else item.staff.filter(is_active=True)
    )
    for user in people:
        profile = getattr(user, "profile", None)
        out.append(
            PublicStaff(
                name=user.get_full_name() or user.first_name or user.username,
                phone=profile.public_phone if profile else "",
            )
        )
    return out


def offered_items() -> QuerySet:
    return ServiceItem.objects.filter(active=True, current__isnull=False).select_related(
        "current", "node", "platform"
    )


def catalog_for(node: GridNode, search: str = "") -> list[ServiceItem]:
    """The items a resident of `node` can ask for: those of their town and of their village
    (and of the place itself), searchable by name or content; two queries."""
    items = offered_items().filter(GridNode.ancestors_q(node, via="node"))
    search = (search or "").strip()[:SEARCH_CHARS]
    if search:
        items = items.filter(
            Q(name__icontains=search)
            | Q(code__iexact=search)
            | Q(current__content__icontains=search)
        )
    items = items.prefetch_related(_staff_prefetch())
    return list(items.order_by("domain", "position", "code"))


def town_items(town: GridNode) -> list[ServiceItem]:
    """Every item offered in the town or one of its villages: the handbook; two queries."""
    items = offered_items().filter(GridNode.subtree_q(town, via="node"))
    return list(items.prefetch_related(_staff_prefetch()).order_by("domain", "position", "code"))


def by_domain(items: list[ServiceItem]) -> list[tuple[str, list[ServiceItem]]]:
    """The items in the handbook's chapters, in the order of the domains."""
    labels = dict(Domain.choices)
    chapters: dict[str, list[ServiceItem]] = {}
    for item in items:
        chapters.setdefault(item.domain, []).append(item)
    order = {value: i for i, value in enumerate(Domain.values)}
    return [
        (labels.get(domain, domain), chapters[domain])
        for domain in sorted(chapters, key=lambda d: order.get(d, len(order)))
    ]


def item_by_code(code: str) -> ServiceItem | None:
    item = offered_items().filter(code=code).prefetch_related(_staff_prefetch()).first()
    return item


def places_under(node: GridNode) -> QuerySet:
    """Where a resident of an item's town or village may live: its villages and grids."""
    return GridNode.objects.filter(
        GridNode.subtree_q(node), tier__in=(Tier.TOWN, Tier.VILLAGE, Tier.GRID)
    ).order_by(*GridNode.TREE_ORDER)


# ---------------------------------------------------------------- requests (desk and phone)


def visible_requests(user) -> QuerySet:
    return access.scope(user, "servicerequest.view", ServiceRequest.objects.all(), via="node")


# The filters a figure's link sets on the request list, and what each keeps.
def _on_time(qs):
    return qs.filter(due_at__isnull=False, decided_at__isnull=False, decided_at__lte=F("due_at"))


def _late(qs):
    return qs.filter(
        Q(due_at__isnull=False)
        & (Q(decided_at__gt=F("due_at")) | Q(decided_at__isnull=True, due_at__lt=timezone.now()))
    )


REQUEST_FILTERS = ("item", "status", "overdue", "timing", "visits", "channel", "from", "to")


def filter_requests(qs: QuerySet, params) -> QuerySet:
    """The requests behind a figure: the list's own filters, read from the address. Anything
    that is not one of the filter's values is ignored."""
    from gridgov.cleaning import parse_id

    item = parse_id(params.get("item"))
    if item:
        qs = qs.filter(item_id=item)
    status = params.get("status")
    if status in S.values:
        qs = qs.filter(status=status)
    elif status == "open":
        qs = qs.filter(status__in=[S.RECEIVED, S.INCOMPLETE, S.ACCEPTED, S.HANDED])
    if params.get("overdue") == "1":
        qs = qs.filter(overdue_since__isnull=False, status__in=[S.ACCEPTED, S.HANDED])
    timing = params.get("timing")
    if timing == "on_time":
        qs = _on_time(qs)
    elif timing == "late":
        qs = _late(qs)
    elif timing == "decided":
        qs = qs.filter(due_at__isnull=False, decided_at__isnull=False)
    visits = params.get("visits")
    if visits == "one":
        qs = qs.filter(visits__lte=1)
    elif visits == "more":
        qs = qs.filter(visits__gt=1)
    channel = params.get("channel")
    if channel in ("window", "errand", "online"):
        qs = qs.filter(channel=channel)
    if params.get("from") or params.get("to"):
        # A timing figure counts what was decided in the period; every other one, what came in.
        start, end = period(params)
        when = "decided_at" if timing in ("on_time", "late", "decided") else "received_at"
        qs = qs.filter(**{f"{when}__gte": start, f"{when}__lt": end})
    return qs


def period(params) -> tuple[dt.datetime, dt.datetime]:
    """The period of the figures: ?from= and ?to= (dates, both included), the last 30 days
    by default; a date that is not one is ignored."""
    today = timezone.localdate()

    def day(name, default):
        try:
            return dt.date.fromisoformat((params.get(name) or "")[:10])
        except ValueError:
            return default

    first = day("from", today - dt.timedelta(days=29))
    last = day("to", today)
    if last < first:
        first, last = last, first
    first = max(first, dt.date(2000, 1, 1))
    last = min(last, dt.date(2100, 1, 1))
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))


@dataclass
class Figures:
    start: dt.datetime
    end: dt.datetime
    received: int
    decided: int
    on_time: int
    one_visit: int
    more_visits: int
    overdue_open: int
    rows: list[dict]  # per item: {item, name, counts: {status: n}, total}

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.decided if self.decided else None

    @property
    def one_visit_rate(self) -> float | None:
        return self.one_visit / self.received if self.received else None


def figures(user, params) -> Figures:
    """The desk's figures for the requests in the person's scope received in the period: by
    item and status, the share decided within the promised time (of those decided in the
    period), the share that needed at most one visit, and the overdue ones still open. Three
    queries, however many requests."""
    start, end = period(params)
    mine = visible_requests(user)
    received = mine.filter(received_at__gte=start, received_at__lt=end)
    rows: dict[int, dict] = {}
    for item_id, name, status, n in (
        received.values_list("item_id", "item__name", "status")
        .annotate(n=Count("pk"))
        .order_by("item__code", "status")
    ):
        row = rows.setdefault(item_id, {"item": item_id, "name": name, "counts": {}, "total": 0})
        row["counts"][status] = n
        row["total"] += n
    totals = received.aggregate(
        received=Count("pk"),
        one_visit=Count("pk", filter=Q(visits__lte=1)),
        more_visits=Count("pk", filter=Q(visits__gt=1)),
    )
    decided = mine.filter(due_at__isnull=False, decided_at__gte=start, decided_at__lt=end)
    timing = decided.aggregate(
        decided=Count("pk"), on_time=Count("pk", filter=Q(decided_at__lte=F("due_at")))
    )
    overdue = mine.filter(overdue_since__isnull=False, status__in=[S.ACCEPTED, S.HANDED]).count()
    return Figures(
        start=start,
        end=end,
        received=totals["received"],
        decided=timing["decided"],
        on_time=timing["on_time"],
        one_visit=totals["one_visit"],
        more_visits=totals["more_visits"],
        overdue_open=overdue,
        rows=list(rows.values()),
    )


# ---------------------------------------------------------------- duty slots


def upcoming_slots(
    town: GridNode, *, today: dt.date | None = None, days: int = 62, now=None
) -> list:
    """The town's duty slots from today on (about two months), with their free seats; of
    today's, those not over yet."""
    local = timezone.localtime(now or timezone.now())
    today = today or local.date()
    slots = (
        DutySlot.objects.filter(
            town=town, date__gte=today, date__lte=today + dt.timedelta(days=days)
        )
        .exclude(date=local.date(), ends__lte=local.time())
        .select_related("item")
        .annotate(taken=Count("bookings", filter=Q(bookings__cancelled_at__isnull=True)))
        .order_by("date", "starts", "window", "pk")[:200]
    )
    out = list(slots)
    for slot in out:
        slot.free = max(slot.capacity - slot.taken, 0)
    return out


def day_bookings(user, day: dt.date) -> QuerySet:
    """The bookings of a day the person may see, with their slot and item: one query."""
    qs = access.scope(user, "dutybooking.view", DutyBooking.objects.all(), via="slot__town")
    return (
        qs.filter(slot__date=day, cancelled_at__isnull=True)
        .select_related("slot__town", "slot__item", "item")
        .order_by("slot__starts", "slot__window", "seat")
    )


# ---------------------------------------------------------------- volunteers


def visible_orders(user) -> QuerySet:
    from services.models import HelpOrder

    return access.scope(user, "helporder.dispatch", HelpOrder.objects.all(), via="node")


def volunteer_tasks(user) -> dict:
    """A volunteer's phone list: orders dispatched to their teams (or to them) waiting to be
    taken, and those they took and have not finished; their teams' coming activities."""
    from services.models import Activity, HelpOrder, OrderStatus, Volunteer

    teams = list(Volunteer.objects.filter(user=user).values_list("team_id", flat=True))
    waiting = HelpOrder.objects.filter(status=OrderStatus.DISPATCHED, team_id__in=teams).filter(
        Q(volunteer__isnull=True) | Q(volunteer__user=user)
    )
    mine = HelpOrder.objects.filter(status=OrderStatus.TAKEN, volunteer__user=user)
    coming = (
        Activity.objects.filter(team_id__in=teams, ends__gte=timezone.now())
        .select_related("team")
        .annotate(taken=Count("signups"))
        .order_by("starts")[:20]
    )
    return {
        "waiting": list(waiting.select_related("node").order_by("take_by")),
        "mine": list(mine.select_related("node").order_by("taken_at")),
        "activities": list(coming),
    }


@dataclass
class OrderFigures:
    placed: int
    dispatched: int
    taken: int
    done: int
    overdue: int
    teams: list[dict]  # {team, name, hours}


def order_figures(user, params) -> OrderFigures:
    """Orders placed in the period and how far they got (dispatched, taken, done), the overdue
    ones still waiting, and the hours each team served in the period (activities and orders).
    Four queries."""
    from django.db.models import Sum

    from services.models import ActivitySignup, OrderStatus

    start, end = period(params)
    mine = visible_orders(user)
    placed = mine.filter(placed_at__gte=start, placed_at__lt=end)
    reached = placed.aggregate(
        placed=Count("pk"),
        dispatched=Count("pk", filter=Q(dispatched_at__isnull=False)),
        taken=Count("pk", filter=Q(taken_at__isnull=False)),
        done=Count("pk", filter=Q(done_at__isnull=False)),
    )
    overdue = mine.filter(
        overdue_since__isnull=False, status__in=[OrderStatus.PLACED, OrderStatus.DISPATCHED]
    ).count()
    hours: dict[int, dict] = {}
    served = mine.filter(done_at__gte=start, done_at__lt=end, team__isnull=False)
    for team_id, name, n in (
        served.order_by().values_list("team_id", "team__name").annotate(n=Sum("hours"))
    ):
        hours.setdefault(team_id, {"team": team_id, "name": name, "hours": 0})["hours"] += n or 0
    signups = access.scope(
        user, "helporder.dispatch", ActivitySignup.objects.all(), via="activity__team__node"
    ).filter(activity__starts__gte=start, activity__starts__lt=end, hours__isnull=False)
    for team_id, name, n in (
        signups.order_by()
        .values_list("activity__team_id", "activity__team__name")
        .annotate(n=Sum("hours"))
    ):
        hours.setdefault(team_id, {"team": team_id, "name": name, "hours": 0})["hours"] += n or 0
    return OrderFigures(
        **reached,
        overdue=overdue,
        teams=sorted(hours.values(), key=lambda t: (-t["hours"], t["name"])),
    )


def phone_counts(user) -> dict:
    """What the phone's front page says of the person's services work: the open errands they
    carry (代办), and, for a volunteer, the orders waiting for them to take and those they took.
    One query for each of the two the person does (the grants are read already)."""
    from services.models import OPEN_REQUEST_STATUSES, HelpOrder, OrderStatus, Volunteer

    out = {"errands": None, "waiting": None, "taken": None}
    if access.can_anywhere(user, "servicerequest.errand"):
        out["errands"] = ServiceRequest.objects.filter(
            errand_runner=user, status__in=OPEN_REQUEST_STATUSES
        ).count()
    if access.can_anywhere(user, "helporder.take"):
        # The same orders as the volunteer's list (volunteer_tasks), counted in one statement.
        teams = Volunteer.objects.filter(user=user).values("team_id")
        waiting = Q(status=OrderStatus.DISPATCHED, team_id__in=teams) & (
            Q(volunteer__isnull=True) | Q(volunteer__user=user)
        )
        taken = Q(status=OrderStatus.TAKEN, volunteer__user=user)
        out.update(
            HelpOrder.objects.filter(waiting | taken).aggregate(
                waiting=Count("pk", filter=waiting), taken=Count("pk", filter=taken)
            )
        )
    return out
