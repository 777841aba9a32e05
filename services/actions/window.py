"""The window's steps on a request (一次性告知, 一站式办理) and the back office's decision, up to
handing the result to the resident."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Unit
from gridgov.errors import DomainError
from services import workflow
from services.actions._common import (
    apply,
    locked,
    materials_in_hand,
    notify,
    now_or,
    text,
    visit,
)
from services.calendar import deadline
from services.models import Delivery, MaterialsNotice, ServiceRequest
from staff import access


def _begin(actor, name: str, request_id: int) -> ServiceRequest:
    """The request, locked, once this person may take this action on it now."""
    request = locked(request_id)
    workflow.require_may_take(actor, name, request)
    return request


def _missing_names(request: ServiceRequest) -> str:
    return "、".join(m.name for m in request.missing_materials)


def _start_clock(request: ServiceRequest, now: dt.datetime) -> None:
    """The promised time runs from acceptance, in working days of the holiday calendar."""
    request.accepted_at = now
    request.due_at = deadline(now, request.version.promised_days)
    request.overdue_since = None


@transaction.atomic
def service_request_accept(*, actor, request_id: int, materials=(), note: str = "", now=None):
    """Accept a request whose materials are all in hand; the promised time starts."""
    now = now_or(now)
    request = _begin(actor, "accept", request_id)
    request.received_materials = materials_in_hand(request, materials)
    if request.missing_materials:
        raise DomainError(
            _("Still missing: %(missing)s. Give the one-time notice instead.")
            % {"missing": _missing_names(request)},
            field="materials",
        )
    _start_clock(request, now)
    apply(
        request,
        "accept",
        "received_materials",
        "accepted_at",
        "due_at",
        "overdue_since",
        actor=actor,
        now=now,
        note=text(note, "", required=False),
    )
    notify("service_request_accepted", request, due=request.due_at.isoformat())
    return request


@transaction.atomic
def service_request_notify_missing(
    *, actor, request_id: int, materials=(), note: str = "", now=None
) -> MaterialsNotice:
    """一次性告知: tell the resident, once and all at once, exactly what is still missing. The
    promised time does not run until it comes."""
    now = now_or(now)
    request = _begin(actor, "notify_missing", request_id)
    request.received_materials = materials_in_hand(request, materials)
    missing = request.missing_materials
    if not missing:
        raise DomainError(_("Nothing is missing: accept the request instead."), field="materials")
    note = text(note, "", required=False)
    try:
        with transaction.atomic():
            notice = MaterialsNotice.objects.create(
                request=request,
                missing=[{"name": m.name, "form": m.form, "count": m.count} for m in missing],
                note=note,
                issued_at=now,
                issued_by=actor,
            )
    except IntegrityError:
        raise DomainError(_("The one-time notice of this request was already given.")) from None
    apply(
        request,
        "notify_missing",
        "received_materials",
        actor=actor,
        now=now,
        note="、".join(m.name for m in missing),
    )
    notify("service_request_incomplete", request)
    return notice


# How the missing materials came: in person is one more trip (最多跑一次 counts it).
CAME = ("in_person", "errand", "post", "online")


@transaction.atomic
def service_request_complete(
    *, actor, request_id: int, materials=(), came: str = "", note: str = "", now=None
):
    """The materials the notice named came in: accept, and count the trip if the resident
    had to come for it."""
    now = now_or(now)
    request = _begin(actor, "complete", request_id)
    if came not in CAME:
        raise DomainError(_("Say how the missing materials came."), field="came")
    request.received_materials = materials_in_hand(request, materials)
    if request.missing_materials:
        raise DomainError(
            _("Still missing: %(missing)s.") % {"missing": _missing_names(request)},
            field="materials",
        )
    _start_clock(request, now)
    apply(
        request,
        "complete",
        "received_materials",
        "accepted_at",
        "due_at",
        "overdue_since",
        actor=actor,
        now=now,
        note=text(note, "", required=False),
    )
    if came == "in_person":
        visit(request, actor=actor, now=now, reason=_("Brought the missing materials"))
    notify("service_request_accepted", request, due=request.due_at.isoformat())
    return request


@transaction.atomic
def service_request_decline(*, actor, request_id: int, reason: str, now=None):
    """不予受理: the window does not take the request up, and tells the resident why."""
    now = now_or(now)
    request = _begin(actor, "decline", request_id)
    request.refusal_reason = text(reason, _("the reason"))
    request.decided_at = now
    apply(request, "decline", "refusal_reason", "decided_at", actor=actor, now=now)
    notify("service_request_decided", request)
    return request


@transaction.atomic
def service_request_hand(*, actor, request_id: int, unit_id=None, note: str = "", now=None):
    """Hand the accepted request to its back office: the item's owning platform or department
    unless the window names another unit it may point at."""
    now = now_or(now)
    request = _begin(actor, "hand", request_id)
    if unit_id:
        units = Unit.objects.filter(pk=unit_id)
        if actor is not None:
            units = access.scope_units(actor, "servicerequest.accept", units)
        unit = units.first()
        if unit is None:
            raise DomainError(_("Choose a unit you may hand requests to."), field="unit")
    else:
        unit = request.item.platform
    request.handler_unit = unit
    request.handed_at = now
    apply(
        request,
        "hand",
        "handler_unit",
        "handed_at",
        actor=actor,
        now=now,
        note=text(note, "", required=False) or unit.name,
    )
    notify("service_request_handed", request, unit=unit.pk)
    return request


@transaction.atomic
def service_request_done(*, actor, request_id: int, result: str, now=None):
    """The back office has done it."""
    now = now_or(now)
    request = _begin(actor, "done", request_id)
    request.result = text(result, _("the result"))
    request.decided_at = now
    apply(request, "done", "result", "decided_at", actor=actor, now=now)
    notify("service_request_decided", request)
    return request


@transaction.atomic
def service_request_refuse(*, actor, request_id: int, reason: str, now=None):
    """The back office refuses it, with the reason the resident is told."""
    now = now_or(now)
    request = _begin(actor, "refuse", request_id)
    request.refusal_reason = text(reason, _("the reason"))
    request.decided_at = now
    apply(request, "refuse", "refusal_reason", "decided_at", actor=actor, now=now)
    notify("service_request_decided", request)
    return request


@transaction.atomic
def service_request_deliver(
    *, actor, request_id: int, delivery: str, address: str = "", note: str = "", now=None
):
    """The result reaches the resident: at the window (a trip, unless they came that day
    anyway), by the errand-runner, or by post to the address they gave."""
    now = now_or(now)
    request = _begin(actor, "deliver", request_id)
    if delivery not in Delivery.values:
        raise DomainError(_("Say how the result reaches the resident."), field="delivery")
    may_window = actor is None or access.can(actor, "servicerequest.accept", request)
    if delivery != Delivery.ERRAND and not may_window:
        raise DomainError(
            _("As the errand-runner you hand the result over yourself."), field="delivery"
        )
    if delivery == Delivery.ERRAND and request.errand_runner_id is None:
        raise DomainError(_("No errand-runner carries this request."), field="delivery")
    request.delivery_address = ""
    if delivery == Delivery.POST:
        request.delivery_address = text(address, _("the address"), limit=200, field="address")
    request.delivery = delivery
    request.delivered_at = now
    apply(
        request,
        "deliver",
        "delivery",
        "delivery_address",
        "delivered_at",
        actor=actor,
        now=now,
        note=text(note, "", required=False),
    )
    if delivery == Delivery.WINDOW:
        visit(request, actor=actor, now=now, reason=_("Came to collect the result"))
    return request


@transaction.atomic
def service_request_record_visit(*, actor, request_id: int, reason: str, now=None):
    """最多跑一次: the resident had to come once more; why is recorded and counted."""
    now = now_or(now)
    request = _begin(actor, "record_visit", request_id)
    reason = text(reason, _("why they had to come"), limit=200)
    if not visit(request, actor=actor, now=now, reason=reason):
        raise DomainError(
            _("A visit on %(date)s is already counted.")
            % {"date": timezone.localtime(now).date().isoformat()}
        )
    apply(request, "record_visit", actor=actor, now=now, note=reason)
    return request
