"""The deadline sweep on a fixed clock: before, at and after each color's deadline."""

import datetime as dt

import pytest

from cases import actions
from cases.actions import deadline_sweep
from cases.models import Case, CaseEvent
from gridgov.models import OutboxMessage
from tests.factories import T0, make_case

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


@pytest.fixture
def accepted(cast, tree):
    def make(color):
        return make_case(cast, tree.grid_a, "accepted", color=color, now=T0)

    return make


def _notices(case, kind):
    return OutboxMessage.objects.filter(case=case, kind=kind).count()


@pytest.mark.parametrize(
    ("color", "days", "warn_hours", "grace"),
    [("yellow", 1, 2, 1), ("orange", 7, 24, 3), ("red", 30, 72, 3)],
)
def test_each_color_is_warned_flagged_supervised_and_escalated_on_time(
    accepted, tree, color, days, warn_hours, grace
):
    case = accepted(color)
    deadline = T0 + days * D
    assert case.clear_by == deadline

    deadline_sweep(now=deadline - dt.timedelta(hours=warn_hours) - H)  # well before: nothing
    assert _notices(case, "deadline_near") == 0

    deadline_sweep(now=deadline - H)  # inside the warning window
    assert _notices(case, "deadline_near") == 1
    assert Case.objects.get(pk=case.pk).overdue_since is None

    deadline_sweep(now=deadline)  # at the deadline: not yet late
    assert Case.objects.get(pk=case.pk).overdue_since is None

    deadline_sweep(now=deadline + H)  # breached: flagged and supervised
    case.refresh_from_db()
    assert case.overdue_since == deadline + H
    assert _notices(case, "case_supervised") == 1
    assert CaseEvent.objects.filter(case=case, action="supervise", automatic=True).count() == 1
    assert case.owner_node_id == tree.grid_a.pk

    deadline_sweep(now=deadline + grace * D - H)  # inside the grace: still here
    assert Case.objects.get(pk=case.pk).owner_node_id == tree.grid_a.pk

    result = deadline_sweep(now=deadline + grace * D + H)  # past the grace: one level up
    case.refresh_from_db()
    assert result.escalated == 1
    assert case.owner_node_id == tree.village1.pk
    escalation = CaseEvent.objects.get(case=case, action="escalate")
    assert escalation.automatic and escalation.actor is None
    assert case.overdue_since is None and case.clear_by > deadline  # the village's own clock


def test_running_the_sweep_twice_changes_nothing_more(accepted):
    cases = [accepted("yellow") for _ in range(3)]
    late = T0 + D + H  # past the yellow deadline, inside the one-day grace
    first = deadline_sweep(now=late)
    again = deadline_sweep(now=late)
    later = deadline_sweep(now=late + D)
    again_later = deadline_sweep(now=late + D)
    assert first.overdue == 3 and first.escalated == 0  # flagged now, escalated after the grace
    assert (again.overdue, again.escalated, later.overdue, later.escalated) == (0, 0, 0, 3)
    assert (again_later.overdue, again_later.escalated) == (0, 0)
    for case in cases:
        assert _notices(case, "case_supervised") == 1
        assert CaseEvent.objects.filter(case=case, action="escalate").count() == 1


def test_a_resolved_or_extended_case_is_left_alone(cast, accepted, units):
    done = accepted("yellow")
    actions.case_dispatch(
        actor=cast.staff_town1, case_id=done.pk, handler_id=cast.worker_a.pk, now=T0
    )
    actions.case_sign(actor=cast.worker_a, case_id=done.pk, now=T0)
    actions.case_resolve(actor=cast.worker_a, case_id=done.pk, result="已处理", now=T0 + H)
    extended = accepted("yellow")
    actions.case_dispatch(
        actor=cast.staff_town1, case_id=extended.pk, handler_id=cast.worker_a.pk, now=T0
    )
    actions.case_sign(actor=cast.worker_a, case_id=extended.pk, now=T0)
    actions.case_request_extension(
        actor=cast.worker_a, case_id=extended.pk, until=T0 + 5 * D, reason="等鉴定", now=T0 + H
    )
    actions.case_approve_extension(actor=cast.staff_town1, case_id=extended.pk, now=T0 + 2 * H)
    result = deadline_sweep(now=T0 + 2 * D)
    assert result.overdue == 0


def test_a_case_without_progress_within_its_cadence_is_flagged(accepted, cast):
    case = accepted("red")  # 季报: but the weekly check of a report_by works the same
    result = deadline_sweep(now=case.report_by + H)
    assert result.progress_flagged == 1
    assert _notices(case, "progress_overdue") == 1
    actions.case_progress(
        actor=cast.staff_town1, case_id=case.pk, note="已约谈双方", now=case.report_by + 2 * H
    )
    case.refresh_from_db()
    assert case.progress_overdue_since is None
    assert deadline_sweep(now=case.report_by - H).progress_flagged == 0


def test_a_case_held_by_the_county_is_flagged_but_never_escalated(cast, county_staff, tree):
    case = make_case(cast, tree.grid_a, "accepted", staff=county_staff, owner=tree.county, now=T0)
    deadline_sweep(now=T0 + 2 * D)
    assert deadline_sweep(now=T0 + 10 * D).escalated == 0
    case.refresh_from_db()
    assert case.owner_node_id == tree.county.pk and case.overdue_since is not None


def test_the_management_command_runs_the_same_sweep(accepted, capsys):
    from django.core.management import call_command

    case = accepted("yellow")
    call_command("sweep_deadlines", "--now", (T0 + 2 * D).isoformat())
    assert Case.objects.get(pk=case.pk).overdue_since is not None
    assert "overdue" in capsys.readouterr().out
