"""The dashboard's figures for a node and a period, from the same function the dashboard
counts them with (cases.queries.kpis); docs/kpis.md says what each counts."""

from __future__ import annotations

import dataclasses
import inspect

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from cases.api.serializers import KpiSerializer
from cases.queries import Kpis
from cases.queries.dashboard import parse_period, scope_root
from cases.queries.rolled import current_kpis
from gridgov.api.errors import PROBLEM_TYPE, Refused
from gridgov.api.schema import ProblemSerializer
from gridgov.api.views import ApiView
from gridgov.cleaning import parse_id
from gridgov.models import ApiClient
from grids.models import GridNode
from staff import access


def _figures(k: Kpis) -> dict:
    figures = dataclasses.asdict(k)
    for name, _prop in inspect.getmembers(Kpis, lambda p: isinstance(p, property)):
        if name.endswith(("_rate", "_share")):
            figures[name] = getattr(k, name)
    return figures


def _node(request) -> GridNode:
    """As the dashboard: the node asked for, inside the scope (else 404), or the top of it."""
    raw = request.query_params.get("node")
    if not raw:
        node = scope_root(request.user)
        if node is None:
            raise PermissionDenied
        return node
    node = GridNode.objects.filter(pk=parse_id(raw) or 0).first()
    if node is None:
        raise Http404("No such node.")
    access.require(request.user, "report.view", node)
    return node


class KpiView(ApiView):
    endpoint = ApiClient.Endpoint.KPIS
    serializer_class = KpiSerializer

    @extend_schema(
        operation_id="kpis_retrieve",
        summary=_("The figures of a node and a period"),
        description=_(
            "The dashboard's figures (结案率 and the rest, docs/kpis.md) for a node's subtree: "
            "the top of your scope when no node is given; this month when no period is."
        ),
        parameters=[
            OpenApiParameter("node", int, description=str(_("The node (its id)."))),
            OpenApiParameter(
                "period",
                str,
                enum=["week", "month", "quarter", "range"],
                description=str(_("The period containing today, or a range (start and end).")),
            ),
            OpenApiParameter(
                "start", str, description=str(_("For a range: the first day, YYYY-MM-DD."))
            ),
            OpenApiParameter(
                "end", str, description=str(_("For a range: the last day, YYYY-MM-DD."))
            ),
        ],
        responses={200: KpiSerializer, (422, PROBLEM_TYPE): ProblemSerializer},
        tags=["figures"],
    )
    def get(self, request):
        node = _node(request)
        now = timezone.now().replace(microsecond=0)
        period = parse_period(request.query_params, timezone.localdate(now))
        if period.error:
            raise Refused({"period": [str(period.error)]})
        figures = current_kpis(node, *period.bounds, now=now)
        data = {
            "node": node,
            "period": {"kind": period.kind, "start": period.start, "last_day": period.last_day},
            "figures": _figures(figures),
            "as_of": now,
        }
        return Response(KpiSerializer(data).data)
