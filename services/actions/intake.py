"""Taking a request in: at the town's or village's window, on a grid worker's phone as an
errand (代办), or from the resident online where the item allows it."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from gridgov.cleaning import parse_int
from gridgov.errors import DomainError
from grids.models import GridNode, Tier
from services.actions._common import event, next_number, notify, now_or, text, visit
from services.models import Channel, RequestStatus, ServiceItem, ServiceRequest
from staff import access

# Who takes a request in, by channel: the window, an errand-runner; online, nobody (None).
CHANNEL_PERMISSIONS = {
    Channel.WINDOW: "servicerequest.receive",
    Channel.ERRAND: "servicerequest.errand",
}
_PLACE_TIERS = (Tier.TOWN, Tier.AREA, Tier.VILLAGE, Tier.GRID, Tier.MICRO_GRID)


def _offered(item_id, node_id) -> tuple[ServiceItem, GridNode]:
    item = (
        ServiceItem.objects.select_related("node", "current", "platform")
        .filter(pk=item_id, active=True, current__isnull=False)
        .first()
    )
    if item is None:
        raise DomainError(_("Choose a service item that is offered."), field="item")
    node = GridNode.objects.filter(pk=node_id, tier__in=_PLACE_TIERS).first()
    if node is None or not item.node.contains(node):
        raise DomainError(
            _("%(item)s is offered to residents of %(place)s only.")
            % {"item": item.name, "place": item.node.name},
            field="node",
        )
    return item, node


@transaction.atomic
def service_request_receive(
    *,
    actor,
    item_id: int,
    node_id: int,
    resident_name: str,
    resident_phone: str = "",
    note: str = "",
    materials=(),
    channel: str = Channel.WINDOW,
    submission_id: str | None = None,
    now: dt.datetime | None = None,
) -> ServiceRequest:
    """一窗受理: a request for `item_id` from a resident of `node_id`, under the item's current
    text. At the window the resident came (a visit); an errand-runner came to them; online
    they came to no one. `actor` None only online, where the item allows it."""
    now = now_or(now)
    if channel not in Channel.values:
        raise DomainError(_("Choose how the request came in."), field="channel")
    if submission_id:
        earlier = ServiceRequest.objects.filter(submission_id=submission_id).first()
        if earlier is not None:  # a retry of a request already saved
            return earlier
    item, node = _offered(item_id, node_id)
    version = item.current
    if channel == Channel.ONLINE:
        if actor is not None:
            raise DomainError(_("Residents apply online themselves."), field="channel")
        if not version.online:
            raise DomainError(_("This item cannot be applied for online."), field="item")
    else:
        if actor is None:
            raise Http404("No such place.")
        access.require(actor, CHANNEL_PERMISSIONS[channel], node)
        if channel == Channel.ERRAND and not version.errand:
            raise DomainError(_("This item cannot be done by an errand-runner."), field="item")
    known = {m.index for m in version.material_list}
    typed = (parse_int(i) if isinstance(i, str) else i for i in materials or ())
    received = sorted({i for i in typed if isinstance(i, int) and i in known})
    try:
        # In a savepoint: a copy of this submission sent at the same moment (a phone's retry)
        # may commit first; the unique submission id then refuses this one, and it answers
        # with that one.
        with transaction.atomic():
            request = ServiceRequest.objects.create(
                number=next_number(item.node.town, now),
                item=item,
                version=version,
                node=node,
                channel=channel,
                status=RequestStatus.RECEIVED,
                resident_name=text(
                    resident_name, _("the resident's name"), limit=50, field="resident_name"
                ),
                resident_phone=(resident_phone or "").strip()[:20],
                note=text(note, "", required=False),
                received_materials=received,
                received_by=actor if channel == Channel.WINDOW else None,
                errand_runner=actor if channel == Channel.ERRAND else None,
                received_at=now,
                submission_id=submission_id or None,
            )
    except IntegrityError:
        earlier = (
            ServiceRequest.objects.filter(submission_id=submission_id).first()
            if submission_id
            else None
        )
        if earlier is None:
            raise
        return earlier
    event(request, actor=actor, action="receive", from_status="", now=now)
    if channel == Channel.WINDOW:
        visit(request, actor=actor, now=now, reason=_("Brought the request to the window"))
    notify("service_request_received", request, item=item.pk)
    return request
