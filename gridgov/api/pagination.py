"""Every list of the API is cursor-paged: a page is one query (page size + 1 rows), however
deep the page, and rows written meanwhile never shift what the next page shows."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from gridgov.cleaning import parse_int


class Cursor(CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    page_size_query_description = _("Rows per page (1 to 200; 50 when not given).")
    cursor_query_description = _("Where the page starts: the `next` or `previous` link's cursor.")
    ordering = "-pk"  # newest first; a list that needs another order says so

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        words = {
            "next": _("The next page's address; null on the last page."),
            "previous": _("The previous page's address; null on the first page."),
            "results": _("This page's rows."),
        }
        for name, text in words.items():
            described["properties"][name]["description"] = str(text)
        return described

    def get_ordering(self, request, queryset, view):
        # A view may page in another order of a unique number column (`cursor_ordering`).
        return (getattr(view, "cursor_ordering", None) or self.ordering,)

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        # The position goes into a filter on the ordering's field (an id here): anything else
        # than a number would be a database error, not a page.
        position = cursor.position if cursor is not None else None
        if position is not None and parse_int(position) is None:
            raise NotFound(self.invalid_cursor_message)
        return cursor
