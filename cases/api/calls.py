"""County calls (乡呼县应) on the API, as on the desk's county-calls page: the town's calls
going out and the department's coming in; a department answers, the town rates the answer,
the department rates the call's necessity (the table's rows offered on that page)."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from cases import actions, workflow
from cases.api.serializers import CallActionRequestSerializer, CallSerializer
from cases.models import CountyCall
from cases.queries import calls as call_queries
from gridgov.api.errors import Conflict
from gridgov.api.views import ApiView
from gridgov.models import ApiClient
from staff import access

CALL_ACTIONS = workflow.offered_on(workflow.CALLS)


def listed_calls(user, side: str = ""):
    """The calls of the county-calls page: out, the town's; in, the caller's departments'."""
    ids = Q(pk__in=[])
    if side in ("", "out"):
        ids |= Q(pk__in=call_queries.outgoing_calls(user).values("pk"))
    if side in ("", "in"):
        units = call_queries.member_units(user)
        if units or user.is_superuser:
            ids |= Q(pk__in=call_queries.incoming_calls(user, units).values("pk"))
    return CountyCall.objects.filter(ids).select_related("case", "department")


def visible_calls(user):
    """Calls on the cases the caller may see: anything else answers like a missing call."""
    return access.scope(user, "case.view", CountyCall.objects.all(), via="case__node")


class CallList(ApiView):
    endpoint = ApiClient.Endpoint.CALLS
    serializer_class = CallSerializer

    @extend_schema(
        operation_id="calls_list",
        responses=CallSerializer(many=True),
        summary=gettext_lazy("County calls"),
        description=gettext_lazy(
            "The town's calls to county departments (out) and the calls to your own "
            "departments (in), newest first."
        ),
        parameters=[
            OpenApiParameter(
                "side",
                str,
                enum=["out", "in"],
                description=str(gettext_lazy("out: the town's calls; in: your departments'.")),
            )
        ],
        tags=["county calls"],
    )
    def get(self, request):
        side = request.query_params.get("side", "")
        side = side if side in ("out", "in") else ""
        return self.paged(listed_calls(request.user, side), CallSerializer)


class CallActionView(ApiView):
    endpoint = ApiClient.Endpoint.CALLS
    serializer_class = CallActionRequestSerializer

    @extend_schema(
        operation_id="calls_act",
        summary=gettext_lazy("Answer or rate a county call"),
        description=gettext_lazy(
            "county_respond: the department answers (text); county_rate: the town rates the "
            "answer (rating, text); county_rate_necessity: the department rates the call's "
            "necessity (rating, text). 409 when the call's state does not fit."
        ),
        parameters=[
            OpenApiParameter(
                "action",
                str,
                OpenApiParameter.PATH,
                enum=CALL_ACTIONS,
                description=str(gettext_lazy("The action, a row of the one action table.")),
            )
        ],
        request=CallActionRequestSerializer,
        responses={200: CallSerializer},
        tags=["county calls"],
    )
    def post(self, request, call_id: int, action: str):
        if action not in CALL_ACTIONS:
            raise NotFound()
        row = workflow.ACTIONS[action]
        call = get_object_or_404(
            visible_calls(request.user).select_related("case__node"), pk=call_id
        )
        if not access.can(request.user, row.permission, call):
            raise PermissionDenied()
        if not row.fits_call(call):
            raise Conflict(_("This call is not waiting for this."))
        values = self.body(CallActionRequestSerializer, allowed=set(row.fields) - {"call"})
        actions.perform(action, actor=request.user, values={"call": call.pk, **values})
        fresh = CountyCall.objects.select_related("case", "department").get(pk=call.pk)
        return Response(CallSerializer(fresh).data)
