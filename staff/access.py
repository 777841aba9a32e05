"""The access policy: the one place that decides who may see and do what.

It answers three questions and nothing else does:
- `can(user, action, obj)`: may this user do `action` on this object?
- `scope(user, action, queryset)`: which objects of this queryset may they do it on?
- `who_can(action, obj)`: who may do it on this object (whom to notify, whom to escalate to)?

Other modules ask it such questions (a few narrower ones too, such as where a person handles
cases); the permission table and a person's grants are its own, never read from outside.

A grant (an active Assignment) on a node covers that node's whole subtree. Lists and details
both go through here, so they can never disagree. Out of scope is 404, exactly like a missing
object; in scope but the role lacks the action is 403.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from grids.models import GridNode, Tier, span_contains
from staff.models import Assignment, Role

R = Role

# Where each role may be assigned.
ROLE_TIERS: dict[str, tuple[str, ...]] = {
    R.GRID_WORKER: (Tier.GRID, Tier.MICRO_GRID),
    R.INFORMANT: (Tier.GRID, Tier.MICRO_GRID),
    R.STREET_CHIEF: (Tier.VILLAGE, Tier.GRID, Tier.MICRO_GRID),
    R.PARTY_HOUSEHOLD: (Tier.GRID, Tier.MICRO_GRID),
    R.VOLUNTEER: (Tier.TOWN, Tier.VILLAGE, Tier.GRID, Tier.MICRO_GRID),
    R.GRID_CHIEF: (Tier.VILLAGE,),
    R.INSTRUCTOR: (Tier.VILLAGE, Tier.GRID),
    R.SUPERVISOR: (Tier.COUNTY, Tier.TOWN, Tier.VILLAGE),
    R.COMMANDER: (Tier.VILLAGE, Tier.TOWN),
    R.CENTER_STAFF: (Tier.COUNTY, Tier.TOWN),
    R.LEADER: (Tier.COUNTY, Tier.TOWN),
    R.OUTPOST: (Tier.TOWN,),
    R.DEPARTMENT: (Tier.COUNTY,),
    R.ADMIN: (Tier.COUNTY, Tier.TOWN),
}

ALL_ROLES = frozenset(Role.values)
FIELD_ROLES = frozenset(
    {
        R.GRID_WORKER,
        R.INFORMANT,
        R.STREET_CHIEF,
        R.PARTY_HOUSEHOLD,
        R.VOLUNTEER,
        R.GRID_CHIEF,
        R.INSTRUCTOR,
    }
)
DESK_ROLES = frozenset(
    {R.CENTER_STAFF, R.LEADER, R.SUPERVISOR, R.COMMANDER, R.OUTPOST, R.DEPARTMENT}
)

# Who works cases: hands them out, and handles them.
DISPATCHERS = frozenset({R.CENTER_STAFF, R.LEADER, R.COMMANDER})
HANDLERS = frozenset(
    {
        R.GRID_WORKER,
        R.INSTRUCTOR,
        R.GRID_CHIEF,
        R.COMMANDER,
        R.CENTER_STAFF,
        R.LEADER,
        R.OUTPOST,
        R.DEPARTMENT,
    }
)
TOWN_CALLERS = frozenset({R.CENTER_STAFF, R.LEADER})

# action -> roles that may take it. An action not listed here is refused to everyone.
_PERMISSIONS: dict[str, frozenset[str]] = {
    "node.view": ALL_ROLES,
    "node.create": frozenset({R.ADMIN}),
    "node.change": frozenset({R.ADMIN}),
    "node.move": frozenset({R.ADMIN}),
    "node.delete": frozenset({R.ADMIN}),
    "assignment.view": frozenset({R.ADMIN, R.CENTER_STAFF, R.LEADER, R.GRID_CHIEF}),
    "assignment.change": frozenset({R.ADMIN}),
    "user.change": frozenset({R.ADMIN}),
    # Cases: seeing one follows where it happened, acting on one the level that holds it.
    "case.view": ALL_ROLES,
    "case.report": (FIELD_ROLES | DESK_ROLES) - {R.VOLUNTEER},
    "case.accept": DISPATCHERS,
    "case.reject": DISPATCHERS,
    "case.merge": DISPATCHERS,
    "case.dispatch": DISPATCHERS,
    "case.sign": HANDLERS,
    "case.return": HANDLERS,
    "case.request_extension": HANDLERS,
    "case.approve_extension": DISPATCHERS,
    "case.supervise": DISPATCHERS | {R.SUPERVISOR},
    "case.mediate": HANDLERS,
    "case.progress": HANDLERS | DISPATCHERS,
    "case.escalate": HANDLERS,
    "case.resolve": HANDLERS,
    "case.verify": DISPATCHERS,
    "case.reopen": DISPATCHERS,
    "case.rate": DISPATCHERS,
    "case.call_county": TOWN_CALLERS,
    "countycall.respond": frozenset({R.DEPARTMENT}),  # the call names a county department
    "countycall.rate_necessity": frozenset({R.DEPARTMENT}),
    "countycall.rate": TOWN_CALLERS,
    "report.view": DESK_ROLES | {R.ADMIN, R.GRID_CHIEF},
    # The reporter's phone is masked everywhere; those who work the case and may call the
    # reporter back reveal it, one logged reveal at a time (PIPL, like the ledger).
    "case.reveal_reporter": DISPATCHERS | HANDLERS,
    # --- Household ledger on the phone and the desk (the ledger, PIPL, the Excel import) ---
    # Seeing a ledger follows the grid; the people who keep it (the grid's worker, the village
    # grid chief, town centre staff, admins) may change it. Full ID numbers and phones are
    # need-to-know (PIPL): only the grid worker and the grid chief, who visit and call the
    # household, may reveal them, one logged reveal at a time. Informants, volunteers, street
    # chiefs and desk staff see them masked. Special-group tags (low income, disabled, …) are
    # for those who care for the household and keep the ledger.
    "household.view": frozenset(
        {R.GRID_WORKER, R.GRID_CHIEF, R.INSTRUCTOR, R.STREET_CHIEF, R.INFORMANT}
    )
    | TOWN_CALLERS
    | {R.ADMIN},
    "household.change": frozenset({R.GRID_WORKER, R.GRID_CHIEF, R.CENTER_STAFF, R.ADMIN}),
    "resident.reveal": frozenset({R.GRID_WORKER, R.GRID_CHIEF}),
    "resident.tags": frozenset({R.GRID_WORKER, R.GRID_CHIEF, R.CENTER_STAFF, R.ADMIN}),
    # --- end of the household ledger block ---
    # Patrols and household visits (巡查, 走访): the grid's worker
    # walks it and visits its households; the village's grid chief may stand in. Seeing them
    # (dashboard figures) follows "report.view".
    "patrol.record": frozenset({R.GRID_WORKER, R.GRID_CHIEF}),
    "visit.record": frozenset({R.GRID_WORKER, R.GRID_CHIEF}),
    "door.mobile": FIELD_ROLES,
    "door.desk": DESK_ROLES | {R.ADMIN},
    "door.admin": frozenset({R.ADMIN}),
    # Reference data every county shares, with no node of its own (categories, triage policies,
    # holidays, the responsibility list): anyone may choose it in a form; the county's
    # administrators, on a grant at a county itself, change it (see _COUNTY_WIDE).
    "reference.choose": ALL_ROLES,
    "reference.change": frozenset({R.ADMIN}),
    # Django's own groups and permissions: gridgov decides by assignments, so no role may
    # touch them, only superusers (who pass every check).
    "auth.choose": frozenset(),
}

# Actions on what the whole county shares rather than on a place: only a grant on a county
# itself (the root of its tree) carries them, never one on a town below it.
_COUNTY_WIDE = frozenset({"reference.change"})


@dataclass(frozen=True, slots=True)
class Grant:
    role: str
    node_id: int
    tree_id: int
    lft: int
    rght: int
    level: int

    def covers(self, node: GridNode) -> bool:
        return span_contains(self, node)

    def contains(self, other: Grant) -> bool:
        return span_contains(self, other)


_CACHE_ATTR = "_gridgov_grants"


def _grants(user) -> tuple[Grant, ...]:
    """The user's active grants, read once and kept on the user object for the request."""
    if user is None or not user.is_authenticated:
        return ()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        rows = (
            Assignment.objects.active()
            .filter(user_id=user.pk)
            .values_list(
                "role", "node_id", "node__tree_id", "node__lft", "node__rght", "node__level"
            )
        )
        cached = tuple(Grant(*row) for row in rows)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_grants(user) -> None:
    """Drop the cached grants (after assignments of this user changed in this request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles(user) -> set[str]:
    return {g.role for g in _grants(user)}


def _roles_for(action: str) -> frozenset[str]:
    try:
        return _PERMISSIONS[action]
    except KeyError:
        raise ValueError(
            f"Unknown action {action!r}: add it to staff.access._PERMISSIONS"
        ) from None


def _allowing(user, action: str) -> list[Grant]:
    """The user's grants whose role allows `action` (for a county-wide action, only those on a
    county itself). Superusers are not special here: callers decide what they may."""
    allowed = _roles_for(action)
    county_wide = action in _COUNTY_WIDE
    return [g for g in _grants(user) if g.role in allowed and (not county_wide or g.level == 0)]


def posts(user) -> list[tuple[str, int]]:
    """(role, node id) of each of the user's active grants."""
    return [(g.role, g.node_id) for g in _grants(user)]


def nodes_where(user, action: str) -> list[int]:
    """The nodes of the user's own grants that allow `action` (not their subtrees)."""
    return [g.node_id for g in _allowing(user, action)]


def top_node(user, action: str) -> GridNode | None:
    """The highest node on which the user may take `action` (the first county for a superuser
    who holds no such grant); None when there is none. One query."""
    held = _allowing(user, action)
    if user.is_superuser and not held:
        return GridNode.objects.filter(parent__isnull=True).order_by("tree_id").first()
    if not held:
        return None
    top = min(held, key=lambda g: (g.level, g.tree_id, g.lft))
    return GridNode.objects.get(pk=top.node_id)


def handling_node_id(user, node: GridNode) -> int | None:
    """The lowest node where the user handles cases and which covers `node`: where a case at
    `node` stands once it is handed to them. None when they handle none there."""
    covering = [g for g in _grants(user) if g.role in HANDLERS and g.covers(node)]
    best = max(covering, key=lambda g: g.level, default=None)
    return best.node_id if best else None


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
    return any(g.covers(node) for g in _allowing(user, action))


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


def scope(user, action: str, queryset: QuerySet, via: str = "node") -> QuerySet:
    """The objects of `queryset` on which `user` may take `action`; `via` is the path to the node
    ("" when the queryset is of GridNode itself)."""
    return _filtered(user, action, queryset, lambda grants: GridNode.subtree_q(*grants, via=via))


def _filtered(user, action: str, queryset: QuerySet, condition) -> QuerySet:
    """`queryset` narrowed by `condition(grants allowing action)`; all for a superuser."""
    _roles_for(action)  # an unknown action is a programming error, even for a superuser
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    selected = _managing_grants(user, action)
    if not selected:
        return queryset.none()
    return queryset.filter(condition(selected))


def scope_users(user, action: str, queryset: QuerySet) -> QuerySet:
    """People the user may manage (change, set a password for, grant to).

    Someone may be managed only when every grant they hold or held (or will hold) lies
    strictly below one of the manager's own grants for `action`, and none is at or above the
    manager's level: so a town admin can never reach a county person, a peer of their own
    town, or someone who also works in another town. People with no grant at all (just created,
    still to be placed) may be managed. Superusers are managed only by superusers.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    selected = _managing_grants(user, action)
    if not selected:
        return queryset.none()
    top_level = min(g.level for g in selected)
    # Every grant counts, past and future too: a grant that starts next week in another town,
    # or one held there before, leaves the person to whoever manages both places.
    below = GridNode.strictly_below_q(*selected, via="node")
    outside = Assignment.objects.exclude(below).values("user_id")
    too_high = Assignment.objects.filter(node__level__lte=top_level).values("user_id")
    return queryset.filter(is_superuser=False).exclude(pk__in=outside).exclude(pk__in=too_high)


def may_manage(user, person) -> bool:
    """May `user` change this person's account and grants (see scope_users)?"""
    model = get_user_model()
    person_id = person.pk if isinstance(person, model) else person
    return scope_users(user, "user.change", model.objects.filter(pk=person_id)).exists()


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


def scope_units(user, action: str, queryset: QuerySet) -> QuerySet:
    """Units (departments, outposts, platforms) the user may point at: those inside their
    subtree, and those sitting above it (their town's platforms, their county's departments),
    never another town's."""

    def inside_or_above(grants):
        return GridNode.subtree_q(*grants, via="node") | GridNode.ancestors_q(*grants, via="node")

    return _filtered(user, action, queryset, inside_or_above)


# How each model a form may point at is reached from the tree: the path to its node, or a
# policy function of its own, or (for a model with no node) the action that opens all of it.
# A model missing here cannot be offered in a scoped form.
_REFERENCE_PATHS = {
    "grids.gridnode": "",
    "grids.household": "node",
    "grids.resident": "household__node",
    "grids.organization": "node",
    "cases.case": "node",
    "cases.countycall": "case__node",
    "staff.assignment": "node",
    "gridgov.outboxmessage": "case__node",
    "gridgov.webhookendpoint": "town",
}
_WHOLE_TABLES = {
    "auth.group": "auth.choose",
    "auth.permission": "auth.choose",
    "cases.category": "reference.choose",
    "cases.triagepolicy": "reference.choose",
    "cases.holiday": "reference.choose",
    "cases.responsibilityitem": "reference.choose",
}


def scope_references(user, action: str, queryset: QuerySet) -> QuerySet:
    """The rows of `queryset` that `user` may point a foreign key at when taking `action`."""
    label = queryset.model._meta.label_lower
    if label == get_user_model()._meta.label_lower:
        return scope_users(user, "user.change", queryset)
    if label == "cases.unit":
        return scope_units(user, action, queryset)
    if label in _WHOLE_TABLES:
        return queryset if can_anywhere(user, _WHOLE_TABLES[label]) else queryset.none()
    if label not in _REFERENCE_PATHS:
        raise ValueError(f"{label}: say in staff.access how a form may point at it")
    return scope(user, action, queryset, via=_REFERENCE_PATHS[label])


def is_member(user, unit) -> bool:
    """Does the user work for this unit, or for the county department an outpost belongs to?"""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    units = {unit.pk, unit.parent_id} - {None}
    return Assignment.objects.active().filter(user_id=user.pk, unit_id__in=units).exists()


def assignments_over(action: str, obj) -> QuerySet:
    """Active grants on the object's node or any ancestor whose role allows `action`, nearest first."""
    node = node_of(obj, action)
    return (
        Assignment.objects.active()
        .filter(
            GridNode.ancestors_q(node, via="node"),
            role__in=_roles_for(action),
            user__is_active=True,
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
    """Which door a user lands at after login: 'admin', 'desk', 'mobile' or '' (no grant yet)."""
    if user.is_superuser or can_anywhere(user, "door.admin"):
        return "admin"
    if can_anywhere(user, "door.desk"):
        return "desk"
    if can_anywhere(user, "door.mobile"):
        return "mobile"
    return ""
