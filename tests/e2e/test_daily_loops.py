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
