"""A pager that counts no further than anyone reads: a county's list of half a million cases
would otherwise cost a COUNT over every row in scope on each page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most `cap` rows (one COUNT over a LIMIT); beyond that the page says "more
    than", and the last page offered is the one the cap reaches: filters narrow the rest."""

    cap = 10_000

    @cached_property
    def _counted(self) -> int:
        rows = self.object_list
        if hasattr(rows, "order_by"):
            # Which rows the LIMIT keeps does not change how many: unordered, the database can
            # stop at the cap instead of sorting every row in scope first.
            rows = rows.order_by()
        return rows[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap


class CountedPaginator(Paginator):
    """A pager told how many rows there are, by figures the page reads anyway: it counts
    nothing itself."""

    capped = False

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known = count

    @property
    def count(self) -> int:
        return self._known
