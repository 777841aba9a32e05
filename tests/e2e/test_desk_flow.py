"""A yellow case from intake to closing in a real browser: town staff at the desk accept and
dispatch it, the grid worker on a phone signs and resolves it, town staff verify and close it."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case, Status
from tests.e2e.conftest import login, overflowing, page_width, url
from tests.factories import PASSWORD, make_case


def act(page, action: str, **fields):
    """Open the action's small form, fill what it needs, submit, and wait for the page back."""
    form = page.locator(f"details.act-{action}")
    form.locator("summary").click()
    for name, value in fields.items():
        control = form.locator(f"[name={name}]")
        if control.evaluate("el => el.tagName") == "SELECT":
            control.select_option(str(value))
        else:
            control.fill(str(value))
    with page.expect_navigation():
        form.locator(f"button[name=action][value={action}]").click()


def dashboard_figures(page, live_server, path) -> tuple[str, str, str]:
    """Due, closed and closure rate as the dashboard's key-figure cards show them."""
    page.goto(url(live_server, path))
    cards = page.locator(".kpis a.kpi b")
    return tuple(cards.nth(i).inner_text().strip() for i in (2, 3, 4))


def test_town_staff_and_the_grid_worker_take_a_yellow_case_from_report_to_closed(
    desk, phone, live_server, cast, tree, offsite_requests, screenshot
):
    case = make_case(
        cast,
        tree.grid_a,
        title="排水沟堵塞",
        suggested_color="yellow",
        reporter_name="刘大爷",
        reporter_phone="13812345678",
    )
    page_path = f"/desk/cases/{case.pk}/"
    # The dashboard over the days the yellow deadline falls in (today and the next two).
    today = timezone.localdate()
    dashboard_path = (
        f"/desk/dashboard/?period=range&start={today.isoformat()}"
        f"&end={(today + dt.timedelta(days=2)).isoformat()}"
    )

    # The town desk: note the closure figures, accept as yellow, dispatch to the grid worker.
    login(desk, live_server, "staff_town1", PASSWORD)
    assert dashboard_figures(desk, live_server, dashboard_path) == ("0", "0", "—")
    desk.goto(url(live_server, page_path))
    expect(desk.locator("main h1")).to_contain_text("排水沟堵塞")
    expect(desk.locator(".reporter")).to_contain_text("138****5678")
    expect(desk.locator("button[name=action]")).to_have_count(3)  # accept, reject, merge
    screenshot(desk, "1-reported")
    assert page_width(desk) <= 1366, overflowing(desk)

    act(desk, "accept", color="yellow")
    expect(desk).to_have_url(url(live_server, page_path))
    expect(desk.locator(".case-tags .color-yellow")).to_be_visible()
    expect(desk.locator(".deadline .left")).to_be_visible()  # a yellow deadline, time left

    act(desk, "dispatch", handler=cast.worker_a.pk, text="请今日内处理")
    assert Case.objects.get(pk=case.pk).status == Status.DISPATCHED
    expect(desk.locator(".ladder .holder")).to_contain_text("梁家庵村第一网格")
    screenshot(desk, "2-dispatched")

    # The grid worker's phone: the case is on the home list; sign, then resolve.
    login(phone, live_server, "worker_a", PASSWORD)
    expect(phone).to_have_url(url(live_server, "/m/"))
    phone.locator(f".my-cases a[href='/m/cases/{case.pk}/']").click()
    expect(phone).to_have_url(url(live_server, f"/m/cases/{case.pk}/"))
    expect(phone.locator("button[name=action][value=sign]")).to_have_count(1)
    screenshot(phone, "3-phone-dispatched")
    assert page_width(phone) <= 360, overflowing(phone)

    act(phone, "sign")
    act(phone, "resolve", text="已疏通排水沟,恢复通畅")
    expect(phone.locator(".case-tags .status-resolved")).to_be_visible()
    expect(phone.locator("button[name=action]")).to_have_count(0)  # nothing left for the worker
    screenshot(phone, "4-phone-resolved")
    assert page_width(phone) <= 360, overflowing(phone)
    assert Case.objects.get(pk=case.pk).status == Status.RESOLVED

    # Back at the desk: verify and close.
    desk.goto(url(live_server, page_path))
    act(desk, "verify_ok", text="回访群众满意")

    expect(desk.locator(".case-tags .status-closed")).to_be_visible()
    steps = desk.locator(".timeline li")
    expect(steps).to_have_count(6)
    classes = [c.split()[-1] for c in steps.evaluate_all("els => els.map(e => e.className)")]
    assert classes == [
        "ev-report",
        "ev-accept",
        "ev-dispatch",
        "ev-sign",
        "ev-resolve",
        "ev-verify_ok",
    ]
    expect(desk.locator(".timeline")).to_contain_text("已疏通排水沟")
    expect(desk.locator("body")).not_to_contain_text("13812345678")
    screenshot(desk, "5-closed")
    assert page_width(desk) <= 1366, overflowing(desk)
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED
    assert offsite_requests == []
    assert re.search(r"\d", desk.locator(".deadline").inner_text())
    # The dashboard's closure figures now count it: due 1, closed 1, closure rate 100%.
    assert dashboard_figures(desk, live_server, dashboard_path) == ("1", "1", "100.00%")
    screenshot(desk, "6-dashboard")
