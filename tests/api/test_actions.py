"""Every case action on the API comes from the one table: it is taken exactly when the desk
case page would offer it to the caller now, with the page's form, and does what the page
does."""

import pytest

from cases import actions, workflow
from cases.models import Case, CaseEvent
from tests.api.conftest import Api, make_client
from tests.factories import T0, called_case, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast, tree, units):
    """A case in every status of grid A, and two county calls (one open, one answered)."""
    cases = [
        make_case(cast, tree.grid_a, status, now=T0)
        for status in ("reported", "accepted", "dispatched", "handling", "resolved", "closed")
    ]
    for state in ("open", "answered"):
        case, call = called_case(cast, tree.grid_a, units.civil, units.hardship, now=T0)
        if state == "answered":
            actions.county_call_respond(
                actor=units.civil_staff, call_id=call.pk, response="已办理", now=T0
            )
        cases.append(case)
    return cases


def test_an_action_passes_the_gate_exactly_when_the_case_page_would_offer_it(
    world, cast, tree, units
):
    """A body the action cannot read (422) shows the gate was passed without doing anything;
    403 or 409 that it was not."""
    system = make_client(tree.town1, ["center_staff"])
    callers = {
        "staff_town1": (Api(user=cast.staff_town1), cast.staff_town1),
        "worker_a": (Api(user=cast.worker_a), cast.worker_a),
        "informant_a": (Api(user=cast.informant_a), cast.informant_a),
        "civil_staff": (Api(user=units.civil_staff), units.civil_staff),
        "town_system": (Api(system.key), system.user),
    }
    mismatches = []
    for case in world:
        fresh = Case.objects.get(pk=case.pk)
        for who, (api, user) in callers.items():
            offered = set(workflow.available_actions(user, fresh))
            got = api.get(f"/api/v1/cases/{case.pk}/").json()
            listed = got["actions"]
            if set(listed) != offered:
                mismatches.append(f"{who} {fresh.status}: lists {listed}, page offers {offered}")
            for name in workflow.offered_on(workflow.CASE_PAGE):
                url = f"/api/v1/cases/{case.pk}/actions/{name}/"
                status = api.post(url, {"not_a_field": 1}).status_code
                passed = status == 422
                if passed != (name in offered) or status not in (403, 409, 422):
                    mismatches.append(f"{who} {name} on {fresh.status}: {status}")
    assert not mismatches, "\n".join(mismatches)
    assert not CaseEvent.objects.filter(created_at__gt=T0).exists()  # nothing was done


def test_a_case_goes_from_report_to_closed_through_the_api_as_on_the_desk(cast, tree, as_system):
    worker = Api(user=cast.worker_a)
    created = as_system.post(
        "/api/v1/cases/",
        {"node": tree.grid_a.pk, "title": "路灯不亮", "description": "村口路灯坏了"},
    )
    assert created.status_code == 201
    case_id = created.json()["id"]
    assert created["Location"] == f"/api/v1/cases/{case_id}/"
    url = f"/api/v1/cases/{case_id}/actions/"
    steps = [
        (as_system, "accept", {"color": "yellow"}, "accepted"),
        (as_system, "dispatch", {"handler": cast.worker_a.pk, "text": "请处理"}, "dispatched"),
        (worker, "sign", {}, "handling"),
        (worker, "resolve", {"text": "已修好", "public_reply": "路灯已修复"}, "resolved"),
        (as_system, "verify_ok", {"text": "已核实"}, "closed"),
        (as_system, "rate", {"rating": 5}, "closed"),
    ]
    for api, name, body, status in steps:
        response = api.post(f"{url}{name}/", body)
        assert response.status_code == 200, (name, response.json())
        assert response.json()["status"] == status
    case = Case.objects.get(pk=case_id)
    assert case.source == "api" and case.satisfaction == 5 and case.handler == cast.worker_a
    assert case.public_reply == "路灯已修复"  # the reply to the resident, as on the pages
    history = [e["action"] for e in as_system.get(f"/api/v1/cases/{case_id}/").json()["history"]]
    assert history == ["report", "accept", "dispatch", "sign", "resolve", "verify_ok", "rate"]


def test_a_field_the_action_does_not_read_is_refused_by_name(as_system, report):
    case = report()
    response = as_system.post(
        f"/api/v1/cases/{case.pk}/actions/reject/", {"text": "重复", "color": "red"}
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["color"]
    assert Case.objects.get(pk=case.pk).status == "reported"


def test_the_forms_choices_bound_what_an_action_may_point_at(cast, tree, as_system, report):
    case = report()
    as_system.post(f"/api/v1/cases/{case.pk}/actions/accept/", {"color": "yellow"})
    response = as_system.post(
        f"/api/v1/cases/{case.pk}/actions/dispatch/", {"handler": cast.staff_town2.pk}
    )
    assert response.status_code == 422
    assert "handler" in response.json()["errors"]


def test_merging_into_a_case_that_is_not_there_is_a_field_error(as_system, report):
    case = report()
    response = as_system.post(f"/api/v1/cases/{case.pk}/actions/merge/", {"into": "NOPE"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["into"]


def test_an_action_outside_the_scope_is_404_before_anything(cast, tree, as_system):
    case = make_case(cast, tree.grid_c)
    for name in ("accept", "no_such_action"):
        response = as_system.post(f"/api/v1/cases/{case.pk}/actions/{name}/", {})
        assert response.status_code == 404


def test_the_department_answers_and_the_town_rates_a_county_call(cast, tree, units):
    case, call = called_case(cast, tree.grid_a, units.civil, units.hardship)
    department = Api(user=units.civil_staff)
    listed = department.get("/api/v1/calls/", {"side": "in"}).json()["results"]
    assert [c["id"] for c in listed] == [call.pk]
    answered = department.post(
        f"/api/v1/calls/{call.pk}/actions/county_respond/", {"text": "已安排救助"}
    )
    assert answered.status_code == 200 and answered.json()["state"] == "answered"
    again = department.post(f"/api/v1/calls/{call.pk}/actions/county_respond/", {"text": "再答"})
    assert again.status_code == 409
    town = Api(user=cast.staff_town1)
    assert (
        town.post(f"/api/v1/calls/{call.pk}/actions/county_respond/", {"text": "x"}).status_code
        == 403
    )
    rated = town.post(f"/api/v1/calls/{call.pk}/actions/county_rate/", {"rating": 4})
    assert rated.status_code == 200 and rated.json()["town_rating"] == 4
    assert [c["id"] for c in town.get("/api/v1/calls/", {"side": "out"}).json()["results"]] == [
        call.pk
    ]


def test_a_department_client_with_its_unit_answers_calls(cast, tree, units):
    _case, call = called_case(cast, tree.grid_a, units.civil, units.hardship)
    system = make_client(tree.county, ["department"], unit=units.civil, name="民政局系统")
    response = Api(system.key).post(
        f"/api/v1/calls/{call.pk}/actions/county_respond/", {"text": "已安排"}
    )
    assert response.status_code == 200, response.json()
    other = make_client(tree.county, ["department"], unit=units.natural, name="自然资源局系统")
    _case2, call2 = called_case(cast, tree.grid_b, units.civil, units.hardship)
    refused = Api(other.key).post(
        f"/api/v1/calls/{call2.pk}/actions/county_respond/", {"text": "不是我们"}
    )
    assert refused.status_code == 403
