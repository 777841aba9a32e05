"""What the people-and-points pages of the desk share: the node a page is about (outside the
scope 404 like a missing one, then the door, then the action: 403), the month it shows, and a
refused form answered on the page itself."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from gridgov.cleaning import parse_id
from gridgov.errors import field_errors
from grids.models import GridNode
from grids.queries import breadcrumbs
from staff import access
from staff.queries.appraisal import parse_month
from staff.queries.measures import month_of, previous_month


def page_node(request, node_id: int | None, action: str, door: str = "desk") -> GridNode:
    """The node of the page: the one named (in scope, or 404), or the highest one where the
    person may take `action`; then the door and the action (403)."""
    if node_id is None:
        access.require_door(request.user, door)
        access.require_anywhere(request.user, action)
        node = access.top_node(request.user, action)
        if node is None:
            raise PermissionDenied
        return node
    node = GridNode.objects.filter(pk=parse_id(node_id) or 0).first()
    if node is None or not access.in_scope(request.user, node):
        raise Http404("No such place.")
    access.require_door(request.user, door)
    access.require(request.user, action, node)
    return node


def trail(user, node: GridNode) -> dict:
    """The node's breadcrumbs, with the places on them the person may open."""
    nodes = breadcrumbs([node])[node.pk]
    return {"trail": nodes, "linkable": {n.pk for n in nodes if access.in_scope(user, n)}}


def chosen_month(request, months: list[dt.date] | None = None) -> dt.date:
    """The month asked for (?month=YYYY-MM), else the newest with something to show, else the
    last month."""
    asked = parse_month(request.GET.get("month") or request.POST.get("month"))
    if asked is not None:
        return asked
    if months:
        return months[0]
    return previous_month(month_of(timezone.localdate()))


def refused(request, error: ValidationError) -> None:
    """A refused form's reasons, shown above the page."""
    for messages_of_field in field_errors(error).values():
        for text in messages_of_field:
            messages.error(request, text)
