def test_cast_builds_a_valid_tree(cast, tree):
    from grids.models import GridNode

    assert GridNode.objects.filter(tree_id=tree.county.tree_id).count() == 9
    tree.grid_a.refresh_from_db()
    assert tree.grid_a.get_ancestors().count() == 3
