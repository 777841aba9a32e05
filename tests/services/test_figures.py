"""The desk's service figures, counted by hand on a small month: requests by item and status,
decided within the promised time, at most one visit (最多跑一次), overdue and open; each figure's
link opens exactly the requests behind it. Every list's queries are pinned: the same number
however many rows."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from services import actions
from tests.factories import T0
from tests.services.conftest import ALL

NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}
DAY = dt.timedelta(days=1)


@pytest.fixture
def month(cast, make_item, make_request):
    """Five requests of November: on time and delivered, late, an errand, one that needed a
    second trip, and one overdue and still open."""
    staff = cast.staff_town1
    on_time = make_request("delivered")
    late = make_request("handed")
    errand = make_request("received", channel="errand", the_item=make_item(name="残疾人证办理"))
    second_trip = make_request("incomplete")
    actions.service_request_complete(
        actor=staff, request_id=second_trip.pk, materials=ALL, came="in_person", now=T0 + 2 * DAY
    )
    still_open = make_request("accepted")
    actions.request_sweep(now=T0 + 8 * DAY)
    actions.service_request_done(actor=staff, request_id=late.pk, result="补办", now=T0 + 10 * DAY)
    return {
        "on_time": on_time,
        "late": late,
        "errand": errand,
        "second": second_trip,
        "open": still_open,
    }


def test_the_figures_of_a_month_counted_by_hand(client, cast, month):
    client.force_login(cast.staff_town1)
    f = client.get(reverse("services_figures"), NOVEMBER).context["f"]
    assert (f.received, f.decided, f.on_time, f.one_visit, f.more_visits, f.overdue_open) == (
        5,
        2,
        1,
        4,
        1,
        1,
    )
    assert f.on_time_rate == 0.5 and f.one_visit_rate == 0.8
    rows = {row["name"]: row["counts"] for row in f.rows}
    assert rows == {
        "高龄补贴申请": {"delivered": 1, "done": 1, "accepted": 2},
        "残疾人证办理": {"received": 1},
    }


def _listed(client, href: str) -> int:
    return client.get(href.replace("&amp;", "&")).context["page"].paginator.count


def test_each_figure_opens_the_requests_behind_it(client, cast, month):
    client.force_login(cast.staff_town1)
    html = client.get(reverse("services_figures"), NOVEMBER).content.decode()
    links = re.findall(r'href="(/desk/services/\?[^"]+)"', html)
    counts = {link: _listed(client, link) for link in links}
    by_filter = {re.sub(r"&amp;(from|to)=[0-9-]+", "", k): v for k, v in counts.items()}
    assert by_filter["/desk/services/?timing=on_time"] == 1
    assert by_filter["/desk/services/?visits=one"] == 4
    assert by_filter["/desk/services/?visits=more"] == 1
    assert by_filter["/desk/services/?overdue=1"] == 1
    assert len([k for k in by_filter if "status=" in k]) == 4  # one link per non-empty cell


def test_another_towns_staff_count_none_of_it(client, cast, month):
    client.force_login(cast.staff_town2)
    f = client.get(reverse("services_figures"), NOVEMBER).context["f"]
    assert (f.received, f.rows) == (0, [])


def test_the_figures_period_takes_no_impossible_date(client, cast, month):
    client.force_login(cast.staff_town1)
    for bad in ("2026-13-45", "x" * 300, "-1", "99999-01-01"):
        assert client.get(reverse("services_figures"), {"from": bad, "to": bad}).status_code == 200


# ---------------------------------------------------------------- query counts


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def _grow(make_request, make_item, tree, n):
    for i in range(n):
        make_request("received", the_item=make_item(name=f"事项{i}"))
        make_request("handed", node=tree.grid_b)


def _pinned(client, urls, grow, expected: dict):
    before = {u: _queries(client, u) for u in urls}
    grow()
    after = {u: _queries(client, u) for u in urls}
    assert before == after
    assert after == expected


def test_the_desk_lists_and_figures_take_the_same_queries_however_many_rows(
    client, cast, tree, item, make_request, make_item
):
    make_request("handed")
    client.force_login(cast.staff_town1)
    urls = [
        reverse("services_requests"),
        reverse("services_figures"),
        f"{reverse('services_requests')}?status=handed&item={item.pk}",
    ]
    _pinned(
        client,
        urls,
        lambda: _grow(make_request, make_item, tree, 6),
        # session, user, grants, (count + page | four figures and four of the orders), notices
        {urls[0]: 6, urls[1]: 12, urls[2]: 6},
    )


def test_the_residents_pages_take_the_same_queries_however_many_items(
    client, tree, make_item, make_request
):
    from services.calendar import is_day_off
    from services.models import DutySlot
    from tests.services.test_public_pages import next_day_off

    DutySlot.objects.create(
        town=tree.town1, date=next_day_off(), starts=dt.time(9), ends=dt.time(12), window="大厅"
    )
    make_item()
    code = tree.grid_a.code
    urls = [
        reverse("public_services", kwargs={"code": code}),
        reverse("public_service_handbook", kwargs={"code": code}),
        reverse("public_duty", kwargs={"code": code}),
    ]

    def grow():
        day = next_day_off()
        for i in range(8):
            make_item(name=f"便民事项{i}", node=tree.village1 if i % 2 else tree.town1)
            day += dt.timedelta(days=1)
            while not is_day_off(day):
                day += dt.timedelta(days=1)
            DutySlot.objects.create(
                town=tree.town1, date=day, starts=dt.time(13), ends=dt.time(18), window=f"窗口{i}"
            )

    # the place, (its town,) the items and their staff; the slots and the holidays' names
    _pinned(client, urls, grow, {urls[0]: 3, urls[1]: 4, urls[2]: 7})


def test_the_errand_list_takes_the_same_queries_however_many_errands(client, cast, make_request):
    make_request("received", channel="errand")
    client.force_login(cast.worker_a)
    url = reverse("services_errands")

    def grow():
        for _i in range(5):
            make_request("received", channel="errand")
            make_request("done", channel="errand")

    _pinned(client, [url], grow, {url: 6})


def test_the_days_bookings_take_the_same_queries_however_many_bookings(client, cast, tree):
    from services.models import DutySlot
    from tests.services.test_public_pages import next_day_off

    day = next_day_off()
    slot = DutySlot.objects.create(
        town=tree.town1, date=day, starts=dt.time(9), ends=dt.time(12), window="大厅", capacity=20
    )
    actions.duty_book(slot_id=slot.pk, resident_name="甲", resident_phone="13800000000")
    client.force_login(cast.staff_town1)
    url = f"{reverse('services_duty')}?date={day.isoformat()}"

    def grow():
        for i in range(1, 10):
            actions.duty_book(slot_id=slot.pk, resident_name="乙", resident_phone=f"1380000000{i}")

    # session, user, grants, bookings, the day's name (two), the coming days, the notices
    _pinned(client, [url], grow, {url: 8})
