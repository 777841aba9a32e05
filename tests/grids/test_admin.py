import pytest

from grids.models import GridNode
from staff.models import Assignment
from tests.conftest import page_text

CHANGELIST = "/admin/grids/gridnode/"


def node_form(**fields) -> dict:
    """What the node's admin form posts: a rural node with no place on the map and no grants
    in the inline, but for these `fields`."""
    return {
        "kind": "rural",
        "households": "0",
        "population": "0",
        "difficulty": "",
        "centre_lat": "",
        "centre_lng": "",
        "boundary": "",
        "assignments-TOTAL_FORMS": "0",
        "assignments-INITIAL_FORMS": "0",
        "assignments-MIN_NUM_FORMS": "0",
        "assignments-MAX_NUM_FORMS": "1000",
        **fields,
    }


def test_county_admin_browses_and_searches_the_whole_tree(client, cast, tree):
    client.force_login(cast.county_admin)
    page = client.get(CHANGELIST).content.decode()
    for node in (tree.county, tree.town1, tree.grid_a, tree.grid_c):
        assert node.code in page
    found = client.get(CHANGELIST, {"q": "西原公"}).content.decode()
    assert tree.grid_c.code in found and tree.grid_a.code not in found
    by_tier = client.get(CHANGELIST, {"tier__exact": "grid"}).content.decode()
    assert tree.grid_a.code in by_tier and f">{tree.village1.name}<" not in by_tier


def test_town_admin_sees_only_their_town_in_the_admin(client, cast, tree):
    client.force_login(cast.town1_admin)
    page = client.get(CHANGELIST).content.decode()
    assert tree.grid_a.code in page
    assert tree.grid_c.code not in page and tree.town2.code not in page
    other = client.get(f"{CHANGELIST}{tree.grid_c.pk}/change/")
    assert other.status_code == 404  # exactly like a missing id
    assert client.get(f"{CHANGELIST}{tree.grid_a.pk}/change/").status_code == 200


def test_admin_edit_goes_through_the_action(client, cast, tree):
    client.force_login(cast.county_admin)
    url = f"{CHANGELIST}{tree.grid_a.pk}/change/"
    data = node_form(
        parent=tree.village1.pk, name="一格", households="171", population="600", difficulty="C"
    )
    response = client.post(url, data)
    assert response.status_code == 302, page_text(response)[:2000]
    tree.grid_a.refresh_from_db()
    assert (tree.grid_a.name, tree.grid_a.households) == ("一格", 171)


def _add(client, **over):
    data = node_form(**{"parent": "", "tier": "grid", "code": "", "name": "新网格", **over})
    return client.post(f"{CHANGELIST}add/", data)


def test_admin_add_with_a_bad_code_or_tier_is_a_form_error(client, cast, tree):
    client.force_login(cast.county_admin)
    bad_code = _add(client, parent=tree.village1.pk, code="610722107999001")
    assert bad_code.status_code == 200
    assert "code" in bad_code.context["adminform"].form.errors
    bad_tier = _add(client, parent=tree.town1.pk, code="610722107001")
    assert bad_tier.status_code == 200
    assert "parent" in bad_tier.context["adminform"].form.errors
    assert not GridNode.objects.filter(name="新网格").exists()


def test_admin_adds_a_grid_with_a_good_code(client, cast, tree):
    client.force_login(cast.town1_admin)
    response = _add(
        client, parent=tree.village1.pk, code="610722107201003", difficulty="B", households="99"
    )
    assert response.status_code == 302
    node = GridNode.objects.get(code="610722107201003")
    assert node.parent_id == tree.village1.pk and node.households == 99


def test_town_admin_cannot_add_under_the_other_town(client, cast, tree):
    client.force_login(cast.town1_admin)
    response = _add(client, parent=tree.village2.pk, code="610722001203002")
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert not GridNode.objects.filter(code="610722001203002").exists()


def test_grant_is_given_in_the_node_inline(client, cast, tree):
    from tests.factories import UserFactory

    newcomer = UserFactory(username="newcomer")
    client.force_login(cast.town1_admin)
    url = f"{CHANGELIST}{tree.grid_b.pk}/change/"
    data = {
        **node_form(
            parent=tree.village1.pk, name=tree.grid_b.name, households="160", difficulty="B"
        ),
        "assignments-TOTAL_FORMS": "2",
        "assignments-INITIAL_FORMS": "1",
        "assignments-0-id": Assignment.objects.get(user=cast.worker_b).pk,
        "assignments-0-node": tree.grid_b.pk,
        "assignments-0-user": cast.worker_b.pk,
        "assignments-0-role": "grid_worker",
        "assignments-0-starts": "2026-01-01",
        "assignments-0-ends": "",
        "assignments-0-note": "",
        "assignments-1-node": tree.grid_b.pk,
        "assignments-1-user": newcomer.pk,
        "assignments-1-role": "informant",
        "assignments-1-starts": "2026-11-01",
        "assignments-1-ends": "",
        "assignments-1-note": "党员",
    }
    response = client.post(url, data)
    assert response.status_code == 302, page_text(response)[:3000]
    assert Assignment.objects.filter(user=newcomer, node=tree.grid_b, role="informant").exists()


@pytest.mark.parametrize("who", ["worker_a", "staff_town1"])
def test_non_admins_cannot_enter_the_admin(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(CHANGELIST).status_code == 403
    assert client.get("/admin/").status_code == 403


def test_town_admin_manages_only_the_people_below_them_in_their_town(client, cast):
    client.force_login(cast.town1_admin)
    page = client.get("/admin/auth/user/").content.decode()
    assert "worker_a" in page and "village_chief" in page
    # Town-level colleagues, the other town and the county are managed from above.
    for name in ("staff_town1", "staff_town2", "county_admin"):
        assert f">{name}<" not in page
        person = getattr(cast, name)
        assert client.get(f"/admin/auth/user/{person.pk}/change/").status_code == 404


def test_bulk_delete_goes_through_node_delete_and_retires_codes(client, cast, tree):
    from grids.models import RetiredCode
    from tests.factories import make_node

    empty = make_node(tree.village1, "grid", "空网格", code="610722107201009")
    client.force_login(cast.county_admin)
    response = client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [empty.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert not GridNode.objects.filter(pk=empty.pk).exists()
    assert RetiredCode.objects.filter(code=empty.code).exists()


def test_bulk_delete_of_a_node_still_referred_to_says_so_instead_of_failing(client, cast, tree):
    client.force_login(cast.county_admin)
    data = {"action": "delete_selected", "_selected_action": [tree.grid_b.pk]}
    confirm = client.post(CHANGELIST, data)
    assert confirm.status_code == 200  # Django's page listing what blocks it
    response = client.post(CHANGELIST, {**data, "post": "yes"})
    assert response.status_code in (200, 302)
    assert GridNode.objects.filter(pk=tree.grid_b.pk).exists()
