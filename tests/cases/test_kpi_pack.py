"""The 数字城管 KPI pack (docs/kpis.md): 结案率, 按期结案率 by the closing date, 按期处置率,
及时核查率, 返工率 and 超期数, on a hand-made month; each figure's link lists exactly its cases;
figures shown side by side count the same cases; rates with nothing to divide show "—"."""

import datetime as dt
import html
import itertools
import re

import pytest

from cases.desk import dashboard as dashboard_page
from cases.models import Case, TriagePolicy
from cases.queries import dashboard as figures
from cases.queries import kpis
from tests.conftest import page_text

NOW = dt.datetime.fromisoformat("2026-11-18T09:00:00+08:00")  # a Wednesday
NOVEMBER = figures.Period("month", dt.date(2026, 11, 1), dt.date(2026, 12, 1))
B = figures.midnight(dt.date(2026, 11, 2))
NOV, DEC = figures.midnight(dt.date(2026, 11, 1)), figures.midnight(dt.date(2026, 12, 1))
OCT = figures.midnight(dt.date(2026, 10, 1))
H, D = dt.timedelta(hours=1), dt.timedelta(days=1)
DASHBOARD, CASES, MEETING = "/desk/dashboard/", "/desk/cases/", "/desk/meeting/"
_seq = itertools.count(1)


def make_case(node, status="handling", *, created=None, color="yellow", **dates):
    """A case with exactly the dates and counters the figures read (set-up only)."""
    n = next(_seq)
    created = created or OCT
    return Case.objects.create(
        number=f"K-{n}",
        tracking_code=f"KP{n:06d}",
        title=f"指标测试{n}",
        description="测试",
        source="patrol",
        node=node,
        owner_node=node,
        status=status,
        color="" if status == "reported" else color,
        created_at=created,
        accepted_at=None if status == "reported" else created,
        **dates,
    )


@pytest.fixture
def month(tree):
    """November 2026 in town 1, seen on 18 November: every case a known part of every figure."""
    g = tree.grid_a
    closed = "closed"
    return {
        # Resolved and verified an hour later, well before the deadline.
        "prompt": make_case(
            g,
            closed,
            clear_by=B + 5 * D,
            resolved_at=B + D,
            closed_at=B + D + H,
            settled_tier="grid",
        ),
        # Resolved before the deadline, verified two days later, after it: 按期处置, not 按期结案.
        "verified_late": make_case(
            g,
            closed,
            clear_by=B + 5 * D,
            resolved_at=B + 4 * D,
            closed_at=B + 6 * D,
            settled_tier="village",
        ),
        # Resolved after the deadline (on the second try), verified two hours later.
        "late": make_case(
            g,
            closed,
            clear_by=B + 5 * D,
            resolved_at=B + 6 * D,
            closed_at=B + 6 * D + 2 * H,
            settled_tier="town",
            rework_count=1,
        ),
        # Due this month, past its deadline and still open: overdue now.
        "open_late": make_case(g, clear_by=B + 5 * D),
        # Due this month, tomorrow: due, not overdue.
        "open_on_time": make_case(g, clear_by=NOW + D),
        # Due in October, still open: overdue now, not due this month.
        "long_overdue": make_case(g, clear_by=OCT + 19 * D),
        # Resolved on time, waiting for verification: done, not overdue.
        "waiting": make_case(g, "resolved", clear_by=B + 5 * D, resolved_at=B + 3 * D),
        # Closed this month while an area held it; due in December: on no rung but counted.
        "area": make_case(
            g,
            closed,
            color="orange",
            clear_by=DEC + 3 * D,
            resolved_at=B + 2 * D,
            closed_at=B + 2 * D + H,
            settled_tier="area",
        ),
        # Due this month, closed early, in October: closed of those due, not closed this month.
        "early": make_case(
            g,
            closed,
            clear_by=B + 2 * D,
            resolved_at=NOV - 3 * D,
            closed_at=NOV - 2 * D,
            settled_tier="grid",
        ),
        # Not triaged: never due, never overdue.
        "reported": make_case(g, "reported", clear_by=B),
        # Town 2: not town 1's.
        "elsewhere": make_case(tree.grid_c, clear_by=B + D),
    }


@pytest.fixture
def fixed_now(monkeypatch):
    monkeypatch.setattr(dashboard_page, "_now", lambda: NOW)


# ---------------------------------------------------------------- the figures


def test_the_pack_counts_the_hand_made_month(month, tree):
    k = kpis(tree.town1, NOV, DEC, now=NOW)
    assert (k.due, k.closed, k.closed_on_time, k.resolved_on_time) == (7, 4, 2, 4)
    assert (k.closure_rate, k.on_time_rate, k.resolved_on_time_rate) == (0.5714, 0.2857, 0.5714)
    assert k.overdue == 2
    assert (k.closed_in_period, k.verified_in_time, k.reworked) == (4, 3, 1)
    assert (k.verified_in_time_rate, k.rework_rate) == (0.75, 0.25)


def test_on_time_closure_is_judged_by_the_closing_date_and_on_time_handling_by_the_resolution(
    tree,
):
    make_case(tree.grid_a, "closed", clear_by=B + 5 * D, resolved_at=B + 4 * D, closed_at=B + 6 * D)
    k = kpis(tree.town1, NOV, DEC, now=NOW)
    assert (k.closed, k.closed_on_time, k.resolved_on_time) == (1, 0, 1)
    assert (k.on_time_rate, k.resolved_on_time_rate) == (0.0, 1.0)


def test_timely_verification_follows_each_colors_policy_and_defaults_to_a_day(tree):
    for hours in (1, 2, 24, 25):
        make_case(tree.grid_a, "closed", resolved_at=B, closed_at=B + hours * H, clear_by=DEC + D)
    make_case(tree.grid_a, "closed", color="red", resolved_at=B, closed_at=B + 2 * H)
    k = kpis(tree.town1, NOV, DEC, now=NOW)
    assert (k.closed_in_period, k.verified_in_time) == (5, 4)  # all but the 25 hours

    TriagePolicy.objects.filter(color="yellow").update(verify_within_hours=2)
    TriagePolicy.objects.filter(color="red").delete()  # never stored: the default, a day
    k = kpis(tree.town1, NOV, DEC, now=NOW)
    assert k.verified_in_time == 3  # yellow within 2 hours: 1 h and 2 h; red within a day


def test_the_verification_time_is_a_policy_field_with_a_day_as_default():
    assert TriagePolicy(color="yellow").verify_within_hours == 24


def test_overdue_is_counted_at_the_end_of_a_past_period(tree):
    g = tree.grid_a
    make_case(g, clear_by=OCT + 19 * D)  # still open
    make_case(g, "closed", clear_by=OCT + 24 * D, resolved_at=NOV + 2 * D, closed_at=NOV + 3 * D)
    make_case(g, "closed", clear_by=OCT + 24 * D, resolved_at=OCT + 27 * D, closed_at=NOV + D)
    make_case(g, clear_by=NOV + D)  # its deadline had not passed by the end of October
    k = kpis(tree.town1, OCT, NOV, now=NOW)
    # The open one, and the one resolved only in November; not the one resolved in October.
    assert k.overdue == 2
    assert kpis(tree.town1, NOV, DEC, now=NOW).overdue == 2  # now: the two still open


def test_kpis_are_still_one_query_with_the_policy_in_it(month, tree, django_assert_num_queries):
    assert TriagePolicy.objects.exists()  # the stored policy is read inside the same query
    with django_assert_num_queries(1):
        kpis(tree.county, NOV, DEC, now=NOW)


# ---------------------------------------------------------------- the dashboard


def _links(response) -> set[str]:
    return {html.unescape(h) for h in re.findall(r'href="([^"]+)"', response.content.decode())}


def _count(client, link) -> int:
    response = client.get(link)
    assert response.status_code == 200, link
    return response.context["page"].paginator.count


@pytest.mark.parametrize(
    "period, now_or_end",
    [
        ({"period": "month"}, "now"),
        ({"period": "range", "start": "2026-10-01", "end": "2026-10-31"}, "end"),
    ],
)
def test_each_new_figure_links_to_exactly_the_cases_it_counts(
    client, cast, tree, month, fixed_now, period, now_or_end
):
    client.force_login(cast.staff_town1)
    response = client.get(DASHBOARD, period)
    d = response.context["d"]
    k, links, shown = d.kpis, d.links, _links(response)
    assert d.overdue_now == (now_or_end == "now")
    for name, figure in [
        ("closed_on_time", k.closed_on_time),
        ("resolved_on_time", k.resolved_on_time),
        ("overdue", k.overdue),
        ("verified_in_time", k.verified_in_time),
        ("reworked", k.reworked),
        ("closed_in_period", k.closed_in_period),
    ]:
        assert links[name] in shown, name
        assert _count(client, links[name]) == figure, name
    for rung in d.ladder:
        assert _count(client, rung.link) == rung.count, rung.tier


def test_the_overdue_link_says_at_which_moment_it_counts(client, cast, tree, month, fixed_now):
    client.force_login(cast.staff_town1)
    d = client.get(DASHBOARD).context["d"]
    assert "overdue_at=2026-11-18T09%3A00%3A00%2B08%3A00" in d.links["overdue"]
    assert "2026-11-18 09:00" in client.get(d.links["overdue"]).context["description"]


def test_an_old_on_time_link_still_lists_the_cases_done_by_the_deadline(cast, client, tree, month):
    client.force_login(cast.staff_town1)
    due = {"node": tree.town1.pk, "due_from": "2026-11-01", "due_to": "2026-11-30"}
    old = client.get(CASES, {**due, "on_time": "1"}).context["page"].object_list
    closed = client.get(CASES, {**due, "on_time": "closed"}).context["page"].object_list
    assert month["verified_late"] in old and month["verified_late"] not in closed
    assert len(old) == 4 and len(closed) == 2


def _group(page: str, heading_id: str) -> str:
    return re.search(rf'aria-labelledby="{heading_id}">(.*?)</section>', page, re.S)[1]


def test_the_two_closed_figures_stand_each_in_its_own_labelled_group(client, cast, tree, fixed_now):
    # Due this month and closed early, in October: 1 closed of those due, 0 closed this month.
    make_case(
        tree.grid_a,
        "closed",
        clear_by=B + 2 * D,
        resolved_at=NOV - 3 * D,
        closed_at=NOV - 2 * D,
        settled_tier="grid",
    )
    client.force_login(cast.staff_town1)
    response = client.get(DASHBOARD)
    d, page = response.context["d"], response.content.decode()
    assert (d.kpis.closed, d.kpis.closed_in_period) == (1, 0)
    due, closed = _group(page, "due-h"), _group(page, "closed-h")
    assert f'href="{html.escape(d.links["closed"])}"><b>1</b>' in due
    assert f'href="{html.escape(d.links["closed_in_period"])}"><b>0</b>' in closed
    assert d.links["closed"] not in html.unescape(closed)
    # The ladder sits with the cases closed in the period, and adds up to them.
    assert sum(r.count for r in d.ladder) == d.kpis.closed_in_period == 0
    assert all(r.share is None for r in d.ladder)  # "—", nothing closed to divide


def test_the_ladder_adds_up_to_the_cases_closed_in_the_period(client, cast, tree, month, fixed_now):
    client.force_login(cast.staff_town1)
    response = client.get(DASHBOARD)
    d = response.context["d"]
    rungs = {r.tier: r.count for r in d.ladder}
    assert rungs == {"grid": 1, "village": 1, "town": 1, "county": 0, "other": 1}
    assert sum(rungs.values()) == d.kpis.closed_in_period == 4
    ladder = _group(response.content.decode(), "ladder-h")
    assert "4" in page_text_of(ladder) and "svg" in ladder


def page_text_of(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def test_the_new_figures_are_on_the_dashboard(client, cast, tree, month, fixed_now):
    client.force_login(cast.staff_town1)
    response = client.get(DASHBOARD)
    due = page_text_of(_group(response.content.decode(), "due-h"))
    closed = page_text_of(_group(response.content.decode(), "closed-h"))
    # 结案率 4/7, 按期结案率 2/7, 按期处置率 4/7, 超期 2; 及时核查率 3/4, 返工率 1/4.
    assert "57.14%" in due and "28.57%" in due and due.count("57.14%") == 2
    assert re.search(r"\b2\b", due)
    assert "75.00%" in closed and "25.00%" in closed


# ---------------------------------------------------------------- nothing to count: "—"


def _row(page: str, css: str, name: str) -> str:
    rows = re.findall(rf'<tr class="{css}">(.*?)</tr>', page, re.S)
    return next(r for r in rows if name in r)


def test_grids_and_towns_with_nothing_due_show_a_dash_not_zero_percent(
    client, cast, tree, county_staff, fixed_now
):
    make_case(tree.grid_a, clear_by=B + D)  # grid A: one due, none closed → 0.00%
    make_case(tree.grid_b, clear_by=DEC + 5 * D)  # grid B: a case, nothing due → —
    client.force_login(county_staff)
    page = client.get(DASHBOARD).content.decode()
    closure_rate = 7  # the ranking's column: #, grid, difficulty, received, due, closed, …
    grid_a = _cells(_row(page, "grid-row", tree.grid_a.name))
    grid_b = _cells(_row(page, "grid-row", tree.grid_b.name))
    town_2 = _cells(_row(page, "town-row", tree.town2.name))
    assert (grid_a[4], grid_a[closure_rate]) == ("1", "0.00%")
    assert (grid_b[4], grid_b[closure_rate]) == ("0", "—")
    assert town_2[2:] == ["0", "0", "0", "—", "—"]  # due, closed, on time, both rates


def _cells(row: str) -> list[str]:
    return [page_text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


# ---------------------------------------------------------------- the meeting sheet


def _last_week():
    from django.utils import timezone

    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday() + 7)
    return figures.midnight(monday)


def test_the_meeting_sheet_shows_rates_as_percentages(client, cast, tree):
    start = _last_week()
    for i in range(6):
        done = {"resolved_at": start + H, "closed_at": start + 2 * H} if i < 5 else {}
        make_case(
            tree.grid_a,
            "closed" if i < 5 else "handling",
            created=start - D,
            clear_by=start + D,
            settled_tier="grid" if i < 5 else "",
            **done,
        )
    client.force_login(cast.staff_town1)
    response = client.get(MEETING)
    k = response.context["sheet"].figures
    assert (k.due, k.closed, k.closure_rate) == (6, 5, 0.8333)
    text = page_text(response)
    assert "83.33%" in text and "0.8333" not in text and "0.83 " not in text
    assert "100.00%" in text  # verified in time, 5 of 5


def test_a_meeting_sheet_with_nothing_to_count_shows_dashes(client, cast, tree):
    client.force_login(cast.staff_town1)
    response = client.get(MEETING)
    page = response.content.decode()
    tables = re.findall(r'<table class="list figures[^"]*">(.*?)</table>', page, re.S)
    assert len(tables) == 2
    cells = " ".join(page_text_of(t) for t in tables)
    assert "—" in cells and "%" not in cells
