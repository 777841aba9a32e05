"""Points on the pages: the desk's cards by place with the month's earnings, computing and
publishing a village's month, opening cards, one card's ledger with awards; a person's cards on
the phone; a resident's card by its code; a village sees only its own people (404 elsewhere);
queries do not grow with the number of cards or entries; no input makes a server error."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grids.models import Household, Resident
from staff import actions
from staff.models import PointsAccount, PointsEntry, PointsMonth
from tests.conftest import page_text
from tests.factories import T0, UserFactory, grant
from tests.staff.test_points import build_points_october, make_scheme
from tests.staff.test_points import people as people  # noqa: F401 - the fixture

OCT = "2026-10"


@pytest.fixture(autouse=True)
def _posts_held_since_january(cast):
    from staff.models import Assignment

    Assignment.objects.update(starts=dt.date(2026, 1, 1))


@pytest.fixture
def commanders(tree):
    one = UserFactory(username="commander_1", first_name="村指挥员甲")
    grant(one, tree.village1, "commander")
    two = UserFactory(username="commander_2", first_name="村指挥员乙")
    grant(two, tree.village2, "commander")
    return one, two


@pytest.fixture
def october(cast, tree, people):  # noqa: F811
    make_scheme(tree.county)
    build_points_october(cast, tree, people)
    return actions.points_compute_month(
        village_id=tree.village1.pk, month=dt.date(2026, 10, 1), actor=cast.staff_town1, now=T0
    )


def card_of(name, node, *, points=0, actor=None):
    household = Household.objects.create(node=node, address=f"{name}家", head_name=name)
    resident = Resident.objects.create(household=household, name=name)
    card = actions.points_account_open(actor=actor, resident_id=resident.pk)
    if points:
        actions.points_award(actor=actor, account_id=card.pk, amount=points, reason="评定")
    return card


def points_url(node, **query):
    query.setdefault("month", OCT)
    return (
        reverse("points_node", args=[node.pk])
        + "?"
        + "&".join(f"{k}={v}" for k, v in query.items())
    )


def test_the_village_sees_its_cards_with_the_months_earnings(
    client, cast, tree, october, commanders
):
    client.force_login(commanders[0])
    text = page_text(client.get(points_url(tree.village1)))
    assert "王刚" in text and "李大妈" in text and "梁书记" in text
    assert "33" in text  # 王刚's October
    assert client.get(points_url(tree.village2)).status_code == 404
    client.force_login(commanders[1])
    assert "王刚" not in page_text(client.get(reverse("points")))
    account = PointsAccount.objects.get(user=cast.worker_a)
    assert client.get(reverse("points_account", args=[account.pk])).status_code == 404
    assert client.get(reverse("points_publication", args=[tree.village1.pk])).status_code == 404


def test_the_month_is_computed_published_and_printed_for_the_board(
    client, cast, tree, people, commanders
):  # noqa: F811
    make_scheme(tree.county)
    build_points_october(cast, tree, people)
    client.force_login(commanders[0])
    computed = client.post(
        points_url(tree.village1), {"do": "compute", "village": tree.village1.pk, "month": OCT}
    )
    assert computed.status_code == 302
    record = PointsMonth.objects.get(village=tree.village1)
    assert (
        client.post(points_url(tree.village1), {"do": "publish", "record": record.pk}).status_code
        == 302
    )
    record.refresh_from_db()
    assert record.published_by == commanders[0]
    listing = page_text(
        client.get(reverse("points_publication", args=[tree.village1.pk]) + f"?month={OCT}")
    )
    assert "王刚" in listing and "33" in listing and "× 7 = 10" in listing
    again = client.post(points_url(tree.village1), {"do": "publish", "record": record.pk})
    assert again.status_code == 400


def test_a_card_is_opened_for_a_resident_found_by_name_and_awarded_with_a_reason(
    client, cast, tree, commanders
):
    household = Household.objects.create(node=tree.grid_a, address="二组1号", head_name="赵奶奶")
    resident = Resident.objects.create(household=household, name="赵奶奶")
    client.force_login(commanders[0])
    found = client.get(points_url(tree.village1, q="赵奶"))
    assert "赵奶奶" in page_text(found) and 'value="open"' in found.content.decode()
    opened = client.post(points_url(tree.village1), {"do": "open", "resident": resident.pk})
    account = PointsAccount.objects.get(resident=resident)
    assert opened["Location"] == reverse("points_account", args=[account.pk])
    page = client.get(reverse("points_account", args=[account.pk]))
    assert page.status_code == 200 and "<svg" in page.content.decode()  # the card's QR code
    award = client.post(
        reverse("points_account", args=[account.pk]), {"amount": "6", "reason": "清扫公共区域"}
    )
    assert award.status_code == 302
    refused = client.post(
        reverse("points_account", args=[account.pk]), {"amount": "-7", "reason": "更正"}
    )
    assert refused.status_code == 400
    account.refresh_from_db()
    assert account.balance == 6
    assert "清扫公共区域" in page_text(client.get(reverse("points_account", args=[account.pk])))


def test_the_grid_chief_awards_a_volunteer_on_a_card_opened_for_their_post(
    client, cast, tree, people, commanders
):  # noqa: F811
    _party, volunteer, _resident, _neighbour = people
    client.force_login(commanders[0])
    page = client.get(points_url(tree.village1))
    assert "志愿者刘" in page_text(page)
    client.post(
        points_url(tree.village1),
        {"do": "open", "person": volunteer.pk, "village": tree.village1.pk},
    )
    assert PointsAccount.objects.filter(user=volunteer, village=tree.village1).exists()


def test_a_person_sees_their_balance_earnings_and_redemptions_on_the_phone(
    client, cast, tree, october
):
    client.force_login(cast.worker_a)
    page = client.get(reverse("points_mine"))
    text = page_text(page)
    account = PointsAccount.objects.get(user=cast.worker_a)
    assert "33" in text and account.code in text and "<svg" in page.content.decode()
    assert "× 7" in text and "+10" in text


def test_a_residents_card_opens_by_its_code_showing_the_name_masked(client, cast, tree, october):
    account = PointsAccount.objects.get(resident__isnull=False)
    page = client.get(reverse("public_points_card", args=[account.code]))
    text = page_text(page)
    assert page.status_code == 200 and "李**" in text and "李大妈" not in page.content.decode()
    assert "10" in text and reverse("shop_card", args=[account.code]) in text
    assert client.get(reverse("public_points_card", args=["ABCDEFGHJKLM"])).status_code == 404
    assert client.get(reverse("public_points_card", args=["x" * 300])).status_code == 404


def test_wrong_card_codes_lock_the_address_out(client, cast, tree, october, settings):
    account = PointsAccount.objects.get(resident__isnull=False)
    for _ in range(settings.GRIDGOV_PUBLIC_TRACK_FAILURES):
        client.get(reverse("public_points_card", args=["23456789ABCD"]))
    assert client.get(reverse("public_points_card", args=[account.code])).status_code == 429


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_points_pages_take_the_same_queries_for_few_or_many_cards_and_entries(
    client, cast, tree, commanders
):
    make_scheme(tree.county)
    commander = commanders[0]
    first = card_of("甲", tree.grid_a, points=5, actor=commander)
    actions.points_compute_month(village_id=tree.village1.pk, month=dt.date(2026, 10, 1), now=T0)
    client.force_login(commander)
    urls = [
        points_url(tree.village1),
        points_url(tree.village1, q="甲"),
        reverse("points_account", args=[first.pk]),
        reverse("points_publication", args=[tree.village1.pk]) + f"?month={OCT}",
    ]
    small = [count(client, url) for url in urls]
    small_public = count(client, reverse("public_points_card", args=[first.code]))
    for i in range(8):
        card_of(f"甲{i}", tree.grid_b, points=3 + i, actor=commander)
    for i in range(6):
        actions.points_award(actor=commander, account_id=first.pk, amount=1 + i, reason=f"第{i}次")
    assert [count(client, url) for url in urls] == small
    assert count(client, reverse("public_points_card", args=[first.code])) == small_public
    client.force_login(cast.worker_a)
    mine = PointsAccount.objects.create(village=tree.village1, node=tree.grid_a, user=cast.worker_a)
    small_mine = count(client, reverse("points_mine"))
    for i in range(5):
        actions.points_award(actor=commander, account_id=mine.pk, amount=2, reason=f"第{i}次")
    assert count(client, reverse("points_mine")) == small_mine


@pytest.mark.parametrize(
    "data",
    [
        {"do": "compute", "village": "abc"},
        {"do": "publish", "record": "99999999999999999999"},
        {"do": "open", "resident": "-1"},
        {"do": "open", "person": "x", "village": "\x00"},
        {"do": "nope"},
        {},
    ],
)
def test_bad_input_on_the_points_page_is_refused_never_a_server_error(
    client, cast, tree, commanders, data
):
    client.raise_request_exception = False
    client.force_login(commanders[0])
    response = client.post(points_url(tree.village1), data)
    assert response.status_code in (400, 404)
    assert not PointsEntry.objects.exists()


@pytest.mark.parametrize("amount", ["", "NaN", "1e9", "²", "99999999999999999999", "0"])
def test_bad_amounts_on_a_card_are_refused(client, cast, tree, commanders, amount):
    card = card_of("乙", tree.grid_a)
    client.force_login(commanders[0])
    response = client.post(
        reverse("points_account", args=[card.pk]), {"amount": amount, "reason": "x"}
    )
    assert response.status_code == 400 and not PointsEntry.objects.exists()
