"""Two daily-flag runs at once on PostgreSQL: still one notice per missed patrol and overdue visit."""

import datetime as dt

import pytest
from django.utils import timezone

from gridgov.models import OutboxMessage
from grids.models import Household
from staff import rhythms
from tests.concurrency import errors_of, run_at_once
from tests.factories import UserFactory, grant, make_node

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_daily_flag_runs_at_once_queue_each_notice_once(cast, tree):
    today = timezone.localdate()
    for i in range(30):
        grid = make_node(tree.village1, "grid", f"扩展网格{i}", code=f"610722107201{100 + i}")
        grant(UserFactory(), grid, "grid_worker")
        Household.objects.create(
            node=grid, address=f"户{i} 1号", head_name=f"户{i}", next_visit_due=today
        )
    tomorrow = timezone.now() + dt.timedelta(days=1)
    outcomes = run_at_once(*[lambda: rhythms.daily_flags(tomorrow) for _ in range(3)])
    assert not errors_of(outcomes), outcomes
    # grids A and B and the thirty new ones; every household is overdue tomorrow
    assert sum(o.missed_patrols for o in outcomes) == 32
    assert sum(o.overdue_visits for o in outcomes) == 30
    assert OutboxMessage.objects.filter(kind="missed_patrol").count() == 32
    assert OutboxMessage.objects.filter(kind="visit_overdue").count() == 30
