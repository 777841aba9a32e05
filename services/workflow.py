"""The life of a one-window request (一窗受理, 一次性告知, 一站式办理, 一条龙服务) as one table.

    received ─accept→ accepted ─hand→ handed ─done→ done ─deliver→ delivered
    received ─notify_missing→ incomplete ─complete→ accepted     (一次性告知; the clock waits)
    received|incomplete ─decline(reason)→ refused                 (不予受理, at the window)
    handed ─refuse(reason)→ refused ─deliver→ delivered          (the back office says no)
    any open status ─record_visit(reason)→ the same               (最多跑一次: counted)

Each row says everything gridgov knows about one action: the statuses it starts from and the
one it leads to (None: the status stays), the permission it needs, its label, the fields its
form asks for, who besides the permission may take it (the back office's members, or the
request's own errand-runner), the function in services.actions that does it, and the doors that
offer it. The request pages (desk and phone) and the demo read this table; adding an action is
one row here and its function. Nothing else decides whether an action fits a request's state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Unit
from gridgov.errors import DomainError
from services.models import RequestStatus, ServiceRequest
from staff import access

S = RequestStatus
DESK, MOBILE = "desk", "mobile"
BOTH = frozenset({DESK, MOBILE})
NOTE = gettext_lazy("Note")
REASON = gettext_lazy("Reason")
OPEN = frozenset({S.RECEIVED, S.INCOMPLETE, S.ACCEPTED, S.HANDED, S.DONE, S.REFUSED})

# Who may take a row's action beyond its permission.
ANYONE = "anyone"  # the permission is enough
BACK_OFFICE = "back_office"  # a member of the unit the request was handed to
WINDOW_OR_RUNNER = "window_or_runner"  # the window, or the request's own errand-runner


def _with(**fields: str) -> Callable[[dict], dict]:
    """Form values -> the action's keywords: the text box under `text`, others by name."""
    text = fields.pop("text", None)

    def arguments(values: dict) -> dict:
        kwargs = {kwarg: values.get(field) for kwarg, field in fields.items()}
        if text:
            kwargs[text] = values.get("text") or ""
        return kwargs

    return arguments


@dataclass(frozen=True)
class RequestAction:
    name: str
    label: object  # a lazy translation
    permission: str
    function: str  # the name of the function in services.actions
    arguments: Callable[[dict], dict]
    sources: frozenset[str]
    target: str | None = None
    fields: tuple[str, ...] = ("text",)
    text_label: object = NOTE
    who: str = ANYONE
    pages: frozenset[str] = BOTH


ACTIONS: dict[str, RequestAction] = {
    a.name: a
    for a in [
        RequestAction(
            "accept",
            gettext_lazy("Accept (materials complete)"),
            "servicerequest.accept",
            "service_request_accept",
            _with(materials="materials", text="note"),
            frozenset({S.RECEIVED}),
            S.ACCEPTED,
            fields=("materials", "text"),
            pages=frozenset({DESK}),
        ),
        RequestAction(  # 一次性告知
            "notify_missing",
            gettext_lazy("Give the one-time notice of what is missing"),
            "servicerequest.accept",
            "service_request_notify_missing",
            _with(materials="materials", text="note"),
            frozenset({S.RECEIVED}),
            S.INCOMPLETE,
            fields=("materials", "text"),
            text_label=gettext_lazy("Note to the resident"),
            pages=frozenset({DESK}),
        ),
        RequestAction(
            "complete",
            gettext_lazy("Missing materials came: accept"),
            "servicerequest.accept",
            "service_request_complete",
            _with(materials="materials", came="came", text="note"),
            frozenset({S.INCOMPLETE}),
            S.ACCEPTED,
            fields=("materials", "came", "text"),
            pages=frozenset({DESK}),
        ),
        RequestAction(  # 不予受理
            "decline",
            gettext_lazy("Decline at the window"),
            "servicerequest.accept",
            "service_request_decline",
            _with(text="reason"),
            frozenset({S.RECEIVED, S.INCOMPLETE}),
            S.REFUSED,
            text_label=gettext_lazy("Reason (told to the resident)"),
            pages=frozenset({DESK}),
        ),
        RequestAction(
            "hand",
            gettext_lazy("Hand to the back office"),
            "servicerequest.accept",
            "service_request_hand",
            _with(unit_id="unit", text="note"),
            frozenset({S.ACCEPTED}),
            S.HANDED,
            fields=("unit", "text"),
            pages=frozenset({DESK}),
        ),
        RequestAction(
            "done",
            gettext_lazy("Done"),
            "servicerequest.decide",
            "service_request_done",
            _with(text="result"),
            frozenset({S.HANDED}),
            S.DONE,
            text_label=gettext_lazy("Result"),
            who=BACK_OFFICE,
            pages=frozenset({DESK}),
        ),
        RequestAction(
            "refuse",
            gettext_lazy("Refuse"),
            "servicerequest.decide",
            "service_request_refuse",
            _with(text="reason"),
            frozenset({S.HANDED}),
            S.REFUSED,
            text_label=gettext_lazy("Reason (told to the resident)"),
            who=BACK_OFFICE,
            pages=frozenset({DESK}),
        ),
        RequestAction(
            "deliver",
            gettext_lazy("Hand the result to the resident"),
            "servicerequest.deliver",
            "service_request_deliver",
            _with(delivery="delivery", address="address", text="note"),
            frozenset({S.DONE, S.REFUSED}),
            S.DELIVERED,
            fields=("delivery", "address", "text"),
            who=WINDOW_OR_RUNNER,
        ),
        RequestAction(  # 最多跑一次: every further trip is counted, with its reason
            "record_visit",
            gettext_lazy("Record a visit of the resident"),
            "servicerequest.accept",
            "service_request_record_visit",
            _with(text="reason"),
            OPEN,
            fields=("text",),
            text_label=gettext_lazy("Why did they have to come?"),
            pages=frozenset({DESK}),
        ),
    ]
}

TRANSITIONS = {a.name: (a.sources, a.target) for a in ACTIONS.values()}
ACTION_LABELS = {
    "receive": gettext_lazy("Taken in"),
    "overdue": gettext_lazy("Past the promised time"),
    **{a.name: a.label for a in ACTIONS.values()},
}


def require_transition(status: str, action: str) -> str:
    """The status after `action`, or DomainError if the action does not fit `status`."""
    if action not in TRANSITIONS:
        raise ValueError(f"Unknown request action {action!r}")
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise DomainError(
            _("A request that is “%(status)s” cannot be given “%(action)s”.")
            % {"status": RequestStatus(status).label, "action": ACTION_LABELS[action]}
        )
    return target or status


def in_back_office(actor, request: ServiceRequest) -> bool:
    """Does the actor work for the unit the request was handed to? A town's platform is the
    town's own back office, so the town's window staff answer for it too."""
    if actor is None or actor.is_superuser:
        return True
    unit = request.handler_unit
    if unit is None:
        return False
    if access.is_member(actor, unit):
        return True
    return unit.kind == Unit.Kind.PLATFORM and access.can(actor, "servicerequest.accept", request)


def may_take(actor, action: RequestAction, request: ServiceRequest) -> bool:
    """The permission, then who the row says besides (the policy decides both)."""
    if not access.can(actor, action.permission, request):
        return False
    if action.who == BACK_OFFICE:
        return in_back_office(actor, request)
    if action.who == WINDOW_OR_RUNNER:
        return (
            access.can(actor, "servicerequest.accept", request)
            or request.errand_runner_id == actor.pk
        )
    return True


def require_may_take(actor, name: str, request: ServiceRequest) -> str:
    """The status after `name`: 404 outside the scope, 403 when the role lacks the action,
    DomainError when the request's status does not allow it, then 403 when this person is not
    who the row asks for (not of the back office, not the request's errand-runner)."""
    from django.core.exceptions import PermissionDenied

    action = ACTIONS[name]
    if actor is not None:
        access.require(actor, action.permission, request)
    target = require_transition(request.status, name)
    if actor is not None and not may_take(actor, action, request):
        raise PermissionDenied
    return target


def available_actions(user, request: ServiceRequest, page: str = DESK) -> list[str]:
    """What this person may do to this request now at this door: the table, then the policy."""
    return [
        a.name
        for a in ACTIONS.values()
        if page in a.pages and request.status in a.sources and may_take(user, a, request)
    ]
