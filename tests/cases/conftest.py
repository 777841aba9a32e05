"""The hand-counted KPI week and the rollup tests' two counties, which only tests/cases uses;
shared fixtures: tests/conftest.py."""

import datetime as dt

import pytest

from cases import actions
from tests.cases.rollup_cases import autumn, second, shaanxi  # noqa: F401 -- the rollup tests' cases
from tests.factories import T0, make_case

S = T0.replace(hour=0)  # that Monday, 00:00
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


@pytest.fixture
def kpi_week(cast, tree, report):
    """tests/cases/test_kpis.py's hand-counted week (docs/kpis.md): seven cases around
    S = Monday 2026-11-16 00:00, each a known contribution to every figure."""
    staff, worker = cast.staff_town1, cast.worker_a
    worked = {"reported": S + H, "accepted": S + 2 * H}  # reported at 01:00, taken on at 02:00

    a = make_case(
        cast, tree.grid_a, "closed", now={**worked, "resolved": S + 5 * H, "closed": S + 6 * H}
    )
    actions.case_rate(actor=staff, case_id=a.pk, satisfaction=5, now=S + 7 * H)

    b = make_case(cast, tree.grid_a, "resolved", now={**worked, "resolved": S + D})
    actions.case_verify(actor=staff, case_id=b.pk, ok=False, note="未到位", now=S + D + 3 * H)
    actions.case_resolve(actor=worker, case_id=b.pk, result="整改完成", now=S + 2 * D)
    actions.case_verify(actor=staff, case_id=b.pk, ok=True, now=S + 2 * D + H)
    actions.case_rate(actor=staff, case_id=b.pk, satisfaction=2, now=S + 2 * D + 2 * H)

    c = make_case(cast, tree.grid_a, "handling", color="red", now=worked)
    actions.case_escalate(actor=worker, case_id=c.pk, reason="需村委出面", now=S + 3 * H)

    d = report(now=S + H)
    actions.case_reject(actor=staff, case_id=d.pk, reason="不属实", now=S + 2 * H)

    make_case(cast, tree.grid_a, "accepted", color="orange", now=S - 3 * D)  # due S+4d, open

    # Town 2: never counted.
    make_case(cast, tree.grid_c, "accepted", reporter="staff_town2", now=worked)

    make_case(
        cast,
        tree.grid_a,
        "closed",
        owner=tree.town1,
        handler=staff,
        result="镇综治中心调处",
        now={"reported": S + D, "resolved": S + D + 5 * H, "closed": S + D + 6 * H},
    )
