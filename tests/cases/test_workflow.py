"""The whole transition table: every allowed (status, action) works, every other is refused."""

import datetime as dt

import pytest

from cases import actions, workflow
from cases.models import Case, CaseEvent, Status
from cases.workflow import TRANSITIONS
from gridgov.errors import DomainError
from tests.factories import T0, advance, make_case

LATER = T0 + dt.timedelta(hours=2)


@pytest.fixture
def drive(cast, tree, units, report):
    """drive(status) → a case brought to that status through the actions, held by town 1."""
    staff, handler = cast.staff_town1, units.platform_staff

    def make(status):
        case = report()
        if status == Status.REPORTED:
            return case
        if status == Status.REJECTED:
            return actions.case_reject(actor=staff, case_id=case.pk, reason="不属实", now=T0)
        if status == Status.MERGED:
            return actions.case_merge(actor=staff, case_id=case.pk, into_id=report().pk, now=T0)
        return advance(
            cast,
            case,
            status,
            now=T0,
            owner=tree.town1,
            unit=units.platform,
            handler=handler,
            result="已协调疏通排水沟",
        )

    return make


@pytest.fixture
def perform(cast, tree, units, report):
    """perform(action, case): the action with good arguments, by someone allowed to take it."""
    staff, handler = cast.staff_town1, units.platform_staff

    def run(action, case):
        pk = case.pk
        match action:
            case "accept":
                return actions.case_accept(actor=staff, case_id=pk, color="orange", now=LATER)
            case "reject":
                return actions.case_reject(actor=staff, case_id=pk, reason="重复", now=LATER)
            case "recategorize":
                return actions.case_recategorize(
                    actor=staff, case_id=pk, category_id=units.fire.pk, now=LATER
                )
            case "merge":
                return actions.case_merge(actor=staff, case_id=pk, into_id=report().pk, now=LATER)
            case "dispatch":
                return actions.case_dispatch(
                    actor=staff, case_id=pk, unit_id=units.platform.pk, now=LATER
                )
            case "sign":
                return actions.case_sign(actor=handler, case_id=pk, now=LATER)
            case "return":
                return actions.case_return(
                    actor=handler, case_id=pk, reason="不属本平台", now=LATER
                )
            case "request_extension":
                until = (case.clear_by or LATER) + dt.timedelta(days=2)
                return actions.case_request_extension(
                    actor=handler, case_id=pk, until=until, reason="需等鉴定", now=LATER
                )
            case "approve_extension" | "refuse_extension":
                if case.status == Status.HANDLING:
                    until = case.clear_by + dt.timedelta(days=2)
                    actions.case_request_extension(
                        actor=handler, case_id=pk, until=until, reason="需等鉴定", now=LATER
                    )
                if action == "approve_extension":
                    return actions.case_approve_extension(actor=staff, case_id=pk, now=LATER)
                return actions.case_refuse_extension(
                    actor=staff, case_id=pk, reason="可按期办结", now=LATER
                )
            case "progress":
                return actions.case_progress(
                    actor=handler, case_id=pk, note="已约双方面谈", now=LATER
                )
            case "supervise":
                return actions.case_supervise(actor=staff, case_id=pk, note="请加快办理", now=LATER)
            case "mediate":
                return actions.case_mediate(
                    actor=handler,
                    case_id=pk,
                    outcome="failure",
                    parties="甲、乙",
                    agreement="分歧仍在",
                    now=LATER,
                )
            case "escalate":
                return actions.case_escalate(
                    actor=staff, case_id=pk, reason="镇级无法化解", now=LATER
                )
            case "call_county":
                return actions.case_call_county(
                    actor=staff,
                    case_id=pk,
                    department_id=units.civil.pk,
                    grounds="超出镇级职责",
                    now=LATER,
                )
            case "call_department":
                # 社区吹哨 is the village's: the case is handed to village 1, which is linked
                # to 县民政局; its grid chief calls.
                from staff.models import Link

                Link.objects.create(
                    kind="department", unit=units.civil, village=tree.village1, since=T0.date()
                )
                Case.objects.filter(pk=pk).update(owner_node=tree.village1)
                return actions.case_call_department(
                    actor=cast.village_chief,
                    case_id=pk,
                    department_id=units.civil.pk,
                    grounds="请挂联部门报到",
                    now=LATER,
                )
            case "resolve":
                return actions.case_resolve(actor=handler, case_id=pk, result="已办结", now=LATER)
            case "verify_ok":
                return actions.case_verify(actor=staff, case_id=pk, ok=True, now=LATER)
            case "verify_fail":
                return actions.case_verify(
                    actor=staff, case_id=pk, ok=False, note="未整改到位", now=LATER
                )
            case "reopen":
                return actions.case_reopen(actor=staff, case_id=pk, reason="群众不满意", now=LATER)
            case "rate":
                return actions.case_rate(actor=staff, case_id=pk, satisfaction=5, now=LATER)
        raise AssertionError(action)

    return run


# The rows of a 12345 work order fit only work orders: tests/cases/test_hotline_workflow.py
# drives each of them from every status on an order.
ALL_PAIRS = [
    (status, action)
    for status in Status.values
    for action in TRANSITIONS
    if not action.startswith("hotline_")
]


@pytest.mark.parametrize(("status", "action"), ALL_PAIRS)
def test_every_status_and_action_pair_follows_the_table(drive, perform, status, action):
    case = drive(status)
    events_before = CaseEvent.objects.filter(case=case).count()
    sources, target = TRANSITIONS[action]
    if status in sources:
        perform(action, case)
        case.refresh_from_db()
        assert case.status == (target or status)
        last = CaseEvent.objects.filter(case=case).last()
        assert last.action == action
        assert CaseEvent.objects.filter(case=case).count() > events_before
    else:
        with pytest.raises(DomainError) as exc:
            perform(action, case)
        assert exc.value.message
        case.refresh_from_db()
        assert case.status == status
        assert CaseEvent.objects.filter(case=case).count() == events_before


def test_a_wrong_action_says_so_in_chinese_and_english(drive):
    from django.utils import translation

    case = drive(Status.REPORTED)
    with translation.override("en"), pytest.raises(DomainError) as en:
        workflow.require_transition(case.status, "resolve")
    assert "Reported" in en.value.message and "Resolve" in en.value.message
    with translation.override("zh-hans"), pytest.raises(DomainError) as zh:
        workflow.require_transition(case.status, "resolve")
    assert zh.value.message == "事件处于“已上报”状态，不能执行“办结”。"


def test_report_gives_a_readable_number_and_a_tracking_code_that_reveals_nothing(report, tree):
    first, second = report(), report()
    assert first.number == "610722107-2026-00001"
    assert second.number == "610722107-2026-00002"
    assert first.tracking_code != second.tracking_code
    assert len(first.tracking_code) == 10
    for secret in ("610722", "2026", str(first.pk)):
        assert secret not in first.tracking_code
    other_town = report(node=tree.grid_c, actor=None, reporter_name="王大妈", source="resident")
    assert other_town.number == "610722001-2026-00001"


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", ""), ("description", "   "), ("source", "pigeon"), ("suggested_color", "purple")],
)
def test_a_bad_report_is_refused_and_nothing_is_saved(report, field, value):
    with pytest.raises(DomainError):
        report(**{field: value})
    assert Case.objects.count() == 0


def test_accept_sets_the_colors_deadline_and_report_cadence(report, cast):
    yellow, orange, red = report(), report(), report()
    for case, color in ((yellow, "yellow"), (orange, "orange"), (red, "red")):
        actions.case_accept(actor=cast.staff_town1, case_id=case.pk, color=color, now=T0)
        case.refresh_from_db()
        assert case.color == color
    yellow.refresh_from_db(), orange.refresh_from_db(), red.refresh_from_db()
    assert yellow.clear_by - T0 == dt.timedelta(days=1)
    assert orange.clear_by - T0 == dt.timedelta(days=7)
    assert red.clear_by - T0 == dt.timedelta(days=30)
    assert yellow.report_by - T0 == dt.timedelta(days=7)
    assert orange.report_by.date() == dt.date(2026, 12, 16)
    assert red.report_by.date() == dt.date(2027, 2, 16)


def test_verify_fail_counts_rework(drive, cast):
    case = drive(Status.RESOLVED)
    actions.case_verify(
        actor=cast.staff_town1, case_id=case.pk, ok=False, note="路面未恢复", now=LATER
    )
    case.refresh_from_db()
    assert (case.status, case.rework_count) == (Status.HANDLING, 1)


def test_reopen_only_within_the_policys_days(drive, cast):
    case = drive(Status.CLOSED)
    with pytest.raises(DomainError):
        actions.case_reopen(
            actor=cast.staff_town1, case_id=case.pk, reason="仍漏水", now=T0 + dt.timedelta(days=8)
        )
    actions.case_reopen(
        actor=cast.staff_town1, case_id=case.pk, reason="仍漏水", now=T0 + dt.timedelta(days=6)
    )
    case.refresh_from_db()
    assert (case.status, case.reopen_count) == (Status.HANDLING, 1)


def test_a_rating_is_1_to_5_and_given_once(drive, cast):
    case = drive(Status.CLOSED)
    for bad in (0, 6, "x", None):
        with pytest.raises(DomainError):
            actions.case_rate(actor=cast.staff_town1, case_id=case.pk, satisfaction=bad, now=LATER)
    actions.case_rate(actor=cast.staff_town1, case_id=case.pk, satisfaction=4, now=LATER)
    with pytest.raises(DomainError):
        actions.case_rate(actor=cast.staff_town1, case_id=case.pk, satisfaction=5, now=LATER)


def test_only_the_dispatched_handler_signs(drive, cast, units):
    case = drive(Status.DISPATCHED)
    with pytest.raises(DomainError):
        actions.case_sign(actor=cast.staff_town1, case_id=case.pk, now=LATER)
    actions.case_sign(actor=units.platform_staff, case_id=case.pk, now=LATER)


def test_dispatch_to_a_grid_worker_takes_the_case_down_to_their_grid(report, cast, tree):
    case = report(node=tree.micro_a1)
    actions.case_accept(
        actor=cast.staff_town1, case_id=case.pk, color="yellow", owner_node_id=tree.town1.pk, now=T0
    )
    actions.case_dispatch(
        actor=cast.staff_town1, case_id=case.pk, handler_id=cast.worker_a.pk, now=T0
    )
    case.refresh_from_db()
    assert (case.owner_node_id, case.handler_id) == (tree.grid_a.pk, cast.worker_a.pk)
    with pytest.raises(DomainError):
        actions.case_return(actor=cast.worker_a, case_id=case.pk, reason="  ", now=T0)
    actions.case_return(actor=cast.worker_a, case_id=case.pk, reason="系邻村事务", now=T0)
    case.refresh_from_db()
    assert (case.status, case.owner_node_id, case.handler_id) == (
        Status.ACCEPTED,
        tree.town1.pk,
        None,
    )


def test_dispatch_refuses_someone_from_elsewhere(cast, tree):
    case = make_case(cast, tree.grid_a, "accepted", now=T0)
    with pytest.raises(DomainError):
        actions.case_dispatch(
            actor=cast.staff_town1, case_id=case.pk, handler_id=cast.worker_b.pk, now=T0
        )
    with pytest.raises(DomainError):
        actions.case_dispatch(actor=cast.staff_town1, case_id=case.pk, now=T0)


def test_an_approved_extension_moves_the_deadline(drive, cast, units):
    case = drive(Status.HANDLING)
    until = case.clear_by + dt.timedelta(days=3)
    with pytest.raises(DomainError):
        actions.case_request_extension(
            actor=units.platform_staff, case_id=case.pk, until=case.clear_by, reason="x", now=LATER
        )
    actions.case_request_extension(
        actor=units.platform_staff, case_id=case.pk, until=until, reason="待鉴定", now=LATER
    )
    actions.case_approve_extension(actor=cast.staff_town1, case_id=case.pk, now=LATER)
    case.refresh_from_db()
    assert case.clear_by == until and case.extension_until is None


def test_every_action_queues_a_notice_in_the_same_transaction(drive):
    from gridgov.models import OutboxMessage

    case = drive(Status.CLOSED)
    kinds = list(
        OutboxMessage.objects.filter(case=case).order_by("pk").values_list("kind", flat=True)
    )
    assert kinds == [
        "case_reported",
        "case_accepted",
        "case_dispatched",
        "case_resolved",
        "case_closed",
    ]
