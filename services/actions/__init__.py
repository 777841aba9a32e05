"""Every write of the services app. A request's actions lock the row, check the access policy
and the transition table (services.workflow), change only named fields, append a history event
and queue a notice in the same transaction.

`actor` None means the system (a rhythm) or a resident online; the caller answers for that.
`now` is for tests and replays; it defaults to the clock.

The actions live by sub-domain in this package and are all reachable from here:
`from services import actions; actions.service_request_accept(...)`.
"""

from __future__ import annotations

from collections.abc import Callable

from services import workflow
from services.actions.catalog import (
    CatalogRefused,
    service_item_check,
    service_item_save,
    service_items_import,
)
from services.actions.duty import duty_book, duty_booking_cancel
from services.actions.intake import service_request_receive
from services.actions.privacy import resident_phone_reveal
from services.actions.sweep import RequestSweepResult, request_sweep
from services.actions.volunteers import (
    activity_check_in,
    activity_sign_up,
    help_order_cancel,
    help_order_confirm,
    help_order_dispatch,
    help_order_finish,
    help_order_hand_back,
    help_order_place,
    help_order_take,
    orders_sweep,
)
from services.actions.window import (
    service_request_accept,
    service_request_complete,
    service_request_decline,
    service_request_deliver,
    service_request_done,
    service_request_hand,
    service_request_notify_missing,
    service_request_record_visit,
    service_request_refuse,
)


def function_of(name: str) -> Callable:
    """The function in services.actions that does this action of the table."""
    return globals()[workflow.ACTIONS[name].function]


def perform(name: str, *, actor, request_id: int, values: dict, now=None):
    """Take an action of the table with a page's parsed values (a model choice as its id)."""
    kwargs = workflow.ACTIONS[name].arguments(values)
    return function_of(name)(actor=actor, request_id=request_id, now=now, **kwargs)


def perform_on_order(name: str, *, actor, order_id: int, values: dict, now=None):
    """Take an action of the orders' table (services.orders) with a page's parsed values."""
    from services import orders

    action = orders.ACTIONS[name]
    kwargs = action.arguments(values)
    return globals()[action.function](actor=actor, order_id=order_id, now=now, **kwargs)


__all__ = [
    "activity_check_in",
    "activity_sign_up",
    "help_order_cancel",
    "help_order_confirm",
    "help_order_dispatch",
    "help_order_finish",
    "help_order_hand_back",
    "help_order_place",
    "help_order_take",
    "orders_sweep",
    "perform_on_order",
    "CatalogRefused",
    "RequestSweepResult",
    "duty_book",
    "duty_booking_cancel",
    "function_of",
    "perform",
    "request_sweep",
    "resident_phone_reveal",
    "service_item_check",
    "service_item_save",
    "service_items_import",
    "service_request_accept",
    "service_request_complete",
    "service_request_decline",
    "service_request_deliver",
    "service_request_done",
    "service_request_hand",
    "service_request_notify_missing",
    "service_request_receive",
    "service_request_record_visit",
    "service_request_refuse",
]
