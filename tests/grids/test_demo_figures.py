"""The demo as loaded (gridgov.demo, `manage.py load_demo`): its places, ledger and people
hold the seed articles' figures. The demo is loaded once for this module's tests, which only
read it; loading it again, or into a tree partly there, is tests/grids/test_demo.py's."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count, F, Sum

from gridgov.demo import DEMO_PASSWORD, LAWAN_MICRO_1, LIANGJIAAN_GRID_1, NAMED_LOGINS
from grids.models import GridNode, Household, Resident
from staff import access
from staff.models import Assignment
from tests.conftest import demo_kept


@pytest.fixture(scope="module")
def _loaded_once(django_db_setup, django_db_blocker):
    # Each test's own transaction is a savepoint inside this one; all is rolled back at the end.
    with demo_kept(django_db_blocker):
        yield


@pytest.fixture
def loaded(_loaded_once, db):
    return None


def test_the_demo_ledger_matches_the_grids_figures_and_each_household_its_residents(loaded):
    ledger = {
        row["node"]: row
        for row in Household.objects.values("node").annotate(
            households=Count("pk"), members=Sum("members")
        )
    }
    assert ledger, "the demo ledger is empty"
    for node in GridNode.objects.filter(pk__in=ledger):
        # No grid's ledger holds more households than its figure, nor other people than its own.
        assert ledger[node.pk]["households"] <= node.households, node.name
    for code in (LIANGJIAAN_GRID_1, LAWAN_MICRO_1):  # 王刚's grid, 普秀英's micro-grid
        node = GridNode.objects.get(code=code)
        assert ledger[node.pk]["households"] == node.households > 0, node.name
        assert ledger[node.pk]["members"] == node.population, node.name
    wrong = Household.objects.annotate(n=Count("residents")).exclude(n=F("members"))
    assert not wrong.exists(), [(h.head_name, h.members, h.n) for h in wrong[:5]]
    heads = Resident.objects.filter(relation="户主").values("household").distinct().count()
    assert heads == Household.objects.count()  # every household has its head among its people
    # Key and monitored households are due a visit, so today's list on the phone has work.
    due = Household.objects.filter(category__in=["key", "monitored"])
    assert due.exists() and not due.filter(next_visit_due__isnull=True).exists()


def test_shaheying_has_56_grids_holding_8857_households(loaded):
    town = GridNode.objects.get(name="沙河营镇")
    grids = town.get_descendants().filter(tier="grid")
    assert grids.count() == 56
    assert grids.aggregate(total=Sum("households"))["total"] == 8857
    assert town.households == 8857
    assert set(grids.values_list("difficulty", flat=True)) == {"A", "B", "C"}
    for grid in grids:
        assert 100 <= grid.households <= 200
        assert 3.1 <= grid.population / grid.households <= 3.7


def test_liangjiaan_village_lies_under_shaheying(loaded):
    village = GridNode.objects.get(name="梁家庵村")
    assert village.tier == "village"
    assert village.parent.name == "沙河营镇"
    assert village.code.startswith(village.parent.code)
    assert village.get_children().filter(tier="grid").exists()


def test_every_mouding_micro_grid_has_5_to_10_households_adding_up_to_its_grid(loaded):
    county = GridNode.objects.get(code="532323")
    grids = county.get_descendants().filter(tier="grid")
    assert grids.exists()
    for grid in grids:
        micro = list(grid.get_children().values_list("households", flat=True))
        assert micro, grid.name
        assert all(5 <= h <= 10 for h in micro), (grid.name, micro)
        assert sum(micro) == grid.households


def test_places_above_the_grids_carry_the_sum_of_their_children(loaded):
    for node in GridNode.objects.filter(tier__in=["county", "town", "village"]):
        totals = node.get_children().aggregate(h=Sum("households"), p=Sum("population"))
        assert (node.households, node.population) == (totals["h"], totals["p"]), node.name


def test_every_shaheying_grid_has_its_own_grid_worker(loaded):
    town = GridNode.objects.get(code="610722107")
    workers = Assignment.objects.filter(
        role="grid_worker",
        node__tree_id=town.tree_id,
        node__lft__gt=town.lft,
        node__rght__lt=town.rght,
    )
    assert workers.count() == 56
    assert workers.values("node").distinct().count() == 56
    assert workers.values("user").distinct().count() == 56


def test_each_demo_user_lands_at_the_right_door(loaded):
    expected = {
        "wanggang": "mobile",
        "zhaoxin": "mobile",
        "liangshuji": "mobile",
        "zhoudao": "mobile",
        "mdworker": "mobile",
        "shy_g01": "mobile",
        "chenzhuren": "desk",
        "lizhen": "desk",
        "zhougan": "desk",
        "xianadmin": "admin",
        "zhenadmin": "admin",
    }
    users = get_user_model().objects.in_bulk(list(expected), field_name="username")
    assert {name: access.door_for(user) for name, user in users.items()} == expected
    assert users["wanggang"].first_name == "王刚"
    assert users["wanggang"].check_password(DEMO_PASSWORD)


def test_demo_users_hold_their_grant_where_the_readme_says(loaded):
    places = {
        (a.user.username, a.role): a.node
        for a in Assignment.objects.select_related("user", "node__parent")
    }
    assert places[("wanggang", "grid_worker")].parent.name == "梁家庵村"
    assert places[("zhaoxin", "informant")] == places[("wanggang", "grid_worker")]
    assert places[("zhoudao", "instructor")] == places[("wanggang", "grid_worker")]
    assert places[("liangshuji", "grid_chief")].name == "梁家庵村"
    assert places[("zhougan", "center_staff")].name == "博望街道"
    assert places[("xianadmin", "admin")].name == "城固县"
    mdworker = places[("mdworker", "grid_worker")]
    assert (mdworker.tier, mdworker.code[:6]) == ("micro_grid", "532323")
    assert len(places) == len(NAMED_LOGINS) + 55


def test_the_demo_tree_is_unchanged_by_a_rebuild(loaded):
    for county in GridNode.objects.filter(tier="county"):
        fields = ("pk", "lft", "rght", "level")
        before = list(GridNode.objects.filter(tree_id=county.tree_id).values_list(*fields))
        GridNode.objects.partial_rebuild(county.tree_id)
        after = list(GridNode.objects.filter(tree_id=county.tree_id).values_list(*fields))
        assert before == after, county.name
