"""The one table of case actions (cases.workflow.ACTIONS): every page that offers actions reads
it, so each action is offered on exactly the pages its row names, and the demo replays through
it."""

import datetime as dt
import inspect
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from cases import actions, workflow
from cases.forms import CaseActionForm
from cases.models import CaseEvent, Status
from cases.workflow import ACTIONS, ADMIN, BOARD, CALLS, CASE_PAGE
from staff.models import Link
from tests.cases.hotline import make_hotline, receive
from tests.factories import T0, called_case, make_case

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def offered(response) -> set[str]:
    """The actions a case page shows a submit button for."""
    return set(re.findall(r'name="action" value="(\w+)"', response.content.decode()))


def rows_on(page: str) -> set[str]:
    return {a.name for a in ACTIONS.values() if page in a.pages}


def test_each_row_names_a_real_function_real_form_fields_and_real_statuses():
    form_fields = set(CaseActionForm.base_fields)
    for action in ACTIONS.values():
        function = getattr(actions, action.function)
        assert callable(function), action.name
        keywords = set(inspect.signature(function).parameters)
        assert set(action.fixed) <= keywords, action.name
        assert set(action.fields) <= form_fields, action.name
        assert action.pages, action.name
        if action.fits_call is None:
            assert action.sources and action.sources <= set(Status.values), action.name
            assert action.target is None or action.target in Status.values, action.name
            assert "case_id" in keywords, action.name
        else:
            assert action.sources is None and "call_id" in keywords, action.name
            assert "call" in action.fields, action.name


@pytest.fixture
def world(cast, tree, units):
    """A case in every status of grid A, a 12345 work order in town 1's intake, two county
    calls (one open, one answered) and two calls of village 1 to its linked department."""
    cases = {
        status: make_case(cast, tree.grid_a, status, now=T0)
        for status in ("reported", "accepted", "dispatched", "handling", "resolved", "closed")
    }
    cases["hotline_order"] = receive(make_hotline(tree.county), now=T0).case
    called = {}
    for state in ("open", "answered"):
        case, call = called_case(cast, tree.grid_a, units.civil, units.hardship, now=T0)
        if state == "answered":
            actions.county_call_respond(
                actor=units.civil_staff, call_id=call.pk, response="已办理", now=T0
            )
        called[state] = (case, call)
    # 社区吹哨: a case village 1 holds, and its calls to a department linked to the village.
    Link.objects.create(
        kind="department", unit=units.civil, village=tree.village1, since=dt.date(2026, 1, 1)
    )
    for state in ("open", "answered"):
        case = make_case(
            cast, tree.grid_a, "handling", owner=tree.village1, handler=cast.village_chief, now=T0
        )
        call = actions.case_call_department(
            actor=cast.village_chief,
            case_id=case.pk,
            department_id=units.civil.pk,
            grounds="请挂联部门报到",
            now=T0,
        )
        if state == "answered":
            actions.county_call_respond(
                actor=units.civil_staff, call_id=call.pk, response="已到村", now=T0
            )
        called[f"village_{state}"] = (case, call)
    return cases, called


def test_the_case_pages_offer_every_action_their_rows_name(world, cast, units):
    cases, called = world
    all_cases = [*cases.values(), *(case for case, _call in called.values())]
    seen = set()
    for case in all_cases:
        for user in (cast.staff_town1, units.civil_staff):
            seen |= offered(client_for(user).get(f"/desk/cases/{case.pk}/"))
        for user in (cast.worker_a, cast.village_chief):
            seen |= offered(client_for(user).get(f"/m/cases/{case.pk}/"))
    # The unit's staff answer a call on the case page only where they may see the case; the
    # call itself is theirs (the county-calls page), so their answer is checked by the table.
    open_case, _open_call = called["open"]
    if "county_respond" in workflow.available_actions(units.civil_staff, open_case):
        seen.add("county_respond")
    assert seen == rows_on(CASE_PAGE)


def test_the_admin_offers_every_action_its_rows_name_to_whom_may_take_it(world, cast):
    cases, called = world
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    seen = set()
    for case in [*cases.values(), *(case for case, _call in called.values())]:
        html = client_for(admin).get(f"/admin/cases/case/{case.pk}/work/").content.decode()
        seen |= set(re.findall(r'name="action" value="(\w+)"', html)) & set(ACTIONS)
    # A superuser holds every permission but is nobody's handler: the handler's own actions
    # reach the admin for the person the case was dispatched to.
    handler_only = {a.name for a in ACTIONS.values() if a.handler_only}
    assert seen == rows_on(ADMIN) - handler_only
    dispatched = cases["dispatched"]
    for name in handler_only & rows_on(ADMIN):
        status_case = dispatched if name in ("sign", "return") else cases["handling"]
        assert name in workflow.available_actions(cast.worker_a, status_case, ADMIN)


def test_the_county_calls_page_takes_exactly_the_call_actions_of_the_table(world, cast):
    _cases, called = world
    _case, call = called["open"]
    client = client_for(cast.staff_town1)
    taken = set()
    for name in ACTIONS:
        response = client.post("/desk/calls/", {"op": name, "call": call.pk, "rating": "4"})
        if response.status_code != 404:
            taken.add(name)
    assert taken == rows_on(CALLS)


def test_the_board_takes_the_one_action_of_its_rows(world, cast):
    cases, _called = world
    case = cases["handling"]
    client_for(cast.staff_town1).post("/desk/board/", {"case": case.pk, "note": "请加快"})
    done = set(CaseEvent.objects.filter(case=case, note="请加快").values_list("action", flat=True))
    assert done == rows_on(BOARD) == {"supervise"}


def test_the_demo_replays_only_actions_of_the_table():
    from gridgov.demo import demo_cases

    verbs = {verb for script in demo_cases() for _after, verb, _who, _kw in script.steps}
    assert verbs <= set(ACTIONS)
    assert {"accept", "dispatch", "verify_ok", "county_respond"} <= verbs


def test_a_new_row_is_offered_without_touching_any_page(world, cast, monkeypatch):
    """Adding an action is one row plus its function: the case page shows it at once."""
    cases, _called = world
    row = workflow.CaseAction(
        "note_only",
        "Note only",
        "case.progress",
        "case_progress",
        workflow._text("note"),
        frozenset({Status.HANDLING}),
    )
    monkeypatch.setitem(workflow.ACTIONS, "note_only", row)
    monkeypatch.setitem(workflow.TRANSITIONS, "note_only", (row.sources, None))
    response = client_for(cast.staff_town1).get(f"/desk/cases/{cases['handling'].pk}/")
    assert "note_only" in offered(response)
