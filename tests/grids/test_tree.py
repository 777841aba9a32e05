import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from grids import actions
from grids.models import GridNode, RetiredCode
from tests.factories import make_node


def _create(parent, tier, code, name="测试"):
    return actions.node_create(
        actor=None, parent_id=parent.pk if parent else None, name=name, tier=tier, code=code
    )


@pytest.mark.parametrize(
    ("parent_attr", "tier", "code"),
    [
        (None, "county", "610723"),
        ("county", "town", "610722109"),
        ("town1", "area", "610722107P01"),
        ("town1", "village", "610722107209"),
        ("village1", "grid", "610722107201009"),
        ("grid_a", "micro_grid", "610722107201001009"),
    ],
)
def test_good_codes_and_tiers_are_accepted(tree, parent_attr, tier, code):
    parent = getattr(tree, parent_attr) if parent_attr else None
    node = _create(parent, tier, code)
    assert GridNode.objects.get(code=code).pk == node.pk


@pytest.mark.parametrize(
    ("parent_attr", "tier", "code", "field"),
    [
        (None, "county", "61072", "code"),  # 5 digits
        (None, "county", "61072X", "code"),  # not digits
        (None, "town", "610722109", "parent"),  # only a county has no parent
        ("county", "county", "610724", "parent"),  # a county under a county
        ("county", "town", "610723109", "code"),  # does not extend the county's code
        ("county", "town", "6107221090", "code"),  # 10 digits
        ("town1", "grid", "610722107001", "parent"),  # a grid directly under a town
        ("county", "village", "610722107333", "parent"),  # a village directly under a county
        ("village1", "micro_grid", "610722107201001777", "parent"),  # micro-grid needs a grid
        ("grid_a", "grid", "610722107201001555", "parent"),  # grid under a grid
        ("micro_a1", "micro_grid", "610722107201001001001", "parent"),  # nothing under a micro-grid
        ("village1", "grid", "610722107202001", "code"),  # another village's prefix
        ("town1", "area", "610722107A01", "code"),  # area code shape
    ],
)
def test_bad_codes_and_tiers_are_refused_with_a_field_error(tree, parent_attr, tier, code, field):
    parent = getattr(tree, parent_attr) if parent_attr else None
    with pytest.raises(ValidationError) as exc:
        _create(parent, tier, code)
    assert field in exc.value.message_dict
    assert not GridNode.objects.filter(code=code).exists()


def test_village_under_an_area_extends_the_towns_code(tree):
    area = _create(tree.town1, "area", "610722107P01")
    village = _create(area, "village", "610722107230")
    assert village.parent_id == area.pk
    with pytest.raises(ValidationError):
        _create(area, "village", "610722107P01230")


def test_a_code_in_use_is_refused(tree):
    with pytest.raises(ValidationError) as exc:
        _create(tree.village1, "grid", tree.grid_a.code)
    assert "code" in exc.value.message_dict


def test_a_removed_nodes_code_is_never_handed_out_again(tree):
    spare = _create(tree.village1, "grid", "610722107201050")
    actions.node_delete(actor=None, node_id=spare.pk, reason="merged")
    assert RetiredCode.objects.filter(code="610722107201050").exists()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        _create(tree.village1, "grid", "610722107201050")
    assert exc.value.message_dict["code"] == ["编码 610722107201050 曾被使用，不再重新分配。"]


def test_a_node_with_children_cannot_be_removed(tree):
    with pytest.raises(ValidationError):
        actions.node_delete(actor=None, node_id=tree.village1.pk)
    assert GridNode.objects.filter(pk=tree.village1.pk).exists()


def test_errors_speak_chinese_by_default_and_english_when_asked(tree):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as zh:
        _create(tree.town1, "grid", "610722107001")
    with translation.override("en"), pytest.raises(ValidationError) as en:
        _create(tree.town1, "grid", "610722107001")
    assert "cannot sit under" in " ".join(en.value.messages)
    assert "网格" in " ".join(zh.value.messages)


def test_subtree_filter_costs_one_query(tree, django_assert_num_queries):
    from grids.queries import subtree

    with django_assert_num_queries(1):
        codes = sorted(n.code for n in subtree(tree.village1))
    assert codes == sorted(
        [tree.village1.code, tree.grid_a.code, tree.grid_b.code, tree.micro_a1.code]
    )


def test_contains_is_the_node_itself_and_its_subtree_only(tree):
    assert tree.village1.contains(tree.village1)
    assert tree.village1.contains(tree.micro_a1)
    assert not tree.village1.contains(tree.town1)  # above
    assert not tree.grid_a.contains(tree.grid_b)  # a sibling
    assert not tree.town1.contains(tree.grid_c)  # the other town
    other = make_node(None, "county", "牟定县", code="532323")
    assert not other.contains(tree.county) and not tree.county.contains(other)


def test_the_town_of_a_node_is_its_town_and_the_county_stays_the_county(
    tree, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert tree.town1.town == tree.town1
        assert tree.county.town == tree.county
    with django_assert_num_queries(1):
        assert tree.micro_a1.town == tree.town1
    assert tree.grid_c.town == tree.town2
    area = _create(tree.town1, "area", "610722107P01")
    village = _create(area, "village", "610722107230")
    assert area.town == tree.town1 and village.town == tree.town1


def test_the_ladder_skips_an_area_and_ends_at_the_county(tree):
    area = _create(tree.town1, "area", "610722107P01")
    village = _create(area, "village", "610722107230")
    grid = _create(village, "grid", "610722107230001")
    assert not area.is_rung and village.is_rung
    assert grid.ladder_parent == village
    assert village.ladder_parent == tree.town1
    assert tree.micro_a1.ladder_parent == tree.grid_a
    assert tree.town1.ladder_parent == tree.county
    assert tree.county.ladder_parent is None


def test_subtree_and_ancestors_are_one_range_condition_each(tree, django_assert_num_queries):
    from staff.models import Assignment
    from tests.factories import UserFactory, grant

    with django_assert_num_queries(1):
        below = set(GridNode.objects.subtree(tree.grid_a).values_list("pk", flat=True))
    assert below == {tree.grid_a.pk, tree.micro_a1.pk}
    with django_assert_num_queries(1):
        above = list(GridNode.objects.ancestors(tree.grid_a))
    assert above == [tree.county, tree.town1, tree.village1, tree.grid_a]
    worker = UserFactory()
    grant(worker, tree.micro_a1, "grid_worker")
    in_village = Assignment.objects.filter(GridNode.subtree_q(tree.village1, via="node"))
    assert list(in_village.values_list("user_id", flat=True)) == [worker.pk]
    strictly = GridNode.objects.filter(GridNode.strictly_below_q(tree.grid_a, tree.town2))
    assert set(strictly) == {tree.micro_a1, tree.village2, tree.grid_c}
    assert not GridNode.objects.filter(GridNode.subtree_q()).exists()  # no node, no row


def test_moving_a_grid_to_another_village_needs_a_code_that_fits(tree):
    other = _create(tree.town1, "village", "610722107202")
    with pytest.raises(ValidationError) as exc:
        actions.node_move(actor=None, node_id=tree.grid_b.pk, new_parent_id=other.pk)
    assert "code" in exc.value.message_dict
    tree.grid_b.refresh_from_db()
    assert tree.grid_b.parent_id == tree.village1.pk


def test_moving_with_a_new_code_recodes_the_subtree_and_retires_old_codes(tree):
    other = _create(tree.town1, "village", "610722107202")
    moved = actions.node_move(
        actor=None, node_id=tree.grid_a.pk, new_parent_id=other.pk, new_code="610722107202001"
    )
    assert moved.parent_id == other.pk
    tree.micro_a1.refresh_from_db()
    assert tree.micro_a1.code == "610722107202001001"
    assert RetiredCode.objects.filter(code="610722107201001001").exists()
    assert RetiredCode.objects.filter(code="610722107201001").exists()
    _assert_tree_valid(tree.county.tree_id)


def test_moving_to_a_wrong_tier_is_refused(tree):
    with pytest.raises(ValidationError):
        actions.node_move(actor=None, node_id=tree.grid_a.pk, new_parent_id=tree.town1.pk)
    with pytest.raises(ValidationError):
        actions.node_move(actor=None, node_id=tree.village1.pk, new_parent_id=tree.grid_b.pk)


def test_node_update_cannot_change_place_or_code(tree):
    with pytest.raises(ValidationError):
        actions.node_update(actor=None, node_id=tree.grid_a.pk, code="610722107201099")
    updated = actions.node_update(actor=None, node_id=tree.grid_a.pk, households=170)
    assert updated.households == 170


def test_difficulty_belongs_to_grids_only(tree):
    with pytest.raises(ValidationError) as exc:
        actions.node_update(actor=None, node_id=tree.village1.pk, difficulty="A")
    assert "difficulty" in exc.value.message_dict


def test_bulk_create_builds_a_valid_tree_or_nothing(tree):
    rows = [
        actions.NodeRow(tree.town1.code, "新村", "village", "610722107240"),
        actions.NodeRow("610722107240", "新村一格", "grid", "610722107240001", {"households": 90}),
        actions.NodeRow("610722107240001", "新村一格一组", "micro_grid", "610722107240001001"),
    ]
    assert actions.tree_bulk_create(actor=None, root_id=tree.county.pk, rows=rows) == 3
    _assert_tree_valid(tree.county.tree_id)
    bad = [
        actions.NodeRow(tree.town1.code, "又一村", "village", "610722107241"),
        actions.NodeRow(tree.town1.code, "直属网格", "grid", "610722107241001"),
    ]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        actions.tree_bulk_create(actor=None, root_id=tree.county.pk, rows=bad)
    assert exc.value.messages == [
        "第 2 行（610722107241001）：乡镇下不能直接设网格，其下只能设：片区、村（社区）。"
    ]
    assert not GridNode.objects.filter(code="610722107241").exists()


def test_each_county_is_its_own_tree(tree):
    other = make_node(None, "county", "牟定县", code="532323")
    assert other.tree_id != tree.county.tree_id
    assert other.is_root_node()


def _assert_tree_valid(tree_id: int) -> None:
    before = list(
        GridNode.objects.filter(tree_id=tree_id)
        .order_by("pk")
        .values_list("pk", "lft", "rght", "level")
    )
    GridNode.objects.partial_rebuild(tree_id)
    after = list(
        GridNode.objects.filter(tree_id=tree_id)
        .order_by("pk")
        .values_list("pk", "lft", "rght", "level")
    )
    assert before == after
