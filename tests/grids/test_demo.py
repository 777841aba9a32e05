from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Sum

from gridgov.demo import (
    DEMO_PASSWORD,
    NAMED_LOGINS,
    demo_counties,
    load_demo,
)
from grids import actions as grid_actions
from grids.models import GridNode, Household, Resident
from staff.models import Assignment


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The demo creates 65 logins; the production hasher would take most of the test run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


COUNTED = ("nodes", "households", "residents", "users", "assignments")


def _counts() -> tuple[int, ...]:
    return (
        GridNode.objects.count(),
        Household.objects.count(),
        Resident.objects.count(),
        get_user_model().objects.count(),
        Assignment.objects.count(),
    )


def test_loading_the_demo_twice_changes_nothing(db):
    first = load_demo()
    after_first = _counts()
    second = load_demo()
    assert _counts() == after_first
    assert after_first == tuple(first[k] for k in COUNTED)
    assert tuple(second[k] for k in COUNTED) == (0, 0, 0, 0, 0)


def test_the_demo_completes_a_tree_that_was_partly_there(db):
    county = grid_actions.node_create(
        actor=None, parent_id=None, name="城固县", tier="county", code="610722"
    )
    grid_actions.node_create(
        actor=None, parent_id=county.pk, name="沙河营镇", tier="town", code="610722107"
    )
    load_demo()
    county.refresh_from_db()
    assert GridNode.objects.get(code="610722107").households == 8857
    town_households = [town.households for town in demo_counties()[0].children]
    assert county.households == sum(town_households)


def test_a_place_an_admin_removed_stays_removed_when_the_demo_runs_again(db):
    load_demo()
    grid = GridNode.objects.get(code="532323103201002")
    last_micro = grid.get_children().last()
    grid_actions.node_delete(actor=None, node_id=last_micro.pk, reason="merged")
    nodes = GridNode.objects.count()
    result = load_demo()  # the retired code is not handed out again: no error, nothing added
    assert result["nodes"] == 0
    assert GridNode.objects.count() == nodes
    grid.refresh_from_db()
    micro = grid.get_children().aggregate(h=Sum("households"))["h"]
    assert grid.households == micro


def test_the_command_prints_the_logins_the_password_and_the_address(db):
    out = StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    for login in NAMED_LOGINS:
        assert login.username in text
    assert "梁家庵村第一网格" in text
    assert DEMO_PASSWORD in text
    assert "http://127.0.0.1:8000/" in text
    assert "shy_g01" in text and "shy_g55" in text
