"""Tree writes under real concurrency: PostgreSQL only (SQLite serializes all writers)."""

import pytest

from grids import actions
from grids.models import GridNode
from tests.concurrency import errors_of, run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_at_once(jobs):
    errors = errors_of(run_at_once(*jobs))
    assert not errors, errors


def _shape(tree_id):
    return list(
        GridNode.objects.filter(tree_id=tree_id)
        .order_by("pk")
        .values_list("pk", "parent_id", "lft", "rght", "level")
    )


def test_concurrent_inserts_into_one_county_leave_a_valid_tree():
    county = actions.node_create(
        actor=None, parent_id=None, name="城固县", tier="county", code="610722"
    )
    town = actions.node_create(
        actor=None, parent_id=county.pk, name="沙河营镇", tier="town", code="610722107"
    )
    villages = [
        actions.node_create(
            actor=None, parent_id=town.pk, name=f"村{i}", tier="village", code=f"610722107{200 + i}"
        )
        for i in range(4)
    ]

    def insert_grids(village, worker):
        def job():
            for k in range(5):
                actions.node_create(
                    actor=None,
                    parent_id=village.pk,
                    name=f"网格{worker}-{k}",
                    tier="grid",
                    code=f"{village.code}{worker * 10 + k + 1:03d}",
                )

        return job

    # Two writers per village, eight at once, all in the same county.
    _run_at_once([insert_grids(villages[w % 4], w) for w in range(8)])

    assert GridNode.objects.filter(tree_id=county.tree_id, tier="grid").count() == 40
    before = _shape(county.tree_id)
    GridNode.objects.partial_rebuild(county.tree_id)
    assert _shape(county.tree_id) == before
    root = GridNode.objects.get(pk=county.pk)
    assert (
        root.lft == 1 and root.rght == 2 * GridNode.objects.filter(tree_id=county.tree_id).count()
    )


def test_two_counties_created_at_once_get_different_tree_ids():
    codes = ["610722", "532323", "371322", "610723"]

    def create(code):
        return lambda: actions.node_create(
            actor=None, parent_id=None, name=code, tier="county", code=code
        )

    _run_at_once([create(c) for c in codes])
    tree_ids = list(GridNode.objects.filter(parent__isnull=True).values_list("tree_id", flat=True))
    assert len(tree_ids) == 4
    assert len(set(tree_ids)) == 4


def test_concurrent_moves_and_inserts_keep_the_tree_valid():
    county = actions.node_create(
        actor=None, parent_id=None, name="县", tier="county", code="610722"
    )
    town = actions.node_create(
        actor=None, parent_id=county.pk, name="镇", tier="town", code="610722107"
    )
    area_a = actions.node_create(
        actor=None, parent_id=town.pk, name="片区甲", tier="area", code="610722107P01"
    )
    area_b = actions.node_create(
        actor=None, parent_id=town.pk, name="片区乙", tier="area", code="610722107P02"
    )
    villages = [
        actions.node_create(
            actor=None,
            parent_id=area_a.pk,
            name=f"村{i}",
            tier="village",
            code=f"610722107{300 + i}",
        )
        for i in range(6)
    ]

    def move(village):
        return lambda: actions.node_move(actor=None, node_id=village.pk, new_parent_id=area_b.pk)

    def insert(i):
        return lambda: actions.node_create(
            actor=None,
            parent_id=villages[i].pk,
            name="格",
            tier="grid",
            code=f"{villages[i].code}001",
        )

    _run_at_once([move(v) for v in villages[:3]] + [insert(i) for i in range(3, 6)])
    before = _shape(county.tree_id)
    GridNode.objects.partial_rebuild(county.tree_id)
    assert _shape(county.tree_id) == before
    assert GridNode.objects.filter(parent=area_b).count() == 3
