"""A sheet's way from computed to published, and the objection flow: a worker objects to their
own published line within the window, the town answers (upheld with corrections, or not), and
the objection, the answer and every correction stay."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from gridgov.errors import DomainError
from gridgov.models import OutboxMessage
from staff import actions
from staff.models import AppraisalObjection
from tests.factories import T0, UserFactory, grant
from tests.staff.test_appraisal import OCT, make_rule

pytestmark = pytest.mark.usefixtures("_since_january")


@pytest.fixture
def _since_january(cast):
    from staff.models import Assignment

    Assignment.objects.update(starts=dt.date(2026, 1, 1))


@pytest.fixture
def sheet(cast, tree):
    make_rule(tree.county, objection_days=5)
    return actions.appraisal_compute(
        village_id=tree.village1.pk, month=OCT, actor=cast.staff_town1, now=T0
    )


def published(sheet, cast, now=T0):
    actions.appraisal_sign(actor=cast.staff_town1, sheet_id=sheet.pk, now=now)
    return actions.appraisal_publish(actor=cast.staff_town1, sheet_id=sheet.pk, now=now)


def test_the_town_signs_then_publishes_and_the_window_runs_the_rules_days(sheet, cast):
    with pytest.raises(DomainError):  # signed first
        actions.appraisal_publish(actor=cast.staff_town1, sheet_id=sheet.pk, now=T0)
    signed = actions.appraisal_sign(actor=cast.staff_town1, sheet_id=sheet.pk, now=T0)
    assert (signed.status, signed.signed_by) == ("signed", cast.staff_town1)
    with pytest.raises(DomainError):
        actions.appraisal_sign(actor=cast.staff_town1, sheet_id=sheet.pk, now=T0)
    out = actions.appraisal_publish(actor=cast.staff_town1, sheet_id=sheet.pk, now=T0)
    assert out.status == "published" and out.objections_until == T0 + dt.timedelta(days=5)
    assert OutboxMessage.objects.filter(kind="appraisal_published").count() == 1
    with pytest.raises(DomainError):
        actions.appraisal_publish(actor=cast.staff_town1, sheet_id=sheet.pk, now=T0)


def test_once_signed_no_score_changes_but_by_answering_an_objection(sheet, cast):
    line = sheet.lines.get(worker=cast.worker_a)
    manual = line.scores.filter(item__measure="manual").first()
    actions.appraisal_sign(actor=cast.staff_town1, sheet_id=sheet.pk, now=T0)
    with pytest.raises(DomainError):
        actions.appraisal_score(
            actor=cast.staff_town1, line_id=line.pk, item_id=manual.item_id, points=3, reason="x"
        )


@pytest.mark.parametrize(
    ("who", "refusal"),
    # A grid's people do not see the village's sheet; the village's grid chief sees it.
    [("worker_b", Http404), ("staff_town2", Http404), ("village_chief", PermissionDenied)],
)
def test_only_the_town_of_the_village_signs_and_publishes(sheet, cast, who, refusal):
    with pytest.raises(refusal):
        actions.appraisal_sign(actor=getattr(cast, who), sheet_id=sheet.pk, now=T0)


def test_a_worker_objects_to_their_line_and_the_town_upholds_it_with_a_correction(sheet, cast):
    published(sheet, cast)
    line = sheet.lines.get(worker=cast.worker_a)
    before = line.score
    objection = actions.appraisal_object(
        actor=cast.worker_a,
        line_id=line.pk,
        reason="10月20日的巡查因手机没电未结束，实际巡查了",
        now=T0 + dt.timedelta(days=1),
    )
    assert objection.score_before == before and objection.is_open
    assert OutboxMessage.objects.filter(kind="appraisal_objected").count() == 1
    with pytest.raises(DomainError):  # one at a time
        actions.appraisal_object(actor=cast.worker_a, line_id=line.pk, reason="再次", now=T0)
    patrol_item = line.scores.get(item__measure="patrol_days")
    answered = actions.appraisal_answer(
        actor=cast.staff_town1,
        objection_id=objection.pk,
        upheld=True,
        answer="核实属实，补记一天",
        corrections={patrol_item.item_id: str(patrol_item.points + 1)},
        now=T0 + dt.timedelta(days=2),
    )
    line.refresh_from_db()
    assert answered.upheld is True and answered.answered_by == cast.staff_town1
    assert answered.score_after == line.score == before + 1
    assert answered.corrections == [
        {
            "item": patrol_item.item_id,
            "label": "巡查天数",
            "before": str(patrol_item.points),
            "after": str(patrol_item.points + Decimal(1)),
        }
    ]
    corrected = line.scores.get(pk=patrol_item.pk)
    assert corrected.reason == "核实属实，补记一天" and corrected.scored_by == cast.staff_town1
    assert OutboxMessage.objects.filter(kind="appraisal_answered").count() == 1
    # A correction is kept when the sheet is read again; the objection's history stays.
    second = actions.appraisal_object(
        actor=cast.worker_a, line_id=line.pk, reason="出勤也有误", now=T0 + dt.timedelta(days=3)
    )
    actions.appraisal_answer(
        actor=cast.staff_town1,
        objection_id=second.pk,
        upheld=False,
        answer="考勤记录无误",
        now=T0 + dt.timedelta(days=4),
    )
    history = list(
        AppraisalObjection.objects.filter(line=line).values_list("reason", "upheld", "answer")
    )
    assert history == [
        ("10月20日的巡查因手机没电未结束，实际巡查了", True, "核实属实，补记一天"),
        ("出勤也有误", False, "考勤记录无误"),
    ]
    line.refresh_from_db()
    assert line.score == before + 1


def test_an_answer_says_why_and_only_an_upheld_one_corrects(sheet, cast):
    published(sheet, cast)
    line = sheet.lines.get(worker=cast.worker_a)
    objection = actions.appraisal_object(
        actor=cast.worker_a, line_id=line.pk, reason="有误", now=T0
    )
    item = line.scores.get(item__measure="patrol_days")
    for upheld, answer, corrections in (
        (True, "属实", {}),  # upheld without a correction
        (False, "不属实", {item.item_id: "3"}),  # a correction without upholding
        (False, "  ", {}),  # no answer
        (True, "属实", {item.item_id: "999"}),  # beyond the item's cap
        (True, "属实", {item.item_id: "NaN"}),
        (True, "属实", {999999: "3"}),  # not an item of the line
    ):
        with pytest.raises(DomainError):
            actions.appraisal_answer(
                actor=cast.staff_town1,
                objection_id=objection.pk,
                upheld=upheld,
                answer=answer,
                corrections=corrections,
                now=T0,
            )
    objection.refresh_from_db()
    assert objection.is_open
    with pytest.raises(PermissionDenied):  # a worker does not answer
        actions.appraisal_answer(
            actor=cast.worker_a, objection_id=objection.pk, upheld=False, answer="x", now=T0
        )
    actions.appraisal_answer(
        actor=cast.staff_town1, objection_id=objection.pk, upheld=False, answer="无误", now=T0
    )
    with pytest.raises(DomainError):  # once
        actions.appraisal_answer(
            actor=cast.staff_town1, objection_id=objection.pk, upheld=False, answer="x", now=T0
        )


def test_objections_close_with_the_window_and_open_only_on_a_published_line(sheet, cast):
    line = sheet.lines.get(worker=cast.worker_a)
    with pytest.raises(Http404):  # not published yet: the worker does not see it
        actions.appraisal_object(actor=cast.worker_a, line_id=line.pk, reason="有误", now=T0)
    published(sheet, cast)
    with pytest.raises(DomainError):
        actions.appraisal_object(
            actor=cast.worker_a,
            line_id=line.pk,
            reason="有误",
            now=T0 + dt.timedelta(days=5, seconds=1),
        )
    objection = actions.appraisal_object(
        actor=cast.worker_a, line_id=line.pk, reason="有误", now=T0 + dt.timedelta(days=5)
    )
    # An objection raised in time is answered after the window all the same.
    actions.appraisal_answer(
        actor=cast.staff_town1,
        objection_id=objection.pk,
        upheld=False,
        answer="无误",
        now=T0 + dt.timedelta(days=9),
    )


def test_a_worker_objects_only_to_their_own_line_with_a_reason(sheet, cast, tree):
    published(sheet, cast)
    line_b = sheet.lines.get(worker=cast.worker_b)
    with pytest.raises(Http404):  # worker_a does not see grid B's line
        actions.appraisal_object(actor=cast.worker_a, line_id=line_b.pk, reason="x", now=T0)
    colleague = UserFactory(username="colleague")
    grant(colleague, tree.grid_b, "grid_worker")
    with pytest.raises(PermissionDenied):  # seen in scope, but not theirs
        actions.appraisal_object(actor=colleague, line_id=line_b.pk, reason="x", now=T0)
    with pytest.raises(DomainError):
        actions.appraisal_object(actor=cast.worker_b, line_id=line_b.pk, reason="  ", now=T0)
    with pytest.raises(Http404):
        actions.appraisal_object(actor=cast.worker_b, line_id=10**9, reason="x", now=T0)


def test_publication_objection_and_answer_each_reach_their_people(client, sheet, cast, settings):
    from django.urls import reverse
    from django.utils import translation

    from gridgov import notify
    from gridgov.models import Notice

    settings.LANGUAGE_CODE = "en"
    published(sheet, cast)
    notify.deliver_pending(now=T0)
    assert set(Notice.objects.values_list("user__username", flat=True)) == {"worker_a", "worker_b"}
    line = sheet.lines.get(worker=cast.worker_a)
    objection = actions.appraisal_object(
        actor=cast.worker_a, line_id=line.pk, reason="有误", now=T0
    )
    notify.deliver_pending(now=T0)
    objected = Notice.objects.get(message__kind="appraisal_objected")
    assert objected.user == cast.staff_town1  # the town's reviewers, not the town's admin
    actions.appraisal_answer(
        actor=cast.staff_town1, objection_id=objection.pk, upheld=False, answer="无误", now=T0
    )
    notify.deliver_pending(now=T0)
    answered = Notice.objects.get(message__kind="appraisal_answered")
    assert answered.user == cast.worker_a
    with translation.override("en"):
        assert notify.text_for(answered.message) == (
            "The town answered your objection to the appraisal of 2026-10."
        )
        assert notify.text_for(objected.message) == (
            "A grid worker in 梁家庵村第一网格 objects to the appraisal of 2026-10."
        )
    client.force_login(cast.worker_a)
    opened = client.get(reverse("notice_open", args=[answered.pk]))
    assert opened["Location"] == reverse("appraisal_mine")
    client.force_login(cast.staff_town1)
    opened = client.get(reverse("notice_open", args=[objected.pk]))
    assert opened["Location"] == reverse("appraisal_node", args=[line.grid_id])
