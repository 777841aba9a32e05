"""A grid worker's errands on the phone (全程代办, /m/services/): the requests they carry for
residents (who then need not come at all), taking a new one at the resident's door, and each
errand's page with what they may do now (hand the result over)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from services import pages, workflow
from services.desk.intake import take
from services.models import OPEN_REQUEST_STATUSES, ServiceRequest
from staff import access

RECENT = 20


@access.door_required("mobile", "servicerequest.errand")
@require_GET
def errand_list(request):
    mine = ServiceRequest.objects.filter(errand_runner=request.user).select_related("item", "node")
    context = {
        "open": list(mine.filter(status__in=OPEN_REQUEST_STATUSES).order_by("received_at")),
        "done": list(
            mine.exclude(status__in=OPEN_REQUEST_STATUSES).order_by("-delivered_at")[:RECENT]
        ),
    }
    return render(request, "services/mobile/errands.html", context)


@access.door_required("mobile", "servicerequest.errand")
@require_http_methods(["GET", "POST"])
def errand_new(request):
    return take(
        request,
        channel="errand",
        permission="servicerequest.errand",
        template="services/mobile/new.html",
        done="services_errand",
    )


@login_required
@require_GET
def errand_page(request, request_id: int):
    found = pages.find_request(request, request_id)  # outside the scope: 404, then the door
    access.require_door(request.user, "mobile")
    return render(
        request,
        "services/mobile/errand.html",
        pages.request_context(request, found, page=workflow.MOBILE),
    )


@login_required
@require_POST
def errand_act(request, request_id: int):
    found = pages.find_request(request, request_id)
    access.require_door(request.user, "mobile")
    return pages.act(
        request,
        found,
        page=workflow.MOBILE,
        template="services/mobile/errand.html",
        back="services_errand",
    )
