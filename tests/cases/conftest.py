"""The hand-counted KPI week, which only tests/cases uses; shared fixtures: tests/conftest.py."""

import datetime as dt

import pytest

from cases import actions
from tests.factories import T0

S = T0.replace(hour=0)  # that Monday, 00:00
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


@pytest.fixture
def kpi_week(cast, tree, report):
    """tests/cases/test_kpis.py's hand-counted week (docs/kpis.md): seven cases around
    S = Monday 2026-11-16 00:00, each a known contribution to every figure."""
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
