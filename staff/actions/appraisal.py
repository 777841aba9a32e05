"""考核: computing a village's monthly sheet from the records, the manual scores, the town's
signature and publication, and the workers' objections with the town's answers (seed 000:
《网格员工作绩效管理考核办法》, 基本工资 + 绩效考核, A/B/C 难度系数). docs/people.md says how each
figure is counted and how the pay follows from the score."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov import outbox
from gridgov.cleaning import parse_decimal
from gridgov.errors import DomainError
from grids.models import GridNode, Tier
from staff import access
from staff.models import (
    AppraisalItem,
    AppraisalLine,
    AppraisalObjection,
    AppraisalRule,
    AppraisalScore,
    AppraisalSheet,
    Assignment,
    Grade,
    Measure,
    Role,
    SheetStatus,
)
from staff.queries import measures
from staff.queries.measures import Month, month_of

CENT = Decimal("0.01")
REASON_CHARS = 300


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def rule_in_force(county_tree_id: int, month: dt.date) -> AppraisalRule | None:
    """The county's rule for the month: the version that took effect last, on or before it."""
    return (
        AppraisalRule.objects.filter(
            county__tree_id=county_tree_id, county__parent__isnull=True, valid_from__lte=month
        )
        .order_by("-valid_from")
        .prefetch_related("items")
        .first()
    )


# ---------------------------------------------------------------- the arithmetic


def _clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return min(max(value, low), high)


def item_points(item: AppraisalItem, quantity: Decimal | None) -> Decimal:
    """An item's points from what was counted: quantity × points per unit, within the item's
    fewest and most points; nothing to count (a share with no rating) gives its starting points."""
    if quantity is None:
        return item.default_points
    return _clamp(quantity * item.per_unit, item.floor, item.cap).quantize(CENT, ROUND_HALF_UP)


def settle_line(rule: AppraisalRule, line: AppraisalLine, points) -> AppraisalLine:
    """The line's score (the items' points, between 0 and the full score), its grade, and its
    pay: base pay + performance pay × score ÷ full score × the grid's coefficient, no performance
    pay when not competent. Amounts to the fen, halves up."""
    total = sum(points, Decimal(0))
    line.score = _clamp(total, Decimal(0), Decimal(rule.full_score)).quantize(CENT, ROUND_HALF_UP)
    line.grade = rule.grade(line.score)
    line.base_pay = rule.base_pay
    if line.grade == Grade.INCOMPETENT:
        line.performance_pay = Decimal("0.00")
    else:
        share = line.score / Decimal(rule.full_score)
        line.performance_pay = (rule.performance_pay * share * line.coefficient).quantize(
            CENT, ROUND_HALF_UP
        )
    line.total_pay = line.base_pay + line.performance_pay
    return line


def _quantities(rule: AppraisalRule, village: GridNode, month: Month, workers: list[int]) -> dict:
    """{measure: {worker id: quantity or None}} for every measured item of the rule."""
    wanted = {item.measure for item in rule.items.all() if not item.is_manual}
    found: dict[str, dict[int, Decimal | None]] = {}

    def plain(counts: dict[int, int]) -> dict[int, Decimal]:
        return {w: Decimal(counts.get(w, 0)) for w in workers}

    if Measure.ON_TIME_CLOSURES in wanted:
        closures = measures.closed_on_time(village, month, workers)
        found[Measure.ON_TIME_CLOSURES] = {
            w: sum((rule.coefficient(d) * n for d, n in closures.get(w, {}).items()), Decimal(0))
            for w in workers
        }
    if Measure.PATROL_DAYS in wanted:
        found[Measure.PATROL_DAYS] = plain(measures.patrol_days(village, month, workers))
    if Measure.VISITS_ON_TIME in wanted:
        found[Measure.VISITS_ON_TIME] = plain(
            measures.visits(village, month, workers, on_time=True)
        )
    if Measure.PATROL_CASES in wanted:
        found[Measure.PATROL_CASES] = plain(measures.patrol_cases(village, month, workers))
    if Measure.MEDIATIONS in wanted:
        found[Measure.MEDIATIONS] = plain(measures.mediations(village, month, workers))
    if Measure.REWORK in wanted:
        found[Measure.REWORK] = plain(measures.rework(village, month, workers))
    if Measure.SATISFACTION in wanted:
        ratings = measures.satisfaction(village, month, workers)
        found[Measure.SATISFACTION] = {
            w: (Decimal(ratings[w][0]) / Decimal(ratings[w][1])).quantize(Decimal("0.0001"))
            if w in ratings and ratings[w][1]
            else None
            for w in workers
        }
    return found


def _grid_of(node: GridNode) -> tuple[GridNode, str]:
    """The grid a post's node counts as, and its difficulty (a micro-grid without a class of its
    own takes its grid's)."""
    difficulty = node.difficulty
    if node.tier == Tier.MICRO_GRID and not difficulty and node.parent is not None:
        difficulty = node.parent.difficulty
    return node, difficulty or ""


def _workers(rule, village: GridNode, month: Month) -> dict[int, tuple[GridNode, str, Decimal]]:
    """The village's grid workers of the month: per person the grid of their hardest post (the
    highest coefficient, then the first by code), its difficulty and coefficient."""
    posts = measures.posts_in(village, month, [Role.GRID_WORKER])
    nodes = GridNode.objects.select_related("parent").in_bulk({p.node_id for p in posts})
    best: dict[int, tuple[GridNode, str, Decimal]] = {}
    for post in sorted(posts, key=lambda p: nodes[p.node_id].code):
        node, difficulty = _grid_of(nodes[post.node_id])
        if node.tier not in (Tier.GRID, Tier.MICRO_GRID):
            continue
        coefficient = rule.coefficient(difficulty)
        if post.user_id not in best or coefficient > best[post.user_id][2]:
            best[post.user_id] = (node, difficulty, coefficient)
    return best


# ---------------------------------------------------------------- computing a sheet


def _village(village_id: int) -> GridNode:
    village = GridNode.objects.filter(pk=village_id, tier=Tier.VILLAGE).first()
    if village is None:
        raise Http404("No such village.")
    return village


@transaction.atomic
def appraisal_compute(
    *, village_id: int, month: dt.date, actor=None, now: dt.datetime | None = None
) -> AppraisalSheet:
    """Compute a village's sheet of a finished month from the records, or compute it again while
    it is under review (the scores given by hand stay). Beat computes last month's on the 1st
    (`actor` None); a signed sheet is never computed again."""
    now = _now(now)
    village = _village(village_id)
    if actor is not None:
        access.require(actor, "appraisal.review", village)
    month = month_of(month)
    if month >= month_of(timezone.localdate(now)):
        raise DomainError(_("A month is appraised once it is over."), field="month")
    rule = rule_in_force(village.tree_id, month)
    if rule is None:
        raise DomainError(_("The county has no appraisal rule in force for this month."))
    sheet = AppraisalSheet.objects.select_for_update().filter(village=village, month=month).first()
    if sheet is None:
        try:
            with transaction.atomic():
                sheet = AppraisalSheet.objects.create(
                    village=village, month=month, rule=rule, computed_at=now
                )
        except IntegrityError:  # computed at the same moment elsewhere (a doubled beat)
            sheet = AppraisalSheet.objects.select_for_update().get(village=village, month=month)
            if actor is None:
                return sheet
    elif sheet.status != SheetStatus.DRAFT:
        if actor is None:
            return sheet
        raise DomainError(_("This sheet is signed: it is no longer computed again."))
    if sheet.rule_id != rule.pk:  # the county changed the month's rule while under review
        sheet.lines.all().delete()
        sheet.rule = rule
    sheet.computed_at = now
    sheet.save(update_fields=["rule", "computed_at"])
    _fill(sheet, rule, village, Month(month))
    return sheet


def _fill(sheet: AppraisalSheet, rule: AppraisalRule, village: GridNode, month: Month) -> None:
    workers = _workers(rule, village, month)
    items = list(rule.items.all())
    lines = {line.worker_id: line for line in sheet.lines.all()}
    AppraisalLine.objects.filter(sheet=sheet).exclude(worker_id__in=list(workers)).delete()
    new = [
        AppraisalLine(
            sheet=sheet, worker_id=w, grid=node, difficulty=d, coefficient=c, grade=Grade.BASIC
        )
        for w, (node, d, c) in workers.items()
        if w not in lines
    ]
    AppraisalLine.objects.bulk_create(new)
    for line in new:
        lines[line.worker_id] = line
    for w, (node, d, c) in workers.items():
        line = lines[w]
        line.grid, line.difficulty, line.coefficient = node, d, c
    quantities = _quantities(rule, village, month, list(workers))
    existing = {
        (s.line_id, s.item_id): s
        for s in AppraisalScore.objects.filter(line__sheet=sheet, line__worker_id__in=list(workers))
    }
    create, update = [], []
    for w in workers:
        line = lines[w]
        points = []
        for item in items:
            score = existing.get((line.pk, item.pk))
            if item.is_manual:
                if score is None:
                    score = AppraisalScore(line=line, item=item, points=item.default_points)
                    create.append(score)
            else:
                quantity = quantities[item.measure][w]
                value = item_points(item, quantity)
                if score is None:
                    score = AppraisalScore(line=line, item=item, quantity=quantity, points=value)
                    create.append(score)
                elif score.scored_by_id is None:  # a correction answered to an objection stays
                    score.quantity, score.points = quantity, value
                    update.append(score)
            points.append(score.points)
        settle_line(rule, line, points)
    AppraisalScore.objects.bulk_create(create)
    AppraisalScore.objects.bulk_update(update, ["quantity", "points"])
    AppraisalLine.objects.bulk_update(
        list(lines.values()) if workers else [],
        [
            "grid",
            "difficulty",
            "coefficient",
            "score",
            "grade",
            "base_pay",
            "performance_pay",
            "total_pay",
        ],
    )


def villages_with_workers(month: Month, tree_ids) -> set[int]:
    """The villages where someone held a grid worker's post on a day of the month (a grid's
    parent is its village, a micro-grid's grandparent)."""
    rows = (
        Assignment.objects.filter(
            role=Role.GRID_WORKER, starts__lte=month.last, node__tree_id__in=list(tree_ids)
        )
        .filter(Q(ends__isnull=True) | Q(ends__gte=month.first))
        .values_list("node__tier", "node__parent_id", "node__parent__parent_id")
        .distinct()
    )
    return {parent if tier == Tier.GRID else grandparent for tier, parent, grandparent in rows}


def appraisal_compute_due(*, now: dt.datetime | None = None) -> int:
    """On the 1st (beat): last month's sheet of every village that had grid workers and whose
    county has a rule in force, where none exists yet. Each village in its own transaction; a
    second run finds nothing to do. Returns how many sheets were made."""
    now = _now(now)
    month = Month(measures.previous_month(month_of(timezone.localdate(now))))
    counties = set(
        AppraisalRule.objects.filter(valid_from__lte=month.first).values_list(
            "county__tree_id", flat=True
        )
    )
    if not counties:
        return 0
    done = AppraisalSheet.objects.filter(village=OuterRef("pk"), month=month.first)
    villages = (
        GridNode.objects.filter(pk__in=villages_with_workers(month, counties), tier=Tier.VILLAGE)
        .exclude(Exists(done))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    made = 0
    for village_id in villages:
        appraisal_compute(village_id=village_id, month=month.first, now=now)
        made += 1
    return made


# ---------------------------------------------------------------- scores, signature, publication


def _line(line_id: int) -> AppraisalLine:
    if not AppraisalLine.objects.select_for_update().filter(pk=line_id).exists():
        raise Http404("No such line.")
    return AppraisalLine.objects.select_related("sheet__rule", "grid", "worker").get(pk=line_id)


def _sheet(sheet_id: int) -> AppraisalSheet:
    if not AppraisalSheet.objects.select_for_update().filter(pk=sheet_id).exists():
        raise Http404("No such sheet.")
    return AppraisalSheet.objects.select_related("rule", "village").get(pk=sheet_id)


def _points(value, item: AppraisalItem, field: str = "points") -> Decimal:
    number = parse_decimal(value if isinstance(value, str) else str(value), limit=Decimal(10**6))
    if number is None:
        raise DomainError(_("Give the points as a number, such as 8 or 7.5."), field=field)
    if not item.floor <= number <= item.cap:
        raise DomainError(
            _("%(item)s takes from %(floor)s to %(cap)s points.")
            % {"item": item.label, "floor": item.floor, "cap": item.cap},
            field=field,
        )
    return number.quantize(CENT, ROUND_HALF_UP)


def _reason(value: str, field: str = "reason") -> str:
    text = " ".join((value or "").split())
    if not text:
        raise DomainError(_("Please give the reason."), field=field)
    return text[:REASON_CHARS]


def _resettle(line: AppraisalLine) -> None:
    points = list(line.scores.values_list("points", flat=True))
    settle_line(line.sheet.rule, line, points)
    line.save(update_fields=["score", "grade", "base_pay", "performance_pay", "total_pay"])


@transaction.atomic
def appraisal_score(
    *, actor, line_id: int, item_id: int, points, reason: str, now: dt.datetime | None = None
) -> AppraisalLine:
    """Score a manual item of a line (attendance, conduct …) with the reason, while the sheet is
    under review; the line's score, grade and pay follow."""
    now = _now(now)
    # The sheet first, as signing and counting it again take it: a score never lands on a
    # sheet signed meanwhile, nor is a line's total counted from points changed meanwhile.
    sheet_id = AppraisalLine.objects.filter(pk=line_id).values_list("sheet_id", flat=True).first()
    if sheet_id is None:
        raise Http404("No such line.")
    _sheet(sheet_id)
    line = _line(line_id)
    access.require(actor, "appraisal.score", line)
    if line.worker_id == actor.pk:
        raise DomainError(_("Your own line is scored by someone else."), field="points")
    if line.sheet.status != SheetStatus.DRAFT:
        raise DomainError(
            _("This sheet is signed: its scores change only by answering an objection.")
        )
    score = AppraisalScore.objects.select_related("item").filter(line=line, item_id=item_id).first()
    if score is None:
        raise Http404("No such item on this line.")
    if not score.item.is_manual:
        raise DomainError(_("This item is counted from the records."), field="points")
    score.points = _points(points, score.item)
    score.reason = _reason(reason)
    score.scored_by, score.scored_at = actor, now
    score.save(update_fields=["points", "reason", "scored_by", "scored_at"])
    _resettle(line)
    return line


@transaction.atomic
def appraisal_sign(*, actor, sheet_id: int, now: dt.datetime | None = None) -> AppraisalSheet:
    """The town has reviewed the sheet and signs it: its figures and scores are settled."""
    now = _now(now)
    sheet = _sheet(sheet_id)
    access.require(actor, "appraisal.review", sheet)
    if sheet.status != SheetStatus.DRAFT:
        raise DomainError(_("This sheet is already signed."))
    sheet.status, sheet.signed_by, sheet.signed_at = SheetStatus.SIGNED, actor, now
    sheet.save(update_fields=["status", "signed_by", "signed_at"])
    return sheet


@transaction.atomic
def appraisal_publish(*, actor, sheet_id: int, now: dt.datetime | None = None) -> AppraisalSheet:
    """公布: the signed sheet goes to the workers (their phones, the desk); each may object
    within the rule's days."""
    now = _now(now)
    sheet = _sheet(sheet_id)
    access.require(actor, "appraisal.review", sheet)
    if sheet.status == SheetStatus.DRAFT:
        raise DomainError(_("The town signs a sheet before it is published."))
    if sheet.status == SheetStatus.PUBLISHED:
        raise DomainError(_("This sheet is already published."))
    sheet.status, sheet.published_by, sheet.published_at = SheetStatus.PUBLISHED, actor, now
    sheet.objections_until = now + dt.timedelta(days=sheet.rule.objection_days)
    sheet.save(update_fields=["status", "published_by", "published_at", "objections_until"])
    outbox.enqueue(
        kind="appraisal_published",
        dedupe_key=f"appraisal_published:{sheet.pk}",
        sheet=sheet.pk,
        node=sheet.village_id,
        date=f"{sheet.month:%Y-%m}",
    )
    return sheet


@transaction.atomic
def appraisal_object(
    *, actor, line_id: int, reason: str, now: dt.datetime | None = None
) -> AppraisalObjection:
    """A worker objects to their own published line, within the window, with the reason; one
    objection at a time, answered by the town."""
    now = _now(now)
    line = _line(line_id)
    access.require(actor, "appraisal.object", line)
    if line.worker_id != actor.pk:
        raise PermissionDenied  # someone else's line: seen in scope, never objected to
    sheet = line.sheet
    if sheet.status != SheetStatus.PUBLISHED:
        raise Http404("No such line.")  # a line is the worker's to see once published
    if now > sheet.objections_until:
        raise DomainError(
            _("Objections to this month's appraisal closed on %(date)s.")
            % {"date": timezone.localtime(sheet.objections_until).strftime("%Y-%m-%d %H:%M")}
        )
    if line.objections.filter(answered_at__isnull=True).exists():
        raise DomainError(_("Your objection is waiting for the town's answer."))
    objection = AppraisalObjection.objects.create(
        line=line, reason=_reason(reason, field="reason"), created_at=now, score_before=line.score
    )
    outbox.enqueue(
        kind="appraisal_objected",
        objection=objection.pk,
        node=line.grid_id,
        user=actor.pk,
        date=f"{sheet.month:%Y-%m}",
    )
    return objection


@transaction.atomic
def appraisal_answer(
    *,
    actor,
    objection_id: int,
    upheld: bool,
    answer: str,
    corrections: dict | None = None,
    now: dt.datetime | None = None,
) -> AppraisalObjection:
    """The town answers an objection: upheld, with the items' corrected points (the line's score,
    grade and pay follow), or not, with the reason. The objection, the answer and every
    correction's before and after are kept."""
    now = _now(now)
    found = AppraisalObjection.objects.filter(pk=objection_id).values_list("line_id", flat=True)
    if not found:
        raise Http404("No such objection.")
    line = _line(found[0])
    objection = AppraisalObjection.objects.select_for_update().get(pk=objection_id)
    access.require(actor, "appraisal.review", line)
    if objection.answered_at is not None:
        raise DomainError(_("This objection is already answered."))
    answer = _reason(answer, field="answer")
    corrections = corrections or {}
    if upheld and not corrections:
        raise DomainError(_("An upheld objection corrects at least one item."), field="answer")
    if corrections and not upheld:
        raise DomainError(_("Only an upheld objection corrects the score."), field="answer")
    scores = {s.item_id: s for s in line.scores.select_related("item")}
    changed = []
    for item_id, value in corrections.items():
        score = scores.get(item_id)
        if score is None:
            raise DomainError(_("That item is not on this line."), field="answer")
        new = _points(value, score.item, field=f"item_{item_id}")
        changed.append(
            {
                "item": score.item_id,
                "label": score.item.label,
                "before": str(score.points),
                "after": str(new),
            }
        )
        score.points, score.reason, score.scored_by, score.scored_at = new, answer, actor, now
        score.save(update_fields=["points", "reason", "scored_by", "scored_at"])
    if changed:
        _resettle(line)
    objection.answer, objection.upheld, objection.corrections = answer, bool(upheld), changed
    objection.score_after, objection.answered_by, objection.answered_at = line.score, actor, now
    objection.save(
        update_fields=[
            "answer",
            "upheld",
            "corrections",
            "score_after",
            "answered_by",
            "answered_at",
        ]
    )
    outbox.enqueue(
        kind="appraisal_answered",
        objection=objection.pk,
        node=line.grid_id,
        user=line.worker_id,
        date=f"{line.sheet.month:%Y-%m}",
    )
    return objection
