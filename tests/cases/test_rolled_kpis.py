"""The dashboard's figures of a town or a county read from the rollups (cases.queries.rolled) are
exactly the live figures (`kpis()`), for every period, right after a run and with cases changed
since it that no run has counted yet; where the rows cannot answer, the figures are counted live;
and what they cost in queries does not follow the county's size."""

import dataclasses
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import rollups
from cases.models import Case, CaseCount
from cases.queries import kpis
from cases.queries.rolled import current_kpis, town_sums
from tests.cases.rollup_cases import NOW, PERIODS, D, H, at, make_case


def places(tree, second):
    return [tree.county, tree.town1, tree.town2, second[0], second[1]]


def assert_rolled_equal_live(nodes, now):
    for node in nodes:
        for period in PERIODS:
            days = (period.start, period.end)
            assert town_sums(node, *days, now) is not None, (node.name, period)
            rolled = current_kpis(node, *period.bounds, now=now)
            assert dataclasses.asdict(rolled) == dataclasses.asdict(
                kpis(node, *period.bounds, now=now)
            ), (node.name, period)


def test_right_after_a_run_the_rolled_figures_equal_the_live_ones(shaanxi, autumn, tree, second):
    rollups.refresh(now=NOW)
    assert_rolled_equal_live(places(tree, second), NOW)
    # A check of the check: the figures are not all zero.
    k = current_kpis(tree.county, *PERIODS[0].bounds, now=NOW)
    assert (k.received, k.due, k.closed_in_period, k.overdue, k.settled_other) == (9, 6, 3, 2, 3)
    assert k.avg_handling_days is not None


def test_cases_changed_since_the_run_count_as_they_are_now(shaanxi, autumn, tree, second):
    rollups.refresh(now=NOW)
    later = NOW + 2 * H
    late = autumn["open_late"]  # closed late: an old due day's case is now closed
    late.status, late.resolved_at, late.closed_at = "closed", later - H, later
    late.settled_tier, late.rework_count = "village", 1
    late.save()
    moved = autumn["open_on_time"]  # handed to the other town and its deadline moved back
    moved.node = moved.owner_node = tree.grid_a
    moved.clear_by = NOW - D
    moved.save()
    rated = autumn["prompt"]
    rated.satisfaction, rated.rated_at = 3, later
    rated.save()
    resolved = autumn["long_overdue"]
    resolved.status, resolved.resolved_at = "resolved", later
    resolved.save()
    make_case(tree.micro_a1, created=NOW - H, clear_by=NOW - dt.timedelta(minutes=30))
    make_case(tree.town2, created=NOW - 3 * D, clear_by=NOW + 3 * H)  # due later today
    assert_rolled_equal_live(places(tree, second), later)
    assert_rolled_equal_live([tree.county, tree.town1], NOW + D)


def test_a_case_resolved_after_the_moment_asked_for_was_overdue_then(shaanxi, autumn, tree):
    rollups.refresh(now=NOW)
    case = autumn["open_late"]
    case.status, case.resolved_at = "resolved", NOW + H
    case.save()
    assert current_kpis(tree.county, *PERIODS[0].bounds, now=NOW + H / 2).overdue == 2
    assert_rolled_equal_live([tree.county, tree.town1], NOW + H / 2)


def test_a_case_saved_just_before_the_run_and_committed_after_it_counts(shaanxi, autumn, tree):
    rollups.refresh(now=NOW)
    case = autumn["waiting"]
    Case.objects.filter(pk=case.pk).update(
        status="closed", closed_at=NOW - H, updated_at=NOW - dt.timedelta(minutes=1)
    )
    assert_rolled_equal_live([tree.county, tree.town1], NOW + dt.timedelta(minutes=3))


def test_after_the_next_run_the_figures_are_the_same(shaanxi, autumn, tree, second):
    rollups.refresh(now=NOW)
    case = autumn["open_late"]
    case.status, case.resolved_at, case.closed_at = "closed", NOW, NOW + H
    case.save()
    before = current_kpis(tree.county, *PERIODS[0].bounds, now=NOW + 2 * H)
    rollups.refresh(now=NOW + 2 * H)
    assert current_kpis(tree.county, *PERIODS[0].bounds, now=NOW + 2 * H) == before
    assert_rolled_equal_live(places(tree, second), NOW + 2 * H)


def test_where_the_rows_cannot_answer_the_figures_are_counted_live(shaanxi, autumn, tree):
    month = PERIODS[0]
    # Never counted.
    assert town_sums(tree.county, month.start, month.end, NOW) is None
    rollups.refresh(now=NOW)
    # A village's figures, and a period that is not made of whole days.
    assert town_sums(tree.village1, month.start, month.end, NOW) is None
    start, end = month.bounds
    odd = current_kpis(tree.county, start + H, end, now=NOW)
    assert odd == kpis(tree.county, start + H, end, now=NOW)
    assert current_kpis(tree.village1, start, end, now=NOW) == kpis(
        tree.village1, start, end, now=NOW
    )


def test_a_village_moved_to_another_town_is_counted_live_until_the_next_run(shaanxi, autumn, tree):
    from grids.actions import node_move
    from tests.factories import UserFactory

    rollups.refresh(now=NOW)
    root = UserFactory(username="root", is_superuser=True)
    node_move(
        actor=root, node_id=tree.village1.pk, new_parent_id=tree.town2.pk, new_code="610722001299"
    )
    tree.town2.refresh_from_db()
    month = PERIODS[0]
    assert town_sums(tree.town2, month.start, month.end, NOW) is None
    assert current_kpis(tree.town2, *month.bounds, now=NOW) == kpis(
        tree.town2, *month.bounds, now=NOW
    )
    rollups.refresh(now=NOW + H)
    tree.town2.refresh_from_db()
    assert_rolled_equal_live([tree.county, tree.town2], NOW + H)


def test_a_run_that_commits_while_the_figures_are_read_makes_them_read_again(
    shaanxi, autumn, tree, monkeypatch
):
    rollups.refresh(now=NOW)
    case = autumn["open_late"]
    case.status, case.resolved_at, case.closed_at = "closed", NOW, NOW + H
    case.save()
    real = rollups.changes_since
    runs = []

    def a_run_commits_first(*args, **kwargs):
        if not runs:  # the rows were read before this run; the counts per case after it
            runs.append(NOW + 2 * H)
            monkeypatch.setattr(rollups, "changes_since", real)
            rollups.refresh(now=runs[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(rollups, "changes_since", a_run_commits_first)
    month = PERIODS[0]
    with CaptureQueriesContext(connection) as queries:
        figures = current_kpis(tree.county, *month.bounds, now=NOW + 3 * H)
    assert runs
    assert figures == kpis(tree.county, *month.bounds, now=NOW + 3 * H)
    assert sum("cases_rollupstate" in q["sql"] for q in queries.captured_queries) >= 4


def _count_queries(node, now):
    month = PERIODS[0]
    with CaptureQueriesContext(connection) as queries:
        current_kpis(node, *month.bounds, now=now)
    return len(queries.captured_queries)


@pytest.mark.parametrize("place", ["county", "town1"])
def test_the_rolled_figures_cost_the_same_queries_for_a_county_ten_times_the_size(
    shaanxi, autumn, tree, place
):
    node = getattr(tree, place)
    rollups.refresh(now=NOW)
    make_case(tree.grid_a, created=NOW - H, clear_by=NOW + H).save()  # one change since the run
    small = _count_queries(node, NOW + H)
    for i in range(40):
        make_case(
            tree.micro_a1 if i % 2 else tree.grid_c,
            "closed" if i % 3 else "handling",
            created=at("2026-11-05") + i * H,
            clear_by=at("2026-11-09"),
            resolved_at=at("2026-11-08") if i % 3 else None,
            closed_at=at("2026-11-08", 12) if i % 3 else None,
        )
    Case.objects.update(updated_at=NOW - 30 * D)
    rollups.refresh(full=True, now=NOW)
    make_case(tree.grid_a, created=NOW - H, clear_by=NOW + H).save()
    assert CaseCount.objects.count() > 50
    assert _count_queries(node, NOW + H) == small == 10
    assert_rolled_equal_live([node], NOW + H)


def test_the_county_dashboards_town_comparison_from_the_rollups_equals_the_live_one(
    shaanxi, autumn, tree
):
    from cases.queries.ranking import town_comparison
    from cases.queries.rolled import current

    rollups.refresh(now=NOW)
    case = autumn["open_late"]
    case.status, case.resolved_at, case.closed_at = "closed", NOW, NOW + H
    case.save()
    seen = 0
    for period in PERIODS:
        _, by_town = current(tree.county, *period.bounds, now=NOW + 2 * H)
        assert by_town is not None
        rolled = town_comparison(tree.county, period, by_town)
        live = town_comparison(tree.county, period)
        figures = ("received", "due", "closed", "on_time")
        assert [(s.node.pk, *(getattr(s, f) for f in figures)) for s in rolled] == [
            (s.node.pk, *(getattr(s, f) for f in figures)) for s in live
        ], period
        seen += sum(s.received + s.due for s in live)
    assert seen  # the comparison counted something


def test_a_color_given_other_hours_to_verify_in_is_counted_again_whole(shaanxi, autumn, tree):
    from cases.models import TriagePolicy

    rollups.refresh(now=NOW)
    month = PERIODS[0]
    policy = TriagePolicy.objects.filter(color="yellow").first() or TriagePolicy(color="yellow")
    policy.verify_within_hours = 1  # 及时核查 is counted with these hours
    policy.save()
    assert town_sums(tree.county, month.start, month.end, NOW) is None  # counted live meanwhile
    assert current_kpis(tree.county, *month.bounds, now=NOW) == kpis(
        tree.county, *month.bounds, now=NOW
    )
    rollups.refresh(now=NOW + H)
    assert_rolled_equal_live([tree.county, tree.town1], NOW + H)
    policy.save()  # saved unchanged: the rollups still answer
    assert town_sums(tree.county, month.start, month.end, NOW + H) is not None
