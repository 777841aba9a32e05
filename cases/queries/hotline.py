"""The 12345 hotline's three rates (三率) for a node and a period, in one query over the work
orders of cases that happened in the node's subtree (docs/kpis.md says what each counts):

- 响应率 response rate: orders signed for within the hotline's response time, of the orders
  received in the period whose time is up (or that were signed for already);
- 解决率 resolution rate: orders resolved by the period's end, of those due in it (the
  hotline's deadline, else the case's own);
- 满意率 satisfaction rate: satisfied call-backs (satisfied or basically satisfied) of the
  call-backs recorded in the period.

An order the hotline took back was never the town's: it counts in none of them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.models import HotlineOrder
from grids.models import GridNode


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class HotlineRates:
    received: int  # orders received in the period
    response_counted: int  # of those, signed for or past their response time
    responded_in_time: int
    due: int
    resolved: int
    called_back: int
    satisfied: int

    @property
    def response_rate(self) -> float | None:
        """响应率: signed for in time ÷ counted"""
        return _rate(self.responded_in_time, self.response_counted)

    @property
    def resolution_rate(self) -> float | None:
        """解决率: resolved ÷ due"""
        return _rate(self.resolved, self.due)

    @property
    def satisfaction_rate(self) -> float | None:
        """满意率: satisfied ÷ call-backs"""
        return _rate(self.satisfied, self.called_back)


def hotline_rates(
    node: GridNode, start: dt.datetime, end: dt.datetime, *, now: dt.datetime | None = None
) -> HotlineRates:
    """The three rates of `node`'s subtree for [start, end): one query."""
    now = now or timezone.now()
    orders = HotlineOrder.objects.filter(GridNode.subtree_q(node, via="case__node")).exclude(
        return_state=HotlineOrder.Return.ACCEPTED
    )
    received = Q(received_at__gte=start, received_at__lt=end)
    counted = received & (Q(signed_at__isnull=False) | Q(respond_by__lte=now))
    due = Q(due_on__gte=start, due_on__lt=end)
    called = Q(called_back_at__gte=start, called_back_at__lt=end)
    figures = orders.annotate(due_on=Coalesce("due_at", "case__clear_by")).aggregate(
        received=Count("pk", filter=received),
        response_counted=Count("pk", filter=counted),
        responded_in_time=Count("pk", filter=received & Q(signed_at__lte=F("respond_by"))),
        due=Count("pk", filter=due),
        resolved=Count("pk", filter=due & Q(case__resolved_at__lt=end)),
        called_back=Count("pk", filter=called),
        satisfied=Count(
            "pk",
            filter=called
            & Q(verdict__in=[HotlineOrder.Verdict.SATISFIED, HotlineOrder.Verdict.BASICALLY]),
        ),
    )
    return HotlineRates(**figures)
