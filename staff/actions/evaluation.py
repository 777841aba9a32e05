"""双向评价 (seed 002): once a year instructors evaluate their grid workers, grid workers and the
village evaluate their instructor. A worker's result goes to the village, which decides (keep,
adjust, exit: 由村(社区)按程序进行调整); an instructor's goes to the town, which forwards it to
the county's organization department (由乡镇汇总后报组织部门备案), which decides."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.errors import DomainError
from staff import access
from staff.models import (
    Decision,
    Evaluation,
    EvaluationResult,
    EvaluationSide,
    Grade,
    TrainedRole,
)
from staff.queries.evaluation import pairings

NOTE_CHARS = 300
COMMENT_CHARS = 500


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def evaluation_years(now: dt.datetime | None = None) -> tuple[int, int]:
    """The years open to evaluation: this one, and the last (evaluated early in the next)."""
    year = timezone.localdate(_now(now)).year
    return year, year - 1


@transaction.atomic
def evaluation_give(
    *,
    actor,
    side: str,
    subject_id: int,
    grade: str,
    comment: str = "",
    year: int | None = None,
    now: dt.datetime | None = None,
) -> Evaluation:
    """One evaluator's grade and comment on someone they are paired with, once a year and side;
    refused once the result is forwarded or decided."""
    now = _now(now)
    year = year or evaluation_years(now)[0]
    if year not in evaluation_years(now):
        raise DomainError(_("This year is not open to evaluation."), field="year")
    if side not in EvaluationSide.values:
        raise DomainError(_("Choose whom you evaluate."), field="side")
    access.require_anywhere(actor, "evaluation.give")
    pairing = next(
        (p for p in pairings(actor) if p.side == side and p.subject.pk == subject_id), None
    )
    if pairing is None:
        raise PermissionDenied  # not someone this person evaluates
    if grade not in Grade.values:
        raise DomainError(_("Choose the grade."), field="grade")
    comment = " ".join((comment or "").split())[:COMMENT_CHARS]
    if grade in (Grade.BASIC, Grade.INCOMPETENT) and not comment:
        raise DomainError(_("Say why, for a grade this low."), field="comment")
    role = TrainedRole(pairing.post.role)
    result, _created = EvaluationResult.objects.select_for_update().get_or_create(
        year=year, subject=pairing.subject, role=role, village=pairing.village
    )
    if result.decision or result.forwarded_at:
        raise DomainError(_("This year's result is already with the level that decides."))
    try:
        with transaction.atomic():
            return Evaluation.objects.create(
                result=result,
                side=side,
                evaluator=actor,
                grade=grade,
                comment=comment,
                created_at=now,
            )
    except IntegrityError:
        raise DomainError(_("You have already evaluated this person this year.")) from None


def _locked_result(result_id) -> EvaluationResult:
    result = (
        EvaluationResult.objects.select_for_update()
        .select_related("village")
        .filter(pk=result_id or 0)
        .first()
    )
    if result is None:
        raise Http404("No such result.")
    return result


@transaction.atomic
def evaluation_forward(
    *, actor, result_id: int, now: dt.datetime | None = None
) -> EvaluationResult:
    """The town forwards an instructor's result to the county's organization department."""
    result = _locked_result(result_id)
    access.require(actor, "evaluation.view_instructor", result)
    access.require(actor, "evaluation.forward", result)
    if result.role != TrainedRole.INSTRUCTOR:
        raise DomainError(_("A grid worker's result stays with the village."))
    if result.forwarded_at:
        raise DomainError(_("This result is already forwarded."))
    if not result.evaluations.exists():
        raise DomainError(_("Nobody has evaluated this person yet."))
    result.forwarded_at = _now(now)
    result.forwarded_by = actor
    result.save(update_fields=["forwarded_at", "forwarded_by"])
    return result


@transaction.atomic
def evaluation_decide(
    *, actor, result_id: int, decision: str, note: str = "", now: dt.datetime | None = None
) -> EvaluationResult:
    """The receiving level records what it decided: keep, adjust or exit, with the reason for
    the last two. A grid worker's by the village; an instructor's by the county, once the town
    has forwarded it. Decided once."""
    result = _locked_result(result_id)
    worker = result.role == TrainedRole.GRID_WORKER
    view, decide = (
        ("evaluation.view_worker", "evaluation.decide_worker")
        if worker
        else ("evaluation.view_instructor", "evaluation.decide_instructor")
    )
    access.require(actor, view, result)
    access.require(actor, decide, result)
    if result.subject_id == actor.pk:
        raise DomainError(_("What follows your own evaluation is decided by someone else."))
    if result.decision:
        raise DomainError(_("The decision is already recorded."))
    if not worker and not result.forwarded_at:
        raise DomainError(_("The town has not forwarded this result yet."))
    if decision not in Decision.values:
        raise DomainError(_("Choose the decision."), field="decision")
    note = " ".join((note or "").split())[:NOTE_CHARS]
    if decision != Decision.KEEP and not note:
        raise DomainError(_("Say why, to adjust or to exit."), field="note")
    result.decision = decision
    result.decision_note = note
    result.decided_at = _now(now)
    result.decided_by = actor
    result.save(update_fields=["decision", "decision_note", "decided_at", "decided_by"])
    return result
