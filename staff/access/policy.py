"""May this person do this here, on which objects, and who may: the checks every page and action
asks, the door checks of the pages, and whom to notify or escalate to."""

from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from grids.models import GridNode
from staff.access.grants import Grant, _allowing, _grants, _roles_for, _unit_ids
from staff.access.table import UNIT_ROLES
from staff.models import Assignment


def node_of(obj, action: str | None = None) -> GridNode:
    """The tree node an object belongs to, for deciding access to it (for some objects, such
    as a case, acting follows another node than seeing)."""
    if isinstance(obj, GridNode):
        return obj
    if action is not None and hasattr(obj, "access_node_for"):
        return obj.access_node_for(action)
    node = getattr(obj, "access_node", None)
    if node is None:
        node = getattr(obj, "node", None)
    if not isinstance(node, GridNode):
        raise TypeError(f"{type(obj).__name__} has no tree node to decide access by")
    return node


def in_scope(user, obj) -> bool:
    """Is the object inside any subtree the user holds a grant on (may they know it exists)?"""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    node = node_of(obj)
    return any(g.covers(node) for g in _grants(user))


def can(user, action: str, obj) -> bool:
    """May `user` take `action` on `obj`?"""
    _roles_for(action)  # an unknown action is a programming error, whoever asks
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    node = node_of(obj, action)
    covering = [g for g in _allowing(user, action) if g.covers(node)]
    if not covering:
        return False
    if _works_cases_given(action) and all(g.role in UNIT_ROLES for g in covering):
        return _given_to(user, obj)
    return True


def _works_cases_given(action: str) -> bool:
    return action.startswith("case.") and action != "case.view"


def _given_to(user, case) -> bool:
    """Was the case given to this person, or to a unit they work for (an outpost's case counts
    for its county department too)?"""
    if getattr(case, "handler_id", None) == user.pk:
        return True
    return getattr(case, "handler_unit_id", None) is not None and is_member(user, case.handler_unit)


def can_anywhere(user, action: str) -> bool:
    """Does the user hold any grant that allows `action` somewhere (menus, doors)?"""
    _roles_for(action)  # an unknown action is a programming error, whoever asks
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(_allowing(user, action))


def require_anywhere(user, *actions: str) -> None:
    """403 unless the person may take each action somewhere: a door, or a page's kind of work."""
    if not all(can_anywhere(user, action) for action in actions):
        raise PermissionDenied


def require_door(user, door: str) -> None:
    """403 unless the person holds a post that opens this door ("desk", "mobile")."""
    require_anywhere(user, f"door.{door}")


def required(*actions: str):
    """A page for people who may take each of `actions` somewhere: anonymous people go to the
    login page, anyone else without them is refused with 403."""

    def decorate(view):
        @functools.wraps(view)
        def checked(request, *args, **kwargs):
            require_anywhere(request.user, *actions)
            return view(request, *args, **kwargs)

        return login_required(checked)

    return decorate


def door_required(door: str, *also: str):
    """A page of a door ("desk", "mobile"), for people who may also take each of `also`."""
    return required(f"door.{door}", *also)


def require(user, action: str, obj) -> None:
    """404 when the object is outside the user's scope, 403 when the role lacks the action."""
    if not in_scope(user, obj):
        raise Http404("No such object.")
    if not can(user, action, obj):
        raise PermissionDenied


def _outermost(selected: list[Grant]) -> list[Grant]:
    """Drop grants inside another selected grant: they add nothing to a subtree filter."""
    selected = sorted(selected, key=lambda g: (g.tree_id, g.lft, -g.rght))
    kept: list[Grant] = []
    for g in selected:
        if kept and kept[-1].contains(g):
            continue
        kept.append(g)
    return kept


def _managing_grants(user, action: str) -> list[Grant]:
    """The user's grants allowing `action`, those inside another left out."""
    return _outermost(_allowing(user, action))


def scope_spans(user, action: str) -> list[Grant] | None:
    """The subtrees `scope` keeps for `action`: the user's grants allowing it, those inside
    another left out (none for no grant); None for a superuser, who is kept to none."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    return _managing_grants(user, action)


def scope(user, action: str, queryset: QuerySet, via: str = "node") -> QuerySet:
    """The objects of `queryset` on which `user` may take `action`; `via` is the path to the node
    ("" when the queryset is of GridNode itself)."""
    by_county = via == "node" and _keeps_county(queryset.model)

    def condition(grants):
        q = GridNode.subtree_q(*grants, via=via)
        if by_county:
            # The same rows, said so that the indexes leading with the county can be used.
            q &= Q(county_tree__in=sorted({g.tree_id for g in grants}))
        return q

    return _filtered(user, action, queryset, condition)


def _keeps_county(model) -> bool:
    """Does the model carry its county's tree id (cases.Case.county_tree)?"""
    return any(f.name == "county_tree" for f in model._meta.concrete_fields)


def _filtered(user, action: str, queryset: QuerySet, condition=None, *, narrow=None) -> QuerySet:
    """`queryset` narrowed by `condition(grants allowing action)` (a Q), or by
    `narrow(queryset, grants)`; nothing for no grant, all for a superuser."""
    _roles_for(action)  # an unknown action is a programming error, even for a superuser
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    selected = _managing_grants(user, action)
    if not selected:
        return queryset.none()
    if narrow is not None:
        return narrow(queryset, selected)
    return queryset.filter(condition(selected))


def is_member(user, unit) -> bool:
    """Does the user work for this unit, or for the county department an outpost belongs to?"""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return bool({unit.pk, unit.parent_id} & _unit_ids(user))


def assignments_over(action: str, obj) -> QuerySet:
    """Active grants on the object's node or any ancestor whose role allows `action`, nearest first."""
    node = node_of(obj, action)
    return (
        Assignment.objects.active()
        .filter(
            GridNode.ancestors_q(node, via="node"),
            role__in=_roles_for(action),
            user__is_active=True,
            # A system's service user acts by its key; it is no one to notify or hand work to.
            user__api_client__isnull=True,
        )
        .select_related("user", "node")
        .order_by("-node__level", "pk")
    )


def who_can(action: str, obj) -> QuerySet:
    """The people who may take `action` on `obj` (superusers aside): whom to notify or escalate to."""
    return (
        get_user_model()
        .objects.filter(pk__in=assignments_over(action, obj).values("user_id"))
        .order_by("pk")
    )


def door_for(user) -> str:
    """Which door a user lands at after login: 'admin', 'desk', 'province', 'mobile' or '' (no
    grant yet)."""
    if user.is_superuser or can_anywhere(user, "door.admin"):
        return "admin"
    if can_anywhere(user, "door.desk"):
        return "desk"
    if can_anywhere(user, "door.province"):
        return "province"
    if can_anywhere(user, "door.mobile"):
        return "mobile"
    return ""
