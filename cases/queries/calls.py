"""Reads for the county-calls page (乡呼县应): the town's calls going out, the unit's coming in."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case as SqlCase
from django.db.models import (
    QuerySet,
    Value,
    When,
)

from cases.models import (
    CountyCall,
)
from cases.queries.board import span
from staff import access
from staff.models import Assignment, Role


def outgoing_calls(user) -> QuerySet:
    """Calls made by the towns the user may rate for (乡呼), and by the villages (社区吹哨): the
    caller's side."""
    calls = CountyCall.objects.all()
    by_towns = access.scope(user, "countycall.rate", calls.filter(village__isnull=True), via="town")
    by_villages = access.scope(
        user, "villagecall.rate", calls.filter(village__isnull=False), via="village"
    )
    return (
        (by_towns | by_villages)
        .select_related("case", "case__node", "case__owner_node", "department", "town", "village")
        .order_by("-created_at", "-pk")
    )


def member_units(user) -> list[int]:
    """The units a department-role or outpost-role user works for (their active assignments):
    an outpost is called by the villages it is linked to."""
    if user is None or not user.is_authenticated:
        return []
    return list(
        Assignment.objects.active()
        .filter(user_id=user.pk, role__in=[Role.DEPARTMENT, Role.OUTPOST], unit__isnull=False)
        .values_list("unit_id", flat=True)
        .distinct()
    )


def incoming_calls(user, units: list[int]) -> QuerySet:
    """Calls to the user's own departments (县应, 部门报到), nothing of any other department."""
    calls = CountyCall.objects.all()
    qs = access.scope(
        user, "countycall.respond", calls.filter(village__isnull=True), via="case__node"
    ) | access.scope(
        user, "villagecall.respond", calls.filter(village__isnull=False), via="case__node"
    )
    if not user.is_superuser:
        qs = qs.filter(department_id__in=units)
    waiting_first = SqlCase(When(state=CountyCall.State.OPEN, then=Value(0)), default=Value(1))
    return (
        qs.select_related("case", "case__node", "case__owner_node", "department", "town", "village")
        .annotate(waiting_first=waiting_first)
        .order_by("waiting_first", "respond_by", "pk")
    )


def decorate_calls(calls, user, now: dt.datetime, *, side: str) -> list[CountyCall]:
    rows = list(calls)
    members = {}
    for call in rows:
        call.late = call.state == CountyCall.State.OPEN and call.respond_by < now
        call.time_span = span(call.respond_by - now)
        if side == "in":
            if call.department_id not in members:
                members[call.department_id] = access.is_member(user, call.department)
            mine = members[call.department_id]
            call.can_respond = mine and call.state == CountyCall.State.OPEN
            call.can_rate_necessity = (
                mine and call.state != CountyCall.State.OPEN and call.department_rating is None
            )
        else:
            rate = "villagecall.rate" if call.by_village else "countycall.rate"
            call.can_rate = call.state == CountyCall.State.ANSWERED and access.can(
                user, rate, call.case
            )
    return rows
