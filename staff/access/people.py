"""Whom a person may manage and which posts they may grant: a town admin reaches only people
wholly below their own post, never a peer, a county person or a superuser."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from grids.models import GridNode, span_contains
from staff.access.policy import _filtered, _managing_grants, can, in_scope
from staff.models import ROLE_TIERS, Assignment, ProvincePost


def scope_users(user, action: str, queryset: QuerySet) -> QuerySet:
    """People the user may manage (change, set a password for, grant to).

    Someone may be managed only when every grant they hold or held (or will hold) lies
    strictly below one of the manager's own grants for `action`, and none is at or above the
    manager's level: so a town admin can never reach a county person, a peer of their own
    town, or someone who also works in another town. People with no grant at all (just created,
    still to be placed) may be managed, but not a province official (a ProvincePost, held now,
    before or later). Superusers are managed only by superusers.
    """

    def wholly_below(people: QuerySet, selected) -> QuerySet:
        top_level = min(g.level for g in selected)
        # Every grant counts, past and future too: a grant that starts next week in another
        # town, or one held there before, leaves the person to whoever manages both places.
        below = GridNode.strictly_below_q(*selected, via="node")
        outside = Assignment.objects.exclude(below).values("user_id")
        too_high = Assignment.objects.filter(node__level__lte=top_level).values("user_id")
        # A province post holds no Assignment yet stands above every county of its province.
        provincial = ProvincePost.objects.values("user_id")
        return (
            people.filter(is_superuser=False)
            .exclude(pk__in=outside)
            .exclude(pk__in=too_high)
            .exclude(pk__in=provincial)
        )

    return _filtered(user, action, queryset, narrow=wholly_below)


def may_manage(user, person, action: str = "user.change") -> bool:
    """May `user` change this person's account and grants (see scope_users), or take another
    `action` on them as a manager (end their post: "assignment.exit")?"""
    model = get_user_model()
    person_id = person.pk if isinstance(person, model) else person
    return scope_users(user, action, model.objects.filter(pk=person_id)).exists()


def may_grant(user, role: str, node: GridNode) -> bool:
    """May `user` give `role` on `node`? Only strictly below one of their own admin grants, so a
    town admin never makes a town admin or a town's centre staff (those come from the county);
    which roles fit a node's tier is the Assignment's own rule (ROLE_TIERS, checked in clean)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if role not in ROLE_TIERS:
        return False
    if user.is_superuser:
        return True
    return any(
        span_contains(g, node, strictly=True) for g in _managing_grants(user, "assignment.change")
    )


def grantable_nodes(user, queryset: QuerySet | None = None) -> QuerySet:
    """Nodes on which `user` may give some role (strictly below their admin grants)."""
    if queryset is None:
        queryset = GridNode.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(GridNode.strictly_below_q(*_managing_grants(user, "assignment.change")))


def require_grant(user, *, person_id: int, role: str, node: GridNode) -> None:
    """404 when the node or the person is outside what `user` manages, 403 when the role is
    not theirs to give there."""
    if user is None:
        return  # system writes (demo, imports run by the operator)
    if not in_scope(user, node):
        raise Http404("No such object.")
    if not can(user, "assignment.change", node):
        raise PermissionDenied
    if not may_manage(user, person_id):
        raise Http404("No such person.")
    if not may_grant(user, role, node):
        raise PermissionDenied
