"""Messages to the hotline a case came from: queued through the outbox in the same transaction
as the change they tell of (nothing is lost, nothing is sent for a change rolled back), sent
by the outbox's rhythm with its retries, backoff and leases (gridgov/notify.py), each body
signed with the hotline's own secret.

    X-Gridgov-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">

The body is fixed when the message is queued; each attempt signs it afresh with the time of
that attempt, so the hotline can refuse a stale or replayed message (docs/hotline.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time

from django.conf import settings

from cases.hotline import adapter
from cases.models import Case, HotlineConfig, HotlineOrder, Source
from cases.models.hotline import listed_origins, origin_of, webhook_url_allowed
from gridgov import channels
from gridgov.models import Delivery, OutboxMessage

SIGNATURE_HEADER = "X-Gridgov-Signature"
EVENT_HEADER = "X-Gridgov-Event"
DELIVERY_HEADER = "X-Gridgov-Delivery"
HOTLINE_OFF = "hotline off"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The header's value for this body at this time."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """What a hotline checks (and the tests' fake hotline does): the signature is ours, and
    made within `tolerance` seconds of `now`."""
    parts = dict(p.split("=", 1) for p in (header or "").split(",") if "=" in p)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return abs(now - timestamp) <= tolerance and hmac.compare_digest(expected, parts.get("v1", ""))


def body_bytes(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _tell(order: HotlineOrder, event: str, build, *, now: dt.datetime) -> OutboxMessage:
    """Queue one message about the order. The message has no person to fan out to: its one
    delivery is written with it, so the rhythm only has to send it."""
    order.sequence += 1
    order.save(update_fields=["sequence"])
    message = OutboxMessage.objects.create(
        kind=f"hotline_{event}",
        case=order.case,
        payload={"client": order.client_id, "order": order.pk, "body": build(order, now=now)},
        sent_at=now,
    )
    Delivery.objects.create(
        message=message,
        channel=Delivery.Channel.HOTLINE,
        target=f"hotline:{order.client_id}",
        next_attempt_at=now,
    )
    return message


def _locked_order(case: Case) -> HotlineOrder | None:
    if case.source != Source.HOTLINE:
        return None  # no query for the cases of every other source
    order = HotlineOrder.objects.select_for_update().filter(case_id=case.pk).first()
    if order is not None:
        order.case = case  # the caller's copy, as it now stands
    return order


def case_signed(case: Case, *, now: dt.datetime) -> None:
    """签收: the first time a town signs for an order, the hotline is told."""
    order = _locked_order(case)
    if order is None or order.signed_at is not None:
        return
    order.signed_at = now
    order.save(update_fields=["signed_at"])
    _tell(order, "signed", adapter.signed_message, now=now)


def case_resolved(case: Case, *, now: dt.datetime) -> None:
    """回单: every resolution of an order goes back to the hotline with the reply."""
    order = _locked_order(case)
    if order is None:
        return
    order.replied_at = now
    order.save(update_fields=["replied_at"])
    _tell(order, "replied", adapter.reply_message, now=now)


def return_requested(order: HotlineOrder, *, now: dt.datetime) -> None:
    """退单: the town's request to take the order back goes to the hotline."""
    _tell(order, "return_requested", adapter.return_request_message, now=now)


def send(delivery: Delivery) -> None:
    """One attempt at one message (the outbox's rhythm calls this): DeliveryError or the
    network's own error when it does not go out, so that it is tried again later."""
    payload = delivery.message.payload
    config = (
        HotlineConfig.objects.select_related("client").filter(client_id=payload["client"]).first()
    )
    if config is None or config.client.revoked_at is not None:
        raise channels.DeliveryError(HOTLINE_OFF, final=True)  # gone: it will not come back
    if not config.active:
        raise channels.DeliveryError(HOTLINE_OFF, waiting=True)
    if not webhook_url_allowed(config.webhook_url):
        raise channels.DeliveryError(channels.INVALID_ADDRESS, final=True)
    origin = origin_of(config.webhook_url)
    listed = origin in listed_origins(settings.GRIDGOV_HOTLINE_HTTP_HOSTS)
    address = channels.address_for(origin[1], origin[2], inside_ok=listed)
    body = body_bytes(payload["body"])
    headers = {
        SIGNATURE_HEADER: signature(config.secret, int(time.time()), body),
        EVENT_HEADER: str(payload["body"].get("event", "")),
        DELIVERY_HEADER: str(delivery.pk),
    }
    channels.post_signed(config.webhook_url, body, headers, address=address)
