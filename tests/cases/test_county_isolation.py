"""Each case carries its county's tree, so that one county's figures read only its own rows
when many counties share the database (the date indexes lead with the county)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from cases.queries import kpis
from grids import actions as grid_actions
from staff import access
from tests.factories import T0, make_node


def test_a_case_carries_the_tree_of_its_county(report, tree):
    case = report()
    assert case.county_tree == tree.county.tree_id
    other = make_node(None, "county", "牟定县", code="532323")
    assert Case.objects.get(pk=case.pk).county_tree != other.tree_id


def test_a_place_moved_into_another_county_takes_its_cases_along(report, tree):
    case = report(node=tree.micro_a1)
    far = make_node(None, "county", "牟定县", code="532323")
    far_town = make_node(far, "town", "共和镇", code="532323101")
    far_village = make_node(far_town, "village", "天台村", code="532323101201")
    grid_actions.node_move(
        actor=None, node_id=tree.grid_a.pk, new_parent_id=far_village.pk, new_code="532323101201001"
    )
    case.refresh_from_db()
    far_village.refresh_from_db()
    assert case.county_tree == far_village.tree_id != tree.county.tree_id
    assert kpis(far_village, T0.replace(day=1), T0.replace(month=12, day=1)).received == 1
    assert kpis(tree.county, T0.replace(day=1), T0.replace(month=12, day=1)).received == 0


def test_the_figures_and_a_persons_scope_name_the_county_for_its_indexes(report, tree, cast):
    report()
    with CaptureQueriesContext(connection) as queries:
        figures = kpis(tree.town1, T0.replace(day=1), T0.replace(month=12, day=1))
    assert figures.received == 1
    (sql,) = [q["sql"] for q in queries.captured_queries if "cases_case" in q["sql"]]
    assert f'"county_tree" = {tree.county.tree_id}' in sql

    scoped = access.scope(cast.staff_town1, "case.view", Case.objects.all())
    assert '"county_tree" IN' in str(scoped.query)
    assert list(scoped) == list(Case.objects.all())
