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

The policy lives by subject in this package: the permission table (table.py), a person's grants
(grants.py), the checks (policy.py), whom one may manage (people.py) and what a form may point
at (references.py). Ask it through this module: `from staff import access; access.can(...)`.
"""

from staff.access.grants import (
    Grant,
    forget_grants,
    handling_node_id,
    nodes_where,
    posted_within,
    posts,
    roles,
    standing,
    top_node,
)
from staff.access.people import (
    grantable_nodes,
    may_grant,
    may_manage,
    require_grant,
    scope_users,
)
from staff.access.policy import (
    assignments_over,
    can,
    can_anywhere,
    door_for,
    door_required,
    in_scope,
    is_member,
    node_of,
    require,
    require_anywhere,
    require_door,
    required,
    scope,
    scope_spans,
    who_can,
)
from staff.access.references import (
    scope_references,
    scope_units,
)
from staff.access.table import (
    ALL_ROLES,
    DESK_ROLES,
    DISPATCHERS,
    FIELD_ROLES,
    HANDLERS,
    TOWN_CALLERS,
)

__all__ = [
    "ALL_ROLES",
    "DESK_ROLES",
    "DISPATCHERS",
    "FIELD_ROLES",
    "HANDLERS",
    "TOWN_CALLERS",
    "Grant",
    "assignments_over",
    "can",
    "can_anywhere",
    "door_for",
    "door_required",
    "forget_grants",
    "standing",
    "grantable_nodes",
    "handling_node_id",
    "in_scope",
    "is_member",
    "may_grant",
    "may_manage",
    "node_of",
    "nodes_where",
    "posted_within",
    "posts",
    "require",
    "require_anywhere",
    "require_door",
    "require_grant",
    "required",
    "roles",
    "scope",
    "scope_references",
    "scope_spans",
    "scope_units",
    "scope_users",
    "top_node",
    "who_can",
]
