"""Reads about linked cadres (挂联 / 包村): whom a person is linked to, the patrols under way
today that they may join (三陪同), and each town cadre's accompanied patrols in a week against
what they are held to ("每周不少于 2 次", seed 001)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from grids.models import GridNode, Tier
from staff.models import Assignment, CoPatrol, Link, LinkKind, Patrol


def linked_unit_ids(village: GridNode, *, day: dt.date) -> list[int]:
    """The departments and outposts linked to the village on that day (社区吹哨: whom it calls)."""
    return list(
        Link.objects.active(day)
        .filter(kind=LinkKind.DEPARTMENT, village=village)
        .values_list("unit_id", flat=True)
    )


def links_of(user, *, day: dt.date) -> QuerySet:
    """The person's links in force that day: their own, and those of the units they work for
    (a link to an outpost also holds for its county department's staff); their own first."""
    if user is None or not user.is_authenticated:
        return Link.objects.none()
    units = Assignment.objects.active(day).filter(user_id=user.pk, unit__isnull=False)
    unit_ids = units.values("unit_id")
    return (
        Link.objects.active(day)
        .filter(Q(user_id=user.pk) | Q(unit_id__in=unit_ids) | Q(unit__parent_id__in=unit_ids))
        .select_related("village", "unit")
        .order_by(F("user_id").desc(nulls_last=True), "village__code", "pk")
    )


def link_over(user, node: GridNode, *, day: dt.date) -> Link | None:
    """The person's link to the village the node lies in, if there is one that day."""
    for link in links_of(user, day=day).filter(GridNode.ancestors_q(node, via="village")):
        return link
    return None


def joinable_patrols(user, *, now: dt.datetime | None = None) -> list[Patrol]:
    """Patrols under way today in the villages the person is linked to, by anyone but them;
    each says whether they have joined it (`joined`). Two queries however many villages."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    villages = [link.village for link in links_of(user, day=today)]
    if not villages:
        return []
    joined = CoPatrol.objects.filter(patrol=OuterRef("pk"), user_id=user.pk)
    return list(
        Patrol.objects.filter(
            GridNode.subtree_q(*villages, via="node"), date=today, finished_at__isnull=True
        )
        .exclude(user_id=user.pk)
        .select_related("node", "user")
        .annotate(joined=Exists(joined))
        .order_by("node__code", "started_at")
    )


def week_of(day: dt.date) -> dt.date:
    """The Monday of the day's week."""
    return day - dt.timedelta(days=day.weekday())


def week_bounds(monday: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The week from Monday 00:00 to the next Monday 00:00, Beijing time."""
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time()), tz)
    return start, timezone.make_aware(
        dt.datetime.combine(monday + dt.timedelta(days=7), dt.time()), tz
    )


@dataclass
class CadreWeek:
    """One town cadre's week: the villages they are linked to, their accompanied patrols, and
    how many they are held to."""

    user: object
    villages: list[GridNode]
    accompanied: int
    target: int

    @property
    def met(self) -> bool:
        return self.accompanied >= self.target


def copatrol_compliance(node: GridNode, monday: dt.date) -> list[CadreWeek]:
    """三陪同: each town cadre linked to a village under the node during the week, with the
    patrols they joined that week under their town-cadre links (wherever the village), against
    the largest weekly target of their links. Two queries however many cadres and patrols."""
    start, end = week_bounds(monday)
    sunday = monday + dt.timedelta(days=6)
    links = list(
        Link.objects.filter(
            GridNode.subtree_q(node, via="village"),
            kind=LinkKind.TOWN_CADRE,
            since__lte=sunday,
        )
        .filter(Q(until__isnull=True) | Q(until__gte=monday))
        .select_related("user", "village")
        .order_by("village__code", "user_id")
    )
    if not links:
        return []
    people: dict[int, CadreWeek] = {}
    for link in links:
        row = people.setdefault(link.user_id, CadreWeek(link.user, [], 0, 0))
        if link.village not in row.villages:
            row.villages.append(link.village)
        row.target = max(row.target, link.weekly_patrols)
    counts = (
        CoPatrol.objects.filter(
            user_id__in=list(people),
            link__kind=LinkKind.TOWN_CADRE,
            joined_at__gte=start,
            joined_at__lt=end,
        )
        .values("user_id")
        .annotate(n=Count("pk"))
    )
    for row in counts:
        people[row["user_id"]].accompanied = row["n"]
    return sorted(
        people.values(), key=lambda r: (r.met, r.accompanied, r.user.get_full_name(), r.user.pk)
    )


def towns_under(node: GridNode) -> list[GridNode]:
    """The towns at or under a node (a county's towns, or the town itself)."""
    if node.tier == Tier.TOWN:
        return [node]
    return list(GridNode.objects.subtree(node).filter(tier=Tier.TOWN).order_by("code"))
