"""Reporting from a phone in a real browser: with a photo, and with no signal until later."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from cases.models import Attachment, Case, Category
from tests.e2e.conftest import login, overflowing, page_width, url
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def categories(db):
    return Category.objects.create(name="邻里纠纷", group="dispute")


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


def fill(page, category, text):
    page.select_option("select[name=category]", str(category.pk))
    page.fill("textarea[name=description]", text)
    page.fill("input[name=location]", "村东头")


def test_a_grid_worker_reports_a_case_with_a_photo_from_the_phone(
    phone, live_server, cast, categories, offsite_requests, screenshot
):
    login(phone, live_server, "worker_a", PASSWORD)
    phone.goto(url(live_server, "/m/report/"))
    fill(phone, categories, "两户因排水沟走向争吵")
    phone.set_input_files(
        "input[name=photos]",
        files=[{"name": "scene.png", "mimeType": "image/png", "buffer": png()}],
    )
    screenshot(phone, "form")
    assert page_width(phone) <= 360, overflowing(phone)
    phone.locator("button.m-send").click()

    expect(phone).to_have_url(re.compile(r"/m/cases/\d+/$"))
    case = Case.objects.get()
    expect(phone.locator("main h1")).to_contain_text("两户因排水沟走向争吵")
    expect(phone.locator("ul.files img")).to_have_count(1)
    assert case.reporter == cast.worker_a and case.status == "reported"
    # The photo was scaled on the phone (canvas → JPEG) before it was sent.
    assert Attachment.objects.get(case=case).file.name.endswith(".jpg")
    screenshot(phone, "case")
    # From the phone home: the report button, and the report listed under "my reports".
    phone.goto(url(live_server, "/m/"))
    phone.locator(".m-report-link a").click()
    expect(phone.locator(".my-reports li")).to_have_count(1)
    expect(phone.locator(".my-reports")).to_contain_text(case.number)
    phone.locator(".my-reports a").click()
    expect(phone).to_have_url(url(live_server, f"/m/cases/{case.pk}/"))
    assert offsite_requests == []


def test_a_report_made_without_signal_is_sent_once_the_signal_returns(
    phone, live_server, cast, categories, offsite_requests, screenshot
):
    login(phone, live_server, "worker_a", PASSWORD)
    phone.goto(url(live_server, "/m/report/"))
    fill(phone, categories, "路灯坏了三盏")
    phone.context.set_offline(True)
    phone.locator("button.m-send").click()

    state = phone.locator("#m-state")
    expect(state).to_be_visible()
    expect(state).not_to_have_class(re.compile("sent"))
    assert Case.objects.count() == 0
    assert phone.evaluate("JSON.parse(localStorage.getItem('gridgov.outbox')).length") == 1
    screenshot(phone, "saved")

    phone.context.set_offline(False)
    expect(state).to_have_class(re.compile("sent"), timeout=15_000)
    screenshot(phone, "sent")
    assert phone.evaluate("JSON.parse(localStorage.getItem('gridgov.outbox')).length") == 0
    phone.wait_for_timeout(2500)  # a late retry, if any, would have come by now
    assert Case.objects.filter(description="路灯坏了三盏").count() == 1
    assert offsite_requests == []
