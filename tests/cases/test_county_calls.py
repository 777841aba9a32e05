"""乡呼县应 and 两呼两不呼 (seed 004)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from cases import actions
from cases.models import CountyCall
from gridgov.errors import DomainError
from tests.factories import T0, make_case


@pytest.fixture
def at_town(cast, tree, units):
    """at_town(category) → a case held and being handled by town 1's center."""

    def make(category=None, emergency=False):
        return make_case(
            cast,
            tree.grid_a,
            "handling",
            color="orange",
            owner=tree.town1,
            handler=cast.staff_town1,
            now=T0,
            category_id=category.pk if category else None,
            emergency=emergency,
        )

    return make


def _call(cast, case, department, **kw):
    return actions.case_call_county(
        actor=cast.staff_town1,
        case_id=case.pk,
        department_id=department.pk,
        grounds=kw.pop("grounds", "经研判,超出镇级职责和能力"),
        now=T0 + dt.timedelta(hours=1),
        **kw,
    )


def test_may_call_for_a_matter_beyond_the_towns_duty(cast, units, at_town):
    case = at_town(units.hardship)  # 特困供养: the civil-affairs bureau's duty, no outpost in town
    call = _call(cast, case, units.civil)
    assert call.state == CountyCall.State.OPEN
    assert call.respond_by > call.created_at
    assert case.events.filter(action="call_county", unit=units.civil).exists()


def test_may_call_for_the_towns_own_duty_in_an_emergency(cast, units, at_town):
    case = at_town(units.fire)  # 火灾险情: a town duty, but an emergency category
    call = _call(cast, case, units.civil)
    assert call.emergency


def test_may_not_call_for_the_towns_own_duty(cast, units, at_town):
    case = at_town(units.neighbours)  # 邻里纠纷: the town's own duty
    with pytest.raises(DomainError) as exc:
        _call(cast, case, units.civil)
    assert "邻里纠纷调解" in exc.value.message
    assert not CountyCall.objects.exists()


def test_may_not_call_before_the_outpost_in_town_has_tried(cast, units, at_town):
    case = at_town(units.land)  # 占用耕地: natural resources, whose outpost sits in town 1
    with pytest.raises(DomainError) as exc:
        _call(cast, case, units.natural)
    assert units.land_outpost.name in exc.value.message
    # The outpost is given the case and cannot settle it; now the town may call.
    staff = cast.staff_town1
    actions.case_return(actor=staff, case_id=case.pk, reason="转派驻所", now=T0)
    actions.case_dispatch(actor=staff, case_id=case.pk, unit_id=units.land_outpost.pk, now=T0)
    actions.case_sign(actor=units.outpost_staff, case_id=case.pk, now=T0)
    call = _call(cast, case, units.natural)
    assert call.department == units.natural


def test_only_a_town_calls_the_county(cast, tree, units):
    case = make_case(
        cast, tree.grid_a, "handling", color="orange", category_id=units.hardship.pk, now=T0
    )
    with pytest.raises(PermissionDenied):  # a grid worker has no right to call
        _call(cast.__class__(staff_town1=cast.worker_a), case, units.civil)
    with pytest.raises(DomainError):  # and town staff may not call for a case the grid holds
        _call(cast, case, units.civil)


def test_a_call_needs_grounds_and_a_county_department(cast, units, at_town):
    case = at_town(units.hardship)
    with pytest.raises(DomainError):
        _call(cast, case, units.civil, grounds="  ")
    with pytest.raises(DomainError):
        _call(cast, case, units.platform)
    _call(cast, case, units.civil)
    with pytest.raises(DomainError):  # one open call per department
        _call(cast, case, units.civil)


def test_department_answers_town_rates_department_rates_back(cast, units, at_town):
    call = _call(cast, at_town(units.hardship), units.civil)
    with pytest.raises(PermissionDenied):  # another department may not answer
        actions.county_call_respond(actor=units.natural_staff, call_id=call.pk, response="x")
    with pytest.raises(DomainError):
        actions.county_call_rate(actor=cast.staff_town1, call_id=call.pk, rating=5)
    actions.county_call_respond(
        actor=units.civil_staff, call_id=call.pk, response="已纳入特困供养,下周发放"
    )
    with pytest.raises(DomainError):
        actions.county_call_respond(actor=units.civil_staff, call_id=call.pk, response="again")
    actions.county_call_rate(actor=cast.staff_town1, call_id=call.pk, rating=5)
    actions.county_call_rate_necessity(actor=units.civil_staff, call_id=call.pk, rating=4)
    call.refresh_from_db()
    assert (call.state, call.town_rating, call.department_rating) == ("rated", 5, 4)
    assert list(
        call.case.events.filter(action__startswith="county_").values_list("action", flat=True)
    ) == [
        "county_respond",
        "county_rate",
        "county_rate_necessity",
    ]
