"""People and points on real phones: a grid worker finds the month's published score from the
phone's front page and objects to it; a resident shows her points card on her phone and the
village's grid chief, at the shop, opens the card the QR code leads to and records what she
takes, and her card shows the new balance."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from grids.models import Household, Resident
from staff import actions
from staff.models import AppraisalObjection, Assignment, PointsAccount, ShopItem
from tests.e2e.conftest import _new_page, login, overflowing, url
from tests.factories import PASSWORD
from tests.staff.test_appraisal import OCT, build_october, make_rule


@pytest.fixture(autouse=True)
def _posts_held_since_january(cast):
    Assignment.objects.update(starts=dt.date(2026, 1, 1))


def test_a_worker_sees_the_published_score_on_the_phone_and_objects(
    phone, desk, live_server, cast, tree, offsite_requests, screenshot
):
    make_rule(tree.county)
    build_october(cast, tree)
    sheet = actions.appraisal_compute(village_id=tree.village1.pk, month=OCT)
    actions.appraisal_sign(actor=cast.staff_town1, sheet_id=sheet.pk)
    actions.appraisal_publish(actor=cast.staff_town1, sheet_id=sheet.pk)
    login(phone, live_server, "worker_a", PASSWORD)
    phone.goto(url(live_server, "/m/"))
    phone.click(".m-people-links a[href='/m/appraisal/']")  # 我的考核
    phone.click("text=2026-10")
    expect(phone.locator("#my-score")).to_have_text("70.67")
    assert "按期办结" in phone.inner_text("body") and "2817.65" in phone.inner_text("body")
    screenshot(phone, "score")
    assert overflowing(phone) == []
    phone.fill("#objection-reason", "10月20日巡查因手机没电未点结束，实际已巡查")
    phone.locator("form.object-form button").click()
    phone.wait_for_load_state()
    expect(phone.locator(".objections li.open")).to_contain_text("手机没电")
    assert phone.locator("form.object-form").count() == 0  # one objection at a time
    screenshot(phone, "objected")
    objection = AppraisalObjection.objects.get()
    assert objection.line.worker == cast.worker_a and objection.is_open
    # The town answers on the desk: upheld, one more patrol day; the phone shows the answer.
    login(desk, live_server, "staff_town1", PASSWORD)
    desk.goto(url(live_server, f"/desk/appraisal/{tree.town1.pk}/?month=2026-10"))
    answer = desk.locator("form.answer-form")
    answer.locator("input[name=upheld][value=yes]").check()
    patrol = objection.line.scores.get(item__measure="patrol_days")
    answer.locator(f"input[name=item_{patrol.item_id}]").fill("13")
    answer.locator("textarea[name=answer]").fill("核实属实，补记一天")
    screenshot(desk, "answer")
    answer.locator("button").click()
    desk.wait_for_load_state()
    expect(desk.locator("tr.objection")).to_contain_text("12.00 → 13.00")
    phone.reload()
    expect(phone.locator("#my-score")).to_have_text("71.67")
    expect(phone.locator(".objections")).to_contain_text("核实属实，补记一天")
    assert offsite_requests == []


def test_a_residents_points_are_redeemed_at_the_village_shop(
    browser, phone, live_server, cast, tree, offsite_requests, screenshot
):
    household = Household.objects.create(node=tree.grid_a, address="一组5号", head_name="李大妈")
    resident = Resident.objects.create(household=household, name="李大妈", phone="13911112222")
    card = actions.points_account_open(actor=cast.village_chief, resident_id=resident.pk)
    actions.points_award(
        actor=cast.village_chief, account_id=card.pk, amount=100, reason="参与防汛"
    )
    soap = actions.shop_item_save(
        actor=cast.village_chief, village_id=tree.village1.pk, name="洗衣粉", unit="袋", price=30
    )
    actions.shop_stock_in(actor=cast.village_chief, item_id=soap.pk, quantity=5)
    # The resident's own phone: her card, with the code the shop scans.
    context, hers = _new_page(
        browser, offsite_requests, viewport={"width": 360, "height": 740}, is_mobile=True
    )
    try:
        hers.goto(url(live_server, f"/g/points/{card.code}/"))
        expect(hers.locator("#public-balance")).to_have_text("100")
        assert hers.locator(".qr-box svg").count() == 1
        scanned = hers.locator(".m-card small.mono").inner_text()  # what the QR code holds
        assert scanned.endswith(f"/m/shop/card/{card.code}/")
        screenshot(hers, "card")
        assert overflowing(hers) == []
        # The grid chief's phone at the shop opens what the code leads to.
        login(phone, live_server, "village_chief", PASSWORD)
        phone.goto(scanned)
        expect(phone.locator("#card-balance")).to_have_text("100")
        phone.select_option("#redeem-item", str(soap.pk))
        phone.fill("#redeem-quantity", "2")
        screenshot(phone, "counter")
        assert overflowing(phone) == []
        phone.locator("form.m-redeem button").click()
        phone.wait_for_load_state()
        expect(phone.locator("#card-balance")).to_have_text("40")
        assert "洗衣粉 × 2" in phone.inner_text("body")
        hers.reload()
        expect(hers.locator("#public-balance")).to_have_text("40")
        assert "洗衣粉 × 2" in hers.inner_text("body")
    finally:
        context.close()
    card.refresh_from_db()
    assert card.balance == 40 and ShopItem.objects.get(pk=soap.pk).stock == 3
    assert PointsAccount.objects.count() == 1
    assert offsite_requests == []
