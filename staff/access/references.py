"""What a form may point at: the units a person may choose (their own and the ones above), and
for every other foreign key the node path that scopes it, or the whole table it may offer."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from grids.models import GridNode
from staff.access.people import scope_users
from staff.access.policy import _filtered, can_anywhere, scope


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
    "grids.streetsegment": "node",
    "cases.case": "node",
    "cases.countycall": "case__node",
    "staff.assignment": "node",
    "gridgov.outboxmessage": "case__node",
    "gridgov.webhookendpoint": "town",
    "gridgov.apiclient": "node",  # a 12345 hotline's settings name their client
    "services.serviceitem": "node",
    "services.serviceitemversion": "item__node",
    "services.servicerequest": "node",
    "services.dutyslot": "town",
    "services.dutybooking": "slot__town",
    "services.volunteerteam": "node",
    "services.volunteer": "team__node",
    "services.activity": "team__node",
    "services.activitysignup": "activity__team__node",
    "services.helporder": "node",
}


_WHOLE_TABLES = {
    "auth.group": "auth.choose",
    "auth.permission": "auth.choose",
    "grids.province": "province.choose",
    "cases.category": "reference.choose",
    "cases.triagepolicy": "reference.choose",
    "cases.holiday": "reference.choose",
    "cases.responsibilityitem": "reference.choose",
}


def scope_references(user, action: str, queryset: QuerySet) -> QuerySet:
    """The rows of `queryset` that `user` may point a foreign key at when taking `action`."""
    label = queryset.model._meta.label_lower
    if label == get_user_model()._meta.label_lower:
        # Never an API client's service user: nothing may point at it but its client.
        return scope_users(user, "user.change", queryset.filter(api_client__isnull=True))
    if label == "cases.unit":
        return scope_units(user, action, queryset)
    if label in _WHOLE_TABLES:
        return queryset if can_anywhere(user, _WHOLE_TABLES[label]) else queryset.none()
    if label not in _REFERENCE_PATHS:
        raise ValueError(f"{label}: say in staff.access how a form may point at it")
    return scope(user, action, queryset, via=_REFERENCE_PATHS[label])
