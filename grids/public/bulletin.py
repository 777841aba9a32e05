"""The printable bulletins (公示牌): a place's board (/g/<code>/bulletin/?size=a4|a3) and a road
segment's 街长公示栏 (/g/s/<code>/bulletin/), each one page with its QR code. The desk prints
a whole village or town at once (grids/desk/bulletins.py) from the same sheets."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from grids.public.grid import not_found
from grids.qr import public_url, qr_svg
from grids.queries import Bulletin, bulletins, public_node, segment_bulletin

SIZES = ("a4", "a3")


def paper_size(request) -> str:
    """The paper asked for (?size=a4 or a3); A4 unless it is one of those."""
    size = request.GET.get("size", "")
    return size if size in SIZES else SIZES[0]


def grid_sheet(request, board: Bulletin) -> dict:
    """One place's board: what it says and the QR code of its page."""
    url = public_url(request, reverse("public_grid", kwargs={"code": board.node.code}))
    return {"kind": "grid", "board": board, "url": url, "qr": qr_svg(url, title=board.node.name)}


def street_sheet(request, segment, chiefs, board: Bulletin) -> dict:
    """A road segment's board: its chiefs, the place's grid workers and the QR code of the
    place's page (where a resident reports what they saw on the road)."""
    url = public_url(request, reverse("public_grid", kwargs={"code": board.node.code}))
    # Each post's own duties beyond the segment's, once per title (党员街长, 商户街长).
    own: dict[tuple, None] = {}
    for chief in chiefs:
        if chief.duties and list(chief.duties) != segment.duty_lines:
            own[(chief.title, chief.duties)] = None
    return {
        "kind": "street",
        "segment": segment,
        "chiefs": chiefs,
        "chief_duties": list(own),
        "board": board,
        "url": url,
        "qr": qr_svg(url, title=f"{segment.road} {segment.name}"),
    }


def render_sheets(request, sheets: list[dict], *, title: str, size: str, **extra):
    return render(
        request,
        "grids/print/sheets.html",
        {"sheets": sheets, "title": title, "size": size, "sizes": SIZES, **extra},
    )


@require_safe
def grid_bulletin(request, code: str):
    node = public_node(code)
    if node is None:
        return not_found(request)
    board = bulletins([node])[node.pk]
    return render_sheets(
        request, [grid_sheet(request, board)], title=node.name, size=paper_size(request)
    )


@require_safe
def street_bulletin(request, segment_code: str):
    found = segment_bulletin(segment_code)
    if found is None:
        return not_found(request)
    segment, chiefs, board = found
    return render_sheets(
        request,
        [street_sheet(request, segment, chiefs, board)],
        title=f"{segment.road} {segment.name}",
        size=paper_size(request),
    )
