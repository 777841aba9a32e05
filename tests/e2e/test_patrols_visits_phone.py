"""A grid worker's day on a real phone: start and finish the patrol, record a household visit."""

import datetime as dt

from django.utils import timezone

from grids.models import Household
from staff.models import Patrol, Visit
from tests.e2e.conftest import login, overflowing, url
from tests.factories import PASSWORD


def test_a_worker_patrols_and_visits_from_the_phone(
    phone, live_server, cast, tree, offsite_requests, screenshot
):
    today = timezone.localdate()
    h = Household.objects.create(
        node=tree.grid_a,
        address="梁家庵村一组 12号",
        head_name="周大爷",
        category="key",
        next_visit_due=today - dt.timedelta(days=2),
    )
    login(phone, live_server, "worker_a", PASSWORD)
    phone.goto(url(live_server, "/m/"))
    assert "周大爷" in phone.inner_text("body")
    screenshot(phone, "home")
    phone.goto(url(live_server, "/m/patrol/"))
    phone.locator("form.geo button").first.click()
    phone.wait_for_load_state()
    phone.fill("textarea[name=notes]", "巡查一组、二组,无异常")
    screenshot(phone, "patrol-started")
    assert overflowing(phone) == []
    phone.locator("form.geo button").first.click()
    phone.wait_for_load_state()
    assert Patrol.objects.get().finished_at is not None
    phone.goto(url(live_server, "/m/visits/"))
    phone.click("text=周大爷")
    phone.check("input[name=how][value=home]")
    phone.fill("textarea[name=findings]", "身体良好")
    screenshot(phone, "visit-form")
    assert overflowing(phone) == []
    phone.locator("form.visit-form button").click()
    phone.wait_for_load_state()
    assert Visit.objects.get().household == h
    h.refresh_from_db()
    assert h.next_visit_due == today + dt.timedelta(days=7)
    assert offsite_requests == []
