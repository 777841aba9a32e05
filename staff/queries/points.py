"""Reads of points and the points shop that the desk, the phone and the residents' card share:
a fixed number of queries however many people, entries and goods a page shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import Coalesce

from grids.models import GridNode, Resident, Tier
from staff import access
from staff.models import (
    EntryKind,
    MoveKind,
    PointsAccount,
    PointsEntry,
    PointsMonth,
    Redemption,
    ShopItem,
)
from staff.queries.measures import Month

PAGE_SIZE = 50
LEDGER_SHOWN = 100


def accounts_in(user, action: str, node: GridNode) -> QuerySet:
    """Accounts of people in the node's subtree (or, above a village, its villages') that the
    user may take `action` on."""
    accounts = PointsAccount.objects.filter(GridNode.subtree_q(node, via="node"))
    return access.scope(user, action, accounts)


def search_accounts(queryset: QuerySet, q: str) -> QuerySet:
    """Accounts whose holder's name (or card code) contains the words typed."""
    q = " ".join((q or "").split())[:40]
    if not q:
        return queryset
    return queryset.filter(
        Q(user__first_name__icontains=q)
        | Q(user__username__iexact=q)
        | Q(resident__name__icontains=q)
        | Q(code__iexact=q.replace(" ", "").upper())
    )


def account_rows(queryset: QuerySet, month: dt.date) -> QuerySet:
    """Accounts with their holder and place, and what they earned and spent in the month (one
    query for a page of them)."""
    start, end = Month(month).bounds
    in_month = Q(entries__created_at__gte=start, entries__created_at__lt=end)
    return (
        queryset.select_related("user", "resident", "node", "village")
        .annotate(
            earned=Coalesce(Sum("entries__amount", filter=in_month & Q(entries__amount__gt=0)), 0),
            spent=Coalesce(Sum("entries__amount", filter=in_month & Q(entries__amount__lt=0)), 0),
        )
        .order_by("village__code", "node__code", "pk")
    )


def residents_without_card(user, node: GridNode, q: str, limit: int = 20) -> list[Resident]:
    """Residents of the ledger in the node's subtree, named like `q`, who have no card at their
    village yet (for opening one)."""
    q = " ".join((q or "").split())[:40]
    if not q:
        return []
    residents = (
        Resident.objects.filter(GridNode.subtree_q(node, via="household__node"), name__icontains=q)
        .filter(points_accounts__isnull=True)
        .select_related("household__node")
        .order_by("household__node__code", "pk")
    )
    return list(access.scope(user, "points.award", residents, via="household__node")[:limit])


def months_at(user, node: GridNode, month: dt.date) -> list[PointsMonth]:
    """The villages' records of the month under the node (computed, published), with how many
    points each village gave: two queries."""
    where = (
        GridNode.ancestors_q(node, via="village")
        if node.tier in (Tier.GRID, Tier.MICRO_GRID)
        else GridNode.subtree_q(node, via="village")
    )
    records = list(
        access.scope(
            user, "points.view", PointsMonth.objects.filter(where, month=month), via="village"
        )
        .select_related("village", "published_by")
        .order_by("village__code")
    )
    totals = dict(
        PointsEntry.objects.filter(month__in=records)
        .values("month_id")
        .annotate(n=Sum("amount"))
        .order_by()
        .values_list("month_id", "n")
    )
    for record in records:
        record.total = totals.get(record.pk, 0)
    return records


def publication(record: PointsMonth) -> list[dict]:
    """The month's list as the village publishes it: each person, what they earned by which
    rule (one query)."""
    rows = (
        PointsEntry.objects.filter(month=record)
        .select_related("account__user", "account__resident", "account__node", "rule")
        .order_by("account__node__code", "account_id", "rule__role", "rule__measure")
    )
    people: dict[int, dict] = {}
    for entry in rows:
        person = people.setdefault(
            entry.account_id, {"account": entry.account, "entries": [], "total": 0}
        )
        person["entries"].append(entry)
        person["total"] += entry.amount
    return list(people.values())


def ledger(account: PointsAccount, limit: int = LEDGER_SHOWN) -> list[PointsEntry]:
    """The account's entries, newest first, each with the balance after it (a running sum in
    the database): one query."""
    return list(
        account.entries.select_related("rule", "redemption__item", "by")
        .annotate(running=Window(Sum("amount"), order_by=[F("created_at").asc(), F("pk").asc()]))
        .order_by("-created_at", "-pk")[:limit]
    )


def my_accounts(user) -> list[PointsAccount]:
    return list(
        PointsAccount.objects.filter(user=user).select_related("village", "node").order_by("pk")
    )


def redemptions_of(accounts, limit: int = 20) -> list[Redemption]:
    return list(
        Redemption.objects.filter(account__in=accounts)
        .select_related("item", "account")
        .order_by("-created_at", "-pk")[:limit]
    )


# ---------------------------------------------------------------- the shop


def shelf(village: GridNode, *, active_only: bool = False) -> list[ShopItem]:
    items = ShopItem.objects.filter(village=village)
    if active_only:
        items = items.filter(active=True)
    return list(items.order_by("-active", "name"))


def village_redemptions(village: GridNode, limit: int = 20) -> list[Redemption]:
    return list(
        Redemption.objects.filter(item__village=village)
        .select_related("item", "account__user", "account__resident", "by")
        .order_by("-created_at", "-pk")[:limit]
    )


@dataclass
class StockLine:
    item: ShopItem
    opening: int
    stocked: int
    redeemed: int
    corrected: int
    closing: int
    redemptions: int


def stock_take(village: GridNode, month: dt.date) -> list[StockLine]:
    """盘点表: each goods of the shelf over a month: the stock at its start, stocked, redeemed,
    corrected by a count, at its end (today's stock less every move since), and how many
    redemptions. One query."""
    start, end = Month(month).bounds
    period = Q(moves__created_at__gte=start, moves__created_at__lt=end)
    items = (
        ShopItem.objects.filter(village=village)
        .annotate(
            stocked=Coalesce(
                Sum("moves__change", filter=period & Q(moves__kind=MoveKind.STOCK_IN)), 0
            ),
            redeemed=Coalesce(
                Sum("moves__change", filter=period & Q(moves__kind=MoveKind.REDEMPTION)), 0
            ),
            corrected=Coalesce(
                Sum("moves__change", filter=period & Q(moves__kind=MoveKind.COUNT)), 0
            ),
            later=Coalesce(Sum("moves__change", filter=Q(moves__created_at__gte=end)), 0),
            times=Count("moves", filter=period & Q(moves__kind=MoveKind.REDEMPTION)),
        )
        .order_by("name")
    )
    result = []
    for item in items:
        closing = item.stock - item.later
        opening = closing - item.stocked - item.redeemed - item.corrected
        result.append(
            StockLine(
                item=item,
                opening=opening,
                stocked=item.stocked,
                redeemed=-item.redeemed,
                corrected=item.corrected,
                closing=closing,
                redemptions=item.times,
            )
        )
    return result


KIND_LABELS = dict(EntryKind.choices)
