"""The village points shop: goods with a price and stock, stock in and the stock-take's count,
and redemptions that take the goods and the points together or not at all."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from gridgov.errors import DomainError
from grids.models import Household, Resident
from staff import actions
from staff.models import PointsAccount, PointsEntry, Redemption, ShopItem, StockMove
from tests.factories import T0


@pytest.fixture
def shop(cast, tree):
    """梁家庵村's shelf (洗衣粉 at 30 points, 5 bags; 食用油 at 80) and 李大妈's card with 100."""
    soap = actions.shop_item_save(
        actor=cast.village_chief, village_id=tree.village1.pk, name="洗衣粉", unit="袋", price=30
    )
    actions.shop_stock_in(actor=cast.village_chief, item_id=soap.pk, quantity=5, note="镇里配送")
    oil = actions.shop_item_save(
        actor=cast.village_chief, village_id=tree.village1.pk, name="食用油", unit="桶", price="80"
    )
    actions.shop_stock_in(actor=cast.village_chief, item_id=oil.pk, quantity="2")
    household = Household.objects.create(node=tree.grid_a, address="一组5号", head_name="李大妈")
    resident = Resident.objects.create(household=household, name="李大妈", phone="13911112222")
    card = actions.points_account_open(actor=cast.village_chief, resident_id=resident.pk)
    actions.points_award(
        actor=cast.village_chief, account_id=card.pk, amount=100, reason="参与防汛"
    )
    soap.refresh_from_db()
    oil.refresh_from_db()
    return soap, oil, card


def state(item, card):
    item.refresh_from_db()
    card.refresh_from_db()
    return item.stock, card.balance


def test_a_redemption_takes_the_goods_and_the_points_together(shop, cast):
    soap, _oil, card = shop
    redemption = actions.shop_redeem(
        actor=cast.village_chief, account_id=card.pk, item_id=soap.pk, quantity=2, now=T0
    )
    assert (redemption.points, redemption.quantity, redemption.by) == (60, 2, cast.village_chief)
    assert state(soap, card) == (3, 40)
    entry = PointsEntry.objects.get(redemption=redemption)
    assert (entry.kind, entry.amount) == ("redemption", -60)
    move = StockMove.objects.get(redemption=redemption)
    assert (move.kind, move.change, move.stock_after) == ("redemption", -2, 3)


@pytest.mark.parametrize(
    ("item", "quantity"),
    [
        ("oil", 2),  # 160 points: the balance is 100
        ("soap", 6),  # only 5 bags
        ("soap", 0),
        ("soap", "-1"),
        ("soap", "NaN"),
        ("soap", "100"),
    ],
)
def test_a_refused_redemption_changes_neither_stock_nor_balance(shop, cast, item, quantity):
    soap, oil, card = shop
    goods = {"soap": soap, "oil": oil}[item]
    before = state(goods, card)
    with pytest.raises(DomainError):
        actions.shop_redeem(
            actor=cast.village_chief, account_id=card.pk, item_id=goods.pk, quantity=quantity
        )
    assert state(goods, card) == before
    assert not Redemption.objects.exists() and not PointsEntry.objects.filter(kind="redemption")


def test_goods_of_another_village_and_goods_off_the_shelf_are_not_redeemed(shop, cast, tree):
    soap, _oil, card = shop
    other = ShopItem.objects.create(village=tree.village2, name="毛巾", price=5, stock=9)
    with pytest.raises(Http404):  # the village's chief does not see another town's shelf
        actions.shop_redeem(actor=cast.village_chief, account_id=card.pk, item_id=other.pk)
    actions.shop_item_save(
        actor=cast.village_chief, item_id=soap.pk, name="洗衣粉", unit="袋", price=30, active=False
    )
    with pytest.raises(DomainError):
        actions.shop_redeem(actor=cast.village_chief, account_id=card.pk, item_id=soap.pk)
    assert state(soap, card) == (5, 100)


def test_the_town_redeems_for_its_villages_but_not_across_them(shop, cast, tree):
    _soap, _oil, card = shop
    other = ShopItem.objects.create(village=tree.village2, name="毛巾", price=5, stock=9)
    with pytest.raises(Http404):  # town 1's staff do not see village 2's shelf
        actions.shop_redeem(actor=cast.staff_town1, account_id=card.pk, item_id=other.pk)
    from tests.factories import UserFactory, grant

    county = UserFactory(username="county_centre")
    grant(county, tree.county, "center_staff")
    with pytest.raises(DomainError):  # the county sees both, but a card is for its village's shelf
        actions.shop_redeem(actor=county, account_id=card.pk, item_id=other.pk)


@pytest.mark.parametrize("who", ["worker_a", "informant_a"])
def test_grid_people_see_the_card_but_keep_no_shop(shop, cast, who):
    soap, _oil, card = shop
    with pytest.raises(PermissionDenied):
        actions.shop_redeem(actor=getattr(cast, who), account_id=card.pk, item_id=soap.pk)
    with pytest.raises(Http404):  # the shelf is the village's: a grid's people do not see it
        actions.shop_stock_in(actor=getattr(cast, who), item_id=soap.pk, quantity=1)


def test_another_towns_staff_see_neither_card_nor_shelf(shop, cast):
    soap, _oil, card = shop
    with pytest.raises(Http404):
        actions.shop_redeem(actor=cast.staff_town2, account_id=card.pk, item_id=soap.pk)
    with pytest.raises(Http404):
        actions.shop_stock_in(actor=cast.staff_town2, item_id=soap.pk, quantity=1)
    with pytest.raises(Http404):
        actions.shop_item_save(actor=cast.staff_town2, item_id=soap.pk, name="洗衣粉", price=1)


def test_a_stock_take_corrects_the_books_with_a_reason_and_a_matching_count_changes_nothing(
    shop, cast
):
    soap, _oil, _card = shop
    agreed = actions.shop_stock_count(actor=cast.village_chief, item_id=soap.pk, counted=5, note="")
    assert agreed is None
    with pytest.raises(DomainError):  # a difference needs its reason
        actions.shop_stock_count(actor=cast.village_chief, item_id=soap.pk, counted=4, note="")
    move = actions.shop_stock_count(
        actor=cast.village_chief, item_id=soap.pk, counted=4, note="受潮报损一袋"
    )
    assert (move.kind, move.change, move.stock_after) == ("count", -1, 4)
    soap.refresh_from_db()
    assert soap.stock == 4
    with pytest.raises(DomainError):
        actions.shop_stock_count(actor=cast.village_chief, item_id=soap.pk, counted=-1, note="x")


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "  ", "price": 5},
        {"name": "肥皂", "price": 0},
        {"name": "肥皂", "price": "abc"},
        {"name": "肥皂", "price": "99999999999"},
        {"name": "洗衣粉", "price": 5},  # the shelf has it already
    ],
)
def test_goods_need_a_name_of_their_own_and_a_price(shop, cast, tree, fields):
    with pytest.raises(DomainError):
        actions.shop_item_save(actor=cast.village_chief, village_id=tree.village1.pk, **fields)
    assert ShopItem.objects.filter(village=tree.village1).count() == 2


def test_goods_are_shelved_only_in_a_village(cast, tree):
    with pytest.raises(Http404):
        actions.shop_item_save(actor=cast.staff_town1, village_id=tree.grid_a.pk, name="x", price=1)
    assert not PointsAccount.objects.exists()
