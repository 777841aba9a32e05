"""Residents' help orders on the desk (/desk/help/): the village's or town's list to dispatch
(社区派单), the orders behind a figure, and one page per order."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from gridgov.cleaning import parse_id
from grids.privacy import mask_phone
from services import help_pages, orders, queries
from services.models import OrderStatus
from staff import access

PAGE_SIZE = 50
REACHED = {"dispatched": "dispatched_at", "taken": "taken_at", "done": "done_at"}


@access.door_required("desk", "helporder.dispatch")
@require_GET
def order_list(request):
    found = queries.visible_orders(request.user).select_related("node", "team")
    status = request.GET.get("status", "")
    if status in OrderStatus.values:
        found = found.filter(status=status)
    if request.GET.get("overdue") == "1":
        found = found.filter(overdue_since__isnull=False, status__in=["placed", "dispatched"])
    team = parse_id(request.GET.get("team"))
    if team:
        found = found.filter(team_id=team)
    # A figure's link: the orders placed in its period that got at least this far.
    reached = REACHED.get(request.GET.get("reached", ""))
    if reached:
        found = found.filter(**{f"{reached}__isnull": False})
    if request.GET.get("from") or request.GET.get("to"):
        start, end = queries.period(request.GET)
        found = found.filter(placed_at__gte=start, placed_at__lt=end)
    page = Paginator(found.order_by("-placed_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for o in page:
        o.masked_phone = mask_phone(o.resident_phone)
    kept = [
        (k, request.GET[k][:20])
        for k in ("status", "overdue", "team", "reached", "from", "to")
        if request.GET.get(k)
    ]
    context = {
        "page": page,
        "statuses": OrderStatus.choices,
        "status": status if status in OrderStatus.values else "",
        "filtered": bool(kept),
        "querystring": urlencode(kept),
    }
    return render(request, "services/desk/help_list.html", context)


@login_required
@require_GET
def order_page(request, help_order_id: int):
    found = help_pages.find_order(request, help_order_id)
    access.require_door(request.user, "desk")
    return render(
        request,
        "services/desk/help_order.html",
        help_pages.order_context(request, found, page=orders.DESK),
    )


@login_required
@require_POST
def order_act(request, help_order_id: int):
    found = help_pages.find_order(request, help_order_id)
    access.require_door(request.user, "desk")
    return help_pages.act(
        request,
        found,
        page=orders.DESK,
        template="services/desk/help_order.html",
        back="help_order",
    )
