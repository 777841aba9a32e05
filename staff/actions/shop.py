"""爱心超市 / 积分超市: the goods on a village shop's shelf, stock in, the stock-take's count, and a
redemption, which takes the goods and the points in one transaction or not at all: the person's
account row is locked first, then the goods' row, so two redemptions of the same last points or
the same last goods wait for each other and the second is refused."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cleaning import parse_int
from gridgov.errors import DomainError
from grids.models import GridNode, Tier
from staff import access
from staff.models import (
    EntryKind,
    MoveKind,
    PointsAccount,
    PointsEntry,
    Redemption,
    ShopItem,
    StockMove,
)

MOST_AT_ONCE = 99  # pieces in one redemption
MOST_STOCKED = 100_000  # pieces in one delivery or count
MOST_PRICE = 1_000_000


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    text = " ".join((value or "").split())[:limit]
    if required and not text:
        raise DomainError(_("Please fill this in."), field=field)
    return text


def _whole(value, field: str, *, minimum: int, maximum: int) -> int:
    number = parse_int(value, minimum=minimum, maximum=maximum)
    if number is None:
        raise DomainError(
            _("Give a whole number from %(low)d to %(high)d.") % {"low": minimum, "high": maximum},
            field=field,
        )
    return number


def _locked_item(item_id) -> ShopItem:
    item = ShopItem.objects.select_for_update().filter(pk=item_id or 0).first()
    if item is None:
        raise Http404("No such goods.")
    return item


@transaction.atomic
def shop_item_save(
    *,
    actor,
    village_id: int | None = None,
    item_id: int | None = None,
    name: str,
    unit: str = "件",
    price,
    active: bool = True,
) -> ShopItem:
    """Put goods on a village shop's shelf (or change their name, unit, price or whether they are
    on offer): the stock changes only by stock moves."""
    if item_id is not None:
        item = _locked_item(item_id)
        access.require(actor, "shop.stock", item)
    else:
        village = GridNode.objects.filter(pk=village_id or 0, tier=Tier.VILLAGE).first()
        if village is None:
            raise Http404("No such village.")
        access.require(actor, "shop.stock", village)
        item = ShopItem(village=village)
    item.name = _text(name, "name", 60)
    item.unit = _text(unit, "unit", 10, required=False) or "件"
    item.price = _whole(price, "price", minimum=1, maximum=MOST_PRICE)
    item.active = bool(active)
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        raise DomainError(_("The shop already has goods of this name."), field="name") from None
    return item


def _move(item: ShopItem, change: int, kind: str, *, actor, now, note="", redemption=None):
    item.stock += change
    item.save(update_fields=["stock"])
    return StockMove.objects.create(
        item=item,
        change=change,
        kind=kind,
        stock_after=item.stock,
        redemption=redemption,
        note=note,
        by=actor,
        created_at=now,
    )


@transaction.atomic
def shop_stock_in(
    *, actor, item_id: int, quantity, note: str = "", now: dt.datetime | None = None
) -> StockMove:
    """Goods delivered to the shelf (bought, donated): the stock grows by `quantity`."""
    now = _now(now)
    item = _locked_item(item_id)
    access.require(actor, "shop.stock", item)
    quantity = _whole(quantity, "quantity", minimum=1, maximum=MOST_STOCKED)
    return _move(
        item,
        quantity,
        MoveKind.STOCK_IN,
        actor=actor,
        now=now,
        note=_text(note, "note", 200, required=False),
    )


@transaction.atomic
def shop_stock_count(
    *, actor, item_id: int, counted, note: str, now: dt.datetime | None = None
) -> StockMove | None:
    """盘点: the goods counted on the shelf; a difference from the books is a correction with the
    reason. Returns None when the count agrees."""
    now = _now(now)
    item = _locked_item(item_id)
    access.require(actor, "shop.stock", item)
    counted = _whole(counted, "counted", minimum=0, maximum=MOST_STOCKED)
    if counted == item.stock:
        return None
    note = _text(note, "note", 200)
    return _move(item, counted - item.stock, MoveKind.COUNT, actor=actor, now=now, note=note)


@transaction.atomic
def shop_redeem(
    *, actor, account_id: int, item_id: int, quantity=1, now: dt.datetime | None = None
) -> Redemption:
    """The person takes goods for points at their village's shop: the stock and the balance go
    down together, or neither does (not enough points, not enough goods)."""
    now = _now(now)
    account = PointsAccount.objects.select_for_update().filter(pk=account_id or 0).first()
    if account is None:
        raise Http404("No such account.")
    access.require(actor, "shop.redeem", account)
    item = _locked_item(item_id)
    access.require(actor, "shop.redeem", item)
    if item.village_id != account.village_id:
        raise DomainError(_("These goods are on another village's shelf."), field="item")
    if not item.active:
        raise DomainError(_("These goods are no longer on offer."), field="item")
    quantity = _whole(quantity, "quantity", minimum=1, maximum=MOST_AT_ONCE)
    if item.stock < quantity:
        raise DomainError(
            _("Only %(n)d %(unit)s left on the shelf.") % {"n": item.stock, "unit": item.unit},
            field="quantity",
        )
    cost = item.price * quantity
    if account.balance < cost:
        raise DomainError(
            _("%(cost)d points are needed; the balance is %(balance)d.")
            % {"cost": cost, "balance": account.balance},
            field="quantity",
        )
    redemption = Redemption.objects.create(
        account=account, item=item, quantity=quantity, points=cost, by=actor, created_at=now
    )
    PointsEntry.objects.create(
        account=account,
        amount=-cost,
        kind=EntryKind.REDEMPTION,
        redemption=redemption,
        by=actor,
        created_at=now,
    )
    account.balance -= cost
    account.save(update_fields=["balance"])
    _move(item, -quantity, MoveKind.REDEMPTION, actor=actor, now=now, redemption=redemption)
    return redemption
