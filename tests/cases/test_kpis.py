"""KPIs on a hand-built week with known answers (docs/kpis.md says what each counts)."""

import datetime as dt

import pytest

from cases.queries import kpis
from tests.factories import T0, make_node

S = T0.replace(hour=0)  # Monday 2026-11-16 00:00
E = S + dt.timedelta(days=7)
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


@pytest.fixture
def week(kpi_week):
    return kpi_week


def test_every_figure_matches_a_hand_count(week, tree):
    k = kpis(tree.town1, S, E)
    assert (k.received, k.accepted, k.due, k.closed, k.closed_on_time) == (5, 4, 4, 3, 2)
    assert (k.closure_rate, k.on_time_rate) == (0.75, 0.5)
    assert (k.settled_grid, k.settled_village, k.settled_town, k.settled_county) == (2, 0, 1, 0)
    assert (k.grid_share, k.village_share, k.town_share) == (0.6667, 0.0, 0.3333)
    assert k.escalation_rate == 0.25
    assert k.rework_rate == 0.3333
    assert (k.rated, k.satisfied, k.satisfaction_rate) == (2, 1, 0.5)
    # (4 h + 47 h + 5 h) / 3 cases = 18.67 h
    assert k.avg_handling_days == 0.78


def test_a_subtree_counts_only_what_happened_inside_it(week, tree):
    assert kpis(tree.grid_b, S, E).received == 0
    assert kpis(tree.town2, S, E).received == 1
    assert kpis(tree.county, S, E).received == 6


def test_an_empty_period_has_no_rates_rather_than_zero(week, tree):
    k = kpis(tree.town1, E + 30 * D, E + 31 * D)
    assert k.due == 0 and k.closure_rate is None and k.avg_handling_days is None


def test_kpis_cost_one_query_whatever_the_subtree_size(week, tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        kpis(tree.town1, S, E)
    for i in range(15):
        make_node(tree.village1, "grid", f"扩充网格{i}", code=f"610722107201{200 + i:03d}")
    with django_assert_num_queries(1):
        kpis(tree.county, S, E)
