"""API clients: a key finds its client (stored only as a hash), the client is scoped exactly
like a person holding its grants, may call only its endpoints, and is made, rotated and
revoked in the admin by those who may give its grants."""

import re

import pytest
from django.test import Client

from cases.models import Case
from gridgov.api import clients
from gridgov.models import ApiClient
from tests.api.conftest import Api, make_client
from tests.factories import PASSWORD, make_case

pytestmark = pytest.mark.django_db


def test_a_client_reads_with_its_key_as_a_bearer_token_or_in_x_api_key(town_system, report):
    case = report()
    by_bearer = Api(town_system.key).get(f"/api/v1/cases/{case.pk}/")
    by_header = Client().get(f"/api/v1/cases/{case.pk}/", headers={"X-Api-Key": town_system.key})
    assert by_bearer.status_code == by_header.status_code == 200
    assert by_bearer.json()["number"] == case.number


def test_only_a_hash_of_the_key_is_stored(town_system):
    row = ApiClient.objects.get(pk=town_system.client.pk)
    stored = " ".join(str(getattr(row, f.attname)) for f in ApiClient._meta.concrete_fields)
    assert town_system.key not in stored
    assert row.key_hash == clients.key_hash(town_system.key)
    assert town_system.key.startswith(f"gg_{row.key_prefix}_")


def test_each_request_is_counted_with_its_time(town_system):
    api = Api(town_system.key)
    api.get("/api/v1/nodes/")
    api.get("/api/v1/nodes/")
    row = ApiClient.objects.get(pk=town_system.client.pk)
    assert row.request_count == 2 and row.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [
        "Bearer gg_00000000_" + "A" * 43,
        "Bearer not-a-key",
        "Bearer ",
        "bearer gg_x",
    ],
)
def test_a_wrong_key_is_401_with_a_bearer_challenge(town_system, header):
    response = Client().get("/api/v1/nodes/", headers={"Authorization": header})
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response["Content-Type"] == "application/problem+json"


def test_no_credentials_is_401():
    response = Client().get("/api/v1/cases/")
    assert response.status_code == 401
    assert response.json()["type"] == "urn:gridgov:problem:unauthenticated"


def test_a_rotated_key_stops_working_and_the_new_one_works(town_system):
    new = clients.api_client_rotate(actor=None, client_id=town_system.client.pk)
    assert Api(town_system.key).get("/api/v1/nodes/").status_code == 401
    assert Api(new).get("/api/v1/nodes/").status_code == 200


def test_a_revoked_client_is_refused_and_holds_no_grant_any_more(town_system):
    from staff import access

    clients.api_client_revoke(actor=None, client_id=town_system.client.pk)
    assert Api(town_system.key).get("/api/v1/nodes/").status_code == 401
    user = type(town_system.user).objects.get(pk=town_system.user.pk)
    assert access.posts(user) == []


def test_the_service_person_cannot_log_in(town_system):
    user = town_system.user
    assert not user.has_usable_password()
    for password in ("", PASSWORD, "!"):
        http = Client()
        response = http.post("/login/", {"username": user.username, "password": password})
        assert "_auth_user_id" not in http.session
        assert response.status_code == 200  # the form again, not a redirect into a door


def test_a_client_sees_its_town_and_nothing_of_the_other(town_system, cast, tree):
    mine = make_case(cast, tree.grid_a)
    theirs = make_case(cast, tree.grid_c)
    api = Api(town_system.key)
    assert api.get(f"/api/v1/cases/{mine.pk}/").status_code == 200
    assert api.get(f"/api/v1/cases/{theirs.pk}/").status_code == 404
    listed = {row["id"] for row in api.get("/api/v1/cases/").json()["results"]}
    assert listed == {mine.pk}


def test_a_client_with_a_grid_workers_grant_may_not_triage(cast, tree, report):
    worker_system = make_client(tree.grid_a, ["grid_worker"])
    case = report()
    response = Api(worker_system.key).post(
        f"/api/v1/cases/{case.pk}/actions/accept/", {"color": "yellow"}
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).status == "reported"


def test_a_client_may_call_only_its_endpoints(cast, tree, report):
    reader = make_client(tree.town1, ["center_staff"], endpoints=["cases.read"])
    case = report()
    api = Api(reader.key)
    assert api.get("/api/v1/cases/").status_code == 200
    refused = api.post(f"/api/v1/cases/{case.pk}/actions/accept/", {"color": "yellow"})
    assert refused.status_code == 403
    assert refused.json()["type"] == "urn:gridgov:problem:forbidden"
    assert api.get("/api/v1/nodes/").status_code == 403
    assert api.post("/api/v1/cases/", {}).status_code == 403  # reporting is another endpoint


def test_a_town_admin_gives_a_client_only_roles_they_may_give_below_their_town(cast, tree):
    with pytest.raises(Exception) as refused:
        clients.api_client_create(
            actor=cast.town1_admin,
            name="x",
            node_id=tree.town1.pk,
            roles=["center_staff"],  # a town's own centre staff come from the county
            endpoints=[],
        )
    assert "roles" in refused.value.message_dict
    client, _key = clients.api_client_create(
        actor=cast.town1_admin,
        name="村级系统",
        node_id=tree.village1.pk,
        roles=["grid_chief"],
        endpoints=["cases.read"],
    )
    assert client.service_user.assignments.get().role == "grid_chief"


def test_a_town_admin_cannot_make_a_client_in_another_town(cast, tree):
    from gridgov.errors import DomainError

    with pytest.raises(DomainError):
        clients.api_client_create(
            actor=cast.town1_admin,
            name="x",
            node_id=tree.village2.pk,
            roles=["grid_chief"],
            endpoints=[],
        )


def test_no_client_holds_the_admin_role(cast, tree):
    with pytest.raises(Exception) as refused:
        clients.api_client_create(
            actor=None, name="x", node_id=tree.town1.pk, roles=["admin"], endpoints=[]
        )
    assert "roles" in refused.value.message_dict


def test_changing_a_clients_node_moves_its_grants_the_same_day(cast, tree):
    system = make_client(tree.grid_a, ["grid_worker"])
    clients.api_client_update(
        actor=cast.county_admin,
        client_id=system.client.pk,
        name="系统",
        node_id=tree.grid_c.pk,
        roles=["grid_worker"],
        endpoints=["cases.read"],
    )
    from staff import access

    user = type(system.user).objects.get(pk=system.user.pk)
    assert access.posts(user) == [("grid_worker", tree.grid_c.pk)]


# ---------------------------------------------------------------- the admin


def _admin(user) -> Client:
    http = Client()
    http.force_login(user)
    return http


def test_the_admin_makes_a_client_and_shows_its_key_once(cast, tree):
    http = _admin(cast.town1_admin)
    response = http.post(
        "/admin/gridgov/apiclient/add/",
        {
            "name": "梁家庵村系统",
            "node": tree.village1.pk,
            "roles": ["grid_chief"],
            "endpoints": ["cases.read", "tree"],
        },
    )
    assert response.status_code == 200, response.content[:500]
    key = re.search(r"gg_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", response.content.decode()).group(0)
    assert "no-store" in response["Cache-Control"]
    client = ApiClient.objects.get(name="梁家庵村系统")
    assert client.created_by == cast.town1_admin
    assert Api(key).get("/api/v1/nodes/").status_code == 200
    page = http.get(f"/admin/gridgov/apiclient/{client.pk}/change/").content.decode()
    assert key not in page and client.key_prefix in page


def test_the_admin_refuses_a_role_the_town_admin_may_not_give(cast, tree):
    response = _admin(cast.town1_admin).post(
        "/admin/gridgov/apiclient/add/",
        {"name": "x", "node": tree.village1.pk, "roles": ["center_staff"], "endpoints": []},
    )
    assert response.status_code == 200
    assert "roles" in response.context["adminform"].form.errors
    assert not ApiClient.objects.exists()


def test_the_admin_rotates_and_revokes_keys(cast, tree):
    system = make_client(tree.grid_a, ["grid_worker"])
    http = _admin(cast.town1_admin)
    rotated = http.post(
        "/admin/gridgov/apiclient/",
        {"action": "rotate_keys", "_selected_action": [system.client.pk]},
    )
    new = re.search(r"gg_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", rotated.content.decode()).group(0)
    assert Api(system.key).get("/api/v1/cases/").status_code == 401
    assert Api(new).get("/api/v1/cases/").status_code == 200
    http.post(
        "/admin/gridgov/apiclient/",
        {"action": "revoke_clients", "_selected_action": [system.client.pk]},
    )
    assert Api(new).get("/api/v1/cases/").status_code == 401
    assert ApiClient.objects.get(pk=system.client.pk).revoked_at is not None


def test_a_town_admin_cannot_touch_a_client_with_grants_above_them(cast, tree, town_system):
    http = _admin(cast.town1_admin)
    page = http.get(f"/admin/gridgov/apiclient/{town_system.client.pk}/change/")
    assert page.status_code == 200
    assert 'name="roles"' not in page.content.decode()  # read-only for them
    http.post(
        "/admin/gridgov/apiclient/",
        {"action": "revoke_clients", "_selected_action": [town_system.client.pk]},
    )
    assert ApiClient.objects.get(pk=town_system.client.pk).revoked_at is None


def test_a_clients_service_person_is_no_one_to_notify_dispatch_to_or_manage(cast, tree):
    from cases.queries import intake
    from gridgov import notify
    from gridgov.models import Notice
    from staff import access

    field_system = make_client(tree.grid_a, ["grid_worker"], name="巡检系统")
    case = make_case(cast, tree.grid_a, "accepted")
    case = Case.objects.select_related("node", "category__responsibility").get(pk=case.pk)
    targets = [
        t.value for t in intake.dispatch_targets(case, intake.trails_from_town([case])[case.pk])
    ]
    assert f"handler:{cast.worker_a.pk}" in targets
    assert f"handler:{field_system.user.pk}" not in targets
    assert field_system.user not in access.who_can("case.sign", case)
    make_case(cast, tree.grid_a, "dispatched")
    notify.deliver_pending()
    assert not Notice.objects.filter(user=field_system.user).exists()
    admin = _admin(cast.county_admin)
    assert admin.get(f"/admin/auth/user/{field_system.user.pk}/change/").status_code == 404
    assert admin.get(f"/admin/auth/user/{cast.worker_a.pk}/change/").status_code == 200
