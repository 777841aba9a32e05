"""The two daily loops in a real browser.

The desk: town staff take a hotline case from the intake queue, set its category while
accepting it, dispatch it to the unit the responsibility list suggests, find it under 待核查
once it is resolved, and verify it. The phone: the grid worker opens today's list, signs a
waiting case with one tap, and visits a due household from its page."""

import re

from playwright.sync_api import expect

from cases import actions
from cases.models import Case, Status
from tests.e2e.conftest import login, url
from tests.factories import PASSWORD, make_case


def _todo(page, label: str):
    return page.locator("ul.todo a", has_text=label)


def test_town_staff_triage_a_hotline_case_dispatch_it_and_verify_it(
    desk, live_server, cast, tree, units, offsite_requests, screenshot
):
    case = make_case(
        cast,
        tree.grid_a,
        reporter=None,
        source="hotline",
        title="村口有人占用耕地建房",
        description="12345转来:村口农田里有人打地基建房。",
        reporter_name="刘大爷",
        reporter_phone="13812345678",
    )
    assert case.category_id is None  # the hotline does not know our categories

    login(desk, live_server, "staff_town1", PASSWORD)
    desk.goto(url(live_server, "/desk/"))
    expect(_todo(desk, "待受理").locator(".count")).to_have_text("1")
    with desk.expect_navigation():
        _todo(desk, "待受理").click()
    with desk.expect_navigation():
        desk.locator(f"a[href='/desk/intake/{case.pk}/']").first.click()

    # 研判: the color and the category in one step; the category list is grouped.
    accept = desk.locator("form:has(input[name=do][value=accept])")
    accept.locator("label.color-choice.orange").click()
    category = accept.locator("select[name=accept-category]")
    expect(category.locator("optgroup")).not_to_have_count(0)
    category.select_option(str(units.land.pk))
    with desk.expect_navigation():
        accept.locator("button.primary").click()
    case.refresh_from_db()
    assert (case.status, case.category_id, case.color) == (
        Status.ACCEPTED,
        units.land.pk,
        "orange",
    )

    # The responsibility list now names the owner: its outpost in the town comes first.
    dispatch = desk.locator("form:has(input[name=do][value=dispatch])")
    target = dispatch.locator("select[name=dispatch-dispatch_to]")
    first = target.locator("option:not([value=''])").first
    expect(first).to_have_attribute("value", f"unit:{units.land_outpost.pk}")
    target.select_option(f"unit:{units.land_outpost.pk}")
    with desk.expect_navigation():
        dispatch.locator("button.primary").click()
    case.refresh_from_db()
    assert (case.status, case.handler_unit_id) == (Status.DISPATCHED, units.land_outpost.pk)

    # The outpost does the work (its own door is not this test's).
    actions.case_sign(actor=units.outpost_staff, case_id=case.pk)
    actions.case_resolve(actor=units.outpost_staff, case_id=case.pk, result="已制止并拆除地基")

    desk.goto(url(live_server, "/desk/"))
    expect(_todo(desk, "待核查").locator(".count")).to_have_text("1")
    expect(desk.locator("aside.side a", has_text="待核查")).to_be_visible()
    with desk.expect_navigation():
        _todo(desk, "待核查").click()
    expect(desk).to_have_url(url(live_server, "/desk/verify/"))
    row = desk.locator("table.verify-queue tbody tr", has_text=case.number)
    expect(row).to_contain_text("已制止并拆除地基")
    with desk.expect_navigation():
        row.locator("a.button").click()
    verify = desk.locator("details.act-verify_ok")
    verify.locator("summary").click()
    verify.locator("[name=text]").fill("现场复核,已恢复耕种")
    with desk.expect_navigation():
        verify.locator("button[name=action][value=verify_ok]").click()
    expect(desk.locator(".case-tags .status-closed")).to_be_visible()
    screenshot(desk, "desk-loop-verified")
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED
    desk.goto(url(live_server, "/desk/"))
    expect(_todo(desk, "待核查").locator(".count")).to_have_text("0")
    assert not offsite_requests
    assert not re.search(r"13812345678", desk.content())


def test_the_grid_worker_signs_a_waiting_case_with_one_tap_and_visits_a_due_household(
    phone, live_server, cast, tree, offsite_requests, screenshot
):
    from django.utils import timezone

    from grids import actions as grid_actions
    from staff.models import Visit

    waiting = make_case(cast, tree.grid_a, "dispatched", title="路灯不亮")
    later = make_case(cast, tree.grid_a, "handling", title="井盖松动")
    household = grid_actions.household_create(
        actor=None,
        node_id=tree.grid_a.pk,
        address="梁家庵村一组 8号",
        head_name="周大爷",
        category="key",
    )
    assert household.next_visit_due == timezone.localdate()  # a new key household: due now

    login(phone, live_server, "worker_a", PASSWORD)
    phone.goto(url(live_server, "/m/"))
    cases = phone.locator("ul.my-cases > li")
    expect(cases.first).to_contain_text("路灯不亮")  # waiting to be signed: first
    expect(cases.first.locator("button[name=action][value=sign]")).to_be_visible()
    expect(phone.locator("ul.my-cases", has_text="井盖松动")).to_contain_text("截止")
    screenshot(phone, "today")
    with phone.expect_navigation():
        cases.first.locator("button[name=action][value=sign]").click()
    expect(phone).to_have_url(url(live_server, "/m/"))
    expect(phone.locator(".messages, .messagelist").first).to_contain_text("签收")
    assert Case.objects.get(pk=waiting.pk).status == Status.HANDLING
    expect(phone.locator("ul.my-cases button[name=action][value=sign]")).to_have_count(0)
    assert Case.objects.get(pk=later.pk).status == Status.HANDLING

    # The household, from its own page in the ledger.
    phone.goto(url(live_server, f"/m/ledger/{household.pk}/"))
    with phone.expect_navigation():
        phone.locator("a.button", has_text="记录走访").click()
    phone.check("input[name=how][value=home]")
    phone.fill("textarea[name=findings]", "老人身体良好,门前路灯已报修")
    with phone.expect_navigation():
        phone.locator("form.visit-form button.primary").click()
    expect(phone).to_have_url(url(live_server, "/m/"))
    expect(phone.locator(".messages, .messagelist").first).to_contain_text("周大爷")
    screenshot(phone, "visited")
    assert Visit.objects.filter(household=household, user=cast.worker_a).count() == 1
    household.refresh_from_db()
    assert household.next_visit_due > timezone.localdate()
    assert not offsite_requests
