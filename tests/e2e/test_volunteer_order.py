"""群众点单、社区派单、志愿者接单 in a real browser: a resident on a 360x740 phone orders help from
the grid's page; the village dispatches it to its team on the desk; a volunteer of the team, on
their phone, takes it and finishes it with a note and the hours; the resident sees it done by
the order's code and confirms it with a rating."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from services.models import HelpOrder, Volunteer, VolunteerTeam
from tests.e2e.conftest import login, overflowing, page_width, url
from tests.factories import PASSWORD, UserFactory, grant


@pytest.fixture
def team(settings, tree):
    settings.GRIDGOV_PUBLIC_REPORT_MIN_SECONDS = 0  # the browser fills the form in a moment
    care = VolunteerTeam.objects.create(
        name="梁家庵村敬老志愿服务队", kind="elderly", node=tree.village1,
        offers=["care_visit", "company"],
    )  # fmt: skip
    helper = UserFactory(username="care_helper", first_name="张志愿")
    grant(helper, tree.village1, "volunteer")
    Volunteer.objects.create(user=helper, team=care, joined=dt.date(2026, 1, 1))
    return care, helper


def test_a_resident_orders_help_and_a_volunteer_takes_and_finishes_it(
    phone, desk, live_server, cast, tree, team, offsite_requests, screenshot
):
    care, helper = team
    phone.goto(url(live_server, f"/g/{tree.grid_a.code}/"))
    with phone.expect_navigation():
        phone.locator(f"a[href='/g/{tree.grid_a.code}/help/']").first.click()
    phone.check("input[name=kind][value=company]")
    phone.fill("textarea[name=description]", "独居老人，想有人陪着说说话")
    phone.fill("input[name=resident_name]", "孙奶奶")
    phone.fill("input[name=resident_phone]", "136 0000 1234")
    assert page_width(phone) <= 360, overflowing(phone)
    screenshot(phone, "1-order")
    phone.locator("button.m-send").click()
    expect(phone).to_have_url(re.compile(r"/g/help/[2-9A-Z]{10}/$"))
    order = HelpOrder.objects.get()
    track = phone.url

    # The town's centre dispatches it to the village's team.
    login(desk, live_server, "staff_town1", PASSWORD)
    desk.goto(url(live_server, f"/desk/help/{order.pk}/"))
    desk.locator("details.act-dispatch summary").click()
    desk.select_option("select[name=team]", str(care.pk))
    with desk.expect_navigation():
        desk.locator("button[name=action][value=dispatch]").click()
    expect(desk.locator(".messages")).to_be_visible()

    # The volunteer, on the phone: their task list, take it, finish it.
    volunteer = phone.context.browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    vphone = volunteer.new_page()
    login(vphone, live_server, "care_helper", PASSWORD)
    vphone.goto(url(live_server, "/m/"))  # the front page counts the task waiting and leads to it
    tasks = vphone.locator(".m-services-links a[href='/m/help/']")
    expect(tasks).to_contain_text("1")
    with vphone.expect_navigation():
        tasks.click()
    with vphone.expect_navigation():
        vphone.locator(f"a[href='/m/help/{order.pk}/']").click()
    with vphone.expect_navigation():
        vphone.locator("button[name=action][value=take]").click()
    vphone.locator("details.act-finish summary").click()  # handing it back is the other way
    vphone.fill("#id_finish_text", "陪老人聊天一下午，帮着打扫了院子")
    vphone.fill("input[name=hours]", "3")
    assert page_width(vphone) <= 360, overflowing(vphone)
    screenshot(vphone, "2-volunteer")
    with vphone.expect_navigation():
        vphone.locator("button[name=action][value=finish]").click()
    volunteer.close()
    order.refresh_from_db()
    assert (order.status, order.volunteer.user, str(order.hours)) == ("done", helper, "3.0")

    # The resident: done, confirmed with a rating; nothing of the volunteer shown.
    phone.goto(track)
    expect(phone.locator("main")).not_to_contain_text("张志愿")
    phone.check("input[name=rating][value='5']")
    phone.locator("button.m-send").click()
    expect(phone.locator(".messages")).to_be_visible()
    screenshot(phone, "3-confirmed")
    order.refresh_from_db()
    assert (order.status, order.rating) == ("confirmed", 5)
    assert offsite_requests == []
