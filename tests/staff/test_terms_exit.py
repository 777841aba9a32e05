"""Terms, the negative list and exit: a post's term and its reminder 60 days before, once; a
violation of a red line flags the post for exit; ending a grid worker's post is refused while
any open case, due visit or household they keep would be left without a handler, and hands
them all over (each case's history says so) once successors are named; successors and posts
outside the manager's scope answer like missing ones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from cases.models import CaseEvent
from gridgov.models import OutboxMessage
from grids.models import Household
from staff import actions, rhythms
from staff.models import Assignment, Handover, RedLine, Severity, Violation, term_end_from
from staff.queries.terms import VILLAGE
from tests.factories import T0, UserFactory, grant, make_case

TODAY = timezone.localdate(T0)


@pytest.fixture(autouse=True)
def _posts_held_since_january(cast):
    Assignment.objects.update(starts=dt.date(2026, 1, 1))


def post_of(user, node=None):
    posts = Assignment.objects.filter(user=user, ends__isnull=True)
    return posts.get(node=node) if node else posts.get()


@pytest.fixture
def second_worker(tree):
    """Another grid worker of grid A: a successor who works there."""
    user = UserFactory(username="worker_a2", first_name="张敏")
    grant(user, tree.grid_a, "grid_worker")
    return user


@pytest.fixture
def worker_c(tree):
    user = UserFactory(username="worker_c", first_name="孙强")
    grant(user, tree.grid_c, "grid_worker")
    return user


def household(node, name="刘家", due=None):
    return Household.objects.create(
        node=node, address=f"{name}门口", head_name=name, next_visit_due=due
    )


def handling_case(cast, tree):
    return make_case(cast, tree.grid_a, "handling", now=T0)


def exit_(actor, post, now=T0, reason="聘期内调离", **successors):
    return actions.assignment_exit(
        actor=actor, assignment_id=post.pk, successors=successors, reason=reason, now=now
    )


# --- Terms ----------------------------------------------------------------------------------


def test_a_grid_workers_post_has_a_term_of_three_years_from_its_start(cast, tree):
    newcomer = UserFactory(username="newcomer")
    post = actions.assignment_grant(
        actor=None, user_id=newcomer.pk, node_id=tree.grid_b.pk, role="grid_worker",
        starts=dt.date(2026, 3, 1),
    )  # fmt: skip
    assert post.term_ends == dt.date(2029, 3, 1) == term_end_from(post.starts)
    assert post.term_ends.year == post.starts.year + 3
    assert post_of(cast.staff_town1).term_ends is None  # centre staff hold no term
    assert term_end_from(dt.date(2024, 2, 29)) == dt.date(2027, 2, 28)


def test_the_terms_reminder_comes_60_days_before_and_only_once(cast, tree):
    post = post_of(cast.worker_a)
    Assignment.objects.update(term_ends=dt.date(2040, 1, 1))
    Assignment.objects.filter(pk=post.pk).update(term_ends=TODAY + dt.timedelta(days=61))
    assert rhythms.term_reminders(T0).terms_ending == 0
    day_after = T0 + dt.timedelta(days=1)
    assert rhythms.term_reminders(day_after).terms_ending == 1
    assert rhythms.term_reminders(day_after).terms_ending == 0  # the same day again
    assert rhythms.term_reminders(day_after + dt.timedelta(days=1)).terms_ending == 0  # next day
    notice = OutboxMessage.objects.get(kind="term_ending")
    assert notice.payload["assignment"] == post.pk
    from gridgov.notify import recipients

    told = recipients(notice)
    assert cast.worker_a in told and cast.town1_admin in told and cast.worker_b not in told
    # A renewed term is reminded of again when its own end comes near.
    renewed = TODAY + dt.timedelta(days=3 * 365)
    Assignment.objects.filter(pk=post.pk).update(term_ends=renewed)
    assert rhythms.term_reminders(T0).terms_ending == 0
    near = timezone.make_aware(dt.datetime.combine(renewed - dt.timedelta(days=30), dt.time(6)))
    assert rhythms.term_reminders(near).terms_ending == 1


def test_an_ended_post_gets_no_terms_reminder(cast):
    post = post_of(cast.worker_a)
    Assignment.objects.filter(pk=post.pk).update(
        term_ends=TODAY + dt.timedelta(days=10), ends=TODAY - dt.timedelta(days=1)
    )
    assert rhythms.term_reminders(T0).terms_ending == 0


# --- The negative list ------------------------------------------------------------------------


@pytest.fixture
def red_lines(tree):
    return {
        "law": RedLine.objects.create(county=tree.county, code="01", text="违反党纪国法"),
        "late": RedLine.objects.create(
            county=tree.county, code="09", text="多次无故缺席例会", severity=Severity.WARNING
        ),
    }


def record(actor, post, red_line, **fields):
    fields.setdefault("date", TODAY)
    fields.setdefault("facts", "收受群众财物")
    return actions.violation_record(
        actor=actor, assignment_id=post.pk, red_line_id=red_line.pk, now=T0, **fields
    )


def test_a_violation_of_an_exit_red_line_flags_the_post_for_exit(cast, tree, red_lines):
    from staff.queries.terms import exits_due

    post = post_of(cast.worker_a)
    violation = record(cast.town1_admin, post, red_lines["law"], evidence="照片两张")
    assert violation.leads_to_exit and violation.person == cast.worker_a
    assert list(exits_due(cast.town1_admin, tree.town1, on=TODAY)) == [violation]
    notice = OutboxMessage.objects.get(kind="violation_recorded")
    from gridgov.notify import recipients

    assert cast.town1_admin in recipients(notice) and cast.worker_a not in recipients(notice)
    # A warning is recorded, not an exit.
    warning = record(cast.town1_admin, post, red_lines["late"])
    assert not warning.leads_to_exit
    assert list(exits_due(cast.town1_admin, tree.town1, on=TODAY)) == [violation]
    # Once the post is ended the flag is gone.
    exit_(cast.town1_admin, post)
    assert not exits_due(cast.town1_admin, tree.town1, on=TODAY).exists()


def test_a_violation_needs_facts_a_red_line_of_the_county_and_no_future_date(cast, tree, red_lines):
    from tests.factories import make_node

    other = make_node(None, "county", "别县", code="610999")
    foreign = RedLine.objects.create(county=other, code="01", text="别县的红线")
    post = post_of(cast.worker_a)
    with pytest.raises(ValidationError) as refused:
        record(cast.town1_admin, post, foreign, facts=" ", date=TODAY + dt.timedelta(days=1))
    assert set(refused.value.error_dict) == {"red_line", "facts", "date"}
    assert not Violation.objects.exists()


def test_only_who_manages_the_person_records_a_violation(cast, tree, red_lines):
    post = post_of(cast.worker_a)
    with pytest.raises(Http404):
        record(cast.staff_town2, post, red_lines["law"])  # another town
    with pytest.raises(PermissionDenied):
        record(cast.village_chief, post, red_lines["law"])  # a grid chief may not
    with pytest.raises(Http404):  # a peer of the village is not someone a commander manages
        commander = UserFactory(username="cmd")
        grant(commander, tree.village1, "commander")
        record(commander, post_of(cast.village_chief), red_lines["law"])


# --- Exit and handover ------------------------------------------------------------------------


def test_exit_is_refused_while_an_open_case_they_handle_is_left(cast, tree):
    case = handling_case(cast, tree)
    post = post_of(cast.worker_a)
    with pytest.raises(ValidationError) as refused:
        exit_(cast.town1_admin, post)
    assert list(refused.value.error_dict) == ["cases"]
    assert case.number in str(refused.value)
    post.refresh_from_db()
    assert post.ends is None and not Handover.objects.exists()


def test_exit_is_refused_while_a_due_visit_is_left(cast, tree, second_worker):
    home = household(tree.grid_a, due=TODAY)
    with pytest.raises(ValidationError) as refused:
        exit_(cast.town1_admin, post_of(cast.worker_a), households=second_worker.pk)
    assert list(refused.value.error_dict) == ["visits"]
    assert home.head_name in str(refused.value)


def test_exit_is_refused_while_a_household_is_left(cast, tree, second_worker):
    household(tree.micro_a1, due=TODAY + dt.timedelta(days=5))
    with pytest.raises(ValidationError) as refused:
        exit_(cast.town1_admin, post_of(cast.worker_a), visits=second_worker.pk)
    assert list(refused.value.error_dict) == ["households"]
    assert "一组微网格" in str(refused.value)


def test_a_successor_who_does_not_work_there_leaves_things_without_a_handler(cast, tree):
    handling_case(cast, tree)
    household(tree.grid_a, due=TODAY)
    worker_b = cast.worker_b.pk
    with pytest.raises(ValidationError) as refused:
        exit_(cast.town1_admin, post_of(cast.worker_a), cases=worker_b, visits=worker_b,
              households=worker_b)  # fmt: skip
    assert set(refused.value.error_dict) == {"cases", "visits", "households"}


def test_exit_hands_everything_to_the_successor_and_the_case_history_shows_it(
    cast, tree, second_worker
):
    case = handling_case(cast, tree)
    household(tree.grid_a, due=TODAY)
    household(tree.micro_a1, name="陈家")
    post = post_of(cast.worker_a)
    later = T0 + dt.timedelta(hours=1)
    handover = exit_(
        cast.town1_admin,
        post,
        now=later,
        cases=second_worker.pk,
        visits=second_worker.pk,
        households=second_worker.pk,
    )
    post.refresh_from_db()
    assert post.ends == TODAY
    case.refresh_from_db()
    assert case.handler == second_worker and case.owner_node == tree.grid_a
    assert case.status == "handling"
    event = CaseEvent.objects.filter(case=case).order_by("-created_at", "-pk").first()
    assert event.action == "hand_over" and event.actor == cast.town1_admin
    assert event.handler == second_worker and "王刚 → 张敏" in event.note
    assert "聘期内调离" in event.note
    assert (handover.cases, handover.visits, handover.households) == (1, 1, 2)
    assert handover.case_successor == second_worker
    assert OutboxMessage.objects.filter(kind="handover_received").count() == 1
    assert OutboxMessage.objects.filter(kind="case_handed_over", case=case).exists()


def test_the_case_page_shows_the_handover(client, cast, tree, second_worker):
    case = handling_case(cast, tree)
    exit_(cast.town1_admin, post_of(cast.worker_a), cases=second_worker.pk)
    client.force_login(cast.staff_town1)
    from django.urls import reverse

    from tests.conftest import page_text

    text = page_text(client.get(reverse("case_detail", args=[case.pk])))
    assert "Handover" in text or "交接" in text
    assert "王刚 → 张敏" in text


def test_exit_to_the_village_puts_cases_back_at_the_village_and_keeps_households_there(cast, tree):
    case = handling_case(cast, tree)
    household(tree.grid_a, due=TODAY)
    handover = exit_(
        cast.town1_admin, post_of(cast.worker_a), cases=VILLAGE, visits=VILLAGE,
        households=VILLAGE,
    )  # fmt: skip
    case.refresh_from_db()
    assert case.handler is None and case.owner_node == tree.village1
    assert handover.case_successor is None and handover.cases == 1
    assert CaseEvent.objects.filter(case=case, action="hand_over", to_owner=tree.village1).exists()


def test_the_village_keeps_households_only_when_someone_there_visits(cast, tree):
    household(tree.grid_a)
    Assignment.objects.filter(user=cast.village_chief).update(ends=TODAY - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        exit_(cast.town1_admin, post_of(cast.worker_a), households=VILLAGE)
    assert list(refused.value.error_dict) == ["households"]


def test_a_person_with_nothing_to_hand_over_may_leave_without_successors(cast):
    handover = exit_(cast.town1_admin, post_of(cast.worker_b))
    assert (handover.cases, handover.visits, handover.households) == (0, 0, 0)


def test_what_their_other_post_covers_is_not_handed_over(cast, tree):
    case = make_case(cast, tree.grid_b, "handling", now=T0)  # worker_b handles it
    grant(cast.worker_b, tree.grid_a, "grid_worker")
    Assignment.objects.update(starts=dt.date(2026, 1, 1))
    household(tree.grid_b)
    exit_(cast.town1_admin, post_of(cast.worker_b, tree.grid_a))
    case.refresh_from_db()
    assert case.handler == cast.worker_b


def test_a_successor_out_of_scope_is_refused(cast, tree, worker_c):
    handling_case(cast, tree)
    with pytest.raises(Http404):
        exit_(cast.town1_admin, post_of(cast.worker_a), cases=worker_c.pk)
    assert Assignment.objects.get(pk=post_of(cast.worker_a).pk).ends is None


def test_the_successor_cannot_be_the_person_who_leaves(cast, tree):
    handling_case(cast, tree)
    with pytest.raises(ValidationError):
        exit_(cast.town1_admin, post_of(cast.worker_a), cases=cast.worker_a.pk)


def test_only_who_manages_the_person_may_end_their_post(cast, tree):
    post = post_of(cast.worker_a)
    with pytest.raises(Http404):
        exit_(cast.staff_town2, post)
    with pytest.raises(PermissionDenied):
        exit_(cast.village_chief, post)
    with pytest.raises(Http404):  # a town's staff do not manage the county's people
        exit_(cast.staff_town1, post_of(cast.county_admin))


def test_a_village_commander_ends_a_grid_workers_post(cast, tree, second_worker):
    commander = UserFactory(username="cmd1")
    grant(commander, tree.village1, "commander")
    handling_case(cast, tree)
    handover = exit_(commander, post_of(cast.worker_a), cases=second_worker.pk)
    assert handover.by == commander


def test_an_ended_post_cannot_be_ended_again(cast):
    post = post_of(cast.worker_b)
    exit_(cast.town1_admin, post)
    with pytest.raises(ValidationError):
        exit_(cast.town1_admin, post, now=T0 + dt.timedelta(days=2))
    with pytest.raises(ValidationError):
        exit_(cast.town1_admin, post_of(cast.worker_a), reason=" ")


def test_the_demo_enters_moudings_negative_list_once(db):
    from gridgov.demo.tree import MOUDING
    from staff.demo import RED_LINES, _red_lines
    from tests.factories import make_node

    county = make_node(None, "county", "牟定县", code=MOUDING)
    assert _red_lines(lambda text: None) == len(RED_LINES)
    assert _red_lines(lambda text: None) == 0
    assert RedLine.objects.filter(county=county, severity=Severity.EXIT).count() >= 5
