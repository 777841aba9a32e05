"""The village shop on the pages: the desk's shelf (new goods, stock in, the count), its counter
(find by name or code, redeem), the stock-take (page and .xlsx, figures by hand); the phone's
counter and a scanned card; a village sees only its own shop and people (404 elsewhere); queries
do not grow with the shelf or the redemptions; no input makes a server error."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from staff import access, actions
from staff.models import Redemption, ShopItem, StockMove
from tests.conftest import page_text
from tests.factories import UserFactory, grant
from tests.staff.test_points_pages import card_of
from tests.staff.test_shop import shop as shop  # noqa: F401 - the fixture


@pytest.fixture
def commanders(tree):
    one = UserFactory(username="commander_1", first_name="村指挥员甲")
    grant(one, tree.village1, "commander")
    two = UserFactory(username="commander_2", first_name="村指挥员乙")
    grant(two, tree.village2, "commander")
    return one, two


def shop_url(node, **query):
    url = reverse("shop_node", args=[node.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_desk_counter_finds_a_person_and_records_what_they_take(
    client,
    cast,
    tree,
    shop,
    commanders,  # noqa: F811
):
    soap, _oil, card = shop
    client.force_login(commanders[0])
    found = client.get(shop_url(tree.village1, q="李大"))
    assert "李大妈" in page_text(found) and 'value="redeem"' in found.content.decode()
    by_code = client.get(shop_url(tree.village1, q=card.code.lower()))
    assert "李大妈" in page_text(by_code)
    taken = client.post(
        shop_url(tree.village1),
        {"do": "redeem", "account": card.pk, "item": soap.pk, "quantity": "2"},
    )
    assert taken.status_code == 302
    soap.refresh_from_db()
    card.refresh_from_db()
    assert (soap.stock, card.balance) == (3, 40)
    too_much = client.post(
        shop_url(tree.village1),
        {"do": "redeem", "account": card.pk, "item": soap.pk, "quantity": "2"},
    )
    assert too_much.status_code == 400 and Redemption.objects.count() == 1
    assert "李大妈" in page_text(client.get(shop_url(tree.village1)))  # the latest redemptions


def test_the_shelf_is_kept_from_the_desk(client, cast, tree, shop, commanders):  # noqa: F811
    soap, _oil, _card = shop
    client.force_login(commanders[0])
    url = shop_url(tree.village1)
    assert (
        client.post(url, {"do": "new", "name": "毛巾", "unit": "条", "price": "15"}).status_code
        == 302
    )
    towel = ShopItem.objects.get(name="毛巾")
    assert (
        client.post(url, {"do": "stock_in", "item": towel.pk, "quantity": "20"}).status_code == 302
    )
    assert client.post(url, {"do": "count", "item": towel.pk, "counted": "19"}).status_code == 400
    assert (
        client.post(
            url, {"do": "count", "item": towel.pk, "counted": "19", "note": "少一条"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url, {"do": "edit", "item": soap.pk, "name": "洗衣粉", "price": "35"}
        ).status_code
        == 302
    )
    soap.refresh_from_db()
    towel.refresh_from_db()
    assert (towel.stock, soap.price, soap.active) == (19, 35, False)


def test_a_village_sees_only_its_own_shop_and_another_is_404(
    client,
    cast,
    tree,
    shop,
    commanders,  # noqa: F811
):
    soap, _oil, card = shop
    client.force_login(commanders[1])
    assert client.get(shop_url(tree.village1)).status_code == 404
    assert client.get(reverse("shop_stocktake", args=[tree.village1.pk])).status_code == 404
    response = client.post(
        shop_url(tree.village2), {"do": "redeem", "account": card.pk, "item": soap.pk}
    )
    assert response.status_code == 404
    assert (
        client.post(
            shop_url(tree.village2), {"do": "stock_in", "item": soap.pk, "quantity": "5"}
        ).status_code
        == 404
    )
    soap.refresh_from_db()
    assert soap.stock == 5
    assert "李大妈" not in page_text(client.get(shop_url(tree.village2, q="李")))


def test_a_town_chooses_among_its_villages_shops(client, cast, tree, shop):  # noqa: F811
    client.force_login(cast.staff_town1)
    text = page_text(client.get(reverse("shop")))
    assert "梁家庵村" in text and "西原公村" not in text


def test_the_stock_take_of_a_month_adds_up(client, cast, tree, shop, commanders):  # noqa: F811
    soap, _oil, card = shop
    october = timezone.make_aware(dt.datetime(2026, 10, 20, 10))
    november = timezone.make_aware(dt.datetime(2026, 11, 3, 10))
    StockMove.objects.update(created_at=timezone.make_aware(dt.datetime(2026, 9, 30, 10)))
    actions.shop_stock_in(actor=commanders[0], item_id=soap.pk, quantity=4, now=october)
    actions.shop_redeem(
        actor=commanders[0], account_id=card.pk, item_id=soap.pk, quantity=2, now=october
    )
    actions.shop_stock_count(
        actor=commanders[0], item_id=soap.pk, counted=6, note="破损", now=october
    )
    actions.shop_redeem(
        actor=commanders[0], account_id=card.pk, item_id=soap.pk, quantity=1, now=november
    )
    client.force_login(commanders[0])
    text = page_text(
        client.get(reverse("shop_stocktake", args=[tree.village1.pk]) + "?month=2026-10")
    )
    # 洗衣粉: 5 at the start, +4, −2, −1 by the count, 6 at the end (5 now, after November's −1)
    assert "洗衣粉 袋 5 4 2 -1 6 1" in text
    sheet = client.get(reverse("shop_stocktake_sheet", args=[tree.village1.pk]) + "?month=2026-10")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    soap_row = next(r for r in rows if r[0] == "洗衣粉")
    assert soap_row[:8] == ("洗衣粉", "袋", 30, 5, 4, 2, -1, 6)


def test_the_phone_counter_finds_the_scanned_card_and_redeems(client, cast, tree, shop):  # noqa: F811
    soap, oil, card = shop
    client.force_login(cast.village_chief)
    found = client.get(reverse("shop_counter") + "?q=李大")
    assert reverse("shop_card", args=[card.code]) in found.content.decode()
    page = client.get(reverse("shop_card", args=[card.code]))
    assert page.status_code == 200 and "100" in page_text(page)
    refused = client.post(reverse("shop_card", args=[card.code]), {"item": oil.pk, "quantity": "2"})
    assert refused.status_code == 400 and "160" in page_text(refused)
    empty = client.post(reverse("shop_card", args=[card.code]), {"item": "", "quantity": "1"})
    assert empty.status_code == 400
    done = client.post(reverse("shop_card", args=[card.code]), {"item": oil.pk, "quantity": "1"})
    assert done.status_code == 302
    card.refresh_from_db()
    assert card.balance == 20


@pytest.mark.parametrize("who", ["worker_a", "informant_a"])
def test_grid_people_see_a_card_of_their_grid_but_keep_no_counter(
    client,
    cast,
    tree,
    shop,
    who,  # noqa: F811
):
    _soap, _oil, card = shop
    client.force_login(getattr(cast, who))
    assert client.get(reverse("shop_card", args=[card.code])).status_code == 403
    assert client.get(reverse("shop_counter")).status_code == 403


def test_another_towns_staff_do_not_find_the_card(client, cast, tree, shop):  # noqa: F811
    _soap, _oil, card = shop
    client.force_login(cast.staff_town2)
    assert client.get(reverse("shop_card", args=[card.code])).status_code == 404


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_shop_pages_take_the_same_queries_for_a_short_or_long_shelf(
    client,
    cast,
    tree,
    shop,
    commanders,  # noqa: F811
):
    soap, _oil, card = shop
    client.force_login(commanders[0])
    urls = [
        shop_url(tree.village1),
        shop_url(tree.village1, q="李"),
        reverse("shop_stocktake", args=[tree.village1.pk]),
        reverse("shop_stocktake_sheet", args=[tree.village1.pk]),
    ]
    small = [count(client, url) for url in urls]
    client.force_login(cast.village_chief)
    small_card = count(client, reverse("shop_card", args=[card.code]))
    small_counter = count(client, reverse("shop_counter") + "?q=李")
    for i in range(6):
        item = actions.shop_item_save(
            actor=commanders[0], village_id=tree.village1.pk, name=f"货{i}", price=1
        )
        actions.shop_stock_in(actor=commanders[0], item_id=item.pk, quantity=10)
        actions.shop_redeem(actor=commanders[0], account_id=card.pk, item_id=item.pk)
        card_of(f"李{i}", tree.grid_b, points=5, actor=commanders[0])
    assert count(client, reverse("shop_card", args=[card.code])) == small_card
    assert count(client, reverse("shop_counter") + "?q=李") == small_counter
    client.force_login(commanders[0])
    assert [count(client, url) for url in urls] == small


@pytest.mark.parametrize(
    "data",
    [
        {"do": "redeem", "account": "abc", "item": "1"},
        {"do": "redeem", "account": "1", "item": "99999999999999999999", "quantity": "NaN"},
        {"do": "new", "name": "\x00", "price": "1e9"},
        {"do": "stock_in", "item": "²", "quantity": "-5"},
        {"do": "count", "item": "1", "counted": "x" * 300},
        {"do": "edit", "item": "0", "name": "x", "price": "1"},
        {},
    ],
)
def test_bad_input_at_the_shop_is_refused_never_a_server_error(
    client,
    cast,
    tree,
    shop,
    commanders,
    data,  # noqa: F811
):
    client.raise_request_exception = False
    client.force_login(commanders[0])
    before = StockMove.objects.count()
    response = client.post(shop_url(tree.village1), data)
    assert response.status_code in (400, 404)
    assert StockMove.objects.count() == before


@pytest.mark.parametrize("quantity", ["", "0", "-1", "NaN", "1e2", "²", "100"])
def test_bad_quantities_on_the_phone_are_refused(client, cast, tree, shop, quantity):  # noqa: F811
    soap, _oil, card = shop
    client.force_login(cast.village_chief)
    response = client.post(
        reverse("shop_card", args=[card.code]), {"item": soap.pk, "quantity": quantity}
    )
    assert response.status_code == 400 and not Redemption.objects.exists()


def test_the_phone_counter_finds_only_the_chiefs_own_villages_cards(client, cast, tree, shop):  # noqa: F811
    other = card_of("李四婶", tree.grid_c, points=10)
    client.force_login(cast.village_chief)
    page = client.get(reverse("shop_counter") + "?q=李")
    assert "李大妈" in page_text(page) and "李四婶" not in page_text(page)
    assert client.get(reverse("shop_card", args=[other.code])).status_code == 404


def test_the_list_of_a_counties_shops_takes_the_same_queries_for_two_or_five_villages(
    client, cast, tree
):
    from tests.factories import make_node

    client.force_login(cast.county_admin)
    small = count(client, reverse("shop"))
    for i in range(3):
        make_node(tree.town1, "village", f"新村{i}")
    access.forget_grants(cast.county_admin)
    page = client.get(reverse("shop"))
    assert page_text(page).count("新村") == 3
    assert count(client, reverse("shop")) == small
