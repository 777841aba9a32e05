"""The resident's loop in a real browser on a 360x740 phone: from the grid's page (the QR code
of its bulletin), report a problem with a photo and get a tracking code; the town accepts and
dispatches it, the grid worker resolves it with a reply to the resident; the resident reads the
reply, rates it 2 and asks for it to be handled again, and the case is back in handling with
both in its history. And a report made with no signal is kept and sent when it returns."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from cases import actions
from cases.models import Attachment, Case, CaseEvent
from tests.cases.public import make_public
from tests.e2e.conftest import login, overflowing, page_width, url
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def ready(settings, units):
    # The live server runs in this process: a person's few seconds are not the test's to wait.
    settings.GRIDGOV_PUBLIC_REPORT_MIN_SECONDS = 0
    settings.GRIDGOV_SMS_BACKEND = "gridgov.sms.MemoryBackend"
    return make_public(units)


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


def test_a_resident_reports_follows_rates_and_reopens_a_case_from_the_grid_page(
    phone, desk, live_server, cast, tree, ready, offsite_requests, screenshot
):
    # Scan: the grid's page, then its "report a problem" button.
    phone.goto(url(live_server, f"/g/{tree.grid_a.code}/"))
    with phone.expect_navigation():
        phone.locator(f"a[href='/g/{tree.grid_a.code}/report/']").first.click()
    expect(phone.locator("main h1")).to_contain_text(tree.grid_a.name)
    phone.select_option("select[name=category]", str(ready.neighbours.pk))
    phone.fill("textarea[name=description]", "村口路灯坏了三天，晚上很黑")
    phone.fill("input[name=location]", "村口大槐树旁")
    phone.fill("input[name=reporter_name]", "刘大爷")
    phone.fill("input[name=reporter_phone]", "139 1234 5678")
    phone.set_input_files(
        "input[name=photos]",
        files=[{"name": "lamp.png", "mimeType": "image/png", "buffer": png()}],
    )
    assert page_width(phone) <= 360, overflowing(phone)
    screenshot(phone, "1-report")
    phone.locator("button.m-send").click()

    expect(phone).to_have_url(re.compile(r"/g/track/[2-9A-Z]{10}/$"))
    case = Case.objects.get()
    code = case.tracking_code
    assert phone.url.endswith(f"/g/track/{code}/")
    expect(phone.locator("main h1")).to_contain_text(code)
    assert (case.source, case.reporter, case.node, case.status) == (
        "resident",
        None,
        tree.grid_a,
        "reported",
    )
    assert case.reporter_phone == "13912345678"
    assert Attachment.objects.filter(case=case, is_photo=True).count() == 1
    assert page_width(phone) <= 360, overflowing(phone)
    screenshot(phone, "2-code")

    # The town takes it in and dispatches it to the grid worker.
    actions.case_accept(actor=cast.staff_town1, case_id=case.pk, color="yellow")
    actions.case_dispatch(actor=cast.staff_town1, case_id=case.pk, handler_id=cast.worker_a.pk)
    actions.case_sign(actor=cast.worker_a, case_id=case.pk)

    # The worker resolves it on their case page, with a word for the resident.
    login(desk, live_server, "worker_a", PASSWORD)
    desk.goto(url(live_server, f"/m/cases/{case.pk}/"))
    resolve = desk.locator("details.act-resolve")
    resolve.locator("summary").click()
    resolve.locator("[name=text]").fill("更换了灯泡和镇流器（内部记录）")
    resolve.locator("[name=public_reply]").fill("路灯已修好，感谢您的反映。")
    with desk.expect_navigation():
        resolve.locator("button[name=action][value=resolve]").click()
    case.refresh_from_db()
    assert case.status == "resolved" and case.public_reply == "路灯已修好，感谢您的反映。"
    actions.case_verify(actor=cast.staff_town1, case_id=case.pk, ok=True)

    # The resident comes back by the code, typed in small letters.
    phone.goto(url(live_server, "/g/track/"))
    phone.fill("input[name=tracking_code]", code.lower())
    with phone.expect_navigation():
        phone.locator("button.m-send").click()
    expect(phone).to_have_url(url(live_server, f"/g/track/{code}/"))
    expect(phone.locator(".public-reply")).to_contain_text("路灯已修好，感谢您的反映。")
    html = phone.content()
    assert "内部记录" not in html and "王刚" not in html and "13912345678" not in html
    assert page_width(phone) <= 360, overflowing(phone)
    screenshot(phone, "3-reply")

    rate = phone.locator("form.rate-form")
    rate.locator("input[name=rating][value='2']").check()
    rate.locator("textarea[name=comment]").fill("修得太慢了")
    with phone.expect_navigation():
        rate.locator("button.m-send").click()
    case.refresh_from_db()
    assert case.satisfaction == 2
    expect(phone.locator("form.rate-form")).to_have_count(0)

    reopen = phone.locator("form.reopen-form")
    reopen.locator("textarea[name=reason]").fill("第二天又不亮了")
    with phone.expect_navigation():
        reopen.locator("button.m-send").click()
    expect(phone.locator(".messages")).to_be_visible()
    screenshot(phone, "4-reopened")
    case.refresh_from_db()
    assert (case.status, case.reopen_count) == ("handling", 1)
    by_resident = CaseEvent.objects.filter(case=case, by_resident=True, actor=None)
    assert sorted(by_resident.values_list("action", flat=True)) == ["rate", "reopen"]

    # The desk reads both in the case's history, by the resident.
    desk.context.clear_cookies()  # the worker's session ends; the town's staff log in
    login(desk, live_server, "staff_town1", PASSWORD)
    desk.goto(url(live_server, f"/desk/cases/{case.pk}/"))
    timeline = desk.locator("ol.timeline")
    expect(timeline.locator("li.ev-rate")).to_contain_text("修得太慢了")
    expect(timeline.locator("li.ev-reopen")).to_contain_text("第二天又不亮了")
    expect(timeline.locator("li.ev-reopen .who")).not_to_have_text("")
    screenshot(desk, "5-history")
    assert not offsite_requests


def test_a_residents_report_made_without_signal_is_sent_once_the_signal_returns(
    phone, live_server, tree, ready, offsite_requests, screenshot
):
    phone.goto(url(live_server, f"/g/{tree.grid_a.code}/report/"))
    phone.select_option("select[name=category]", str(ready.fire.pk))
    phone.fill("textarea[name=description]", "二组麦秸堆冒烟了")
    phone.fill("input[name=reporter_phone]", "13912345678")
    phone.context.set_offline(True)
    phone.locator("button.m-send").click()
    state = phone.locator("#m-state")
    expect(state).to_be_visible()
    expect(state).not_to_have_class(re.compile("sent"))
    assert not Case.objects.exists()
    screenshot(phone, "saved")

    phone.context.set_offline(False)
    expect(state).to_have_class(re.compile("sent"), timeout=15_000)
    case = Case.objects.get()
    # The code, said when it went out, and one tap from its tracking page.
    expect(state.locator("a")).to_have_text(case.tracking_code)
    expect(state.locator("a")).to_have_attribute("href", f"/g/track/{case.tracking_code}/")
    screenshot(phone, "sent")
    phone.wait_for_timeout(2500)  # a late retry, if any, would have come by now
    assert Case.objects.count() == 1 and case.source == "resident"
    assert not offsite_requests
