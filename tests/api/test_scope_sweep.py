"""Every route under /api/v1/, walked from the resolver like the pages' sweep
(tests/scope/test_route_sweep.py), for each person of the shared cast, for an API client of
town 1 and for a caller with no credentials, with an object inside and one outside the
caller's subtree, GET and POST:

- no credentials (or a wrong key): 401, as a problem;
- an object outside the caller's subtree: 404, exactly like a missing one (405, the wrong
  method, is answered alike for every id);
- an object inside it: never 404 (allowed: the answer; not allowed: 403);
- never a 5xx.

A route added under /api/v1/ is swept without editing this file; one whose URL parameter has
a new name fails until the name is added to tests/scope/routes.PARAMETERS."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from cases.api.actions import CASE_ACTIONS
from cases.api.calls import CALL_ACTIONS
from gridgov.models import Notice
from tests.api.conftest import make_client
from tests.scope.routes import PARAMETERS, all_routes
from tests.scope.world import CAST, SIDES, build_world

ROUTES = [r for r in all_routes() if r.name.startswith("api:")]
# The description and its readers are public; any other address is a 404 for everyone.
PUBLIC = {"api:schema", "api:docs", "api:redoc", "api:no_such_endpoint"}
ACTION_NAMES = {"api:case_action": CASE_ACTIONS, "api:call_action": CALL_ACTIONS}
CALLERS = [*CAST, "town_system", "wrong_key"]
SIDES_OF = {**SIDES, "town_system": ("grid_a", "grid_c")}


def _urls(route, side, inside: bool) -> list[str]:
    """The route's addresses for this side's objects (each action name, inside)."""
    values = {}
    for param in route.params:
        if param == "action":
            continue
        assert param in PARAMETERS, (
            f"{route.name}: URL parameter {param!r} is unknown to the scope sweep; name it "
            f"after what it points at or add it to tests/scope/routes.py"
        )
        kind = PARAMETERS[param]
        values[param] = (side.grid if kind == "grid" else getattr(side, kind)).pk
    if "action" not in route.params:
        return [reverse(route.name, kwargs=values)]
    names = ACTION_NAMES[route.name]
    return [
        reverse(route.name, kwargs={**values, "action": name})
        for name in (names if inside else names[:3])
    ]


def _requests(http, url, headers):
    yield "GET", http.get(url, headers=headers)
    yield "POST", http.post(url, "{}", content_type="application/json", headers=headers)


@pytest.mark.parametrize("who", CALLERS)
def test_every_api_route_answers_each_caller_by_their_scope(client, cast, tree, who):
    world = build_world(tree)
    headers = {}
    user = None
    if who == "town_system":
        system = make_client(tree.town1, ["center_staff"])
        headers["Authorization"] = f"Bearer {system.key}"
        user = system.user
    elif who == "wrong_key":
        headers["Authorization"] = "Bearer gg_00000000_" + "x" * 43
    else:
        user = getattr(cast, who)
        if user is not None:
            client.force_login(user)
    anonymous = user is None
    inside, outside = (
        (getattr(world, SIDES_OF[who][0]), getattr(world, SIDES_OF[who][1]))
        if not anonymous
        else (world.grid_a, world.far_grid)
    )
    if user is not None:  # notices belong to one person: the inside one is theirs
        inside.notice = Notice.objects.create(
            user=user, message=inside.message, case=inside.case, text="新事件"
        )
    client.raise_request_exception = False
    problems, swept = [], 0
    for route in ROUTES:
        if route.name in PUBLIC:
            continue
        for side_name, side in (("inside", inside), ("outside", outside)):
            if side_name == "outside" and not route.params:
                continue
            for url in _urls(route, side, side_name == "inside"):
                for method, response in _requests(client, url, headers):
                    swept += 1
                    status = response.status_code
                    where = f"{who} {method} {url} ({route.name}, {side_name}): {status}"
                    if status >= 500:
                        problems.append(f"server error: {where}")
                        continue
                    if status >= 400 and response["Content-Type"] != "application/problem+json":
                        problems.append(f"not a problem: {where}")
                    if anonymous:
                        if status != 401:
                            problems.append(f"no credentials but not 401: {where}")
                        elif "WWW-Authenticate" not in response:
                            problems.append(f"401 without a challenge: {where}")
                    elif side_name == "outside":
                        if status not in (404, 405):
                            problems.append(f"outside the scope but not 404: {where}")
                    elif status == 404 and route.params:
                        detail = json.loads(response.content).get("detail", "")
                        problems.append(f"inside the scope but 404: {where} {detail}")
                    elif status == 401:
                        problems.append(f"signed in but 401: {where}")
    print(f"swept {len(ROUTES)} API routes as {who}: {swept} requests")
    assert swept > 60, swept
    assert not problems, f"{len(problems)} of {swept} requests:\n" + "\n".join(problems)


def test_the_sweep_sees_every_api_route_with_parameters():
    names = {r.name for r in ROUTES}
    for expected in ("api:case_list", "api:case_detail", "api:case_action", "api:node_detail"):
        assert expected in names
    assert {p for r in ROUTES for p in r.params} >= {"case_id", "action", "call_id", "notice_id"}
