"""Training (分级培训, seed 002): who is overdue by their plan (grid workers once each half-year,
instructors once a year), flagged once by the daily rhythm and seen by the person and their
town; sessions, attendance by QR code and by hand; certificates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from gridgov import notify
from gridgov.models import OutboxMessage
from staff import actions
from staff.actions.training import signin_code
from staff.models import Assignment, Attendance, Certificate, TrainingPlan, TrainingSession
from staff.queries.training import trainee_rows
from staff.rhythms import daily_flags
from tests.factories import UserFactory, grant

JULY_2 = timezone.make_aware(dt.datetime(2026, 7, 2, 6, 0))


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture(autouse=True)
def _english():
    """The refusals below are matched by their English words."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def plans(tree):
    county = TrainingPlan.objects.create(
        node=tree.county, role="instructor", every_months=12, name="网格指导员集中培训"
    )
    town = TrainingPlan.objects.create(
        node=tree.town1, role="grid_worker", every_months=6, name="网格员半年培训"
    )
    return county, town


@pytest.fixture
def instructor(tree):
    person = UserFactory(username="instructor_a", first_name="周指导")
    grant(person, tree.grid_a, "instructor")
    return person


def _since(date: dt.date) -> None:
    """Everyone has held their posts since `date` (grants start the day they are made)."""
    Assignment.objects.update(starts=date)


def _session(node, day: dt.date, topic="矛盾纠纷调解培训") -> TrainingSession:
    return TrainingSession.objects.create(
        node=node,
        topic=topic,
        trainer="县司法局 李律师",
        starts=at(day),
        ends=at(day, 11),
        place="镇政府三楼会议室",
        created_at=at(day),
    )


def _attended(session, user) -> Attendance:
    return Attendance.objects.create(
        session=session, user=user, how="hand", day=session.starts.date(), created_at=session.starts
    )


def _flagged() -> set[tuple[int, str]]:
    return {
        (m.payload["user"], m.payload["date"])
        for m in OutboxMessage.objects.filter(kind="training_overdue")
    }


def test_a_grid_worker_without_training_in_the_half_year_is_flagged_and_one_with_it_is_not(
    cast, tree, plans
):
    _since(dt.date(2026, 1, 1))
    _attended(_session(tree.town1, dt.date(2026, 5, 12)), cast.worker_b)
    flags = daily_flags(now=JULY_2)
    assert _flagged() == {(cast.worker_a.pk, "2026-01-01")}
    assert flags.training_overdue == 1
    # A second run (the next morning, a replay) adds nothing.
    assert daily_flags(now=JULY_2 + dt.timedelta(days=1)).training_overdue == 0


def test_an_instructor_is_judged_by_the_year_and_a_worker_by_the_half_year(
    cast, tree, plans, instructor
):
    _since(dt.date(2025, 1, 1))
    # A session in the second half of 2025 is the instructor's year, not the worker's half-year.
    autumn = _session(tree.county, dt.date(2025, 10, 20), topic="万名党员进党校")
    _attended(autumn, instructor)
    _attended(autumn, cast.worker_a)
    daily_flags(now=JULY_2)
    flagged = _flagged()
    assert (instructor.pk, "2025-01-01") not in flagged
    assert (cast.worker_a.pk, "2026-01-01") in flagged
    # The next year, with no training in 2026, the instructor is overdue.
    daily_flags(now=timezone.make_aware(dt.datetime(2027, 1, 3, 6)))
    assert (instructor.pk, "2026-01-01") in _flagged()


def test_a_post_taken_late_in_the_period_is_not_judged_by_it(cast, tree, plans):
    _since(dt.date(2026, 1, 1))
    Assignment.objects.filter(user=cast.worker_a).update(starts=dt.date(2026, 5, 20))
    daily_flags(now=JULY_2)
    assert cast.worker_a.pk not in {user for user, _day in _flagged()}
    assert cast.worker_b.pk in {user for user, _day in _flagged()}


def test_a_village_plan_is_followed_instead_of_its_towns(cast, tree, plans):
    _since(dt.date(2025, 1, 1))
    TrainingPlan.objects.create(
        node=tree.village1, role="grid_worker", every_months=12, name="村年度培训"
    )
    _attended(_session(tree.village1, dt.date(2025, 11, 3)), cast.worker_a)
    daily_flags(now=JULY_2)
    # 2025 was trained, by the village's yearly plan; the town's half-year does not apply.
    assert cast.worker_a.pk not in {user for user, _day in _flagged()}


def test_an_overdue_person_and_their_town_hear_of_it(cast, tree, plans):
    _since(dt.date(2026, 1, 1))
    daily_flags(now=JULY_2)
    message = OutboxMessage.objects.get(kind="training_overdue", payload__user=cast.worker_a.pk)
    heard = notify.recipients(message)
    assert cast.worker_a in heard and cast.staff_town1 in heard
    assert cast.worker_b not in heard and cast.staff_town2 not in heard
    assert "王刚" in notify.text_for(message)


def test_the_place_shows_who_is_overdue(cast, tree, plans):
    _since(dt.date(2026, 1, 1))
    _attended(_session(tree.town1, dt.date(2026, 3, 2)), cast.worker_b)
    rows = {
        r.post.user_id: r for r in trainee_rows(cast.staff_town1, tree.town1, dt.date(2026, 7, 2))
    }
    assert rows[cast.worker_a.pk].overdue and not rows[cast.worker_b.pk].overdue
    assert rows[cast.worker_a.pk].due_by == dt.date(2026, 12, 31)
    # The other town sees none of them.
    assert trainee_rows(cast.staff_town2, tree.town2, dt.date(2026, 7, 2)) == []


# --- Signing in by the session's code ----------------------------------------------------------


def test_a_valid_code_signs_in_once_on_the_sessions_day(cast, tree):
    session = _session(tree.village1, dt.date(2026, 7, 2))
    code = signin_code(session)
    actions.training_sign_in(
        actor=cast.worker_a, session_id=session.pk, code=code, now=at(dt.date(2026, 7, 2), 8)
    )
    with pytest.raises(Exception, match="already signed in"):
        actions.training_sign_in(
            actor=cast.worker_a, session_id=session.pk, code=code, now=at(dt.date(2026, 7, 2), 10)
        )
    assert Attendance.objects.filter(session=session).count() == 1


def test_an_expired_forged_or_early_code_is_refused(cast, tree):
    session = _session(tree.village1, dt.date(2026, 7, 2))
    code = signin_code(session)
    with pytest.raises(Exception, match="expired"):
        actions.training_sign_in(
            actor=cast.worker_a, session_id=session.pk, code=code, now=at(dt.date(2026, 7, 3), 8)
        )
    with pytest.raises(Exception, match="opens an hour"):
        actions.training_sign_in(
            actor=cast.worker_a, session_id=session.pk, code=code, now=at(dt.date(2026, 7, 2), 6)
        )
    other = _session(tree.village1, dt.date(2026, 7, 2), topic="另一场")
    with pytest.raises(Http404):  # a code is for its own session only
        actions.training_sign_in(
            actor=cast.worker_a, session_id=other.pk, code=code, now=at(dt.date(2026, 7, 2), 9)
        )
    with pytest.raises(Http404):
        actions.training_sign_in(
            actor=cast.worker_a,
            session_id=session.pk,
            code=code[:-2] + "xx",
            now=at(dt.date(2026, 7, 2), 9),
        )
    assert not Attendance.objects.exists()


def test_someone_outside_the_sessions_place_cannot_sign_in(cast, tree):
    session = _session(tree.village1, dt.date(2026, 7, 2))
    code = signin_code(session)
    worker_c = UserFactory(username="worker_c")
    grant(worker_c, tree.grid_c, "grid_worker")
    with pytest.raises(Http404):
        actions.training_sign_in(
            actor=worker_c, session_id=session.pk, code=code, now=at(dt.date(2026, 7, 2), 9)
        )
    with pytest.raises(PermissionDenied):  # the town sees the session but serves above it
        actions.training_sign_in(
            actor=cast.staff_town1, session_id=session.pk, code=code, now=at(dt.date(2026, 7, 2), 9)
        )
    # A grid session is not the neighbouring grid's either.
    grid_session = _session(tree.grid_a, dt.date(2026, 7, 2))
    with pytest.raises(Http404):
        actions.training_sign_in(
            actor=cast.worker_b,
            session_id=grid_session.pk,
            code=signin_code(grid_session),
            now=at(dt.date(2026, 7, 2), 9),
        )
    assert not Attendance.objects.exists()


def test_staff_mark_attendance_by_hand_only_for_people_who_serve_there(cast, tree):
    session = _session(tree.village1, dt.date(2026, 7, 2))
    later = at(dt.date(2026, 7, 2), 10)
    mark = actions.training_attendance_mark(
        actor=cast.staff_town1, session_id=session.pk, user_id=cast.worker_b.pk, now=later
    )
    assert (mark.how, mark.marked_by) == ("hand", cast.staff_town1)
    with pytest.raises(Exception, match="serves here"):
        actions.training_attendance_mark(
            actor=cast.staff_town1, session_id=session.pk, user_id=cast.staff_town2.pk, now=later
        )
    with pytest.raises(Http404):
        actions.training_attendance_mark(
            actor=cast.staff_town2, session_id=session.pk, user_id=cast.worker_a.pk, now=later
        )
    with pytest.raises(PermissionDenied):  # the grid chief sees it but holds no trainings
        actions.training_attendance_mark(
            actor=cast.village_chief, session_id=session.pk, user_id=cast.worker_a.pk, now=later
        )


def test_a_certificate_is_kept_at_the_persons_post_with_its_dates(cast, tree):
    certificate = actions.certificate_record(
        actor=cast.staff_town1,
        node_id=tree.town1.pk,
        user_id=cast.worker_a.pk,
        kind="legal",
        issued=dt.date(2026, 3, 1),
        expires=dt.date(2029, 2, 28),
        issuer="城固县司法局",
    )
    assert certificate.node == tree.grid_a and "法律明白人" in str(certificate.get_kind_display())
    with pytest.raises(Exception, match="expires after"):
        actions.certificate_record(
            actor=cast.staff_town1,
            node_id=tree.town1.pk,
            user_id=cast.worker_a.pk,
            kind="legal",
            issued=dt.date(2026, 3, 1),
            expires=dt.date(2026, 2, 1),
        )
    with pytest.raises(Http404):
        actions.certificate_record(
            actor=cast.staff_town2,
            node_id=tree.town1.pk,
            user_id=cast.worker_a.pk,
            kind="legal",
            issued=dt.date(2026, 3, 1),
        )
    assert Certificate.objects.count() == 1
