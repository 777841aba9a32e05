"""Every URL of the project, walked from the resolver, for every person of the shared cast and
for an anonymous visitor, with an object inside and one outside the person's subtree.

- anonymous: sent to a login page (public pages aside);
- an object outside the person's subtree: 404, exactly like a missing one (in the admin, a
  person without the admin door is refused every page alike, 403);
- an object inside it: never 404 (allowed: the page; not allowed: 403), and never a 5xx;
- GET and POST alike.

A page added without a scope check fails here without editing this file; a page whose URL
parameter has a new name fails until the name is added to tests/scope/routes.PARAMETERS.
"""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from tests.scope.routes import ADMIN_OTHER, CODES, PARAMETERS, PUBLIC, WORDS, Route, all_routes
from tests.scope.world import ADMIN_OBJECTS, CAST, SIDES, build_world, shared_objects

# The API door answers with 401/403/404 problems, not login pages: tests/api sweeps it.
ROUTES = [r for r in all_routes() if not r.name.startswith("api:")]


def _kwargs(route: Route, side, shared) -> dict | None:
    """URL arguments pointing at `side`'s objects; None when the page is about shared data
    and `side` is not the inside one (reference data has no outside)."""
    if not route.params:
        return {}
    if route.model_admin is not None and route.name not in ADMIN_OTHER:
        label = route.model_admin.model._meta.label_lower
        if label in ADMIN_OBJECTS:
            obj = getattr(side, ADMIN_OBJECTS[label])
        else:
            assert label in shared, f"{route.name}: no object of {label} in tests/scope/world"
            obj = shared[label]
        return {route.params[0]: obj.pk}
    if route.name == "admin:app_list":
        return {"app_label": "grids"}
    values = {}
    for param in route.params:
        if param in WORDS:
            values[param] = WORDS[param]
            continue
        if param in CODES:
            kind, attribute = CODES[param]
            values[param] = getattr(getattr(side, kind), attribute)
            continue
        assert param in PARAMETERS, (
            f"{route.name}: URL parameter {param!r} is unknown to the scope sweep; name it after "
            f"what it points at (one of {sorted(PARAMETERS)}) or add it to tests/scope/routes.py"
        )
        kind = PARAMETERS[param]
        values[param] = (side.grid if kind == "grid" else getattr(side, kind)).pk
    return values


def _url(route: Route, kwargs: dict) -> str:
    try:
        return reverse(route.name, kwargs=kwargs)
    except NoReverseMatch as exc:  # pragma: no cover - a failure message, not a branch
        raise AssertionError(f"{route.name}: cannot build its URL from {kwargs}") from exc


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and "login" in response["Location"]


def _visit(client, url: str):
    return [("GET", client.get(url)), ("POST", client.post(url, {}))]


@pytest.mark.parametrize("who", CAST)
def test_every_url_answers_each_person_by_their_scope(client, cast, tree, who):
    world = build_world(tree)
    shared = shared_objects()
    user = getattr(cast, who)
    inside, outside = (
        (getattr(world, SIDES[who][0]), getattr(world, SIDES[who][1]))
        if user
        else (world.grid_a, world.far_grid)
    )
    if user is not None:
        inside.notice = _own_notice(user, inside)
    client.raise_request_exception = False  # a crash is one more problem to list, not the end
    problems: list[str] = []
    swept = 0
    for route in ROUTES:
        if route.name in ADMIN_OTHER - {"admin:app_list"}:
            continue
        for side_name, side in (("inside", inside), ("outside", outside)):
            kwargs = _kwargs(route, side, shared)
            if kwargs is None or (side_name == "outside" and not route.params):
                continue
            if side_name == "outside" and route.name in ADMIN_OTHER:
                continue
            shared_only = (
                route.model_admin is not None
                and route.model_admin.model._meta.label_lower not in ADMIN_OBJECTS
                and route.name not in ADMIN_OTHER
            )
            if side_name == "outside" and shared_only:
                continue
            url = _url(route, kwargs)
            if user is not None:
                client.force_login(user)
            for method, response in _visit(client, url):
                swept += 1
                status = response.status_code
                where = f"{who} {method} {url} ({route.name}, {side_name}): {status}"
                if status >= 500:
                    problems.append(f"server error: {where}")
                elif user is None:
                    if route.name not in PUBLIC and not _is_login_redirect(response):
                        problems.append(f"anonymous not sent to login: {where}")
                elif side_name == "outside" and route.params and route.name not in PUBLIC:
                    admin_door_refused = route.name.startswith("admin:") and status == 403
                    # 405 (wrong method) is answered alike for every id: it tells nothing.
                    refused_alike = status == 405 or (admin_door_refused and not _admin(user))
                    if status != 404 and not refused_alike:
                        problems.append(f"outside the scope but not 404: {where}")
                elif status == 404 and route.params:
                    problems.append(f"inside the scope but 404: {where}")
                elif _is_login_redirect(response) and route.name not in PUBLIC:
                    problems.append(f"logged in but sent to login: {where}")
                if route.name in ("logout", "admin:logout") and user is not None:
                    client.force_login(user)
    print(f"swept {len(ROUTES)} routes as {who}: {swept} requests")
    assert swept > 300, swept  # the walk found the pages
    assert not problems, f"{len(problems)} of {swept} requests:\n" + "\n".join(problems)


def _own_notice(user, side):
    """Notices belong to one person: the inside one is theirs, about the inside case."""
    from gridgov.models import Notice

    return Notice.objects.create(user=user, message=side.message, case=side.case, text="新事件")


def _admin(user) -> bool:
    from staff import access

    return access.can_anywhere(user, "door.admin")


def test_the_sweep_sees_every_kind_of_page():
    names = {r.name for r in ROUTES}
    # The walk reaches each door and the admin; if one vanished the sweep would prove nothing.
    for expected in ("case_detail", "mobile_home", "desk_board", "admin:grids_gridnode_change"):
        assert expected in names
    object_pages = [r for r in ROUTES if r.params == ("object_id",) and r.name.endswith("_change")]
    assert len(object_pages) > 10
    assert all(r.model_admin is not None for r in object_pages)
