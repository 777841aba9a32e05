"""Two people acting on one case at the same moment: PostgreSQL, two threads, two connections."""

import pytest
from django.core.exceptions import PermissionDenied

from cases import actions
from cases.models import Case, CaseEvent
from gridgov.errors import DomainError
from tests.concurrency import run_at_once
from tests.factories import T0, UserFactory, grant, make_case

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_staff_accepting_one_case_at_once_one_wins_the_other_is_told(cast, tree, report):
    colleague = UserFactory(username="colleague")
    grant(colleague, tree.town1, "center_staff")
    case = report()
    outcomes = run_at_once(
        lambda: actions.case_accept(
            actor=cast.staff_town1, case_id=case.pk, color="yellow", now=T0
        ),
        lambda: actions.case_accept(actor=colleague, case_id=case.pk, color="red", now=T0),
    )
    wins = [o for o in outcomes if isinstance(o, Case)]
    losses = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(wins) == 1 and len(losses) == 1, outcomes
    case.refresh_from_db()
    assert case.color == wins[0].color
    assert CaseEvent.objects.filter(case=case, action="accept").count() == 1


def test_resolve_and_escalate_at_once_apply_exactly_one(cast, tree):
    case = make_case(cast, tree.grid_a, "handling", now=T0)
    outcomes = run_at_once(
        lambda: actions.case_resolve(actor=cast.worker_a, case_id=case.pk, result="已疏通", now=T0),
        lambda: actions.case_escalate(
            actor=cast.staff_town1, case_id=case.pk, reason="上报村委", now=T0
        ),
    )
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 1, outcomes
    # Escalated first: the worker no longer holds it (403). Resolved first: it cannot go up.
    assert isinstance(errors[0], DomainError | PermissionDenied)
    assert CaseEvent.objects.filter(case=case, action__in=["resolve", "escalate"]).count() == 1


def test_concurrent_reports_get_distinct_consecutive_numbers(cast, tree):
    def job():
        return actions.case_report(
            actor=None,
            node_id=tree.grid_a.pk,
            title="路灯不亮",
            description="村口路灯坏了",
            source="resident",
            reporter_name="张大爷",
            now=T0,
        )

    outcomes = run_at_once(*[job for _ in range(6)])
    assert all(isinstance(o, Case) for o in outcomes), outcomes
    numbers = sorted(o.number for o in outcomes)
    assert numbers == [f"610722107-2026-{i:05d}" for i in range(1, 7)]
