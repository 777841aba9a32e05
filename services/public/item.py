"""One item's page (/g/services/<item code>/), where the service card's QR code leads: its
五公开 (content, procedure, policy basis, service phone, staff in charge), materials, time
limits and fee; and its printable A6 service card, two-sided (…/card/)."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from grids.public.grid import not_found
from grids.qr import public_url, qr_svg
from services import queries


def _found(code: str):
    return queries.item_by_code(code)


def _context(item) -> dict:
    town = item.node.town
    return {
        "item": item,
        "v": item.current,
        "town": town,
        "staff": queries.public_staff(item),
        "steps": item.current.steps,
        "documents": item.current.documents,
        "materials": item.current.material_list,
    }


@require_safe
def item_page(request, item_code: str):
    item = _found(item_code)
    if item is None:
        return not_found(request)
    return render(request, "services/public/item.html", _context(item))


@require_safe
def card(request, item_code: str):
    item = _found(item_code)
    if item is None:
        return not_found(request)
    url = public_url(request, reverse("public_service_item", kwargs={"item_code": item.code}))
    context = {**_context(item), "url": url, "qr": qr_svg(url, title=item.name)}
    return render(request, "services/print/card.html", context)
