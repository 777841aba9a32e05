"""What every request action shares: lock the row, check the policy and the table, change the
named fields, record the event, queue the notice in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov import outbox
from gridgov.cleaning import parse_int
from gridgov.errors import DomainError
from grids.models import GridNode
from services import workflow
from services.models import (
    ServiceRequest,
    ServiceRequestEvent,
    ServiceRequestSequence,
    ServiceVisit,
)

TEXT_LIMIT = 2000


def now_or(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def locked(request_id: int) -> ServiceRequest:
    """The request, its row locked (the bare row first, then read with its joins)."""
    if not ServiceRequest.objects.select_for_update().filter(pk=request_id).values("pk"):
        raise Http404("No such request.")
    return ServiceRequest.objects.select_related(
        "node", "item__node", "version", "handler_unit"
    ).get(pk=request_id)


def text(value, what, *, required: bool = True, limit: int = TEXT_LIMIT, field="text") -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    if required and not value:
        raise DomainError(_("Please give %(what)s.") % {"what": what}, field=field)
    return value[:limit]


def event(request: ServiceRequest, *, actor, action: str, from_status: str, now, note="", **f):
    return ServiceRequestEvent.objects.create(
        request=request,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=request.status,
        note=note,
        created_at=now,
        **f,
    )


def notify(kind: str, request: ServiceRequest, **payload) -> None:
    outbox.enqueue(
        kind=kind,
        service_request=request.pk,
        number=request.number,
        node=request.node_id,
        **payload,
    )


def apply(request: ServiceRequest, action: str, *fields: str, actor, now, note="") -> None:
    """Move the request through `action` (the table guards it), save the named fields and
    record the step."""
    from_status = request.status
    request.status = workflow.require_transition(from_status, action)
    request.save(update_fields=["status", *fields, "updated_at"])
    event(request, actor=actor, action=action, from_status=from_status, now=now, note=note)


def next_number(town: GridNode, now: dt.datetime) -> str:
    """Readable and unique: the town's code, the year, F (服务) and a sequence."""
    year = timezone.localtime(now).year
    seq, _created = ServiceRequestSequence.objects.select_for_update().get_or_create(
        town=town, year=year
    )
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"{town.code}-{year}-F{seq.last:05d}"


def materials_in_hand(request: ServiceRequest, chosen) -> list[int]:
    """The materials the window now has, as indexes into the version's list; anything that
    is not one of them is refused."""
    known = {m.index for m in request.version.material_list}
    picked = set()
    for value in chosen or ():
        index = parse_int(value) if isinstance(value, str) else value
        if index not in known:
            raise DomainError(_("Choose the materials from the item's list."), field="materials")
        picked.add(index)
    return sorted(picked)


def visit(request: ServiceRequest, *, actor, now, reason: str) -> bool:
    """Count a day the resident came in person (one a day, however often they came that
    day). Returns whether it was a new day."""
    day = timezone.localtime(now).date()
    _visit, created = ServiceVisit.objects.get_or_create(
        request=request,
        date=day,
        defaults={"reason": reason[:200], "recorded_by": actor, "created_at": now},
    )
    if created:
        request.visits = ServiceVisit.objects.filter(request=request).count()
        request.save(update_fields=["visits", "updated_at"])
    return created
