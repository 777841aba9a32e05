"""逐级调解 (seed 002): two failed mediations at a level send the case up, to the county at most."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cases import actions
from cases.models import Case, CaseEvent, Mediation, Status
from cases.queries import level_history
from gridgov.errors import DomainError
from tests.factories import T0, UserFactory, grant, make_case


def test_a_micro_grid_dispute_climbs_every_rung_to_the_county(cast, tree, county_staff):
    micro_worker = UserFactory(username="micro_worker")
    grant(micro_worker, tree.micro_a1, "grid_worker")
    case = make_case(
        cast, tree.micro_a1, "accepted", color="orange", title="宅基地边界纠纷", now=T0
    )

    # Who mediates at each rung, and who dispatches the case to them.
    rungs = [
        (tree.micro_a1, micro_worker, cast.staff_town1),
        (tree.grid_a, cast.worker_a, cast.staff_town1),
        (tree.village1, cast.village_chief, cast.staff_town1),
        (tree.town1, cast.staff_town1, cast.staff_town1),
        (tree.county, county_staff, county_staff),
    ]
    now = T0
    clocks = []
    for level, mediator, dispatcher in rungs:
        case.refresh_from_db()
        assert case.owner_node_id == level.pk
        assert case.status == Status.ACCEPTED
        clocks.append(case.clear_by)
        now += dt.timedelta(days=1)
        actions.case_dispatch(actor=dispatcher, case_id=case.pk, handler_id=mediator.pk, now=now)
        actions.case_sign(actor=mediator, case_id=case.pk, now=now)
        for attempt in range(2):
            now += dt.timedelta(hours=5)
            actions.case_mediate(
                actor=mediator,
                case_id=case.pk,
                outcome="failure",
                parties="梁某、李某",
                agreement=f"第{attempt + 1}次调解未果",
                now=now,
            )

    case.refresh_from_db()
    assert case.owner_node_id == tree.county.pk
    assert case.status == Status.HANDLING  # two failures at the county: it stays, worked there
    assert case.escalation_count == 4
    # Each level started its own clock when it got the case.
    assert len(set(clocks)) == 5 and clocks == sorted(clocks)
    escalations = CaseEvent.objects.filter(case=case, action="escalate").order_by("created_at")
    assert [e.to_owner_id for e in escalations] == [
        tree.grid_a.pk,
        tree.village1.pk,
        tree.town1.pk,
        tree.county.pk,
    ]
    assert all(e.automatic for e in escalations)
    history = level_history(case)
    assert [row["level"].pk for row in history] == [
        tree.micro_a1.pk,
        tree.grid_a.pk,
        tree.village1.pk,
        tree.town1.pk,
    ]
    assert all(row["held_for"] == dt.timedelta(days=1, hours=10) for row in history[1:])
    assert Mediation.objects.filter(case=case).count() == 10
    with pytest.raises(DomainError):
        actions.case_escalate(actor=county_staff, case_id=case.pk, reason="再上报", now=now)


def test_one_failed_mediation_does_not_escalate(cast, tree):
    case = make_case(cast, tree.grid_a, "handling", now=T0)
    actions.case_mediate(actor=cast.worker_a, case_id=case.pk, outcome="failure", now=T0)
    case.refresh_from_db()
    assert (case.owner_node_id, case.status) == (tree.grid_a.pk, Status.HANDLING)


def test_the_number_of_failures_is_policy(cast, tree):
    from cases.models import TriagePolicy

    TriagePolicy.objects.filter(color="yellow").update(failed_mediations_to_escalate=3)
    case = make_case(cast, tree.grid_a, "handling", now=T0)
    for _ in range(2):
        actions.case_mediate(actor=cast.worker_a, case_id=case.pk, outcome="failure", now=T0)
    assert Case.objects.get(pk=case.pk).owner_node_id == tree.grid_a.pk
    actions.case_mediate(actor=cast.worker_a, case_id=case.pk, outcome="failure", now=T0)
    assert Case.objects.get(pk=case.pk).owner_node_id == tree.village1.pk


def test_a_successful_mediation_resolves_at_that_level(cast, tree):
    case = make_case(cast, tree.grid_a, "handling", now=T0)
    with pytest.raises(DomainError):  # a settlement needs its agreement written down
        actions.case_mediate(
            actor=cast.worker_a, case_id=case.pk, outcome="success", agreement="", now=T0
        )
    actions.case_mediate(
        actor=cast.worker_a,
        case_id=case.pk,
        outcome="success",
        agreement="排水沟改道,费用两家平摊",
        now=T0,
    )
    case.refresh_from_db()
    assert (case.status, case.settled_tier) == (Status.RESOLVED, "grid")


def test_a_grid_worker_cannot_act_once_the_case_went_up(cast, tree):
    case = make_case(cast, tree.grid_a, "handling", now=T0)
    actions.case_escalate(actor=cast.worker_a, case_id=case.pk, reason="需村里出面", now=T0)
    with pytest.raises(PermissionDenied):  # still sees it (it happened in their grid), cannot act
        actions.case_escalate(actor=cast.worker_a, case_id=case.pk, reason="again", now=T0)


@pytest.mark.parametrize(
    "act",
    [
        lambda c, actor: actions.case_accept(actor=actor, case_id=c.pk, color="red"),
        lambda c, actor: actions.case_reject(actor=actor, case_id=c.pk, reason="x"),
        lambda c, actor: actions.case_dispatch(actor=actor, case_id=c.pk, village_id=1),
        lambda c, actor: actions.case_sign(actor=actor, case_id=c.pk),
        lambda c, actor: actions.case_return(actor=actor, case_id=c.pk, reason="x"),
        lambda c, actor: actions.case_supervise(actor=actor, case_id=c.pk, note="x"),
        lambda c, actor: actions.case_mediate(actor=actor, case_id=c.pk, outcome="failure"),
        lambda c, actor: actions.case_escalate(actor=actor, case_id=c.pk, reason="x"),
        lambda c, actor: actions.case_resolve(actor=actor, case_id=c.pk, result="x"),
        lambda c, actor: actions.case_verify(actor=actor, case_id=c.pk, ok=True),
        lambda c, actor: actions.case_reopen(actor=actor, case_id=c.pk, reason="x"),
        lambda c, actor: actions.case_rate(actor=actor, case_id=c.pk, satisfaction=5),
        lambda c, actor: actions.case_request_extension(
            actor=actor, case_id=c.pk, until=T0, reason="x"
        ),
        lambda c, actor: actions.case_approve_extension(actor=actor, case_id=c.pk),
        lambda c, actor: actions.case_call_county(
            actor=actor, case_id=c.pk, department_id=1, grounds="x"
        ),
    ],
)
@pytest.mark.parametrize("outsider", ["staff_town2", "worker_b"])
def test_nobody_outside_the_cases_subtree_can_act_on_it(cast, report, act, outsider):
    case = report()
    with pytest.raises(Http404):
        act(case, getattr(cast, outsider))
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_a_mediation_settles_a_case_only_in_the_hands_it_was_dispatched_to(cast, tree):
    # A success resolves the case, and only whom it was dispatched to may resolve it; the
    # village's chief, who may mediate too, still records a mediation that failed.
    case = make_case(cast, tree.grid_a, "handling", now=T0)
    assert case.handler_id == cast.worker_a.pk
    with pytest.raises(DomainError):
        actions.case_mediate(
            actor=cast.village_chief,
            case_id=case.pk,
            outcome="success",
            agreement="双方和解",
            now=T0,
        )
    case.refresh_from_db()
    assert case.status == Status.HANDLING and not case.mediations.exists()
    actions.case_mediate(actor=cast.village_chief, case_id=case.pk, outcome="failure", now=T0)
    actions.case_mediate(
        actor=cast.worker_a, case_id=case.pk, outcome="success", agreement="双方和解", now=T0
    )
    case.refresh_from_db()
    assert case.status == Status.RESOLVED


@pytest.mark.parametrize("who", ["natural_staff", "outpost_staff"])
def test_a_county_department_or_outpost_works_only_the_cases_given_to_its_unit(
    client, cast, tree, units, who
):
    # Their posts cover the county or the town, yet they work the cases given to their unit:
    # any other case they may read, and neither mediate, escalate nor see the reporter's phone.
    staffer = getattr(units, who)
    case = make_case(cast, tree.grid_a, "handling", now=T0, reporter_phone="13812345678")
    for act in (
        lambda: actions.case_mediate(
            actor=staffer, case_id=case.pk, outcome="success", agreement="和解", now=T0
        ),
        lambda: actions.case_escalate(actor=staffer, case_id=case.pk, reason="x", now=T0),
    ):
        with pytest.raises(PermissionDenied):
            act()
    case.refresh_from_db()
    assert (case.status, case.owner_node_id) == (Status.HANDLING, tree.grid_a.pk)
    client.force_login(staffer)
    assert client.get(f"/desk/cases/{case.pk}/").status_code == 200  # read, as before
    phone = client.post(f"/desk/cases/{case.pk}/reporter-phone/", {"reason": "回访"})
    assert phone.status_code == 403 and b"13812345678" not in phone.content
    given = make_case(cast, tree.grid_a, "handling", now=T0, unit=units.land_outpost,
                      handler=units.outpost_staff)  # fmt: skip
    actions.case_escalate(actor=staffer, case_id=given.pk, reason="需上级协调", now=T0)
    given.refresh_from_db()
    assert given.owner_node_id == tree.village1.pk
