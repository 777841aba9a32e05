"""Showing a resident's phone in full, from a request's or a help order's page at either door:
ask why, log it (services.actions.resident_phone_reveal), then show it on this page only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cases.forms import RevealReasonForm
from grids.privacy import mask_phone
from services import actions, help_pages, pages
from services.actions.privacy import may_reveal_phone
from staff import access


@login_required
@require_http_methods(["GET", "POST"])
def phone_reveal(request, request_id: int | None = None, help_order_id: int | None = None):
    if request_id is not None:
        found = pages.find_request(request, request_id)  # outside the scope: 404
        title, desk, phone = found.number, "services_request", "services_errand"
    else:
        found = help_pages.find_order(request, help_order_id)
        title, desk, phone = found.get_kind_display(), "help_order", "volunteer_task"
    if not may_reveal_phone(request.user, found):
        raise PermissionDenied
    form = RevealReasonForm(request.POST or None)
    value = None
    if request.method == "POST" and form.is_valid():
        value = actions.resident_phone_reveal(
            actor=request.user,
            reason=form.cleaned_data["reason"],
            request_id=request_id,
            order_id=help_order_id,
        )
    at_desk = access.can_anywhere(request.user, "door.desk")
    context = {
        "layout": "desk/base.html" if at_desk else "mobile/base.html",
        "title": title,
        "name": found.resident_name,
        "form": form,
        "value": value,
        "masked": mask_phone(found.resident_phone),
        "back": reverse(desk if at_desk else phone, args=[found.pk]),
    }
    response = render(request, "services/reveal.html", context)
    response["Cache-Control"] = "no-store"
    return response
