"""Taking a request in at the window (/desk/services/new/): choose the item, then who and where
the resident is and which of the item's materials are in hand. The request page does the rest
(accept, or the one-time notice)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from gridgov.cleaning import parse_id
from gridgov.errors import add_to_form
from services import actions, pages
from services.forms import IntakeForm
from staff import access


def take(request, *, channel: str, permission: str, template: str, done: str):
    """The intake page of either door: the item from ?item=, then the form."""
    items = pages.items_for(request.user, permission)
    if channel == "errand":
        items = items.filter(current__errand=True)
    item = items.filter(pk=parse_id(request.GET.get("item")) or 0).first()
    context = {"items": items, "item": item}
    if item is None:
        return render(request, template, context)
    places = pages.places_for(request.user, permission, item)
    form = IntakeForm(request.POST or None, item=item, places=places)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                made = actions.service_request_receive(
                    actor=request.user,
                    item_id=item.pk,
                    node_id=d["place"],
                    resident_name=d["resident_name"],
                    resident_phone=d["resident_phone"],
                    note=d["note"],
                    materials=d["materials"],
                    channel=channel,
                    submission_id=d.get("submission_id") or None,
                )
            except ValidationError as exc:
                add_to_form(form, exc)
            else:
                return redirect(done, request_id=made.pk)
        status = 400
    return render(request, template, {**context, "form": form}, status=status)


@access.door_required("desk", "servicerequest.receive")
@require_http_methods(["GET", "POST"])
def request_new(request):
    return take(
        request,
        channel="window",
        permission="servicerequest.receive",
        template="services/desk/new.html",
        done="services_request",
    )
