import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from grids.models import GridNode
from staff import access
from tests.factories import UserFactory, grant


def _visible_codes(user):
    return set(
        access.scope(user, "node.view", GridNode.objects.all(), via="").values_list(
            "code", flat=True
        )
    )


def _subtree_codes(node):
    node.refresh_from_db()
    return set(node.get_descendants(include_self=True).values_list("code", flat=True))


@pytest.mark.parametrize(
    ("who", "where"),
    [
        ("worker_a", "grid_a"),
        ("worker_b", "grid_b"),
        ("village_chief", "village1"),
        ("staff_town1", "town1"),
        ("staff_town2", "town2"),
        ("county_admin", "county"),
    ],
)
def test_each_person_sees_exactly_their_subtree(cast, tree, who, where):
    assert _visible_codes(getattr(cast, who)) == _subtree_codes(getattr(tree, where))


def test_worker_cannot_see_other_grid(cast, tree):
    assert access.in_scope(cast.worker_a, tree.micro_a1)
    assert not access.in_scope(cast.worker_a, tree.grid_b)
    with pytest.raises(Http404):
        access.require(cast.worker_a, "node.view", tree.grid_b)


def test_in_scope_but_not_allowed_is_403(cast, tree):
    with pytest.raises(PermissionDenied):
        access.require(cast.staff_town1, "node.change", tree.grid_a)
    access.require(cast.town1_admin, "node.change", tree.grid_a)


def test_town_admin_cannot_touch_the_other_town(cast, tree):
    with pytest.raises(Http404):
        access.require(cast.town1_admin, "node.change", tree.grid_c)
    assert access.can(cast.county_admin, "node.change", tree.grid_c)


def test_anonymous_and_inactive_users_see_nothing(cast, tree):
    from django.contrib.auth.models import AnonymousUser

    assert not access.can(AnonymousUser(), "node.view", tree.county)
    assert access.scope(AnonymousUser(), "node.view", GridNode.objects.all(), via="").count() == 0
    cast.worker_a.is_active = False
    assert not access.in_scope(cast.worker_a, tree.grid_a)


def test_ended_and_future_assignments_grant_nothing(tree):
    from staff import actions

    user = UserFactory()
    today = dt.date.today()
    actions.assignment_grant(
        actor=None,
        user_id=user.pk,
        node_id=tree.grid_a.pk,
        role="grid_worker",
        starts=today - dt.timedelta(days=30),
        ends=today - dt.timedelta(days=1),
    )
    actions.assignment_grant(
        actor=None,
        user_id=user.pk,
        node_id=tree.grid_b.pk,
        role="grid_worker",
        starts=today + dt.timedelta(days=1),
    )
    assert _visible_codes(user) == set()


def test_unknown_action_is_a_programming_error(cast, tree):
    with pytest.raises(ValueError):
        access.can(cast.worker_a, "node.frobnicate", tree.grid_a)


def test_grants_are_read_once_per_request(cast, tree, django_assert_num_queries):
    user = cast.staff_town1
    access.forget_grants(user)
    with django_assert_num_queries(1):
        for node in (tree.grid_a, tree.grid_b, tree.grid_c, tree.village1, tree.town2):
            access.can(user, "node.view", node)


def test_scope_costs_one_query_however_many_grants(tree, django_assert_num_queries):
    few, many = UserFactory(), UserFactory()
    grant(few, tree.grid_a, "grid_worker")
    for node in GridNode.objects.exclude(tier="county"):
        grant(many, node, "informant" if node.tier in ("grid", "micro_grid") else "volunteer")
    for user in (few, many):
        access.forget_grants(user)
        # one query for the grants, one for the scoped list: the same for 1 grant or 8
        with django_assert_num_queries(2):
            list(access.scope(user, "node.view", GridNode.objects.all(), via=""))


def test_who_can_lists_the_people_above_nearest_first(cast, tree):
    over = list(access.assignments_over("node.change", tree.grid_a))
    assert [a.user.username for a in over] == ["town1_admin", "county_admin"]
    people = set(access.who_can("node.view", tree.grid_a).values_list("username", flat=True))
    assert people == {
        "worker_a",
        "informant_a",
        "village_chief",
        "staff_town1",
        "town1_admin",
        "county_admin",
    }
    assert "worker_b" not in people and "staff_town2" not in people


def test_assignment_to_a_wrong_tier_is_refused(tree):
    from django.core.exceptions import ValidationError

    from staff import actions

    user = UserFactory()
    with pytest.raises(ValidationError) as exc:
        actions.assignment_grant(
            actor=None, user_id=user.pk, node_id=tree.town1.pk, role="grid_worker"
        )
    assert "node" in exc.value.message_dict


def test_only_an_admin_over_the_node_may_grant(cast, tree):
    from staff import actions

    newcomer = UserFactory()
    with pytest.raises(PermissionDenied):
        actions.assignment_grant(
            actor=cast.staff_town1, user_id=newcomer.pk, node_id=tree.grid_a.pk, role="grid_worker"
        )
    with pytest.raises(Http404):
        actions.assignment_grant(
            actor=cast.town1_admin, user_id=newcomer.pk, node_id=tree.grid_c.pk, role="grid_worker"
        )
    actions.assignment_grant(
        actor=cast.town1_admin, user_id=newcomer.pk, node_id=tree.grid_a.pk, role="grid_worker"
    )


@pytest.mark.parametrize(
    ("who", "door"),
    [
        ("worker_a", "mobile"),
        ("informant_a", "mobile"),
        ("village_chief", "mobile"),
        ("staff_town1", "desk"),
        ("town1_admin", "admin"),
        ("county_admin", "admin"),
    ],
)
def test_each_role_has_its_door(cast, who, door):
    assert access.door_for(getattr(cast, who)) == door


def test_reference_data_is_changed_by_an_admin_on_a_county_only(cast):
    assert access.can_anywhere(cast.county_admin, "reference.change")
    assert not access.can_anywhere(cast.town1_admin, "reference.change")
    assert not access.can_anywhere(cast.staff_town1, "reference.change")
    assert access.can_anywhere(UserFactory(is_superuser=True), "reference.change")


def test_forms_offer_shared_reference_data_to_anyone_and_django_groups_to_superusers(cast):
    from django.contrib.auth.models import Group

    from cases.models import Holiday

    Group.objects.create(name="editors")
    holidays, groups = Holiday.objects.all(), Group.objects.all()
    Holiday.objects.create(date=dt.date(2025, 10, 1), kind="holiday", name="国庆节")
    superuser = UserFactory(is_superuser=True)
    for user in (cast.town1_admin, cast.worker_a, superuser):
        assert access.scope_references(user, "node.change", holidays).count() == 1
    assert not access.scope_references(None, "node.change", holidays).exists()
    assert access.scope_references(superuser, "node.change", groups).count() == 1
    assert not access.scope_references(cast.county_admin, "node.change", groups).exists()


def test_a_persons_posts_and_the_nodes_where_they_may_act(cast, tree):
    assert access.posts(cast.village_chief) == [("grid_chief", tree.village1.pk)]
    assert access.nodes_where(cast.worker_a, "patrol.record") == [tree.grid_a.pk]
    assert access.nodes_where(cast.informant_a, "patrol.record") == []


def test_the_top_node_is_the_highest_grant_allowing_the_action(cast, tree):
    chief = cast.village_chief
    grant(chief, tree.town1, "center_staff")
    access.forget_grants(chief)
    assert access.top_node(chief, "report.view") == tree.town1
    assert access.top_node(cast.worker_a, "report.view") is None
    assert access.top_node(UserFactory(is_superuser=True), "report.view") == tree.county


def test_a_handler_handles_a_case_at_their_lowest_post_covering_it(cast, tree):
    chief = cast.village_chief
    grant(chief, tree.grid_a, "grid_worker")
    access.forget_grants(chief)
    assert access.handling_node_id(chief, tree.micro_a1) == tree.grid_a.pk
    assert access.handling_node_id(chief, tree.grid_b) == tree.village1.pk
    assert access.handling_node_id(chief, tree.grid_c) is None
    assert access.handling_node_id(cast.informant_a, tree.grid_a) is None  # reports, not handles


def test_the_grants_are_the_active_assignments_on_every_boundary_day(tree):
    """The grants' written-out statement says "active" as AssignmentQuerySet.active does: a
    post begun today or ending today counts, one ended yesterday or beginning tomorrow not."""
    from django.utils import timezone

    from staff.access.grants import _grants, forget_grants
    from staff.models import Assignment

    user = UserFactory()
    today, day = timezone.localdate(), dt.timedelta(days=1)
    spans = {
        tree.grid_a: (today, None),
        tree.grid_b: (today - 9 * day, today),
        tree.grid_c: (today - 9 * day, today - day),
        tree.micro_a1: (today + day, None),
        tree.village1: (today - 9 * day, today + day),
    }
    for node, (starts, ends) in spans.items():
        Assignment.objects.create(
            user=user, node=node, role="grid_chief" if node == tree.village1 else "grid_worker",
            starts=starts, ends=ends,
        )  # fmt: skip
    forget_grants(user)
    held = {(g.role, g.node_id) for g in _grants(user)}
    active = set(Assignment.objects.active().filter(user=user).values_list("role", "node_id"))
    assert (
        held
        == active
        == {
            ("grid_worker", tree.grid_a.pk),
            ("grid_worker", tree.grid_b.pk),
            ("grid_chief", tree.village1.pk),
        }
    )
