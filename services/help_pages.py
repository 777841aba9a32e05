"""What the help orders' pages of both doors share: finding an order in the person's scope (404
outside it, like a missing one), its facts and history, and one small form per action of the
orders' table the person may take now."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gridgov.errors import add_to_form
from grids.privacy import mask_phone
from services import orders
from services.actions.privacy import may_reveal_phone
from services.models import HelpOrder, OrderStatus
from services.volunteer_forms import OrderActionForm
from staff import access


def find_order(request, order_id: int) -> HelpOrder:
    """The order, for whoever has a part in it: 404 outside the person's scope, 403 inside it
    for someone with none (the order names a resident and what they need)."""
    found = get_object_or_404(
        HelpOrder.objects.select_related("node", "team", "volunteer__user", "placed_by"),
        pk=order_id,
    )
    access.require(request.user, "volunteer.view", found)
    if not _has_a_part(request.user, found):
        raise PermissionDenied
    return found


def _has_a_part(user, found: HelpOrder) -> bool:
    """Those who hand orders out (as on the orders' list), who placed it, the volunteers of the
    team it went to, and anyone with something to do on it now."""
    if user.is_superuser or found.placed_by_id == user.pk:
        return True
    if access.can(user, "helporder.dispatch", found) or orders.volunteer_of(user, found):
        return True
    return any(orders.available_actions(user, found, page) for page in (orders.DESK, orders.MOBILE))


def order_context(request, found: HelpOrder, *, page: str, bound=None) -> dict:
    events = list(found.events.select_related("actor"))
    for e in events:
        e.label = orders.ACTION_LABELS.get(e.action, e.action)
        e.from_label = (
            OrderStatus(e.from_status).label if e.from_status in OrderStatus.values else ""
        )
        e.to_label = OrderStatus(e.to_status).label if e.to_status in OrderStatus.values else ""
    forms = []
    for name in orders.available_actions(request.user, found, page):
        form = (bound or {}).get(name) or OrderActionForm(
            user=request.user, order=found, page=page, auto_id=f"id_{name}_%s"
        )
        form.fields["text"].label = orders.ACTIONS[name].text_label
        forms.append(
            {
                "name": name,
                "label": orders.ACTIONS[name].label,
                "form": form,
                "fields": [form[f] for f in orders.ACTIONS[name].fields],
            }
        )
    return {
        "order": found,
        "phone": mask_phone(found.resident_phone),
        "may_reveal_phone": may_reveal_phone(request.user, found),
        "events": events,
        "actions": forms,
    }


def act(request, found: HelpOrder, *, page: str, template: str, back: str):
    name = request.POST.get("action", "")
    if name not in orders.available_actions(request.user, found, page):
        raise PermissionDenied
    form = OrderActionForm(
        request.POST, user=request.user, order=found, page=page, auto_id=f"id_{name}_%s"
    )
    if form.is_valid():
        try:
            form.run()
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request, _("Done: %(action)s.") % {"action": orders.ACTIONS[name].label}
            )
            return redirect(back, help_order_id=found.pk)
    messages.error(request, _("Not done: see the form below."))
    return render(
        request, template, order_context(request, found, page=page, bound={name: form}), status=400
    )
