import pytest
from django.urls import reverse

from grids.models import GridNode


def test_staff_list_shows_exactly_their_town(client, cast, tree):
    client.force_login(cast.staff_town1)
    page = client.get(reverse("node_list")).content.decode()
    for node in (tree.town1, tree.village1, tree.grid_a, tree.grid_b, tree.micro_a1):
        assert f">{node.code}<" in page
    for node in (tree.county, tree.town2, tree.village2, tree.grid_c):
        assert f">{node.code}<" not in page


@pytest.mark.parametrize(
    ("who", "visible", "hidden"),
    [
        ("staff_town1", "grid_a", "grid_c"),
        ("staff_town2", "grid_c", "grid_a"),
        ("town1_admin", "micro_a1", "grid_c"),
        ("county_admin", "grid_c", None),
    ],
)
def test_detail_is_404_outside_scope_and_200_inside(client, cast, tree, who, visible, hidden):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("node_detail", args=[getattr(tree, visible).pk])).status_code == 200
    if hidden:
        assert (
            client.get(reverse("node_detail", args=[getattr(tree, hidden).pk])).status_code == 404
        )
    assert client.get(reverse("node_detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("who", ["worker_a", "village_chief", "informant_a"])
def test_the_tree_pages_are_desk_pages(client, cast, tree, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("node_list")).status_code == 403
    assert client.get(reverse("node_detail", args=[tree.grid_a.pk])).status_code == 403


def test_breadcrumb_links_only_places_the_person_may_open(client, cast, tree):
    client.force_login(cast.staff_town1)
    page = client.get(reverse("node_detail", args=[tree.grid_a.pk])).content.decode()
    assert reverse("node_detail", args=[tree.town1.pk]) in page
    assert reverse("node_detail", args=[tree.county.pk]) not in page
    home = client.get("/desk/").content.decode()
    assert reverse("node_detail", args=[tree.county.pk]) not in home


def test_edit_is_403_for_staff_in_scope_and_404_outside(client, cast, tree):
    client.force_login(cast.staff_town1)
    assert client.get(reverse("node_edit", args=[tree.grid_a.pk])).status_code == 403
    assert (
        client.post(reverse("node_edit", args=[tree.grid_a.pk]), {"name": "x"}).status_code == 403
    )
    assert client.get(reverse("node_edit", args=[tree.grid_c.pk])).status_code == 404


def test_town_admin_edits_a_grid_of_their_town(client, cast, tree):
    client.force_login(cast.town1_admin)
    data = {
        "name": "梁家庵村一格",
        "kind": "rural",
        "households": "170",
        "population": "560",
        "difficulty": "B",
    }
    response = client.post(reverse("node_edit", args=[tree.grid_a.pk]), data)
    assert response.status_code == 302
    tree.grid_a.refresh_from_db()
    assert (tree.grid_a.name, tree.grid_a.households, tree.grid_a.difficulty) == (
        "梁家庵村一格",
        170,
        "B",
    )


def test_edit_with_bad_input_shows_errors_and_saves_nothing(client, cast, tree):
    client.force_login(cast.town1_admin)
    data = {"name": "", "kind": "rural", "households": "-3", "population": "x", "difficulty": "Z"}
    response = client.post(reverse("node_edit", args=[tree.grid_a.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {
        "name",
        "households",
        "population",
        "difficulty",
    }
    tree.grid_a.refresh_from_db()
    assert tree.grid_a.name == "梁家庵村第一网格"


def test_difficulty_on_a_village_is_a_field_error_not_a_500(client, cast, tree):
    client.force_login(cast.town1_admin)
    data = {
        "name": "梁家庵村",
        "kind": "rural",
        "households": "0",
        "population": "0",
        "difficulty": "A",
    }
    response = client.post(reverse("node_edit", args=[tree.village1.pk]), data)
    assert response.status_code == 200
    assert "difficulty" in response.context["form"].errors


def test_tree_list_query_count_does_not_grow_with_nodes(
    client, cast, tree, django_assert_num_queries
):
    from tests.factories import make_node

    client.force_login(cast.staff_town1)
    client.get(reverse("node_list"))  # warm the session
    with django_assert_num_queries(6):  # session, user, grants, count, page, bell
        client.get(reverse("node_list"))
    for i in range(20):
        make_node(tree.village1, "grid", f"新网格{i}", code=f"610722107201{100 + i:03d}")
    with django_assert_num_queries(6):  # session, user, grants, count, page, bell
        response = client.get(reverse("node_list"))
    assert response.status_code == 200
    assert GridNode.objects.count() > 25


def test_tree_list_filters_by_name_code_and_tier(client, cast, tree):
    client.force_login(cast.county_admin)
    page = client.get(reverse("node_list"), {"q": "梁家庵", "tier": "grid"}).content.decode()
    assert f">{tree.grid_a.code}<" in page and f">{tree.grid_b.code}<" in page
    assert f">{tree.village1.code}<" not in page
    page = client.get(reverse("node_list"), {"q": "610722001"}).content.decode()
    assert f">{tree.grid_c.code}<" in page and f">{tree.grid_a.code}<" not in page
    assert client.get(reverse("node_list"), {"tier": "nonsense", "page": "zz"}).status_code == 200
