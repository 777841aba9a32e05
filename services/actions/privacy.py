"""The one place a resident's full phone leaves the server from the services' pages: each reveal
is logged (who, when, which request or order, why) before the number is returned, like the
ledger's and a case reporter's (grids.actions.resident_reveal, cases' reveal)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from gridgov.errors import DomainError
from services.models import HelpOrder, OrderStatus, PhoneReveal, ServiceRequest
from staff import access


def may_reveal_phone(user, found) -> bool:
    """The window (or the request's own errand-runner) for a request; the dispatchers (or the
    volunteer it went to or who took it, while it is theirs) for a help order."""
    if not found.resident_phone:
        return False
    if isinstance(found, ServiceRequest):
        if not access.can(user, "servicerequest.reveal", found):
            return False
        return access.can(user, "servicerequest.accept", found) or found.errand_runner_id == user.pk
    if not access.can(user, "helporder.reveal", found):
        return False
    if access.can(user, "helporder.dispatch", found):
        return True
    return (
        found.status in (OrderStatus.DISPATCHED, OrderStatus.TAKEN)
        and found.volunteer_id is not None
        and found.volunteer.user_id == user.pk
    )


@transaction.atomic
def resident_phone_reveal(
    *, actor, reason: str, request_id: int | None = None, order_id: int | None = None
) -> str:
    """The resident's full phone of a request or a help order (exactly one is named)."""
    if (request_id is None) == (order_id is None):
        raise ValueError("Name a request or an order.")
    if request_id is not None:
        found = ServiceRequest.objects.select_related("node").filter(pk=request_id).first()
        permission = "servicerequest.reveal"
    else:
        found = HelpOrder.objects.select_related("node", "volunteer").filter(pk=order_id).first()
        permission = "helporder.reveal"
    if found is None:
        raise Http404("Not found.")
    access.require(actor, permission, found)  # outside the scope 404, without the right 403
    if not may_reveal_phone(actor, found):
        raise PermissionDenied
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise DomainError(_("Say why you need the full value."), field="reason")
    PhoneReveal.objects.create(
        user=actor,
        request=found if request_id is not None else None,
        order=found if order_id is not None else None,
        reason=reason[:200],
    )
    return found.resident_phone
