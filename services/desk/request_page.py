"""The requests on the desk (/desk/services/): the list (with a figure's filters, the requests
behind it), one page per request with its materials, visits, history and the actions this person
may take now, and the printable one-time notice (一次性告知书)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from grids.privacy import mask_phone
from services import pages, queries, workflow
from services.models import RequestStatus
from staff import access

PAGE_SIZE = 50


@access.door_required("desk", "servicerequest.view")
@require_GET
def request_list(request):
    found = queries.visible_requests(request.user).select_related("item", "node")
    found, term = pages.search(found, request.GET.get("q", ""))
    found = queries.filter_requests(found, request.GET)
    page = Paginator(found.order_by("-received_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for r in page:
        r.masked_phone = mask_phone(r.resident_phone)
    kept = [
        (k, request.GET[k][:40])
        for k in queries.REQUEST_FILTERS
        if k != "status" and request.GET.get(k)
    ]
    status = request.GET.get("status", "")
    context = {
        "page": page,
        "q": term,
        "status": status if status in RequestStatus.values or status == "open" else "",
        "statuses": RequestStatus.choices,
        "kept": kept,
        "filtered": bool(kept) or bool(status),
        "querystring": urlencode([*kept, ("q", term), ("status", status)]),
    }
    return render(request, "services/desk/list.html", context)


@login_required
@require_GET
def request_detail(request, request_id: int):
    found = pages.find_request(request, request_id)  # outside the scope: 404, then the door
    access.require_door(request.user, "desk")
    return render(
        request,
        "services/desk/request.html",
        pages.request_context(request, found, page=workflow.DESK),
    )


@login_required
@require_POST
def request_act(request, request_id: int):
    found = pages.find_request(request, request_id)
    access.require_door(request.user, "desk")
    return pages.act(
        request,
        found,
        page=workflow.DESK,
        template="services/desk/request.html",
        back="services_request",
    )


@login_required
@require_GET
def notice_print(request, request_id: int):
    """一次性告知书: what is missing, all at once, to hand or send to the resident."""
    found = pages.find_request(request, request_id)
    access.require_door(request.user, "desk")
    notice = getattr(found, "materials_notice", None)
    return render(
        request,
        "services/print/notice.html",
        {"found": found, "notice": notice, "missing": notice.missing if notice else []},
    )
