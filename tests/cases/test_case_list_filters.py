"""Every figure on the dashboard links to the cases behind it: follow each link the page renders
and the case list counts exactly what the figure counts (docs/kpis.md, cases.queries)."""

import datetime as dt
import html
import itertools
import re

import pytest

from cases.desk import dashboard as dashboard_page
from cases.models import Case
from cases.queries import filter_cases, kpis
from tests.factories import T0, UserFactory, grant

S = T0.replace(hour=0)  # Monday 2026-11-16 00:00 Beijing time
E = S + dt.timedelta(days=7)
NOW = T0 + dt.timedelta(days=2)  # Wednesday 2026-11-18 09:00
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
DASHBOARD, CASES = "/desk/dashboard/", "/desk/cases/"
_seq = itertools.count(1)


def make_case(node, created, status="handling", **fields):
    """A case with exactly the dates and counters the figures read (set-up only)."""
    n = next(_seq)
    data = {
        "color": "" if status == "reported" else "yellow",
        "accepted_at": None if status == "reported" else created,
    }
    data.update(fields)
    return Case.objects.create(
        number=f"F-{n}",
        tracking_code=f"FT{n:06d}",
        title=f"筛选测试{n}",
        description="测试",
        source="patrol",
        node=node,
        owner_node=node,
        status=status,
        created_at=created,
        **data,
    )


@pytest.fixture
def fixed_now(monkeypatch):
    monkeypatch.setattr(dashboard_page, "_now", lambda: NOW)


@pytest.fixture
def week(kpi_week, cast, tree, report):
    """test_kpis.py's week, through the workflow, and around it cases on every edge a figure
    has: late closures, closures after the period, reopenings, rungs, ratings, other towns."""
    # test_kpis.py's week (kpi_week), then around it the edges:

    closed = {"status": "closed"}
    # Due this week, closed late at the village rung.
    make_case(
        tree.grid_b,
        S - 10 * D,
        **closed,
        clear_by=S + 3 * D,
        resolved_at=S + 4 * D,
        closed_at=S + 4 * D + H,
        settled_tier="village",
    )
    # Closed this week in a micro-grid after a rework, rated 4; due next week.
    make_case(
        tree.micro_a1,
        S + 2 * D,
        **closed,
        clear_by=E + D,
        resolved_at=S + 3 * D - H,
        closed_at=S + 3 * D,
        settled_tier="micro_grid",
        rework_count=1,
        satisfaction=4,
        rated_at=S + 4 * D,
    )
    # Due this week, closed only after the week: due, not closed.
    make_case(
        tree.village1,
        S - 20 * D,
        **closed,
        clear_by=S + 5 * D,
        resolved_at=S + 5 * D - H,
        closed_at=E + H,
        settled_tier="village",
    )
    # Held by the town, escalated twice, accepted last week, due this week and still open.
    make_case(tree.town1, S - 5 * D, escalation_count=2, clear_by=S + 6 * D)
    # Settled at the county, closed this week, its deadline long past.
    make_case(
        tree.grid_a,
        S - 30 * D,
        **closed,
        clear_by=S - D,
        resolved_at=S + D,
        closed_at=S + D + H,
        settled_tier="county",
    )
    # Closed this week in an area (片区): on no rung of the ladder.
    make_case(
        tree.grid_b,
        S - 2 * D,
        **closed,
        clear_by=E + 3 * D,
        resolved_at=S + 2 * D,
        closed_at=S + 2 * D + H,
        settled_tier="area",
    )
    # Closed, then reopened: its old closing date no longer counts.
    make_case(tree.grid_a, S - 4 * D, clear_by=S + 2 * D, closed_at=S + D, resolved_at=S + D)
    # The edges of the week: the first and last instants are in, the next midnight is out.
    make_case(tree.grid_b, S, clear_by=S)
    make_case(tree.grid_b, E - dt.timedelta(seconds=1), clear_by=E)
    make_case(tree.grid_b, E, "reported")
    # Not standing: never due, whatever their deadline says.
    make_case(tree.grid_a, S + H, "reported", clear_by=S + 2 * D)
    make_case(tree.grid_a, S + H, "merged", clear_by=S + 2 * D)
    # A rating time without a rating is not a rating.
    make_case(tree.grid_a, S - 6 * D, rated_at=S + D, clear_by=S - 2 * D)
    # Town 2: in the county's figures only.
    make_case(
        tree.grid_c,
        S + D,
        **closed,
        clear_by=S + 2 * D,
        resolved_at=S + D + H,
        closed_at=S + D + 2 * H,
        settled_tier="grid",
        escalation_count=1,
        satisfaction=5,
        rated_at=S + 2 * D,
    )


def _page_links(response) -> set[str]:
    return {html.unescape(h) for h in re.findall(r'href="([^"]+)"', response.content.decode())}


def _figures(d) -> list[tuple[str, int, str]]:
    """(what, count, link) for every figure of the dashboard that counts cases."""
    k, links = d.kpis, d.links
    rows = [
        ("received", k.received, links["received"]),
        ("accepted", k.accepted, links["accepted"]),
        ("due", k.due, links["due"]),
        ("closed", k.closed, links["closed"]),
        ("closed on time", k.closed_on_time, links["closed_on_time"]),
        ("closed in the period", k.closed_in_period, links["closed_in_period"]),
        ("escalated", k.escalated, links["escalated"]),
        ("reworked", k.reworked, links["reworked"]),
        ("rated", k.rated, links["rated"]),
    ]
    rows += [(f"settled at {r.tier}", r.count, r.link) for r in d.ladder]
    for w in d.trend:
        for name in ("received", "due", "closed"):
            rows.append((f"week of {w.start} {name}", getattr(w, name), w.links[name]))
    for row in [*d.ranking_top, *(d.towns or [])]:
        for name in ("received", "due", "closed", "on_time"):
            rows.append((f"{row.node.name} {name}", getattr(row, name), row.links[name]))
    return rows


def _count(client, link) -> int:
    response = client.get(link)
    assert response.status_code == 200, link
    return response.context["page"].paginator.count


# ---------------------------------------------------------------- every figure, every link


@pytest.mark.parametrize(
    "period",
    [
        {"period": "range", "start": "2026-11-16", "end": "2026-11-22"},
        {"period": "week"},
        {"period": "month"},
        {"period": "range", "start": "2026-11-17", "end": "2026-11-18"},
    ],
)
def test_each_figure_of_the_town_dashboard_links_to_exactly_the_cases_it_counts(
    client, cast, tree, week, fixed_now, period
):
    client.force_login(cast.staff_town1)
    response = client.get(DASHBOARD, period)
    assert response.status_code == 200
    shown = _page_links(response)
    mismatches = []
    for what, figure, link in _figures(response.context["d"]):
        assert link in shown, f"{what}: {link} is not on the page"
        if _count(client, link) != figure:
            mismatches.append((what, figure, _count(client, link), link))
    assert mismatches == []


def test_the_hand_built_week_gives_every_figure_something_to_count(
    client, cast, tree, week, fixed_now
):
    k = kpis(tree.town1, S, E)
    assert (k.received, k.accepted, k.due, k.closed, k.closed_on_time) == (10, 8, 9, 4, 2)
    assert (k.closed_in_period, k.escalated, k.reworked, k.rated) == (7, 1, 2, 3)
    assert (k.settled_grid, k.settled_village, k.settled_town, k.settled_county) == (3, 1, 1, 1)


def test_each_figure_of_the_county_dashboard_and_its_towns_links_to_the_cases_it_counts(
    client, county_staff, tree, week, fixed_now
):
    client.force_login(county_staff)
    response = client.get(DASHBOARD, {"period": "week"})
    d = response.context["d"]
    assert d.towns is not None and len(d.towns) == 2
    shown = _page_links(response)
    for what, figure, link in _figures(d):
        assert link in shown
        assert _count(client, link) == figure, what


def test_the_average_handling_days_are_the_mean_over_the_cases_linked(
    client, cast, tree, week, fixed_now
):
    client.force_login(cast.staff_town1)
    d = client.get(DASHBOARD, {"period": "week"}).context["d"]
    cases = client.get(d.links["closed_in_period"]).context["page"].object_list
    days = [(c.resolved_at - c.created_at).total_seconds() / 86400 for c in cases]
    assert round(sum(days) / len(days), 2) == d.kpis.avg_handling_days


def test_the_list_says_which_filters_are_on_and_how_many_cases_match(
    client, cast, tree, week, fixed_now
):
    client.force_login(cast.staff_town1)
    d = client.get(DASHBOARD, {"period": "week"}).context["d"]
    response = client.get(d.links["closed"])
    header = re.search(r'<p class="case-count">(.*?)</p>', response.content.decode(), re.S)[1]
    assert "沙河营镇" in header and "2026-11-16" in header and "2026-11-22" in header
    assert str(d.kpis.closed) in header
    assert response.context["description"]
    assert client.get(CASES).context["description"] == ""  # no filters, nothing to say


def test_datetimes_in_beijing_time_select_the_same_cases_as_the_days(cast, tree, week):
    from staff import access

    base = access.scope(cast.staff_town1, "case.view", Case.objects.all())
    by_day, _ = filter_cases(base, {"received_from": "2026-11-16", "received_to": "2026-11-22"})
    naive, _ = filter_cases(
        base, {"received_from": "2026-11-16T00:00", "received_to": "2026-11-23T00:00:00"}
    )
    aware, _ = filter_cases(
        base,
        {"received_from": "2026-11-15T16:00:00+00:00", "received_to": "2026-11-23T00:00+08:00"},
    )
    assert set(by_day) == set(naive) == set(aware)
    assert len(set(by_day)) == kpis(tree.town1, S, E).received == 10


# ---------------------------------------------------------------- bad input, scope


@pytest.mark.parametrize(
    "params",
    [
        {"node": "abc"},
        {"node": "-1"},
        {"node": "99999999999999999999999"},
        {"received_from": "2026-13-01", "received_to": "yesterday"},
        {"due_from": "9999-12-31", "due_to": "9999-12-31"},
        {"accepted_from": "0001-01-01", "accepted_to": "0001-01-01"},
        {"closed_from": "2026-11-16T25:00", "rated_to": "2026-11-16T10:00+99:00"},
        {"due_to": "2026-11-22", "status": "closed", "on_time": "maybe", "settled": "moon"},
        {"escalated": "x" * 500, "reworked": "", "status": "nonsense", "page": "last"},
        {"received_from": "\x00", "q": "x" * 500},
    ],
)
def test_bad_parameters_never_crash_the_list(client, cast, tree, week, params):
    client.force_login(cast.staff_town1)
    assert client.get(CASES, params).status_code == 200


def test_unreadable_values_are_ignored_and_an_unknown_node_selects_nothing(
    client, cast, tree, week
):
    client.force_login(cast.staff_town1)
    everything = _count(client, CASES)
    assert everything > 0
    assert _count(client, f"{CASES}?node=abc&received_from=nope&settled=moon") == everything
    assert _count(client, f"{CASES}?node=99999999") == 0


def test_town_2_staff_following_a_town_1_link_see_nothing_of_town_1(
    client, cast, tree, week, fixed_now
):
    client.force_login(cast.staff_town1)
    d = client.get(DASHBOARD, {"period": "week"}).context["d"]
    town1_numbers = set(
        Case.objects.filter(node__tree_id=tree.town1.tree_id).values_list("number", flat=True)
    )
    client.force_login(cast.staff_town2)
    for link in d.links.values():
        if not link.startswith(CASES):
            continue  # the board link is the board's
        response = client.get(link)
        assert response.status_code == 200
        assert response.context["page"].paginator.count == 0
        assert not any(c.number in town1_numbers for c in response.context["page"])


def test_a_node_above_the_scope_selects_nothing_rather_than_part_of_it(client, cast, tree, week):
    client.force_login(cast.staff_town1)
    received = {"received_from": "2026-11-16", "received_to": "2026-11-22"}
    assert _count(client, CASES + "?" + _qs(node=tree.town1.pk, **received)) == 10
    assert _count(client, CASES + "?" + _qs(node=tree.county.pk, **received)) == 0
    assert _count(client, CASES + "?" + _qs(node=tree.grid_b.pk, **received)) == 2


def _qs(**params) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


# ---------------------------------------------------------------- pages and queries


def test_the_pager_keeps_the_filters(client, cast, tree):
    for i in range(60):
        make_case(tree.grid_a, S + i * dt.timedelta(minutes=10))
    make_case(tree.grid_a, S - D)
    client.force_login(cast.staff_town1)
    first = client.get(CASES, {"node": tree.town1.pk, "received_from": "2026-11-16", "q": "筛选"})
    assert first.context["page"].paginator.count == 60
    following = [h for h in _page_links(first) if "page=2" in h]
    assert following, "no link to page 2"
    second = client.get(CASES + following[0])
    assert second.context["page"].number == 2
    assert second.context["page"].paginator.count == 60
    assert len(second.context["page"].object_list) == 10


def _grow(tree, factor):
    for i in range(factor * 6):
        node = (tree.grid_a, tree.grid_b, tree.micro_a1, tree.grid_c)[i % 4]
        make_case(
            node,
            S + i * dt.timedelta(minutes=7),
            "closed",
            clear_by=S + 3 * D,
            resolved_at=S + D,
            closed_at=S + D + H,
            settled_tier="grid",
            rework_count=i % 2,
        )


def test_the_list_query_count_is_pinned_and_does_not_grow_with_tenfold_data(
    client, cast, tree, django_assert_num_queries
):
    link = (
        CASES
        + "?"
        + _qs(
            node=tree.town1.pk,
            status="closed",
            due_from="2026-11-16",
            due_to="2026-11-22",
            on_time=1,
            settled="grid",
            reworked=1,
        )
    )
    user = cast.staff_town1
    _grow(tree, 1)
    client.force_login(user)
    # session, user, grants, the node, count, page of cases, the header's unread notices
    with django_assert_num_queries(7):
        small = client.get(link)
    _grow(tree, 10)
    with django_assert_num_queries(7):
        large = client.get(link)
    assert small.context["page"].paginator.count < large.context["page"].paginator.count
    # Without a node, one query fewer (the case list's own pin, test_desk_case.py).
    with django_assert_num_queries(6):
        client.get(CASES, {"status": "closed", "due_from": "2026-11-16"})


def test_a_superuser_following_a_link_sees_the_figure_too(client, tree, week, fixed_now):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    grant(admin, tree.county, "admin")
    client.force_login(admin)
    d = client.get(DASHBOARD, {"period": "week", "node": tree.town1.pk}).context["d"]
    assert _count(client, d.links["due"]) == d.kpis.due


def test_closed_in_a_period_means_closed_now_not_closed_once_and_reopened(cast, tree, week):
    from staff import access

    base = access.scope(cast.staff_town1, "case.view", Case.objects.all())
    closed, _ = filter_cases(base, {"closed_from": "2026-11-16", "closed_to": "2026-11-22"})
    assert closed.count() == kpis(tree.town1, S, E).closed_in_period == 7
    assert not closed.exclude(status="closed").exists()
