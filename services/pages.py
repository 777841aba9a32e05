"""What the request pages of both doors (desk and phone) share: finding a request in the
person's scope, its facts and history, the items and places a person may take a request for,
and one small form per action they may take now (services.workflow decides which)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.errors import add_to_form
from grids.models import GridNode
from grids.privacy import mask_phone
from services import queries, workflow
from services.actions.privacy import may_reveal_phone
from services.forms import RequestActionForm
from services.models import RequestStatus, ServiceItem, ServiceRequest, ServiceVisit
from staff import access

EVENT_LABELS = workflow.ACTION_LABELS


def find_request(request, request_id: int) -> ServiceRequest:
    """The request, if the person may know it exists: outside the scope 404 like a missing
    one, in the scope without the right 403."""
    found = get_object_or_404(
        ServiceRequest.objects.select_related(
            "item__platform", "item__node", "version", "node", "handler_unit", "errand_runner"
        ),
        pk=request_id,
    )
    access.require(request.user, "servicerequest.view", found)
    return found


def _deadline(found: ServiceRequest) -> dict | None:
    if not found.due_at:
        return None
    end = found.decided_at
    now = timezone.now()
    late = end > found.due_at if end else now > found.due_at
    return {"at": found.due_at, "late": late, "done": end}


def request_context(request, found: ServiceRequest, *, page: str, bound=None) -> dict:
    events = list(found.events.select_related("actor").order_by("created_at", "pk"))
    for e in events:
        e.label = EVENT_LABELS.get(e.action, e.action)
        e.from_label = (
            RequestStatus(e.from_status).label if e.from_status in RequestStatus.values else ""
        )
        e.to_label = RequestStatus(e.to_status).label if e.to_status in RequestStatus.values else ""
    have = set(found.received_materials or [])
    return {
        "found": found,
        "v": found.version,
        "materials": [(m, m.index in have) for m in found.version.material_list],
        "phone": mask_phone(found.resident_phone),
        "may_reveal_phone": may_reveal_phone(request.user, found),
        "deadline": _deadline(found),
        "events": events,
        "visits": list(ServiceVisit.objects.filter(request=found).select_related("recorded_by")),
        "notice": getattr(found, "materials_notice", None),
        "newer": found.item.current_id != found.version_id,
        "actions": action_forms(request.user, found, bound, page=page),
    }


def action_forms(user, found: ServiceRequest, bound=None, *, page: str) -> list[dict]:
    out = []
    for name in workflow.available_actions(user, found, page):
        form = (bound or {}).get(name) or RequestActionForm(
            user=user, request=found, page=page, auto_id=f"id_{name}_%s"
        )
        form.fields["text"].label = workflow.ACTIONS[name].text_label
        out.append(
            {
                "name": name,
                "label": workflow.ACTIONS[name].label,
                "form": form,
                "fields": [form[f] for f in workflow.ACTIONS[name].fields],
            }
        )
    return out


def act(request, found: ServiceRequest, *, page: str, template: str, back: str):
    """Take the posted action; anything this person may not do now is refused (403)."""
    name = request.POST.get("action", "")
    if name not in workflow.available_actions(request.user, found, page):
        raise PermissionDenied
    form = RequestActionForm(
        request.POST, user=request.user, request=found, page=page, auto_id=f"id_{name}_%s"
    )
    if form.is_valid():
        try:
            form.run()
        except ValidationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request, _("Done: %(action)s.") % {"action": workflow.ACTIONS[name].label}
            )
            return redirect(back, request_id=found.pk)
    messages.error(request, _("Not done: see the form below."))
    context = request_context(request, found, page=page, bound={name: form})
    return render(request, template, context, status=400)


def items_for(user, action: str):
    """The items a person may take requests for: those offered in their area and those of
    the places above it (a village's room takes the town's items too)."""
    items = queries.offered_items().order_by("domain", "position", "code")
    if user.is_superuser:
        return items
    nodes = list(GridNode.objects.filter(pk__in=access.nodes_where(user, action)))
    if not nodes:
        return items.none()
    return items.filter(
        GridNode.subtree_q(*nodes, via="node") | GridNode.ancestors_q(*nodes, via="node")
    )


def places_for(user, action: str, item: ServiceItem):
    """Where a resident may live for this item, within the person's area."""
    return access.scope(user, action, queries.places_under(item.node), via="").only(
        "pk", "name", "tier"
    )


def search(qs, term: str):
    term = (term or "").strip()[:40]
    if not term:
        return qs, ""
    return (
        qs.filter(
            Q(number__icontains=term)
            | Q(tracking_code__iexact=term)
            | Q(resident_name__icontains=term)
            | Q(item__name__icontains=term)
        ),
        term,
    )
