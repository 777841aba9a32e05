"""The monthly appraisal of a hand-built October: every measured item counted from the records
(and nothing from another month, another village or another person), the manual items, the
score, the grade and the pay; the rule in force by month; beat's run on the 1st."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cases import actions as case_actions
from cases.models import Mediation
from gridgov.errors import DomainError
from grids.models import Household
from staff import actions
from staff.models import (
    AppraisalItem,
    AppraisalLine,
    AppraisalRule,
    AppraisalSheet,
    Patrol,
    Visit,
)
from tests.factories import T0, UserFactory, grant, make_case

OCT = dt.date(2026, 10, 1)


def at(day: int, hour: int = 10, month: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour))


ITEMS = [
    # label, measure, per unit, cap, floor, default
    ("按期办结", "on_time_closures", "5", "20", "0", "0"),
    ("巡查天数", "patrol_days", "1", "25", "0", "0"),
    ("按时走访", "visits_on_time", "2", "20", "0", "0"),
    ("巡查发现", "patrol_cases", "2", "10", "0", "0"),
    ("调解成功", "mediations", "3", "9", "0", "0"),
    ("返工", "rework", "-2", "0", "-10", "0"),
    ("群众满意度", "satisfaction", "10", "10", "0", "5"),
    ("出勤", "manual", "1", "10", "0", "10"),
    ("作风纪律", "manual", "1", "6", "-10", "6"),
]


def make_rule(county, valid_from=dt.date(2026, 1, 1), items=ITEMS, **fields) -> AppraisalRule:
    """沙河营镇's rule as a county might write it: 100 points, 1,800 yuan base and 1,200 yuan of
    performance pay at full score."""
    rule = AppraisalRule.objects.create(
        county=county,
        valid_from=valid_from,
        name=fields.pop("name", "网格员工作绩效管理考核办法"),
        base_pay=fields.pop("base_pay", Decimal("1800.00")),
        performance_pay=fields.pop("performance_pay", Decimal("1200.00")),
        **fields,
    )
    for position, (label, measure, per_unit, cap, floor, default) in enumerate(items):
        AppraisalItem.objects.create(
            rule=rule,
            position=position,
            label=label,
            measure=measure,
            per_unit=Decimal(per_unit),
            cap=Decimal(cap),
            floor=Decimal(floor),
            default_points=Decimal(default),
        )
    return rule


@pytest.fixture(autouse=True)
def _posts_held_since_january(cast):
    """The cast's posts were given today; the months appraised here are in the past."""
    from staff.models import Assignment

    Assignment.objects.update(starts=dt.date(2026, 1, 1))


def since_january(user, node, role):
    assignment = grant(user, node, role)
    type(assignment).objects.filter(pk=assignment.pk).update(starts=dt.date(2026, 1, 1))
    return assignment


def hotline_case(cast, node, status, *, now, handler="worker_a", **steps):
    """A resident's call on the hotline, worked by the grid's worker."""
    return make_case(
        cast,
        node,
        status,
        reporter=None,
        source="hotline",
        reporter_name="张三",
        reporter_phone="13800001234",
        handler=handler,
        now=now,
        **steps,
    )


def build_october(cast, tree):
    """王刚 (worker_a, grid A, difficulty A) and 李娟 (worker_b, grid B, difficulty B) in
    October, with records around the month's edges and in another village that must not count.
    Returns the household visited."""
    # Closed on time: two in grid A and one in its micro-grid (class A through its grid).
    closed = [
        hotline_case(cast, tree.grid_a, "closed", now={"reported": at(3), "closed": at(3, 15)}),
        hotline_case(cast, tree.grid_a, "closed", now={"reported": at(9), "closed": at(10, 9)}),
        hotline_case(
            cast,
            tree.micro_a1,
            "closed",
            now={"reported": at(14), "closed": at(14, 18)},
            owner=tree.grid_a,  # on the grid's list: its worker handles it
        ),
    ]
    # Closed, but late (a yellow case is due within a day); closed on time but in November.
    late = hotline_case(cast, tree.grid_a, "closed", now={"reported": at(5), "closed": at(8)})
    hotline_case(cast, tree.grid_a, "closed", now={"reported": at(31, 9), "closed": at(1, 8, 11)})
    # Reworked once in October, then closed late.
    reworked = hotline_case(cast, tree.grid_a, "resolved", now=at(20))
    case_actions.case_verify(
        actor=cast.staff_town1, case_id=reworked.pk, ok=False, note="未清理干净", now=at(20, 15)
    )
    case_actions.case_resolve(actor=cast.worker_a, case_id=reworked.pk, result="已清理", now=at(23))
    case_actions.case_verify(actor=cast.staff_town1, case_id=reworked.pk, ok=True, now=at(25))
    # Residents' ratings in October: 5, 4 and 2 (two of three satisfied); one in November.
    for case, rating, day in ((closed[0], 5, 4), (closed[1], 4, 11), (late, 2, 12)):
        case_actions.case_rate(
            actor=cast.staff_town1, case_id=case.pk, satisfaction=rating, now=at(day)
        )
    case_actions.case_rate(
        actor=cast.staff_town1, case_id=closed[2].pk, satisfaction=5, now=at(2, 9, month=11)
    )
    # Found on patrol and accepted: three in October; one still waiting for triage, one in
    # September, one refused.
    for day in (6, 16, 27):
        make_case(cast, tree.grid_a, "accepted", now=at(day))
    make_case(cast, tree.grid_a, "reported", now=at(28))
    make_case(cast, tree.grid_a, "accepted", now=at(28, 10, month=9))
    refused = make_case(cast, tree.grid_a, "reported", now=at(7))
    case_actions.case_reject(actor=cast.staff_town1, case_id=refused.pk, reason="重复", now=at(7))
    # Mediations by 王刚: two settled, one not; one settled in November.
    for outcome, when in (
        ("success", at(4)),
        ("success", at(18)),
        ("failure", at(19)),
        ("success", at(3, 10, month=11)),
    ):
        Mediation.objects.create(
            case=closed[0],
            level=tree.grid_a,
            mediator=cast.worker_a,
            outcome=outcome,
            created_at=when,
        )
    # Patrols: twelve days finished (one day twice: one day), one left unfinished, one in
    # November; 李娟 every day of October.
    for day in range(1, 13):
        Patrol.objects.create(
            user=cast.worker_a,
            node=tree.grid_a,
            date=dt.date(2026, 10, day),
            started_at=at(day, 8),
            finished_at=at(day, 11),
        )
    Patrol.objects.create(
        user=cast.worker_a,
        node=tree.micro_a1,
        date=dt.date(2026, 10, 5),
        started_at=at(5, 14),
        finished_at=at(5, 15),
    )
    Patrol.objects.create(
        user=cast.worker_a, node=tree.grid_a, date=dt.date(2026, 10, 20), started_at=at(20, 8)
    )
    Patrol.objects.create(
        user=cast.worker_a,
        node=tree.grid_a,
        date=dt.date(2026, 11, 2),
        started_at=at(2, 8, month=11),
        finished_at=at(2, 9, month=11),
    )
    for day in range(1, 32):
        Patrol.objects.create(
            user=cast.worker_b,
            node=tree.grid_b,
            date=dt.date(2026, 10, day),
            started_at=at(day, 8),
            finished_at=at(day, 9),
        )
    # Visits by 王刚: four on time (one on the very day it was due), one late, one in September.
    household = Household.objects.create(node=tree.grid_a, address="一组3号", head_name="周大爷")
    for day, due in ((2, 5), (9, 9), (16, 20), (23, 30), (29, 26), (None, None)):
        Visit.objects.create(
            household=household,
            user=cast.worker_a,
            date=dt.date(2026, 10, day) if day else dt.date(2026, 9, 30),
            due=dt.date(2026, 10, due) if due else dt.date(2026, 9, 30),
            how="home",
        )
    # Another village's worker, with a finished patrol: a sheet of village 1 never shows them.
    other = UserFactory(username="worker_c", first_name="周强")
    since_january(other, tree.grid_c, "grid_worker")
    Patrol.objects.create(
        user=other, node=tree.grid_c, date=dt.date(2026, 10, 3), started_at=at(3), finished_at=at(3)
    )
    return household


@pytest.fixture
def october(cast, tree):
    rule = make_rule(tree.county)
    build_october(cast, tree)
    sheet = actions.appraisal_compute(
        village_id=tree.village1.pk, month=OCT, actor=cast.staff_town1, now=T0
    )
    return rule, sheet


def scores_of(line: AppraisalLine) -> dict[str, tuple]:
    return {s.item.label: (s.quantity, s.points) for s in line.scores.select_related("item").all()}


def test_every_measured_item_of_a_hand_built_october_is_counted_from_the_records(
    october, cast, tree
):
    rule, sheet = october
    assert sheet.status == "draft" and sheet.rule == rule
    assert set(sheet.lines.values_list("worker__username", flat=True)) == {"worker_a", "worker_b"}
    line = sheet.lines.get(worker=cast.worker_a)
    assert (line.grid, line.difficulty, line.coefficient) == (tree.grid_a, "A", Decimal("1.20"))
    assert scores_of(line) == {
        # three on time in class-A places: 3 × 1.2 = 3.6, × 5 points
        "按期办结": (Decimal("3.6000"), Decimal("18.00")),
        "巡查天数": (Decimal("12.0000"), Decimal("12.00")),
        "按时走访": (Decimal("4.0000"), Decimal("8.00")),
        "巡查发现": (Decimal("3.0000"), Decimal("6.00")),
        "调解成功": (Decimal("2.0000"), Decimal("6.00")),
        "返工": (Decimal("1.0000"), Decimal("-2.00")),
        "群众满意度": (Decimal("0.6667"), Decimal("6.67")),
        "出勤": (None, Decimal("10.00")),
        "作风纪律": (None, Decimal("6.00")),
    }
    assert line.score == Decimal("70.67")
    assert line.grade == "basic"


def test_the_manual_items_score_and_pay_follow_the_rule(october, cast):
    rule, sheet = october
    line = sheet.lines.get(worker=cast.worker_a)
    attendance = rule.items.get(label="出勤")
    actions.appraisal_score(
        actor=cast.staff_town1,
        line_id=line.pk,
        item_id=attendance.pk,
        points="8",
        reason="缺勤两天",
    )
    line.refresh_from_db()
    assert line.score == Decimal("68.67")  # 18 + 12 + 8 + 6 + 6 − 2 + 6.67 + 8 + 6
    assert line.grade == "basic"
    assert line.base_pay == Decimal("1800.00")
    # 1,200 × 68.67 ÷ 100 × 1.2 = 988.848
    assert line.performance_pay == Decimal("988.85")
    assert line.total_pay == Decimal("2788.85")
    score = line.scores.get(item=attendance)
    assert (score.reason, score.scored_by) == ("缺勤两天", cast.staff_town1)


def test_a_cap_stops_the_points_and_a_share_with_nothing_to_count_gets_the_starting_points(
    october, cast
):
    _rule, sheet = october
    line = sheet.lines.get(worker=cast.worker_b)
    scores = scores_of(line)
    assert scores["巡查天数"] == (Decimal("31.0000"), Decimal("25.00"))  # capped at 25
    assert scores["群众满意度"] == (None, Decimal("5.00"))  # no rating this month
    assert scores["按期办结"] == (Decimal("0"), Decimal("0.00"))
    # 25 + 5 + 10 + 6 = 46: not competent, base pay only
    assert (line.score, line.grade) == (Decimal("46.00"), "incompetent")
    assert (line.performance_pay, line.total_pay) == (Decimal("0.00"), Decimal("1800.00"))


def test_grades_and_the_coefficients_of_a_b_and_c_grids_set_the_pay(cast, tree):
    rule = make_rule(
        tree.county,
        items=[("出勤", "manual", "1", "100", "0", "95")],
        coefficient_a=Decimal("1.20"),
    )
    worker_c = UserFactory(username="worker_c")
    since_january(worker_c, tree.grid_c, "grid_worker")
    sheet = actions.appraisal_compute(
        village_id=tree.village2.pk, month=OCT, actor=cast.staff_town2, now=T0
    )
    (line,) = sheet.lines.all()
    assert (line.difficulty, line.coefficient) == ("C", Decimal("0.80"))
    assert line.grade == "excellent"
    # 1,200 × 0.95 × 0.8 = 912
    assert (line.performance_pay, line.total_pay) == (Decimal("912.00"), Decimal("2712.00"))
    sheet_a = actions.appraisal_compute(
        village_id=tree.village1.pk, month=OCT, actor=cast.staff_town1, now=T0
    )
    pays = {x.worker.username: x.performance_pay for x in sheet_a.lines.select_related("worker")}
    assert pays == {"worker_a": Decimal("1368.00"), "worker_b": Decimal("1140.00")}
    item = rule.items.get()
    for points, grade in (("90", "excellent"), ("89.99", "competent"), ("75", "competent"),
                          ("74", "basic"), ("60", "basic"), ("59.5", "incompetent")):  # fmt: skip
        line = actions.appraisal_score(
            actor=cast.staff_town2, line_id=line.pk, item_id=item.pk, points=points, reason="评定"
        )
        assert line.grade == grade, points


def test_a_thousand_point_layout_grades_by_share_of_the_full_score(cast, tree):
    make_rule(
        tree.county,
        full_score=1000,
        items=[("千分制考评", "manual", "1", "1000", "0", "905")],
    )
    sheet = actions.appraisal_compute(
        village_id=tree.village1.pk, month=OCT, actor=cast.staff_town1, now=T0
    )
    line = sheet.lines.get(worker=cast.worker_a)
    assert (line.score, line.grade) == (Decimal("905.00"), "excellent")
    assert line.performance_pay == Decimal("1303.20")  # 1,200 × 0.905 × 1.2


def test_the_rule_in_force_is_the_last_version_that_took_effect_by_the_month(cast, tree):
    make_rule(tree.county, valid_from=dt.date(2026, 1, 1), base_pay=Decimal("1500"))
    make_rule(tree.county, valid_from=dt.date(2026, 10, 1), base_pay=Decimal("1800"))
    make_rule(tree.county, valid_from=dt.date(2026, 11, 1), base_pay=Decimal("2000"))
    sept = actions.appraisal_compute(
        village_id=tree.village1.pk, month=dt.date(2026, 9, 1), actor=cast.staff_town1, now=T0
    )
    october = actions.appraisal_compute(
        village_id=tree.village1.pk, month=OCT, actor=cast.staff_town1, now=T0
    )
    assert sept.rule.base_pay == Decimal("1500") and october.rule.base_pay == Decimal("1800")
    assert {x.base_pay for x in october.lines.all()} == {Decimal("1800.00")}


def test_a_month_not_over_a_county_without_a_rule_and_a_signed_sheet_are_not_computed(cast, tree):
    with pytest.raises(DomainError):
        actions.appraisal_compute(
            village_id=tree.village1.pk, month=OCT, actor=cast.staff_town1, now=T0
        )  # no rule yet
    make_rule(tree.county)
    with pytest.raises(DomainError):
        actions.appraisal_compute(
            village_id=tree.village1.pk, month=dt.date(2026, 11, 1), actor=cast.staff_town1, now=T0
        )
    sheet = actions.appraisal_compute(
        village_id=tree.village1.pk, month=OCT, actor=cast.staff_town1, now=T0
    )
    actions.appraisal_sign(actor=cast.staff_town1, sheet_id=sheet.pk, now=T0)
    with pytest.raises(DomainError):
        actions.appraisal_compute(
            village_id=tree.village1.pk, month=OCT, actor=cast.staff_town1, now=T0
        )
    # Beat leaves a signed sheet as it is, without a word.
    assert actions.appraisal_compute(village_id=tree.village1.pk, month=OCT, now=T0) == sheet


def test_computing_again_under_review_refreshes_the_records_and_keeps_the_scores_given(
    october, cast, tree
):
    rule, sheet = october
    line = sheet.lines.get(worker=cast.worker_a)
    attendance = rule.items.get(label="出勤")
    actions.appraisal_score(
        actor=cast.staff_town1, line_id=line.pk, item_id=attendance.pk, points="7", reason="迟到"
    )
    Patrol.objects.create(
        user=cast.worker_a,
        node=tree.grid_a,
        date=dt.date(2026, 10, 30),
        started_at=at(30, 8),
        finished_at=at(30, 9),
    )
    actions.appraisal_compute(
        village_id=tree.village1.pk, month=OCT, actor=cast.staff_town1, now=T0
    )
    line.refresh_from_db()
    scores = scores_of(line)
    assert scores["巡查天数"] == (Decimal("13.0000"), Decimal("13.00"))
    assert scores["出勤"] == (None, Decimal("7.00"))
    assert line.score == Decimal("68.67")  # 70.67 − 3 + 1
    assert AppraisalSheet.objects.count() == 1 and line.scores.count() == len(ITEMS)


def test_a_worker_whose_grant_ended_before_the_month_has_no_line(cast, tree):
    make_rule(tree.county)
    grant_b = cast.worker_b.assignments.get()
    actions.assignment_end(actor=None, assignment_id=grant_b.pk, ends=dt.date(2026, 9, 30))
    sheet = actions.appraisal_compute(
        village_id=tree.village1.pk, month=OCT, actor=cast.staff_town1, now=T0
    )
    assert list(sheet.lines.values_list("worker__username", flat=True)) == ["worker_a"]


def test_beat_on_the_first_computes_last_month_for_every_village_with_workers_once(cast, tree):
    make_rule(tree.county)
    worker_c = UserFactory(username="worker_c")
    since_january(worker_c, tree.grid_c, "grid_worker")
    first = timezone.make_aware(dt.datetime(2026, 11, 1, 5, 0))
    assert actions.appraisal_compute_due(now=first) == 2
    assert set(AppraisalSheet.objects.values_list("village__name", "month", "status")) == {
        ("梁家庵村", OCT, "draft"),
        ("西原公村", OCT, "draft"),
    }
    assert actions.appraisal_compute_due(now=first) == 0  # a second fire adds nothing
    assert AppraisalSheet.objects.count() == 2


def test_the_rule_refuses_grades_out_of_order_and_a_rule_not_on_the_first_of_a_month(tree):
    from django.core.exceptions import ValidationError

    rule = AppraisalRule(
        county=tree.county,
        valid_from=dt.date(2026, 10, 15),
        name="x",
        base_pay=1,
        performance_pay=1,
        competent_from=Decimal(95),
    )
    with pytest.raises(ValidationError) as refused:
        rule.full_clean()
    assert {"valid_from", "competent_from"} <= set(refused.value.message_dict)


def test_beat_runs_the_month_end_on_the_first_and_the_command_does_the_same(cast, tree):
    import io

    from celery.schedules import crontab
    from django.core.management import call_command

    from gridgov.schedule import BEAT_SCHEDULE
    from staff import tasks

    entry = BEAT_SCHEDULE["month-end"]
    assert entry["task"] == "staff.tasks.month_end" and tasks.month_end.name == entry["task"]
    assert entry["schedule"] == crontab(hour=5, minute=0, day_of_month="1")
    make_rule(tree.county)
    out = io.StringIO()
    call_command("month_end", now="2026-11-01T05:00:00", stdout=out)
    assert out.getvalue().split() == ["appraisal_sheets=1", "points_months=0"]
    call_command("month_end", now="2026-11-01T05:00:00", stdout=out)
    assert AppraisalSheet.objects.filter(month=OCT).count() == 1
    # The task runs as of now: the month before the real clock's is the one computed.
    assert tasks.month_end.run() == {"appraisal_sheets": 1, "points_months": 0}
    assert tasks.month_end.run() == {"appraisal_sheets": 0, "points_months": 0}
