"""What the desk has to do now, as counts that open the lists behind them: reports waiting
for intake, resolved cases waiting for verification (待核查), overdue cases and those due today,
county calls waiting for an answer or a rating, and requests for more time. Each count is
one query over the person's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import OPEN_STATUSES, Case, CountyCall, Status
from cases.queries.calls import incoming_calls, member_units, outgoing_calls
from cases.queries.intake import queue
from staff import access


@dataclass(frozen=True)
class Todo:
    label: object
    count: int
    url: str
    urgent: bool = False  # shown in red when there is any


def to_verify(user) -> QuerySet:
    """Resolved cases this person may verify (核查), the longest waiting first."""
    cases = Case.objects.filter(status=Status.RESOLVED)
    return access.scope(user, "case.verify", cases, via="owner_node").order_by("resolved_at", "pk")


def _board(**params) -> str:
    return reverse("desk_board") + "?" + urlencode(params)


def desk_todo(user, now: dt.datetime | None = None) -> list[Todo]:
    """The counts the person's posts give them, in the order of the day's work."""
    now = now or timezone.now()
    today = timezone.localdate(now).isoformat()
    items: list[Todo] = []
    if access.can_anywhere(user, "case.accept"):
        items.append(Todo(_("Waiting for intake"), queue(user).count(), reverse("intake_queue")))
    if access.can_anywhere(user, "case.verify"):
        items.append(
            Todo(_("Waiting for verification"), to_verify(user).count(), reverse("verify_queue"))
        )
    open_cases = access.scope(
        user, "case.view", Case.objects.filter(status__in=OPEN_STATUSES), via="node"
    )
    items.append(
        Todo(
            _("Overdue"),
            open_cases.filter(clear_by__lt=now).count(),
            _board(overdue="1"),
            urgent=True,
        )
    )
    items.append(
        Todo(
            _("Due today"),
            open_cases.filter(clear_by__date=timezone.localdate(now)).count(),
            _board(due_from=today, due_to=today),
        )
    )
    if access.can_anywhere(user, "case.approve_extension"):
        asked = access.scope(
            user,
            "case.approve_extension",
            Case.objects.filter(status=Status.HANDLING, extension_until__isnull=False),
            via="owner_node",
        )
        items.append(Todo(_("More time asked for"), asked.count(), _board(asking_time="1")))
    units = member_units(user)
    if units or user.is_superuser:
        waiting = incoming_calls(user, units).filter(state=CountyCall.State.OPEN)
        items.append(
            Todo(_("County calls to answer"), waiting.count(), reverse("desk_calls"), True)
        )
    if access.can_anywhere(user, "countycall.rate"):
        answered = outgoing_calls(user).filter(state=CountyCall.State.ANSWERED)
        items.append(Todo(_("County answers to rate"), answered.count(), reverse("desk_calls")))
    return items
