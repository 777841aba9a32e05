"""Applying online for an item that allows it (/g/services/<item code>/apply/): the resident
says who and where they are and what they ask; the window takes it from there, and they follow
it by the tracking code they get. An item done only at the window says so (and how to book a
holiday duty slot)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cases.public import guards
from gridgov.cleaning import parse_id
from gridgov.errors import add_to_form
from grids.public.grid import not_found
from services import actions, queries
from services.public.forms import GuardedForm, resident_fields


class ApplyForm(GuardedForm):
    place = forms.TypedChoiceField(label=gettext_lazy("Where you live"), coerce=int)
    note = forms.CharField(
        label=gettext_lazy("What you ask for (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        resident_fields(self)
        self.order_fields(["resident_name", "resident_phone", "place", "note"])
        self.item = item
        places = queries.places_under(item.node).only("pk", "name", "tier")
        self.fields["place"].choices = [(p.pk, p.name) for p in places]


@require_http_methods(["GET", "POST"])
def apply(request, item_code: str):
    item = queries.item_by_code(item_code)
    if item is None:
        return not_found(request)
    if not item.current.online:
        return render(request, "services/public/apply_window.html", {"item": item})
    status = 200
    if request.method == "POST":
        form = ApplyForm(request.POST, item=item, request=request)
        if form.is_valid():
            d = form.cleaned_data
            try:
                made = actions.service_request_receive(
                    actor=None,
                    item_id=item.pk,
                    node_id=d["place"],
                    resident_name=d["resident_name"],
                    resident_phone=d["resident_phone"],
                    note=d["note"],
                    channel="online",
                )
            except ValidationError as exc:
                add_to_form(form, exc)
            else:
                guards.count_report(request)
                messages.success(
                    request,
                    _("Your request is in. Its tracking code is %(code)s; keep it to follow it.")
                    % {"code": made.tracking_code},
                )
                return redirect("public_service_track", request_code=made.tracking_code)
        status = 400
    else:
        initial = {}
        place = parse_id(request.GET.get("place"))
        if place:
            initial["place"] = place
        form = ApplyForm(item=item, request=request, initial=initial)
    return render(
        request, "services/public/apply.html", {"item": item, "form": form}, status=status
    )
