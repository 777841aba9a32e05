"""群众点单、社区派单、志愿者接单 as one table, like the requests' (services.workflow):

    placed ─dispatch(team, volunteer)→ dispatched ─take→ taken ─finish(note, hours)→ done
    done ─confirm(rating)→ confirmed                  (the resident, or whoever serves them)
    placed|dispatched ─cancel(reason)→ cancelled
    taken ─hand_back(reason)→ placed                  (the taker cannot do it: dispatch again)

An order not dispatched within a working day, or not taken within a working day of being
dispatched, is flagged by the sweep and its dispatchers are told (supervision, as for cases).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.errors import DomainError
from services.models import HelpOrder, OrderStatus, Volunteer
from staff import access

S = OrderStatus
DESK, MOBILE = "desk", "mobile"
ANYONE, TEAM_MEMBER, TAKER = "anyone", "team_member", "taker"
DISPATCH_WITHIN = 1  # working day, after the order came in
TAKE_WITHIN = 1  # working day, after it was dispatched


@dataclass(frozen=True)
class OrderAction:
    name: str
    label: object
    permission: str
    function: str
    arguments: Callable[[dict], dict]
    sources: frozenset[str]
    target: str
    fields: tuple[str, ...] = ()
    text_label: object = gettext_lazy("Note")
    who: str = ANYONE
    pages: frozenset[str] = frozenset({DESK, MOBILE})


ACTIONS: dict[str, OrderAction] = {
    a.name: a
    for a in [
        OrderAction(
            "dispatch",
            gettext_lazy("Dispatch"),
            "helporder.dispatch",
            "help_order_dispatch",
            lambda v: {"team_id": v.get("team"), "volunteer_id": v.get("volunteer")},
            frozenset({S.PLACED}),
            S.DISPATCHED,
            fields=("team", "volunteer"),
            pages=frozenset({DESK}),
        ),
        OrderAction(
            "take",
            gettext_lazy("Take it on"),
            "helporder.take",
            "help_order_take",
            lambda v: {},
            frozenset({S.DISPATCHED}),
            S.TAKEN,
            who=TEAM_MEMBER,
            pages=frozenset({MOBILE}),
        ),
        OrderAction(
            "finish",
            gettext_lazy("Done"),
            "helporder.take",
            "help_order_finish",
            lambda v: {"note": v.get("text") or "", "hours": v.get("hours")},
            frozenset({S.TAKEN}),
            S.DONE,
            fields=("text", "hours"),
            text_label=gettext_lazy("What was done"),
            who=TAKER,
            pages=frozenset({MOBILE}),
        ),
        OrderAction(  # the history keeps who had it and why they gave it up
            "hand_back",
            gettext_lazy("Hand it back"),
            "helporder.take",
            "help_order_hand_back",
            lambda v: {"reason": v.get("text") or ""},
            frozenset({S.TAKEN}),
            S.PLACED,
            fields=("text",),
            text_label=gettext_lazy("Why you cannot do it"),
            who=TAKER,
            pages=frozenset({MOBILE}),
        ),
        OrderAction(
            "confirm",
            gettext_lazy("Confirm and rate"),
            "helporder.confirm",
            "help_order_confirm",
            lambda v: {"rating": v.get("rating"), "note": v.get("text") or ""},
            frozenset({S.DONE}),
            S.CONFIRMED,
            fields=("rating", "text"),
        ),
        OrderAction(
            "cancel",
            gettext_lazy("Cancel"),
            "helporder.dispatch",
            "help_order_cancel",
            lambda v: {"reason": v.get("text") or ""},
            frozenset({S.PLACED, S.DISPATCHED}),
            S.CANCELLED,
            fields=("text",),
            text_label=gettext_lazy("Reason"),
            pages=frozenset({DESK}),
        ),
    ]
}
ACTION_LABELS = {
    "place": gettext_lazy("Ordered"),
    "overdue": gettext_lazy("Past its time: supervised"),
    **{a.name: a.label for a in ACTIONS.values()},
}


def require_transition(status: str, name: str) -> str:
    sources, target = ACTIONS[name].sources, ACTIONS[name].target
    if status not in sources:
        raise DomainError(
            _("An order that is “%(status)s” cannot be given “%(action)s”.")
            % {"status": OrderStatus(status).label, "action": ACTIONS[name].label}
        )
    return target


def volunteer_of(user, order: HelpOrder) -> Volunteer | None:
    """The user as a volunteer of the team the order went to (or the volunteer it names)."""
    if user is None or order.team_id is None:
        return None
    if order.volunteer_id:
        found = order.volunteer
        return found if found.user_id == user.pk else None
    return Volunteer.objects.filter(user=user, team_id=order.team_id).first()


def may_take(user, action: OrderAction, order: HelpOrder) -> bool:
    if not access.can(user, action.permission, order):
        return False
    if action.who == TEAM_MEMBER:
        return volunteer_of(user, order) is not None
    if action.who == TAKER:
        return order.volunteer is not None and order.volunteer.user_id == user.pk
    return True


def require_may_take(actor, name: str, order: HelpOrder) -> str:
    """404 outside the scope, 403 without the right, DomainError when the status does not
    allow it, 403 when the row asks for a member of the team or the volunteer who took it."""
    action = ACTIONS[name]
    if actor is not None:
        access.require(actor, action.permission, order)
    target = require_transition(order.status, name)
    if actor is not None and not may_take(actor, action, order):
        raise PermissionDenied
    return target


def available_actions(user, order: HelpOrder, page: str) -> list[str]:
    return [
        a.name
        for a in ACTIONS.values()
        if page in a.pages and order.status in a.sources and may_take(user, a, order)
    ]
