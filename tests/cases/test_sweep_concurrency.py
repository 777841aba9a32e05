"""Two sweeps at once on PostgreSQL: one notice per overdue case, at most one escalation."""

import datetime as dt

import pytest

from cases.actions import deadline_sweep
from cases.models import Case, CaseEvent
from gridgov.models import OutboxMessage
from tests.concurrency import errors_of, run_at_once
from tests.factories import T0, make_case

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(*whens):
    errors = errors_of(run_at_once(*[lambda w=w: deadline_sweep(now=w) for w in whens]))
    assert not errors, errors


def test_two_sweeps_at_once_give_one_notice_and_at_most_one_escalation(cast, tree):
    cases = [make_case(cast, tree.grid_a, "accepted", now=T0) for _ in range(40)]
    late = T0 + dt.timedelta(days=1, hours=1)
    # Slightly different clocks, as two beat ticks or a retried task would have.
    _at_once(late, late + dt.timedelta(microseconds=1))
    assert OutboxMessage.objects.filter(kind="case_supervised").count() == 40
    assert CaseEvent.objects.filter(action="supervise", automatic=True).count() == 40
    past_grace = late + dt.timedelta(days=1)
    _at_once(past_grace, past_grace + dt.timedelta(microseconds=1), past_grace)
    for case in cases:
        assert CaseEvent.objects.filter(case=case, action="escalate").count() == 1
    assert Case.objects.filter(owner_node__tier="village").count() == 40
