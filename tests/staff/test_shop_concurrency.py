"""Two redemptions at the same moment on PostgreSQL, two threads, two connections: of the last
points of one card exactly one succeeds, of the last goods on the shelf exactly one succeeds, and
the books agree afterwards (balance = sum of entries, stock = sum of moves, never negative)."""

import pytest
from django.db.models import Sum

from gridgov.errors import DomainError
from grids.models import Household, Resident
from staff import actions
from staff.models import PointsAccount, PointsEntry, Redemption, ShopItem, StockMove
from tests.concurrency import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def card_with(cast, tree, name: str, points: int) -> PointsAccount:
    household = Household.objects.create(node=tree.grid_a, address=f"{name}家", head_name=name)
    resident = Resident.objects.create(household=household, name=name)
    card = actions.points_account_open(actor=cast.village_chief, resident_id=resident.pk)
    actions.points_award(actor=cast.village_chief, account_id=card.pk, amount=points, reason="评定")
    return card


def shelf(cast, tree, name: str, price: int, stock: int) -> ShopItem:
    item = actions.shop_item_save(
        actor=cast.village_chief, village_id=tree.village1.pk, name=name, price=price
    )
    actions.shop_stock_in(actor=cast.village_chief, item_id=item.pk, quantity=stock)
    return item


def books_agree() -> None:
    for account in PointsAccount.objects.all():
        assert account.balance >= 0
        assert account.balance == account.entries.aggregate(s=Sum("amount"))["s"]
    for item in ShopItem.objects.all():
        assert item.stock >= 0
        assert item.stock == item.moves.aggregate(s=Sum("change"))["s"]


def test_two_redemptions_of_the_last_points_at_once_exactly_one_succeeds(cast, tree):
    card = card_with(cast, tree, "李大妈", 30)
    soap = shelf(cast, tree, "洗衣粉", 30, 10)
    outcomes = run_at_once(
        lambda: actions.shop_redeem(actor=cast.village_chief, account_id=card.pk, item_id=soap.pk),
        lambda: actions.shop_redeem(actor=cast.staff_town1, account_id=card.pk, item_id=soap.pk),
    )
    wins = [o for o in outcomes if isinstance(o, Redemption)]
    losses = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(wins) == 1 and len(losses) == 1, outcomes
    card.refresh_from_db()
    soap.refresh_from_db()
    assert (card.balance, soap.stock) == (0, 9)
    assert PointsEntry.objects.filter(kind="redemption").count() == 1
    assert StockMove.objects.filter(kind="redemption").count() == 1
    books_agree()


def test_two_people_taking_the_last_goods_at_once_exactly_one_gets_them(cast, tree):
    first = card_with(cast, tree, "李大妈", 100)
    second = card_with(cast, tree, "王大爷", 100)
    oil = shelf(cast, tree, "食用油", 80, 1)
    outcomes = run_at_once(
        lambda: actions.shop_redeem(actor=cast.village_chief, account_id=first.pk, item_id=oil.pk),
        lambda: actions.shop_redeem(actor=cast.staff_town1, account_id=second.pk, item_id=oil.pk),
    )
    wins = [o for o in outcomes if isinstance(o, Redemption)]
    assert len(wins) == 1 and len([o for o in outcomes if isinstance(o, DomainError)]) == 1
    oil.refresh_from_db()
    assert oil.stock == 0
    balances = sorted(PointsAccount.objects.values_list("balance", flat=True))
    assert balances == [20, 100]
    books_agree()


def test_an_award_and_a_redemption_at_once_both_count(cast, tree):
    card = card_with(cast, tree, "李大妈", 30)
    soap = shelf(cast, tree, "洗衣粉", 30, 10)
    outcomes = run_at_once(
        lambda: actions.shop_redeem(actor=cast.village_chief, account_id=card.pk, item_id=soap.pk),
        lambda: actions.points_award(
            actor=cast.staff_town1, account_id=card.pk, amount=10, reason="补记"
        ),
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    card.refresh_from_db()
    assert card.balance == 10
    books_agree()
