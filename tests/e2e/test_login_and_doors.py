"""Logging in through a real browser: each person reaches their door, in Chinese, on their screen."""

import re

from django.conf import settings
from playwright.sync_api import expect

from tests.e2e.conftest import login, overflowing, page_width, url
from tests.factories import PASSWORD


def test_grid_worker_logs_in_on_a_phone_and_sees_their_grid_in_chinese(
    phone, live_server, cast, offsite_requests, screenshot
):
    response = login(phone, live_server, "worker_a", PASSWORD)

    assert response.ok
    expect(phone).to_have_url(url(live_server, "/m/"))
    expect(phone.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(phone.locator("header .who")).to_have_text("王刚")
    expect(phone.locator("main h1")).to_contain_text("王刚")
    expect(phone.locator("main .crumbs")).to_have_text(
        "城固县 › 沙河营镇 › 梁家庵村 › 梁家庵村第一网格"
    )
    screenshot(phone)
    assert page_width(phone) <= 360, overflowing(phone)
    assert offsite_requests == []


def test_town_staff_logs_in_at_the_desk_and_sees_only_their_town_in_the_tree(
    desk, live_server, cast, offsite_requests, screenshot
):
    login(desk, live_server, "staff_town1", PASSWORD)
    expect(desk).to_have_url(url(live_server, "/desk/"))
    expect(desk.locator("header .who")).to_have_text("陈主任")
    screenshot(desk, "home")

    desk.locator("aside.side a[href='/desk/tree/']").click()

    expect(desk).to_have_url(url(live_server, "/desk/tree/"))
    names = desk.locator("table.list tbody td:first-child")
    expect(names.filter(has_text=re.compile(r"^梁家庵村$"))).to_have_count(1)
    expect(names.filter(has_text="梁家庵村第一网格")).to_have_count(1)
    expect(desk.locator("body")).not_to_contain_text("博望街道")
    expect(desk.locator("body")).not_to_contain_text("西原公村")
    screenshot(desk, "tree")
    assert page_width(desk) <= 1366, overflowing(desk)
    assert offsite_requests == []


def test_language_switch_in_the_header_turns_the_page_english_and_back(
    phone, live_server, cast, offsite_requests, screenshot
):
    login(phone, live_server, "worker_a", PASSWORD)
    expect(phone).to_have_url(url(live_server, "/m/"))
    html, header = phone.locator("html"), phone.locator("header")
    log_out = header.locator("form[action='/logout/'] button")
    expect(html).to_have_attribute("lang", "zh-hans")

    header.get_by_role("button", name="English").click()

    expect(html).to_have_attribute("lang", "en")
    expect(phone).to_have_url(url(live_server, "/m/"))  # back on the same page
    expect(phone.locator("main h1")).to_have_text("Hello, 王刚")
    expect(log_out).to_have_text("Log out")
    expect(header.get_by_role("button", name="中文")).to_be_visible()
    screenshot(phone, "en")

    header.get_by_role("button", name="中文").click()

    expect(html).to_have_attribute("lang", "zh-hans")
    expect(phone).to_have_url(url(live_server, "/m/"))
    expect(header.get_by_role("button", name="English")).to_be_visible()
    expect(log_out).not_to_have_text("Log out")  # translated, not just relabelled
    expect(phone.locator("main h1")).not_to_contain_text("Hello")
    screenshot(phone, "zh")
    assert offsite_requests == []


def test_five_wrong_passwords_then_the_right_one_show_the_lockout_page(
    phone, live_server, cast, offsite_requests, screenshot
):
    first = login(phone, live_server, "worker_a", "not-the-password")
    assert first.status == 200
    expect(phone.locator("form .errors")).to_contain_text("密码")  # Django's own zh message
    screenshot(phone, "wrong-password")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(phone, live_server, "worker_a", "not-the-password")

    response = login(phone, live_server, "worker_a", PASSWORD)

    assert response.status == 429
    expect(phone.locator("main h1")).to_have_text(
        re.compile("登录失败次数过多|Too many failed logins")
    )
    expect(phone.locator("header .who")).to_have_count(0)  # not logged in
    screenshot(phone)
    assert page_width(phone) <= 360, overflowing(phone)
    phone.goto(url(live_server, "/m/"))
    expect(phone).to_have_url(re.compile(r"/login/\?next=/m/$"))
    assert offsite_requests == []
