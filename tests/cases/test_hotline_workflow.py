"""The 12345 work order's rows of the action table, taken directly: each from every status an
order can reach works where the table allows it and is refused (nothing written) elsewhere;
and the order's own rules (a return only when asked, one call-back, the hotline told once)."""

import datetime as dt

import pytest

from cases import actions, workflow
from cases.models import CaseEvent, HotlineOrder, Status
from cases.workflow import TRANSITIONS
from gridgov.errors import DomainError
from gridgov.models import OutboxMessage
from tests.cases.hotline import make_hotline, receive
from tests.factories import T0, advance

LATER = T0 + dt.timedelta(hours=2)
ROWS = [name for name in TRANSITIONS if name.startswith("hotline_")]
# Every status a work order can stand in (it is never merged: the table offers no merge).
ORDER_STATUSES = [s for s in Status.values if s != Status.MERGED]


@pytest.fixture
def hotline(tree):
    return make_hotline(tree.county)


@pytest.fixture
def drive(cast, hotline):
    """drive(status, asked) → an order's case in that status; `asked`: the town has asked the
    hotline to take it back and waits for the answer."""

    def make(status, asked=False):
        made = receive(hotline, now=T0, number=f"SX-{status}-{asked}")
        case = made.case
        if status == Status.REJECTED:
            actions.hotline_return_request(actor=cast.staff_town1, case_id=case.pk, reason="外县")
            actions.hotline_return_decide(
                actor=hotline.user, case_id=case.pk, accepted=True, now=T0
            )
            return HotlineOrder.objects.get(pk=made.pk)
        if status != Status.REPORTED:
            case = advance(cast, case, "accepted", now=T0)
        if asked:
            actions.hotline_return_request(
                actor=cast.staff_town1, case_id=case.pk, reason="不属本镇", now=T0
            )
        if status not in (Status.REPORTED, Status.ACCEPTED):
            advance(cast, case, status, now=T0, handler="village_chief")
        return HotlineOrder.objects.select_related("case").get(pk=made.pk)

    return make


def _take(name, case, cast, hotline):
    pk = case.pk
    match name:
        case "hotline_return":
            return actions.hotline_return_request(
                actor=cast.staff_town1, case_id=pk, reason="不属本镇", now=LATER
            )
        case "hotline_urge":
            return actions.hotline_urge(actor=hotline.user, case_id=pk, note="催办", now=LATER)
        case "hotline_callback":
            return actions.hotline_callback(
                actor=hotline.user, case_id=pk, result="satisfied", satisfaction=5, now=LATER
            )
        case "hotline_return_accepted" | "hotline_return_refused":
            return actions.hotline_return_decide(
                actor=hotline.user,
                case_id=pk,
                accepted=name == "hotline_return_accepted",
                note="答复",
                now=LATER,
            )
    raise AssertionError(name)


ANSWERS = ("hotline_return_accepted", "hotline_return_refused")
# An order taken back (rejected) has nothing asked of the hotline any more.
PAIRS = [
    (name, status)
    for name in ROWS
    for status in ORDER_STATUSES
    if not (name in ANSWERS and status == Status.REJECTED)
]


@pytest.mark.parametrize(("name", "status"), PAIRS)
def test_each_hotline_row_follows_the_table_from_every_status(drive, cast, hotline, status, name):
    order = drive(status, asked=name in ANSWERS)
    case = order.case
    before = CaseEvent.objects.filter(case=case).count()
    sources, target = TRANSITIONS[name]
    if status in sources:
        _take(name, case, cast, hotline)
        case.refresh_from_db()
        assert case.status == (target or status)
        assert CaseEvent.objects.filter(case=case).last().action == name
    else:
        with pytest.raises(DomainError) as refused:
            _take(name, case, cast, hotline)
        assert refused.value.message
        case.refresh_from_db()
        assert case.status == status
        assert CaseEvent.objects.filter(case=case).count() == before


def test_the_rows_are_offered_only_for_work_orders(cast, tree, report, hotline):
    plain = report(node=tree.grid_a)
    order = receive(hotline)
    offered = workflow.available_actions(cast.staff_town1, plain)
    assert "reject" in offered and "hotline_return" not in offered
    offered = workflow.available_actions(cast.staff_town1, order.case)
    assert "hotline_return" in offered and "reject" not in offered and "merge" not in offered
    assert workflow.available_actions(hotline.user, plain, workflow.HOTLINE) == []
    assert workflow.available_actions(hotline.user, order.case, workflow.HOTLINE) == [
        "hotline_urge"
    ]


def test_a_decision_nobody_asked_for_is_refused(drive, hotline):
    order = drive(Status.ACCEPTED)
    with pytest.raises(DomainError):
        actions.hotline_return_decide(actor=hotline.user, case_id=order.case.pk, accepted=True)
    order.refresh_from_db()
    assert order.return_state == ""


def test_a_case_that_is_no_order_is_refused_the_hotlines_rows(cast, tree, report, county_staff):
    plain = report(node=tree.grid_a)
    with pytest.raises(DomainError):
        actions.hotline_urge(actor=county_staff, case_id=plain.pk, note="x")
    with pytest.raises(DomainError):
        actions.hotline_return_request(actor=cast.staff_town1, case_id=plain.pk, reason="x")


def test_the_hotline_hears_of_the_first_signing_only_and_of_every_resolution(cast, hotline):
    order = receive(hotline)
    case = order.case
    advance(cast, case, "resolved", handler="village_chief")
    actions.case_verify(actor=cast.staff_town1, case_id=case.pk, ok=False, note="未修好")
    actions.case_resolve(actor=cast.village_chief, case_id=case.pk, result="再次修复")
    kinds = list(
        OutboxMessage.objects.filter(case=case, kind__startswith="hotline_")
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["hotline_signed", "hotline_replied", "hotline_replied"]
    sequences = [
        m.payload["body"]["sequence"]
        for m in OutboxMessage.objects.filter(case=case, kind__startswith="hotline_").order_by("pk")
    ]
    assert sequences == [1, 2, 3]


def test_cases_of_other_sources_tell_no_hotline(cast, tree, report):
    case = report(node=tree.grid_a)
    advance(cast, case, "resolved")
    assert not OutboxMessage.objects.filter(kind__startswith="hotline_").exists()


def test_a_call_back_keeps_an_earlier_rating_of_the_case(cast, hotline):
    order = receive(hotline)
    case = advance(cast, order.case, "closed", handler="village_chief")
    actions.case_rate(actor=cast.staff_town1, case_id=case.pk, satisfaction=3)
    actions.hotline_callback(
        actor=hotline.user, case_id=case.pk, result="satisfied", satisfaction=5
    )
    case.refresh_from_db()
    order.refresh_from_db()
    assert case.satisfaction == 3 and order.verdict == "satisfied"


def test_a_call_back_with_an_unknown_result_or_rating_is_refused(cast, hotline):
    order = receive(hotline)
    advance(cast, order.case, "resolved", handler="village_chief")
    for result, rating in (("great", 5), ("satisfied", 9), ("satisfied", None)):
        with pytest.raises(DomainError):
            actions.hotline_callback(
                actor=hotline.user, case_id=order.case.pk, result=result, satisfaction=rating
            )
    order.refresh_from_db()
    assert order.called_back_at is None
