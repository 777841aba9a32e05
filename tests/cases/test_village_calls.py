"""社区吹哨、部门报到 (seed 002): a village calls a department linked to it (挂联) on a case it
holds, with the county call's answer deadline, answer and ratings."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from cases import actions, workflow
from cases.models import CountyCall
from gridgov.errors import DomainError
from staff.models import Link
from tests.factories import T0, UserFactory, make_case

SINCE = dt.date(2026, 11, 1)


@pytest.fixture
def at_village(cast, tree, units):
    """A case held by village 1 and handled by its grid chief; 县民政局 and the town's land
    outpost are linked to the village, 县自然资源局 is not."""
    Link.objects.create(kind="department", unit=units.civil, village=tree.village1, since=SINCE)
    Link.objects.create(
        kind="department", unit=units.land_outpost, village=tree.village1, since=SINCE
    )
    return make_case(
        cast,
        tree.grid_a,
        "handling",
        color="orange",
        owner=tree.village1,
        handler=cast.village_chief,
        now=T0,
    )


def _call(cast, case, unit, actor=None, **kw):
    return actions.case_call_department(
        actor=actor or cast.village_chief,
        case_id=case.pk,
        department_id=unit.pk,
        grounds=kw.pop("grounds", "村里协调不了,请挂联部门报到"),
        now=kw.pop("now", T0 + dt.timedelta(hours=1)),
    )


def test_a_village_calls_a_department_linked_to_it(cast, tree, units, at_village):
    call = _call(cast, at_village, units.civil)
    assert call.state == CountyCall.State.OPEN and call.by_village
    assert call.village == tree.village1 and call.town == tree.town1
    town_call_days = 3  # the orange policy's default, as for a town's call
    assert call.respond_by.date() >= (call.created_at + dt.timedelta(days=town_call_days)).date()
    assert at_village.events.filter(action="call_department", unit=units.civil).exists()


def test_a_village_may_not_call_a_department_not_linked_to_it(cast, units, at_village):
    with pytest.raises(DomainError) as exc:
        _call(cast, at_village, units.natural)
    assert "linked" in exc.value.message or "挂联" in exc.value.message
    assert not CountyCall.objects.exists()


def test_a_link_that_ended_no_longer_lets_the_village_call(cast, tree, units, at_village):
    Link.objects.filter(unit=units.civil).update(until=T0.date() - dt.timedelta(days=1))
    with pytest.raises(DomainError):
        _call(cast, at_village, units.civil)


def test_only_the_village_calls_this_way(cast, tree, units, at_village):
    with pytest.raises(PermissionDenied):  # the town calls the county instead
        _call(cast, at_village, units.civil, actor=cast.staff_town1)
    at_town = make_case(
        cast,
        tree.grid_a,
        "handling",
        color="orange",
        owner=tree.town1,
        handler=cast.staff_town1,
        now=T0,
    )
    superuser = UserFactory(username="root", is_superuser=True)
    with pytest.raises(DomainError):  # a case the town holds is the town's to call about
        _call(cast, at_town, units.civil, actor=superuser)


def test_the_linked_department_answers_and_both_sides_rate_as_on_a_county_call(
    cast, units, at_village
):
    call = _call(cast, at_village, units.civil)
    later = T0 + dt.timedelta(hours=5)
    with pytest.raises(PermissionDenied):  # another department's staff
        actions.county_call_respond(
            actor=units.natural_staff, call_id=call.pk, response="我们来", now=later
        )
    actions.county_call_respond(
        actor=units.civil_staff, call_id=call.pk, response="已派人到村", now=later
    )
    actions.county_call_rate(actor=cast.village_chief, call_id=call.pk, rating=5, now=later)
    actions.county_call_rate_necessity(
        actor=units.civil_staff, call_id=call.pk, rating=4, now=later
    )
    call.refresh_from_db()
    assert (call.state, call.town_rating, call.department_rating) == ("rated", 5, 4)
    assert call.responded_at <= call.respond_by


def test_a_linked_outpost_answers_the_villages_call(cast, units, at_village):
    call = _call(cast, at_village, units.land_outpost)
    actions.county_call_respond(
        actor=units.outpost_staff, call_id=call.pk, response="所里派人", now=T0
    )
    assert CountyCall.objects.get(pk=call.pk).state == "answered"


def test_the_town_does_not_rate_a_villages_call_for_it(cast, units, at_village):
    call = _call(cast, at_village, units.civil)
    actions.county_call_respond(actor=units.civil_staff, call_id=call.pk, response="好", now=T0)
    with pytest.raises(PermissionDenied):
        actions.county_call_rate(actor=cast.staff_town1, call_id=call.pk, rating=1, now=T0)


def test_the_case_page_offers_the_village_call_and_its_answer(cast, units, at_village):
    assert "call_department" in workflow.available_actions(cast.village_chief, at_village)
    assert "call_county" not in workflow.available_actions(cast.village_chief, at_village)
    _call(cast, at_village, units.land_outpost)
    at_village.refresh_from_db()
    offered = workflow.available_actions(units.outpost_staff, at_village)
    assert "village_respond" in offered and "county_respond" not in offered


def test_the_calls_page_shows_the_call_to_the_department_and_to_the_village(
    cast, tree, units, at_village
):
    _call(cast, at_village, units.civil)
    desk = Client()
    desk.force_login(units.civil_staff)
    html = desk.get("/desk/calls/").content.decode()
    assert at_village.number in html and 'value="village_respond"' in html
    outsider = Client()
    outsider.force_login(units.natural_staff)
    assert at_village.number not in outsider.get("/desk/calls/").content.decode()
