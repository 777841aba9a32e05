"""Every write to a case. Each action locks the row, checks the access policy and the guard,
changes only named fields, appends a CaseEvent and queues notices in the same transaction.

`actor` None means the system (a rhythm) or a resident acting through their tracking code;
the caller answers for that. `now` is for tests and replays; it defaults to the clock.

The actions live by sub-domain in this package and are all reachable from here:
`from cases import actions; actions.case_accept(...)`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.utils.translation import gettext as _

from cases import workflow
from cases.actions.county_calls import (
    case_call_county,
    case_call_department,
    county_call_rate,
    county_call_rate_necessity,
    county_call_respond,
)
from cases.actions.handling import (
    case_approve_extension,
    case_dispatch,
    case_progress,
    case_rate,
    case_refuse_extension,
    case_reopen,
    case_request_extension,
    case_resolve,
    case_return,
    case_sign,
    case_supervise,
    case_verify,
)
from cases.actions.handover import case_hand_over
from cases.actions.holidays import holidays_enter, recompute_deadlines
from cases.actions.hotline import (
    hotline_callback,
    hotline_config_save,
    hotline_order_receive,
    hotline_return_decide,
    hotline_return_request,
    hotline_secret_rotate,
    hotline_urge,
)
from cases.actions.intake import (
    case_accept,
    case_merge,
    case_recategorize,
    case_reject,
    case_report,
    case_report_from_the_field,
    case_reveal_reporter_phone,
    case_settle_on_the_spot,
)
from cases.actions.ladder import case_escalate, case_mediate
from cases.actions.public import case_report_by_resident
from cases.actions.reports import generate as generate_report
from cases.actions.reports import generate_due as generate_due_reports
from cases.actions.sweep import SweepResult, deadline_sweep
from cases.models import Case
from gridgov.errors import DomainError


def function_of(name: str) -> Callable:
    """The function in cases.actions that does this action, with the keywords that make it so."""
    action = workflow.ACTIONS[name]
    return partial(globals()[action.function], **action.fixed)


def perform(name: str, *, actor, case: Case | None = None, values: dict):
    """Take an action with a page's parsed values (a model choice given as its id). An action on
    a county call needs `values["call"]` (the page has checked it is one of this case's calls, or
    the action checks the person's scope over it), and no case."""
    action = workflow.ACTIONS[name]
    kwargs = action.arguments(values, case)
    if action.fits_call is None:
        kwargs["case_id"] = case.pk
    else:
        if not values.get("call"):
            raise DomainError(_("Choose the county call."), field="call")
        kwargs["call_id"] = values["call"]
    return function_of(name)(actor=actor, **kwargs)


__all__ = [
    "SweepResult",
    "case_accept",
    "case_approve_extension",
    "case_call_county",
    "case_call_department",
    "case_dispatch",
    "case_escalate",
    "case_hand_over",
    "case_mediate",
    "case_merge",
    "case_recategorize",
    "case_progress",
    "case_rate",
    "case_refuse_extension",
    "case_reject",
    "case_reopen",
    "case_report",
    "case_report_by_resident",
    "case_report_from_the_field",
    "case_request_extension",
    "case_resolve",
    "case_return",
    "case_reveal_reporter_phone",
    "case_settle_on_the_spot",
    "case_sign",
    "case_supervise",
    "case_verify",
    "county_call_rate",
    "county_call_rate_necessity",
    "county_call_respond",
    "deadline_sweep",
    "function_of",
    "generate_due_reports",
    "generate_report",
    "holidays_enter",
    "hotline_callback",
    "hotline_config_save",
    "hotline_order_receive",
    "hotline_return_decide",
    "hotline_return_request",
    "hotline_secret_rotate",
    "hotline_urge",
    "perform",
    "recompute_deadlines",
]
