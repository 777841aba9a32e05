"""A case goes only to units that serve it: its county's departments and its own town's
platforms and outposts, never another town's (in the choices, and refused on save)."""

from cases import actions
from cases.forms import CaseActionForm
from cases.models import Unit
from gridgov.errors import DomainError


def test_the_unit_list_offers_only_the_units_serving_the_case(cast, tree, units, report):
    other_town_unit = Unit.objects.create(
        name="博望街道综合执法平台", kind="platform", platform="enforcement", node=tree.town2
    )
    case = report()
    actions.case_accept(actor=cast.staff_town1, case_id=case.pk, color="yellow")
    form = CaseActionForm(user=cast.staff_town1, case=case)
    offered = set(form.fields["unit"].queryset)
    assert {units.natural, units.civil, units.land_outpost, units.platform} <= offered
    assert other_town_unit not in offered
    bound = CaseActionForm(
        {"action": "dispatch", "unit": other_town_unit.pk},
        user=cast.staff_town1,
        case=case,
    )
    assert not bound.is_valid() and "unit" in bound.errors


def test_the_action_refuses_another_towns_unit_too(cast, tree, units, report):
    import pytest

    other_town_unit = Unit.objects.create(name="博望便民平台", kind="platform", node=tree.town2)
    case = report()
    actions.case_accept(actor=cast.staff_town1, case_id=case.pk, color="yellow")
    with pytest.raises(DomainError):
        actions.case_dispatch(actor=cast.staff_town1, case_id=case.pk, unit_id=other_town_unit.pk)
