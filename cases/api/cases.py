"""Cases on the API: the list with the dashboard's filters (cases.queries.filter_cases), one
case with its history, and a report coming in (cases.actions.case_report)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from cases import actions, workflow
from cases.api.serializers import (
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseSerializer,
    kept,
)
from cases.models import Case, Color, CountyCall, Mediation, Source, Status
from cases.pages import visible_cases
from cases.queries import CASE_FILTERS, filter_cases
from cases.queries.cases import overdue_at
from gridgov.api.errors import Refused
from gridgov.api.views import ApiView
from gridgov.models import ApiClient
from grids.models import GridNode
from staff import access

_YES, _NO = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}

# The dashboard's filters (cases.queries.CASE_FILTERS) as the list reads them; any other
# filter a later version adds there is read too, and described by its name.
_FILTER_HELP = {
    "node": _("Only cases that happened in this node's subtree (its id)."),
    "overdue_at": _("Open past the deadline at this moment (a date: its end)."),
    "status": _("Only cases in this status."),
    "on_time": _("closed: closed by the deadline (按期结案); resolved: done by the deadline."),
    "verified_in_time": _("true: verified within the policy's time after the work was done."),
    "settled": _("Settled at grid, village, town, county, or other."),
    "escalated": _("true: escalated at least once."),
    "reworked": _("true: failed a verification at least once."),
}
_DATE_HELP = {
    "received": _("reported"),
    "accepted": _("triaged"),
    "due": _("due"),
    "closed": _("closed"),
    "rated": _("rated"),
}


def _filter_parameters() -> list[OpenApiParameter]:
    params = []
    for name in CASE_FILTERS:
        base, _sep, end = name.rpartition("_")
        if end in ("from", "to") and base in _DATE_HELP:
            words = _("From this day (or instant) on") if end == "from" else _("Up to this day")
            # Lazy all the way, so the schema is written in the caller's language.
            help_text = format_lazy(
                _("{bound}: {date} (YYYY-MM-DD or ISO 8601)."), bound=words, date=_DATE_HELP[base]
            )
            params.append(OpenApiParameter(name, str, description=help_text))
        elif name == "node":
            params.append(OpenApiParameter(name, int, description=str(_FILTER_HELP[name])))
        elif name == "status":
            params.append(
                OpenApiParameter(name, str, enum=Status.values, description=str(_FILTER_HELP[name]))
            )
        else:
            params.append(
                OpenApiParameter(name, str, description=str(_FILTER_HELP.get(name, name)))
            )
    return [
        *params,
        OpenApiParameter(
            "color", str, enum=Color.values, description=str(_("Only cases of this color."))
        ),
        OpenApiParameter(
            "source", str, enum=Source.values, description=str(_("Only cases from this source."))
        ),
        OpenApiParameter(
            "overdue",
            bool,
            description=str(_("true: open and past the deadline now; false: all others.")),
        ),
        OpenApiParameter(
            "q", str, description=str(_("Search the case number and title (up to 50 characters)."))
        ),
    ]


def list_cases(user, params):
    """The cases the list shows for these parameters (unreadable values are ignored, as on the
    desk's list); filter_cases reads the dashboard's filters."""
    cases = visible_cases(user).select_related("node", "owner_node")
    nodes = access.scope(user, "case.view", GridNode.objects.all(), via="")
    cases, _words = filter_cases(cases, params, nodes=nodes)
    if params.get("color") in Color.values:
        cases = cases.filter(color=params["color"])
    if params.get("source") in Source.values:
        cases = cases.filter(source=params["source"])
    overdue = (params.get("overdue") or "").lower()
    if overdue in _YES:
        cases = cases.filter(overdue_at(timezone.now()))
    elif overdue in _NO:
        cases = cases.exclude(overdue_at(timezone.now()))
    term = (params.get("q") or "").strip()[:50]
    if term:
        cases = cases.filter(Q(number__icontains=term) | Q(title__icontains=term))
    return cases


# What the answer shows beside the case, one query each: the county calls with their
# departments (for the answer and for the actions on them), the mediations with the mediators.
_RELATED = (
    Prefetch("county_calls", CountyCall.objects.select_related("department")),
    Prefetch("mediations", Mediation.objects.select_related("mediator")),
)
# A case reported in this very transaction: no one else can have called the county on it or
# mediated it yet, and reporting does neither (tests/api/test_lean_answers.py compares the
# answer with a later read of the case).
_NONE_YET = (
    Prefetch("county_calls", CountyCall.objects.none()),
    Prefetch("mediations", Mediation.objects.none()),
)


def _answered_case(request, case_id: int) -> Case:
    """The case if the caller may see it (outside their scope: 404, like a missing one), joined
    with only what the answer shows: the case page's join of ten tables took PostgreSQL longer
    to plan than to run."""
    cases = visible_cases(request.user).select_related(
        "node", "owner_node", "handler", "handler_unit"
    )
    return get_object_or_404(cases.prefetch_related(*_RELATED), pk=case_id)


def _answer(request, case: Case, code: int = status.HTTP_200_OK) -> Response:
    headers = {"Location": reverse("api:case_detail", args=[case.pk])}
    case.available_actions = workflow.available_actions(request.user, case)
    data = kept(CaseDetailSerializer).to_representation(case)
    return Response(data, status=code, headers=headers if code == 201 else None)


def case_answer(request, case_id: int, code: int = status.HTTP_200_OK) -> Response:
    return _answer(request, _answered_case(request, case_id), code)


_CREATE_EXAMPLE = OpenApiExample(
    "A resident's report",
    value={
        "node_code": "610722107201001",
        "title": "路灯不亮",
        "description": "一组村口路灯连续三晚不亮。",
        "reporter_name": "张三",
        "reporter_phone": "13800001234",
    },
    request_only=True,
)


class CaseList(ApiView):
    serializer_class = CaseSerializer

    @property
    def endpoint(self):
        if self.request.method == "POST":
            return ApiClient.Endpoint.CASES_REPORT
        return ApiClient.Endpoint.CASES_READ

    @extend_schema(
        operation_id="cases_list",
        responses=CaseSerializer(many=True),
        summary=_("Cases"),
        description=_(
            "The cases you may see, newest first, with the dashboard's filters: each figure's "
            "link on the dashboard names the same parameters. Unreadable values are ignored."
        ),
        parameters=_filter_parameters(),
        tags=["cases"],
    )
    def get(self, request):
        return self.paged(list_cases(request.user, request.query_params), CaseSerializer)

    @extend_schema(
        operation_id="cases_create",
        summary=_("Report a case"),
        description=_(
            "一访二报: the case comes in reported, for the town to triage, exactly as from the "
            "phone or the intake desk. You need a post that may report on that node."
        ),
        request=CaseCreateSerializer,
        responses={201: CaseDetailSerializer},
        examples=[_CREATE_EXAMPLE],
        tags=["cases"],
    )
    def post(self, request):
        data = self.body(CaseCreateSerializer)
        node = _node(request.user, data.pop("node", None), data.pop("node_code", ""))
        category = data.pop("category", None)
        case = actions.case_report(
            actor=request.user,
            node_id=node.pk,
            category_id=category.pk if category else None,
            known=({node.pk: node}, {category.pk: category} if category else {}),
            **data,
        )
        # The case just written is answered as it stands, not read again: with an
        # Idempotency-Key the answer is kept inside the report's transaction, which holds the
        # town's case-number row. Whether the caller sees it is the policy's question, as for
        # any case.
        if not access.can(request.user, "case.view", case):
            raise Http404
        prefetch_related_objects([case], *_NONE_YET)
        return _answer(request, case, status.HTTP_201_CREATED)


def _node(user, node_id, code) -> GridNode:
    """The node a report names, among those the caller may see: any other is a field error,
    the same for a node that does not exist."""
    nodes = GridNode.objects.all()
    node = nodes.filter(pk=node_id).first() if node_id else nodes.filter(code=code).first()
    if node is None or not access.can(user, "case.view", node):
        field = "node" if node_id else "node_code"
        raise Refused({field: [str(_("No such place in your area."))]})
    return node


class CaseDetail(ApiView):
    endpoint = ApiClient.Endpoint.CASES_READ
    serializer_class = CaseDetailSerializer

    @extend_schema(
        operation_id="cases_retrieve",
        summary=_("One case, with its history"),
        tags=["cases"],
    )
    def get(self, request, case_id: int):
        return case_answer(request, case_id)
