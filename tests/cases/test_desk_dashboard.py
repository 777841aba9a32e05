"""The desk dashboard: its own figures on a hand-made dataset, its scope, its input, its queries.

The KPI set itself is checked in test_kpis.py; here: the 12-week trend buckets, the ladder
shares, the grid ranking with difficulty weights, the town-by-town rows and the page around them.
"""

import datetime as dt
import itertools

import pytest
from django.core.cache import cache
from django.urls import reverse

from cases.desk import dashboard as dashboard_page
from cases.models import Case
from cases.queries import dashboard as figures
from cases.queries import kpis
from tests.conftest import page_text
from tests.factories import T0, grant, make_node

NOW = T0 + dt.timedelta(days=2)  # Wednesday 2026-11-18 09:00
TODAY = NOW.date()
D = dt.timedelta(days=1)
W = dt.timedelta(weeks=1)
MONDAY = T0.replace(hour=0)  # 2026-11-16 00:00, this week
NOVEMBER = figures.Period("month", dt.date(2026, 11, 1), dt.date(2026, 12, 1))
_seq = itertools.count(1)


def make_case(node, created, status="handling", *, due=None, resolved=None, closed=None, tier=""):
    """A case with exactly the dates the dashboard reads (set-up only; the workflow is tested
    elsewhere)."""
    n = next(_seq)
    return Case.objects.create(
        number=f"D-{n}",
        tracking_code=f"DT{n:06d}",
        title="测试事件",
        description="测试",
        source="patrol",
        node=node,
        owner_node=node,
        color="" if status == "reported" else "yellow",
        status=status,
        created_at=created,
        accepted_at=None if status == "reported" else created,
        clear_by=due,
        resolved_at=resolved,
        closed_at=closed,
        settled_tier=tier,
    )


def closed_case(node, created, due, resolved, tier="grid"):
    return make_case(
        node,
        created,
        "closed",
        due=due,
        resolved=resolved,
        closed=resolved + dt.timedelta(hours=1),
        tier=tier,
    )


@pytest.fixture
def fixed_now(monkeypatch):
    monkeypatch.setattr(dashboard_page, "_now", lambda: NOW)


# ---------------------------------------------------------------- the figures


def test_trend_puts_each_case_in_its_week_and_rates_closures(tree):
    make_case(tree.grid_a, MONDAY + 3 * 3600 * dt.timedelta(seconds=1))  # this week
    make_case(tree.micro_a1, NOW - dt.timedelta(hours=1))  # this week, in a micro-grid
    make_case(tree.grid_b, MONDAY - 3 * W + D)  # three weeks ago
    # Due last week: one closed, one still open → 1 of 2 closed.
    closed_case(tree.grid_a, MONDAY - 20 * W, due=MONDAY - W + D, resolved=MONDAY - W + D / 2)
    make_case(tree.grid_b, MONDAY - 20 * W, due=MONDAY - W + 2 * D)
    make_case(tree.grid_a, MONDAY - 13 * W + D)  # before the 12 weeks: not shown
    make_case(tree.grid_c, MONDAY + D)  # town 2: not town 1's
    make_case(tree.grid_a, MONDAY + D, "rejected", due=MONDAY - W + D)  # not standing: not due

    weeks = figures.trend(tree.town1, TODAY)

    assert len(weeks) == 12
    assert weeks[0].start == dt.date(2026, 8, 31) and weeks[-1].start == dt.date(2026, 11, 16)
    assert [w.received for w in weeks] == [0] * 8 + [1, 0, 0, 3]
    assert (weeks[-2].due, weeks[-2].closed, weeks[-2].closure_rate) == (2, 1, 0.5)
    assert weeks[0].closure_rate is None  # nothing due: "—", not 0%


def test_each_trend_week_agrees_with_the_kpis_of_that_week(tree):
    for i in range(30):
        created = MONDAY - (i % 11) * W + (i % 5) * D
        if i % 3:
            closed_case(tree.grid_a, created, due=created + 2 * D, resolved=created + D)
        else:
            make_case(tree.grid_b, created, due=created + 6 * D)
    for w in figures.trend(tree.town1, TODAY):
        k = kpis(tree.town1, figures.midnight(w.start), figures.midnight(w.start + W))
        assert (w.received, w.due, w.closed) == (k.received, k.due, k.closed)


def test_ladder_shares_count_where_closed_cases_were_settled(tree):
    start = figures.midnight(dt.date(2026, 11, 2))
    for node, tier in [
        (tree.grid_a, "grid"),
        (tree.micro_a1, "micro_grid"),
        (tree.grid_b, "village"),
        (tree.grid_b, "town"),
    ]:
        closed_case(node, start, due=start + 5 * D, resolved=start + D, tier=tier)

    board = figures.dashboard(tree.town1, NOVEMBER, now=NOW)

    shares = {r.tier: (r.count, r.share) for r in board.ladder}
    assert shares == {
        "grid": (2, 0.5),
        "village": (1, 0.25),
        "town": (1, 0.25),
        "county": (0, 0.0),
    }
    assert "settled=village" in board.ladder[1].link


def test_grid_ranking_weights_on_time_closures_by_difficulty(tree):
    start = figures.midnight(dt.date(2026, 11, 2))
    due = start + 5 * D
    # Grid A (difficulty A, ×1.2): 3 closed on time, one of them in its micro-grid → 3.6.
    for node in (tree.grid_a, tree.grid_a, tree.micro_a1):
        closed_case(node, start, due=due, resolved=start + D)
    # Grid B (B, ×1.0): 3 on time and 1 late → 3.0, more closures but a lower score.
    for _ in range(3):
        closed_case(tree.grid_b, start, due=due, resolved=start + D)
    closed_case(tree.grid_b, start, due=due, resolved=due + D)
    make_case(tree.grid_c, start, due=due)  # town 2: not ranked in town 1

    ranking = figures.grid_ranking(tree.town1, NOVEMBER)

    assert [(s.node.code, s.closed, s.on_time, s.weight, s.score) for s in ranking] == [
        (tree.grid_a.code, 3, 3, 1.2, 3.6),
        (tree.grid_b.code, 4, 3, 1.0, 3.0),
    ]
    assert ranking[1].closure_rate == 1.0 and ranking[1].on_time_rate == 0.75
    county = figures.grid_ranking(tree.county, NOVEMBER)
    assert [s.node.code for s in county] == [tree.grid_a.code, tree.grid_b.code, tree.grid_c.code]
    assert county[2].due == 1 and county[2].score == 0


def test_town_comparison_has_one_row_per_town_with_its_own_figures(tree):
    start = figures.midnight(dt.date(2026, 11, 3))
    closed_case(tree.grid_a, start, due=start + D, resolved=start)
    closed_case(tree.village1, start, due=start + D, resolved=start + 2 * D)  # late
    make_case(tree.town1, start, "reported")
    make_case(tree.grid_c, start, due=start + 3 * D)
    make_case(tree.grid_c, start - 60 * D)  # another period

    rows = {s.node.name: s for s in figures.town_comparison(tree.county, NOVEMBER)}

    assert set(rows) == {"沙河营镇", "博望街道"}
    t1, t2 = rows["沙河营镇"], rows["博望街道"]
    assert (t1.received, t1.due, t1.closed, t1.on_time, t1.closure_rate) == (3, 2, 2, 1, 1.0)
    assert (t2.received, t2.due, t2.closed, t2.closure_rate) == (1, 1, 0, 0.0)
    assert f"/desk/cases/?node={tree.town1.pk}" in t1.links["received"]


# ---------------------------------------------------------------- periods


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, ("month", "2026-11-01", "2026-12-01")),
        ({"period": "week"}, ("week", "2026-11-16", "2026-11-23")),
        ({"period": "quarter"}, ("quarter", "2026-10-01", "2027-01-01")),
        (
            {"period": "range", "start": "2026-09-01", "end": "2026-09-30"},
            ("range", "2026-09-01", "2026-10-01"),
        ),
    ],
)
def test_periods_are_read_from_the_query_string(params, expected):
    p = figures.parse_period(params, TODAY)
    assert (p.kind, p.start.isoformat(), p.end.isoformat(), p.error) == (*expected, "")


@pytest.mark.parametrize(
    "params",
    [
        {"period": "decade"},
        {"period": "range"},
        {"period": "range", "start": "2026-13-01", "end": "2026-12-01"},
        {"period": "range", "start": "2026-11-10", "end": "2026-11-01"},
        {"period": "range", "start": "2020-01-01", "end": "2026-11-01"},
    ],
)
def test_bad_period_input_falls_back_to_this_month_with_a_message(params):
    p = figures.parse_period(params, TODAY)
    assert (p.kind, p.start, p.error != "") == ("month", dt.date(2026, 11, 1), True)


# ---------------------------------------------------------------- the page


URL = "/desk/dashboard/"


def test_the_dashboard_is_hooked_at_desk_dashboard():
    assert reverse("desk_dashboard") == URL


def test_town_staff_see_their_town_with_figures_linked_to_the_cases_behind(
    client, cast, tree, fixed_now
):
    start = figures.midnight(dt.date(2026, 11, 3))
    closed_case(tree.grid_a, start, due=start + D, resolved=start)
    client.force_login(cast.staff_town1)
    response = client.get(URL)
    assert response.status_code == 200
    text = page_text(response)
    assert "沙河营镇" in text and "博望街道" not in text
    assert "梁家庵村第一网格" in text
    html = response.content.decode()
    assert f"/desk/cases/?node={tree.town1.pk}&amp;received_from=2026-11-01" in html
    assert "/desk/board/?node=" in html
    assert "<svg" in html and "<script" not in html
    assert "2026-11-18 09:00:00" in text  # how fresh the figures are
    assert "—" in text and 'class="muted note-compliance"' in html  # no records yet, no numbers
    assert "town-row" not in html  # the comparison is the county's


def test_county_staff_get_the_town_by_town_comparison(client, county_staff, tree, fixed_now):
    client.force_login(county_staff)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="town-row"') == 2
    assert "沙河营镇" in html and "博望街道" in html


def test_county_staff_may_open_a_town_without_the_comparison(client, county_staff, tree, fixed_now):
    client.force_login(county_staff)
    response = client.get(URL, {"node": tree.town2.pk})
    assert response.status_code == 200
    assert "博望街道" in page_text(response) and "town-row" not in response.content.decode()


def test_staff_of_town_1_cannot_open_town_2_or_the_county(client, cast, tree, fixed_now):
    client.force_login(cast.staff_town1)
    assert client.get(URL, {"node": tree.town2.pk}).status_code == 404
    assert client.get(URL, {"node": tree.grid_c.pk}).status_code == 404
    assert client.get(URL, {"node": tree.county.pk}).status_code == 404
    assert client.get(URL, {"node": tree.village1.pk}).status_code == 200


@pytest.mark.parametrize("node", ["abc", "999999", "-1"])
def test_a_node_that_does_not_exist_is_404(client, cast, node, fixed_now):
    client.force_login(cast.staff_town1)
    assert client.get(URL, {"node": node}).status_code == 404


def test_a_grid_worker_has_no_dashboard(client, cast, tree, fixed_now):
    client.force_login(cast.worker_a)
    assert client.get(URL).status_code == 403


def test_in_scope_without_the_right_is_403(client, cast, tree, fixed_now):
    # The village chief may see the village's figures; also a grid worker in town 2, where that
    # grant lets them see the grid but not its figures.
    grant(cast.village_chief, tree.grid_c, "grid_worker")
    client.force_login(cast.village_chief)
    assert client.get(URL, {"node": tree.village1.pk}).status_code == 200
    assert client.get(URL, {"node": tree.grid_c.pk}).status_code == 403
    assert client.get(URL, {"node": tree.town2.pk}).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, fixed_now):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_bad_period_on_the_page_shows_a_message_and_this_month(client, cast, fixed_now):
    client.force_login(cast.staff_town1)
    response = client.get(URL, {"period": "range", "start": "2026-11-30", "end": "nope"})
    assert response.status_code == 200
    text = page_text(response)
    assert "YYYY-MM-DD" in text and "2026-11-01 — 2026-11-30" in text


# ---------------------------------------------------------------- query counts


_grid_numbers = itertools.count(100)


def _grow(tree, factor):
    """`factor` more grids (with micro-grids) in each village and cases in all of them."""
    start = figures.midnight(dt.date(2026, 11, 2))
    for village in (tree.village1, tree.village2):
        for _ in range(factor):
            code = f"{village.code}{next(_grid_numbers):03d}"
            grid = make_node(village, "grid", code=code, difficulty="C")
            micro = make_node(grid, "micro_grid", code=f"{code}001")
            for node in (grid, micro):
                closed_case(node, start, due=start + D, resolved=start)
                make_case(node, start - 3 * W, due=start + 2 * D)


@pytest.mark.parametrize("rolled", [False, True], ids=["live", "from the rollups"])
@pytest.mark.parametrize("who", ["staff_town1", "county_staff"])
def test_the_query_count_is_pinned_and_does_not_grow_with_the_data(
    client, cast, tree, county_staff, who, rolled, django_assert_num_queries, fixed_now
):
    from cases import rollups

    user = county_staff if who == "county_staff" else cast.staff_town1
    # session, user, grants, the scope's node, the county's newest change, the rollups' state,
    # KPIs, trend, grid list, ranking counts, patrol compliance and visit compliance (one grouped
    # query each), the 12345 hotline's three rates, the header's unread notices (+ town list and
    # town counts for the county).
    expected = 17 if who == "county_staff" else 15
    if rolled:
        # The KPIs from the rollups instead of one query over the cases: the towns, four sums of
        # the rows, the cases changed since the run and their counts then, 超期数 of those and
        # of the cases due today, the rollups' state again; the county's town counts with them.
        expected += 7 if who == "county_staff" else 8

    def grow(factor):
        _grow(tree, factor)
        if rolled:  # new grids move the towns' spans: the next run counts the county again
            rollups.refresh(now=NOW - dt.timedelta(minutes=1))

    kept = 6  # the figures kept: session, user, grants, node, newest change, notices
    client.force_login(user)
    grow(1)
    with django_assert_num_queries(expected):
        assert client.get(URL).status_code == 200
    with django_assert_num_queries(kept):
        assert client.get(URL).status_code == 200
    grow(10)  # new cases: the figures are computed again, the trend is still kept
    with django_assert_num_queries(expected - 2):
        assert client.get(URL).status_code == 200
    cache.clear()
    with django_assert_num_queries(expected):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count('class="grid-row"') >= 13  # every grid listed
    with django_assert_num_queries(kept):
        again = client.get(URL)
    assert _figures_of(again) == _figures_of(response)  # the frame has its own nonce, not these


def _figures_of(response) -> str:
    return response.content.decode().split('<div class="dash">', 1)[1]


def _received(response) -> str:
    html = response.content.decode()
    figure = html.split("<span>Received</span>")[0].rsplit("<b>", 1)[1]
    return figure.split("</b>")[0]


def test_kept_figures_change_with_the_next_request_after_a_case_changes(
    client, cast, tree, fixed_now
):
    start = figures.midnight(dt.date(2026, 11, 3))
    client.force_login(cast.staff_town1)
    client.cookies["django_language"] = "en"
    assert _received(client.get(URL)) == "0"
    case = make_case(tree.grid_a, start)
    assert _received(client.get(URL)) == "1"
    # A change to a case already counted (here: its deadline, the figure "due") shows too.
    assert "<b>0</b><span>Due</span>" in client.get(URL).content.decode()
    case.clear_by = start + 3 * D
    case.save()
    assert "<b>1</b><span>Due</span>" in client.get(URL).content.decode()


def test_kept_figures_are_computed_again_when_the_minute_ends(client, cast, tree, monkeypatch):
    # A case that falls overdue changes no row: the clock alone moves 超期数.
    start = figures.midnight(dt.date(2026, 11, 3))
    make_case(tree.grid_a, start, due=NOW + dt.timedelta(seconds=30))
    client.force_login(cast.staff_town1)
    client.cookies["django_language"] = "en"
    monkeypatch.setattr(dashboard_page, "_now", lambda: NOW)
    before = _figures_of(client.get(URL))
    assert "<b>0</b><span>Overdue now</span>" in before
    monkeypatch.setattr(dashboard_page, "_now", lambda: NOW + dt.timedelta(seconds=40))
    assert _figures_of(client.get(URL)) == before  # the same minute: the kept figures
    monkeypatch.setattr(dashboard_page, "_now", lambda: NOW + dt.timedelta(seconds=61))
    after = _figures_of(client.get(URL))
    assert "<b>1</b><span>Overdue now</span>" in after
    assert "2026-11-18 09:01:01" in after  # and the page says when


def test_kept_figures_are_per_language_and_per_node(client, cast, tree, fixed_now):
    client.force_login(cast.staff_town1)
    chinese = client.get(URL).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(URL).content.decode()
    assert "已受理" in chinese or "受理" in chinese
    assert "Accepted" in english and "Accepted" not in chinese
    village = client.get(URL, {"node": tree.village1.pk}).content.decode()
    assert "Dashboard: 梁家庵村" in village


def test_a_period_with_a_message_is_never_kept(client, cast, tree, fixed_now, monkeypatch):
    stored = []

    class Recorder:
        def get(self, key):
            return None

        def set(self, key, *args, **kwargs):
            stored.append(key)

    monkeypatch.setattr(dashboard_page, "cache", Recorder())
    client.force_login(cast.staff_town1)
    client.get(URL, {"period": "range", "start": "2026-11-30", "end": "nope"})
    assert stored == []
    client.get(URL)
    assert len(stored) == 1


def test_the_dashboard_still_answers_when_the_cache_is_down(client, cast, tree, monkeypatch):
    from cases.queries import figures as dashboard

    class Down:
        def get(self, *args, **kwargs):
            raise ConnectionError("cache unreachable")

        set = get

    monkeypatch.setattr(dashboard, "cache", Down())
    monkeypatch.setattr(dashboard_page, "cache", Down())
    client.force_login(cast.staff_town1)
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 200
