"""Nobody scores, decides on or marks their own work: a person holding two posts (a village's
commander who also walks a grid, a grid chief who is also a grid worker) is refused on their
own line, result or attendance, and someone else does it. Scores and signing of one sheet
never cross (PostgreSQL)."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from gridgov.errors import DomainError
from staff import actions
from staff.actions import appraisal as appraisal_actions
from staff.models import AppraisalSheet, Assignment
from tests.factories import T0, UserFactory, grant
from tests.staff.test_appraisal import OCT, make_rule


@pytest.fixture
def sheet(cast, tree):
    grant(cast.worker_a, tree.village1, "commander")  # beside the grid's post
    Assignment.objects.update(starts=dt.date(2026, 1, 1))
    make_rule(tree.county)
    return actions.appraisal_compute(
        village_id=tree.village1.pk, month=OCT, actor=cast.staff_town1, now=T0
    )


def test_a_commander_does_not_score_their_own_line(cast, sheet):
    line = sheet.lines.get(worker=cast.worker_a)
    conduct = sheet.rule.items.get(label="作风纪律")
    with pytest.raises(DomainError):
        actions.appraisal_score(
            actor=cast.worker_a, line_id=line.pk, item_id=conduct.pk, points="6", reason="自评"
        )
    actions.appraisal_score(
        actor=cast.staff_town1, line_id=line.pk, item_id=conduct.pk, points="-10", reason="违纪"
    )
    assert line.scores.get(item=conduct).scored_by == cast.staff_town1


def test_a_grid_chief_does_not_decide_on_their_own_evaluation(cast, tree):
    now = timezone.make_aware(dt.datetime(2026, 12, 10, 10))
    instructor = UserFactory(username="instructor_a", first_name="周指导")
    grant(instructor, tree.grid_a, "instructor")
    grant(cast.village_chief, tree.grid_a, "grid_worker")
    given = actions.evaluation_give(
        actor=instructor,
        side="instructor",
        subject_id=cast.village_chief.pk,
        grade="incompetent",
        comment="不称职",
        now=now,
    )
    with pytest.raises(DomainError):
        actions.evaluation_decide(
            actor=cast.village_chief, result_id=given.result_id, decision="keep", now=now
        )
    given.result.refresh_from_db()
    assert not given.result.decision


def test_a_commander_does_not_mark_their_own_attendance(cast, tree):
    grant(cast.worker_a, tree.village1, "commander")
    start = timezone.now() - dt.timedelta(hours=1)
    session = actions.training_session_create(
        actor=cast.worker_a,
        node_id=tree.village1.pk,
        topic="网格员培训",
        trainer="镇综治中心",
        starts=start,
        ends=start + dt.timedelta(hours=2),
        place="村委会",
    )
    with pytest.raises(DomainError):
        actions.training_attendance_mark(
            actor=cast.worker_a, session_id=session.pk, user_id=cast.worker_a.pk
        )
    assert not session.attendances.filter(user=cast.worker_a).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_score_sent_while_the_sheet_is_being_signed_waits_and_is_refused(cast, sheet):
    line = sheet.lines.get(worker=cast.worker_a)
    conduct = sheet.rule.items.get(label="作风纪律")
    locked, done = threading.Event(), threading.Event()

    def sign_slowly():
        try:
            with transaction.atomic():
                signing = appraisal_actions._sheet(sheet.pk)  # the sheet's row, as signing holds it
                locked.set()
                done.wait(1)  # the score arrives meanwhile
                signing.status, signing.signed_by = "signed", cast.staff_town1
                signing.signed_at = timezone.now()
                signing.save(update_fields=["status", "signed_by", "signed_at"])
        finally:
            connection.close()

    signer = threading.Thread(target=sign_slowly)
    signer.start()
    locked.wait(10)
    try:
        with pytest.raises(DomainError):
            actions.appraisal_score(
                actor=cast.staff_town1, line_id=line.pk, item_id=conduct.pk, points="-10",
                reason="违纪",
            )  # fmt: skip
    finally:
        done.set()
        signer.join(10)
    assert AppraisalSheet.objects.get(pk=sheet.pk).status == "signed"
    assert line.scores.get(item=conduct).scored_by is None
