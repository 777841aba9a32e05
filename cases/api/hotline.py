"""The 12345 hotline's door on the API (docs/hotline.md): it pushes its work orders, and tells
gridgov what it hears from the caller (urges, call-backs) and its decisions on returns. The
JSON on both sides is the adapter's (cases/hotline/adapter.py); the work is the actions'.

Only a hotline's own system calls here: an API client with the hotline endpoint and its
hotline settings (a person, or a client without settings, is refused: 403). An order is
found by the hotline's own number among that hotline's orders: another's, or one outside
the client's area, is 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from cases import actions, workflow
from cases.hotline import adapter
from cases.hotline.attachments import order_photos
from cases.models import HotlineConfig, HotlineOrder
from gridgov.api.auth import client_of
from gridgov.api.errors import Conflict
from gridgov.api.views import ApiView
from gridgov.models import ApiClient
from staff import access


def hotline_client(request) -> ApiClient:
    """The hotline calling: an API client with hotline settings; anyone else 403."""
    client = client_of(request)
    if client is None:
        raise PermissionDenied(_("Only a 12345 hotline's own system calls here."))
    if not HotlineConfig.objects.filter(client=client).exists():
        raise PermissionDenied(_("This API client has no 12345 hotline settings."))
    return client


def _answer(order: HotlineOrder, code: int = status.HTTP_200_OK) -> Response:
    order = HotlineOrder.objects.select_related("case__node", "case__owner_node").get(pk=order.pk)
    return Response(adapter.OrderOutSerializer(adapter.order_answer(order)).data, status=code)


_ORDER_EXAMPLE = OpenApiExample(
    "An order",
    value={
        "order_no": "SX12345-20261116-0042",
        "category": "城乡建设/路灯",
        "content": "梁家庵村一组村口路灯连续三晚不亮，夜里出行不便。",
        "address": "城固县沙河营镇梁家庵村一组",
        "town_code": "610722107",
        "caller_name": "张三",
        "caller_phone": "13800001234",
        "deadline": "2026-11-21T18:00:00+08:00",
        "attachments": [{"url": "https://files.12345.example.org/SX0042/1.jpg"}],
    },
    request_only=True,
)


class HotlineOrders(ApiView):
    endpoint = ApiClient.Endpoint.HOTLINE
    serializer_class = adapter.OrderInSerializer

    @extend_schema(
        operation_id="hotline_orders_create",
        summary=gettext_lazy("Push a 12345 work order"),
        description=gettext_lazy(
            "The order becomes a case (source hotline) in the intake of the town its "
            "town_code or address names, or of the top of the hotline's area (the county "
            "centre's queue) when it names none there. An order number sent before answers "
            "200 with the case it made, never a second case. Photos by url are fetched only "
            "from the hosts the operator allows."
        ),
        request=adapter.OrderInSerializer,
        responses={
            201: adapter.OrderOutSerializer,
            200: OpenApiResponse(
                adapter.OrderOutSerializer,
                description=gettext_lazy("Sent before: the order as it stands."),
            ),
        },
        examples=[_ORDER_EXAMPLE],
        tags=["hotline"],
    )
    def post(self, request):
        client = hotline_client(request)
        order = adapter.read_order(self.body(adapter.OrderInSerializer))
        known = (
            HotlineOrder.objects.select_related("case__node")
            .filter(client=client, order_no=order.order_no)
            .first()
        )
        if known is not None:
            return _answer(_seen_by(request.user, known))
        made, created = actions.hotline_order_receive(
            actor=request.user,
            client_id=client.pk,
            order=order,
            photos=order_photos(order.attachments),
        )
        if not created:  # made by a copy of this order that came in at the same moment
            return _answer(_seen_by(request.user, made))
        return _answer(made, status.HTTP_201_CREATED)


def _seen_by(user, order: HotlineOrder) -> HotlineOrder:
    """The order sent before, if its case is still in the client's area: one moved out since
    (the client's area changed) is no longer the client's to read, as on the events door."""
    if not access.can(user, "case.view", order.case):
        raise Http404("No such order.")
    return order


def _refusal(user, case, name: str) -> Exception | None:
    """Why the hotline may not tell this of the case now: 409 when the case (or the order)
    stands otherwise, 403 when its roles do not allow it."""
    if name in workflow.available_actions(user, case, workflow.HOTLINE):
        return None
    row = workflow.ACTIONS[name]
    if not access.can(user, row.permission, case):
        return PermissionDenied()
    if case.status not in row.sources:
        return Conflict(
            _("A case that is “%(status)s” cannot be given “%(action)s”.")
            % {"status": case.get_status_display(), "action": row.label}
        )
    return Conflict(_("“%(action)s” does not fit this order as it stands.") % {"action": row.label})


class HotlineEvents(ApiView):
    endpoint = ApiClient.Endpoint.HOTLINE
    serializer_class = adapter.EventInSerializer

    @extend_schema(
        operation_id="hotline_events_create",
        summary=gettext_lazy("Tell gridgov about a 12345 work order"),
        description=gettext_lazy(
            "urge (催办): recorded in the case's history, a notice to its handler and the "
            "town. callback (回访): the caller's verdict on the reply, recorded as the case's "
            "rating, once. return_decision (退单): the answer to a town's request to take the "
            "order back: accepted ends the case in gridgov, refused leaves it with the town. "
            "404: no such order of yours; 409: it does not fit the order as it stands."
        ),
        request=adapter.EventInSerializer,
        responses={200: adapter.OrderOutSerializer},
        examples=[
            OpenApiExample(
                "urge",
                value={"order_no": "SX12345-20261116-0042", "event": "urge", "note": "市民催办"},
                request_only=True,
            ),
            OpenApiExample(
                "callback",
                value={
                    "order_no": "SX12345-20261116-0042",
                    "event": "callback",
                    "result": "satisfied",
                },
                request_only=True,
            ),
            OpenApiExample(
                "return_decision",
                value={
                    "order_no": "SX12345-20261116-0042",
                    "event": "return_decision",
                    "decision": "refused",
                    "note": "属地管理，请继续办理",
                },
                request_only=True,
            ),
        ],
        tags=["hotline"],
    )
    def post(self, request):
        client = hotline_client(request)
        event = adapter.read_event(self.body(adapter.EventInSerializer))
        order = (
            HotlineOrder.objects.select_related("case__node", "case__owner_node")
            .filter(client=client, order_no=event.order_no)
            .first()
        )
        if order is None or not access.can(request.user, "case.view", order.case):
            raise Http404("No such order.")
        refused = _refusal(request.user, order.case, event.action)
        if refused is not None:
            raise refused
        actions.perform(event.action, actor=request.user, case=order.case, values=event.values)
        return _answer(order)
