"""KPIs on a hand-built week with known answers (docs/kpis.md says what each counts)."""

import datetime as dt

import pytest

from cases import actions
from cases.queries import kpis
from tests.cases.conftest import T0
from tests.factories import make_node

S = T0.replace(hour=0)  # Monday 2026-11-16 00:00
E = S + dt.timedelta(days=7)
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


@pytest.fixture
def week(cast, tree, report):
    staff, worker = cast.staff_town1, cast.worker_a

    def work(case, at, color="yellow", owner=None, handler=worker):
        actions.case_accept(actor=staff, case_id=case.pk, color=color, owner_node_id=owner, now=at)
        actions.case_dispatch(actor=staff, case_id=case.pk, handler_id=handler.pk, now=at)
        actions.case_sign(actor=handler, case_id=case.pk, now=at)

    a = report(now=S + H)
    work(a, S + 2 * H)
    actions.case_resolve(actor=worker, case_id=a.pk, result="已处理", now=S + 5 * H)
    actions.case_verify(actor=staff, case_id=a.pk, ok=True, now=S + 6 * H)
    actions.case_rate(actor=staff, case_id=a.pk, satisfaction=5, now=S + 7 * H)

    b = report(now=S + H)
    work(b, S + 2 * H)
    actions.case_resolve(actor=worker, case_id=b.pk, result="已处理", now=S + D)
    actions.case_verify(actor=staff, case_id=b.pk, ok=False, note="未到位", now=S + D + 3 * H)
    actions.case_resolve(actor=worker, case_id=b.pk, result="整改完成", now=S + 2 * D)
    actions.case_verify(actor=staff, case_id=b.pk, ok=True, now=S + 2 * D + H)
    actions.case_rate(actor=staff, case_id=b.pk, satisfaction=2, now=S + 2 * D + 2 * H)

    c = report(now=S + H)
    work(c, S + 2 * H, color="red")
    actions.case_escalate(actor=worker, case_id=c.pk, reason="需村委出面", now=S + 3 * H)

    d = report(now=S + H)
    actions.case_reject(actor=staff, case_id=d.pk, reason="不属实", now=S + 2 * H)

    e = report(now=S - 3 * D)
    actions.case_accept(actor=staff, case_id=e.pk, color="orange", now=S - 3 * D)  # due S+4d, open

    f = report(node=tree.grid_c, actor="staff_town2", now=S + H)  # town 2: never counted
    actions.case_accept(actor=cast.staff_town2, case_id=f.pk, color="yellow", now=S + 2 * H)

    g = report(now=S + D)
    work(g, S + D, owner=tree.town1.pk, handler=staff)
    actions.case_resolve(actor=staff, case_id=g.pk, result="镇综治中心调处", now=S + D + 5 * H)
    actions.case_verify(actor=staff, case_id=g.pk, ok=True, now=S + D + 6 * H)


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
