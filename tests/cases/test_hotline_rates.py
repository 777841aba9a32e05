"""The 12345 hotline's 三率 on a small hand-made month, against a count made on paper, and on
the dashboard ("—" when there is nothing to count)."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from cases.desk import dashboard as dashboard_page
from cases.models import Case, HotlineOrder
from cases.queries.figures import Period
from cases.queries.hotline import hotline_rates
from tests.cases.hotline import make_hotline

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 11, 18, 9, 0))
NOVEMBER = Period("month", dt.date(2026, 11, 1), dt.date(2026, 12, 1))
H = dt.timedelta(hours=1)
_seq = itertools.count(1)


def at(month, day, hour=10):
    return timezone.make_aware(dt.datetime(2026, month, day, hour, 0))


def order(
    client,
    node,
    received,
    *,
    signed=None,
    due=None,
    clear_by=None,
    resolved=None,
    verdict="",
    called_back=None,
    returned="",
):
    """An order with exactly the dates the rates read (set-up only: the actions are tested
    elsewhere); the town has two hours to sign for it."""
    n = next(_seq)
    case = Case.objects.create(
        number=f"H-{n}",
        tracking_code=f"HT{n:06d}",
        title="路灯不亮",
        description="路灯不亮",
        source="hotline",
        node=node,
        owner_node=node,
        color="yellow",
        status="resolved" if resolved else "handling",
        created_at=received,
        accepted_at=received,
        clear_by=clear_by,
        resolved_at=resolved,
    )
    return HotlineOrder.objects.create(
        client=client,
        order_no=f"SX-{n}",
        case=case,
        received_at=received,
        respond_by=received + 2 * H,
        signed_at=signed,
        due_at=due,
        verdict=verdict,
        called_back_at=called_back,
        return_state=returned,
    )


@pytest.fixture
def month(tree):
    """November in town 1, each order's part in the count said beside it."""
    client = make_hotline(tree.county).client
    v = tree.village1
    # 1: signed in time; due the 10th, resolved the 9th; called back satisfied.
    order(
        client,
        v,
        at(11, 2),
        signed=at(11, 2, 11),
        due=at(11, 10),
        resolved=at(11, 9),
        verdict="satisfied",
        called_back=at(11, 12),
    )
    # 2: signed late; due the 20th, not resolved; called back basically satisfied.
    order(
        client,
        tree.grid_a,
        at(11, 3),
        signed=at(11, 3, 13),
        due=at(11, 20),
        verdict="basically_satisfied",
        called_back=at(11, 21),
    )
    # 3: received an hour ago: its two hours are not up, so it is not counted yet; due in Dec.
    order(client, v, NOW - H / 2, due=at(12, 5))
    # 4: never signed and its time is up; no hotline deadline: the case's own, the 25th,
    # resolved the 26th (before the month's end); called back unsatisfied.
    order(
        client,
        v,
        at(11, 5),
        clear_by=at(11, 25),
        resolved=at(11, 26),
        verdict="unsatisfied",
        called_back=at(11, 27),
    )
    # 5: October's: received, due and called back before the month.
    order(
        client,
        v,
        at(10, 30),
        signed=at(10, 30, 11),
        due=at(10, 31),
        verdict="satisfied",
        called_back=at(10, 31, 15),
    )
    # 6: town 2's.
    order(
        client,
        tree.grid_c,
        at(11, 4),
        signed=at(11, 4, 11),
        due=at(11, 8),
        resolved=at(11, 7),
        verdict="unsatisfied",
        called_back=at(11, 9),
    )
    # 7: taken back by the hotline: never town 1's, in no count.
    order(
        client,
        v,
        at(11, 6),
        due=at(11, 9),
        verdict="unsatisfied",
        called_back=at(11, 10),
        returned="accepted",
    )
    return client


def test_the_three_rates_of_a_month_are_those_counted_on_paper(tree, month):
    rates = hotline_rates(tree.town1, *NOVEMBER.bounds, now=NOW)
    assert rates.received == 4  # 1, 2, 3, 4
    assert (rates.responded_in_time, rates.response_counted) == (1, 3)  # 1 of 1, 2, 4
    assert (rates.resolved, rates.due) == (2, 3)  # 1 and 4 of 1, 2, 4
    assert (rates.satisfied, rates.called_back) == (2, 3)  # 1 and 2 of 1, 2, 4
    assert rates.response_rate == pytest.approx(1 / 3)
    assert rates.resolution_rate == pytest.approx(2 / 3)
    assert rates.satisfaction_rate == pytest.approx(2 / 3)


def test_the_county_counts_both_towns_and_a_village_its_own(tree, month):
    county = hotline_rates(tree.county, *NOVEMBER.bounds, now=NOW)
    assert (county.responded_in_time, county.response_counted) == (2, 4)
    assert (county.resolved, county.due) == (3, 4)
    assert (county.satisfied, county.called_back) == (2, 4)
    grid = hotline_rates(tree.grid_a, *NOVEMBER.bounds, now=NOW)
    assert (grid.response_counted, grid.due, grid.called_back) == (1, 1, 1)


def test_the_order_counted_once_its_time_is_up(tree, month):
    later = hotline_rates(tree.town1, *NOVEMBER.bounds, now=NOW + 2 * H)
    assert (later.responded_in_time, later.response_counted) == (1, 4)


def test_nothing_to_count_is_none_not_zero(tree, month):
    december = Period("month", dt.date(2026, 12, 1), dt.date(2027, 1, 1))
    rates = hotline_rates(tree.town1, *december.bounds, now=NOW)
    assert rates.response_rate is None and rates.satisfaction_rate is None
    assert rates.resolution_rate == 0  # order 3 falls due in December, unresolved


def test_the_rates_are_one_query(tree, month, django_assert_num_queries):
    with django_assert_num_queries(1):
        hotline_rates(tree.county, *NOVEMBER.bounds, now=NOW)


def test_the_dashboard_shows_the_three_rates_and_a_dash_for_nothing(
    client, cast, tree, month, monkeypatch
):
    monkeypatch.setattr(dashboard_page, "_now", lambda: NOW)
    client.force_login(cast.staff_town1)
    html = client.get("/desk/dashboard/", {"period": "month"}).content.decode()
    section = html[html.index('class="dash-figures dash-hotline"') :]
    section = section[: section.index("</section>")]
    assert section.count("33.33%") == 1 and section.count("66.66%") == 2  # as every rate: pct
    assert 'title="1 / 3"' in section and 'title="2 / 3"' in section
    client.force_login(cast.staff_town2)
    html = client.get(
        "/desk/dashboard/", {"period": "range", "start": "2026-12-01", "end": "2026-12-31"}
    ).content.decode()
    section = html[html.index('class="dash-figures dash-hotline"') :]
    section = section[: section.index("</section>")]
    assert section.count("<b>—</b>") == 3
