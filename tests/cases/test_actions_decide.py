"""Forms parse, actions decide: what a page used to work out itself (accept and dispatch in one
step and the town list it needs, a phone report's title and source, a settlement on the spot)
is the action's, so every door gets the same answer; and an action refuses in one way, a
DomainError that names its field."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from cases import actions
from cases.models import Case
from gridgov.errors import DomainError, add_to_form, field_errors
from tests.factories import T0, make_case

pytestmark = pytest.mark.django_db


def test_accepting_with_a_dispatch_to_the_village_puts_the_case_on_the_towns_list(cast, tree):
    case = make_case(cast, tree.grid_a, "reported", now=T0)
    done = actions.case_accept(
        actor=cast.staff_town1,
        case_id=case.pk,
        color="orange",
        dispatch_to={"village_id": tree.village1.pk},
        now=T0,
    )
    assert (done.status, done.owner_node_id) == ("dispatched", tree.village1.pk)
    assert list(done.events.values_list("action", "to_owner")) == [
        ("report", tree.grid_a.pk),
        ("accept", tree.town1.pk),  # lifted: a case is only ever handed down
        ("dispatch", tree.village1.pk),
    ]


def test_accepting_with_a_dispatch_to_the_grid_worker_stays_on_the_grids_list(cast, tree):
    case = make_case(cast, tree.grid_a, "reported", now=T0)
    done = actions.case_accept(
        actor=cast.staff_town1,
        case_id=case.pk,
        color="yellow",
        dispatch_to={"handler_id": cast.worker_a.pk},
        now=T0,
    )
    assert (done.status, done.handler_id, done.owner_node_id) == (
        "dispatched",
        cast.worker_a.pk,
        tree.grid_a.pk,
    )


def test_a_refused_dispatch_leaves_the_case_unaccepted(cast, tree):
    case = make_case(cast, tree.grid_a, "reported", now=T0)
    with pytest.raises(DomainError):  # the town's staff cannot handle a grid's case themselves
        actions.case_accept(
            actor=cast.staff_town1,
            case_id=case.pk,
            color="yellow",
            dispatch_to={"handler_id": cast.staff_town2.pk},
            now=T0,
        )
    case.refresh_from_db()
    assert (case.status, case.color, case.accepted_at) == ("reported", "", None)


@pytest.mark.parametrize(("who", "source"), [("worker_a", "patrol"), ("informant_a", "informant")])
def test_a_phone_report_takes_its_title_from_the_category_and_its_source_from_the_post(
    cast, tree, units, who, source
):
    case = actions.case_report_from_the_field(
        actor=getattr(cast, who),
        node_id=tree.grid_a.pk,
        category_id=units.neighbours.pk,
        description="两家因排水沟起争执\n已劝开",
        now=T0,
    )
    assert (case.title, case.source, case.status) == (
        "邻里纠纷：两家因排水沟起争执",
        source,
        "reported",
    )


def test_a_phone_report_settled_on_the_spot_is_resolved_in_the_same_step(cast, tree, units):
    case = actions.case_report_from_the_field(
        actor=cast.worker_a,
        node_id=tree.grid_a.pk,
        category_id=units.neighbours.pk,
        description="两家因排水沟起争执",
        suggested_color="yellow",
        settled_result="当场调解，双方和好",
        now=T0,
    )
    assert (case.status, case.color, case.handler_id) == ("resolved", "yellow", cast.worker_a.pk)


def test_an_informant_cannot_settle_on_the_spot_and_nothing_is_kept(cast, tree, units):
    with pytest.raises(ValidationError):
        actions.case_report_from_the_field(
            actor=cast.informant_a,
            node_id=tree.grid_a.pk,
            category_id=units.neighbours.pk,
            description="两家因排水沟起争执",
            suggested_color="yellow",
            settled_result="当场调解",
            now=T0,
        )
    assert not Case.objects.exists()


class _Form(forms.Form):
    reason = forms.CharField(required=False)


def test_a_refusal_that_names_a_field_lands_on_that_field():
    form = _Form({"reason": ""})
    assert form.is_valid()
    add_to_form(form, DomainError("请说明原因。", field="reason"))
    assert form.errors == {"reason": ["请说明原因。"]}


def test_a_refusal_about_no_field_or_an_unknown_one_lands_above_the_form():
    form = _Form({"reason": "x"})
    assert form.is_valid()
    add_to_form(form, DomainError("此事件已结案。"))
    add_to_form(form, DomainError("号码已被占用。", field="id_number"))
    assert form.non_field_errors() == ["此事件已结案。", "号码已被占用。"]


def test_a_models_own_check_and_a_domain_refusal_read_the_same():
    assert field_errors(ValidationError({"node": ["不存在"]})) == {"node": ["不存在"]}
    assert field_errors(DomainError("不存在", field="node")) == {"node": ["不存在"]}
    assert field_errors(DomainError("已结束"), default="finding") == {"finding": ["已结束"]}
    assert DomainError("已结束").message == "已结束"
