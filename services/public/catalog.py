"""A place's service catalog (/g/<code>/services/): the items its town and village offer,
searchable, each leading to its page; and the town's printed handbook with a table of contents
(/g/<code>/services/handbook/). The 五公开 and nothing personal: staff by name and opted-in
work phone only."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from grids.public.grid import not_found
from grids.queries import public_node
from services import queries


@require_safe
def catalog(request, code: str):
    node = public_node(code)
    if node is None:
        return not_found(request)
    search = request.GET.get("q", "").strip()[: queries.SEARCH_CHARS]
    items = queries.catalog_for(node, search)
    return render(
        request,
        "services/public/catalog.html",
        {
            "node": node,
            "q": search,
            "chapters": queries.by_domain(items),
            "count": len(items),
        },
    )


@require_safe
def handbook(request, code: str):
    node = public_node(code)
    if node is None:
        return not_found(request)
    town = node.town
    items = queries.town_items(town)
    chapters = queries.by_domain(items)
    numbered, n = [], 0
    for label, chapter in chapters:
        rows = []
        for item in chapter:
            n += 1
            rows.append((n, item, queries.public_staff(item)))
        numbered.append((label, rows))
    return render(
        request,
        "services/print/handbook.html",
        {"node": node, "town": town, "chapters": numbered, "count": n},
    )
