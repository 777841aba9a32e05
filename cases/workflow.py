"""The case lifecycle (一访二报三研四办五问) as one table of actions.

Each row says everything gridgov knows about one action: the statuses it may start from and
the status it leads to (None: the status stays), the permission it needs, its label, the fields
of the action form it asks for, whether only the case's handler may take it, which county calls
it fits (for the actions on a call) or which cases (a 12345 order's own actions), the function in cases.actions that does it (`actions.perform` takes an action by name), and the
pages that offer it. The case pages (desk and phone), the admin's "Work this case", the board, the
county-calls page and the demo replay all read this table; adding an action is one row here plus
its function. Nothing else in gridgov decides whether an action fits a case's state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Case, CountyCall, HotlineOrder, Status, order_of
from gridgov.errors import DomainError
from staff import access

S = Status
# The statuses in which a case is worked; supervision, progress and escalation fit all of them.
WORKED = frozenset({S.ACCEPTED, S.DISPATCHED, S.HANDLING})

# The pages that offer actions. The case page is one page at two doors (desk and phone).
# HOTLINE is the 12345 hotline's own door (/api/v1/hotline/): what the hotline tells gridgov.
CASE_PAGE, ADMIN, BOARD, CALLS, HOTLINE = "case_page", "admin", "board", "calls", "hotline"
EVERYWHERE = frozenset({CASE_PAGE, ADMIN})

NOTE = gettext_lazy("Note")
REASON = gettext_lazy("Reason")


def _text(kwarg: str) -> Callable[[dict, Case], dict]:
    """The form's one text box goes to this keyword of the action."""
    return lambda v, case: {kwarg: v.get("text") or ""}


def _with_text(kwarg: str, **more: str) -> Callable[[dict, Case], dict]:
    """The text box, plus form fields passed under the action's own keyword names."""
    return lambda v, case: {kwarg: v.get("text") or "", **{k: v.get(f) for k, f in more.items()}}


# Which cases a hotline row fits (a 12345 work order, and where it stands with the hotline).
# A case of another source costs no query.
def _not_an_order(case: Case) -> bool:
    return order_of(case) is None


def _an_order(case: Case) -> bool:
    return order_of(case) is not None


def _returnable(case: Case) -> bool:
    order = order_of(case)
    return order is not None and order.return_state != HotlineOrder.Return.REQUESTED


def _return_asked(case: Case) -> bool:
    order = order_of(case)
    return order is not None and order.return_state == HotlineOrder.Return.REQUESTED


def _not_called_back(case: Case) -> bool:
    order = order_of(case)
    return order is not None and order.called_back_at is None


@dataclass(frozen=True)
class CaseAction:
    name: str
    label: object  # a lazy translation
    permission: str
    function: str  # the name of the function in cases.actions
    arguments: Callable[[dict, Case], dict]  # form values -> the function's keywords
    sources: frozenset[str] | None = None  # None: an action on a county call, not on the case
    target: str | None = None
    fields: tuple[str, ...] = ("text",)
    text_label: object = NOTE
    handler_only: bool = False  # only whom the case was dispatched to (cases.actions refuses)
    fits_call: Callable[[CountyCall], bool] | None = None
    fixed: dict = field(default_factory=dict)  # keywords that make this action of the function
    pages: frozenset[str] = EVERYWHERE
    fits_case: Callable[[Case], bool] | None = None  # None: every case in the right status


ACTIONS: dict[str, CaseAction] = {
    a.name: a
    for a in [
        CaseAction(
            "accept",
            gettext_lazy("Accept"),
            "case.accept",
            "case_accept",
            lambda v, case: {
                "color": v.get("color") or "",
                "owner_node_id": v.get("owner_node"),
                "note": v.get("text") or "",
            },
            frozenset({S.REPORTED}),
            S.ACCEPTED,
            fields=("color", "owner_node", "text"),
        ),
        CaseAction(  # 研判 again: the matter belongs under another category
            "recategorize",
            gettext_lazy("Change the category"),
            "case.recategorize",
            "case_recategorize",
            lambda v, case: {"category_id": v.get("category") or 0, "note": v.get("text") or ""},
            WORKED,
            fields=("category", "text"),
        ),
        CaseAction(
            "reject",
            gettext_lazy("Reject"),
            "case.reject",
            "case_reject",
            _text("reason"),
            frozenset({S.REPORTED}),
            S.REJECTED,
            text_label=REASON,
            fits_case=_not_an_order,  # a 12345 order is returned to the hotline instead
        ),
        CaseAction(
            "merge",
            gettext_lazy("Merge"),
            "case.merge",
            "case_merge",
            lambda v, case: {"into_id": v.get("into") or 0, "note": v.get("text") or ""},
            frozenset({S.REPORTED}),
            S.MERGED,
            fields=("into", "text"),
            fits_case=_not_an_order,  # the hotline answers to its caller for each order
        ),
        CaseAction(
            "dispatch",
            gettext_lazy("Dispatch"),
            "case.dispatch",
            "case_dispatch",
            _with_text("note", handler_id="handler", unit_id="unit", village_id="village"),
            frozenset({S.ACCEPTED}),
            S.DISPATCHED,
            fields=("handler", "unit", "village", "text"),
        ),
        CaseAction(
            "sign",
            gettext_lazy("Sign for"),
            "case.sign",
            "case_sign",
            _text("note"),
            frozenset({S.DISPATCHED}),
            S.HANDLING,
            handler_only=True,
        ),
        CaseAction(  # 退办: not ours
            "return",
            gettext_lazy("Return (not ours)"),
            "case.return",
            "case_return",
            _text("reason"),
            frozenset({S.DISPATCHED, S.HANDLING}),
            S.ACCEPTED,
            text_label=REASON,
            handler_only=True,
        ),
        CaseAction(
            "request_extension",
            gettext_lazy("Ask for more time"),
            "case.request_extension",
            "case_request_extension",
            lambda v, case: {
                "until": v.get("until") or case.clear_by,
                "reason": v.get("text") or "",
            },
            frozenset({S.HANDLING}),
            fields=("until", "text"),
            text_label=REASON,
        ),
        CaseAction(
            "approve_extension",
            gettext_lazy("Grant more time"),
            "case.approve_extension",
            "case_approve_extension",
            _text("note"),
            frozenset({S.HANDLING}),
        ),
        CaseAction(
            "refuse_extension",
            gettext_lazy("Refuse more time"),
            "case.approve_extension",
            "case_refuse_extension",
            _text("reason"),
            frozenset({S.HANDLING}),
            text_label=REASON,
        ),
        CaseAction(  # 督办
            "supervise",
            gettext_lazy("Supervise (督办)"),
            "case.supervise",
            "case_supervise",
            _text("note"),
            WORKED,
            text_label=gettext_lazy("What to chase"),
            pages=EVERYWHERE | {BOARD},
        ),
        CaseAction(  # 周报/月报/季报
            "progress",
            gettext_lazy("Report progress"),
            "case.progress",
            "case_progress",
            _text("note"),
            WORKED,
            text_label=gettext_lazy("Progress"),
        ),
        CaseAction(  # a success resolves the case (cases.actions.ladder)
            "mediate",
            gettext_lazy("Record a mediation"),
            "case.mediate",
            "case_mediate",
            _with_text("agreement", outcome="outcome", parties="parties"),
            frozenset({S.HANDLING}),
            fields=("outcome", "parties", "text"),
            text_label=gettext_lazy("Agreement, or what stands between them"),
        ),
        # DESIGN.md lets only a handled case go up; the deadline sweep also escalates cases that
        # were accepted or dispatched and then left untouched past their deadline.
        CaseAction(
            "escalate",
            gettext_lazy("Escalate"),
            "case.escalate",
            "case_escalate",
            _text("reason"),
            WORKED,
            S.ACCEPTED,
            text_label=REASON,
        ),
        CaseAction(
            "call_county",
            gettext_lazy("Call the county"),
            "case.call_county",
            "case_call_county",
            lambda v, case: {
                "department_id": v.get("unit") or 0,
                "grounds": v.get("text") or "",
                "emergency": bool(v.get("emergency")),
            },
            frozenset({S.HANDLING}),
            fields=("unit", "emergency", "text"),
            text_label=gettext_lazy("Grounds"),
        ),
        CaseAction(  # 社区吹哨、部门报到: a village calls a department linked to it
            "call_department",
            gettext_lazy("Call a linked department"),
            "case.call_department",
            "case_call_department",
            lambda v, case: {"department_id": v.get("unit") or 0, "grounds": v.get("text") or ""},
            frozenset({S.HANDLING}),
            fields=("unit", "text"),
            text_label=gettext_lazy("Grounds"),
        ),
        CaseAction(
            "resolve",
            gettext_lazy("Resolve"),
            "case.resolve",
            "case_resolve",
            _with_text("result", public_reply="public_reply"),
            frozenset({S.HANDLING}),
            S.RESOLVED,
            fields=("text", "public_reply"),
            text_label=gettext_lazy("Result"),
            handler_only=True,
        ),
        CaseAction(
            "verify_ok",
            gettext_lazy("Verify and close"),
            "case.verify",
            "case_verify",
            _text("note"),
            frozenset({S.RESOLVED}),
            S.CLOSED,
            fixed={"ok": True},
        ),
        CaseAction(  # 返工, counted
            "verify_fail",
            gettext_lazy("Send back for rework"),
            "case.verify",
            "case_verify",
            _text("note"),
            frozenset({S.RESOLVED}),
            S.HANDLING,
            text_label=gettext_lazy("What is still wrong"),
            fixed={"ok": False},
        ),
        CaseAction(  # the resident is unhappy, in time
            "reopen",
            gettext_lazy("Reopen"),
            "case.reopen",
            "case_reopen",
            _text("reason"),
            frozenset({S.CLOSED}),
            S.HANDLING,
            text_label=REASON,
        ),
        CaseAction(
            "rate",
            gettext_lazy("Rate"),
            "case.rate",
            "case_rate",
            _with_text("note", satisfaction="rating"),
            frozenset({S.CLOSED}),
            fields=("rating", "text"),
        ),
        CaseAction(
            "county_respond",
            gettext_lazy("Department answers"),
            "countycall.respond",
            "county_call_respond",
            _text("response"),
            fields=("call", "text"),
            text_label=gettext_lazy("Answer"),
            fits_call=lambda call: call.state == CountyCall.State.OPEN and not call.by_village,
            pages=EVERYWHERE | {CALLS},
        ),
        CaseAction(
            "county_rate",
            gettext_lazy("Rate the answer"),
            "countycall.rate",
            "county_call_rate",
            _with_text("note", rating="rating"),
            fields=("call", "rating", "text"),
            fits_call=lambda call: call.state == CountyCall.State.ANSWERED and not call.by_village,
            pages=EVERYWHERE | {CALLS},
        ),
        CaseAction(
            "county_rate_necessity",
            gettext_lazy("Rate the call's necessity"),
            "countycall.rate_necessity",
            "county_call_rate_necessity",
            _with_text("note", rating="rating"),
            fields=("call", "rating", "text"),
            fits_call=lambda call: (
                call.state != CountyCall.State.OPEN
                and call.department_rating is None
                and not call.by_village
            ),
            pages=EVERYWHERE | {CALLS},
        ),
        # The same three on a village's call (社区吹哨): the linked department (or outpost)
        # answers and rates the call's necessity, the village rates the answer.
        CaseAction(
            "village_respond",
            gettext_lazy("Department answers"),
            "villagecall.respond",
            "county_call_respond",
            _text("response"),
            fields=("call", "text"),
            text_label=gettext_lazy("Answer"),
            fits_call=lambda call: call.state == CountyCall.State.OPEN and call.by_village,
            pages=EVERYWHERE | {CALLS},
        ),
        CaseAction(
            "village_rate",
            gettext_lazy("Rate the answer"),
            "villagecall.rate",
            "county_call_rate",
            _with_text("note", rating="rating"),
            fields=("call", "rating", "text"),
            fits_call=lambda call: call.state == CountyCall.State.ANSWERED and call.by_village,
            pages=EVERYWHERE | {CALLS},
        ),
        CaseAction(
            "village_rate_necessity",
            gettext_lazy("Rate the call's necessity"),
            "villagecall.rate_necessity",
            "county_call_rate_necessity",
            _with_text("note", rating="rating"),
            fields=("call", "rating", "text"),
            fits_call=lambda call: (
                call.state != CountyCall.State.OPEN
                and call.department_rating is None
                and call.by_village
            ),
            pages=EVERYWHERE | {CALLS},
        ),
        # --- the 12345 hotline's work orders (cases/actions/hotline.py, docs/hotline.md) ---
        CaseAction(  # 退单: the town asks the hotline to take back an order not its own
            "hotline_return",
            gettext_lazy("Ask the hotline to take it back (退单)"),
            "case.reject",
            "hotline_return_request",
            _text("reason"),
            frozenset({S.REPORTED, S.ACCEPTED}),
            text_label=REASON,
            fits_case=_returnable,
            pages=frozenset({CASE_PAGE}),
        ),
        CaseAction(  # 催办
            "hotline_urge",
            gettext_lazy("Urged by the 12345 hotline (催办)"),
            "case.supervise",
            "hotline_urge",
            _text("note"),
            WORKED | {S.REPORTED},
            fits_case=_an_order,
            pages=frozenset({HOTLINE}),
        ),
        CaseAction(  # 回访
            "hotline_callback",
            gettext_lazy("The 12345 hotline's call-back (回访)"),
            "case.rate",
            "hotline_callback",
            lambda v, case: {
                "result": v.get("result") or "",
                "satisfaction": v.get("rating"),
                "note": v.get("text") or "",
            },
            frozenset({S.RESOLVED, S.CLOSED}),
            fields=("rating", "text"),
            fits_case=_not_called_back,
            pages=frozenset({HOTLINE}),
        ),
        CaseAction(
            "hotline_return_accepted",
            gettext_lazy("Taken back by the 12345 hotline"),
            "case.reject",
            "hotline_return_decide",
            _text("note"),
            WORKED | {S.REPORTED},
            S.REJECTED,
            fits_case=_return_asked,
            fixed={"accepted": True},
            pages=frozenset({HOTLINE}),
        ),
        CaseAction(
            "hotline_return_refused",
            gettext_lazy("The 12345 hotline will not take it back"),
            "case.reject",
            "hotline_return_decide",
            _text("note"),
            WORKED | {S.REPORTED},
            fits_case=_return_asked,
            fixed={"accepted": False},
            pages=frozenset({HOTLINE}),
        ),
    ]
}

# action -> (from statuses, to status or None), for the actions on the case itself
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    a.name: (a.sources, a.target) for a in ACTIONS.values() if a.sources is not None
}
ACTION_LABELS = {"report": gettext_lazy("Report"), **{a.name: a.label for a in ACTIONS.values()}}


def allowed(status: str, action: str) -> bool:
    sources, _target = TRANSITIONS[action]
    return status in sources


def require_transition(status: str, action: str) -> str:
    """The status after `action`, or DomainError if the action does not fit `status`."""
    if action not in TRANSITIONS:
        raise ValueError(f"Unknown case action {action!r}")
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise DomainError(
            _("A case that is “%(status)s” cannot be given “%(action)s”.")
            % {"status": Status(status).label, "action": ACTION_LABELS[action]}
        )
    return target or status


def actions_from(status: str) -> list[str]:
    """The actions the table allows from a status (the access policy then narrows them)."""
    return [a for a, (sources, _t) in TRANSITIONS.items() if status in sources]


def offered_on(page: str) -> list[str]:
    """The actions a page offers, in the table's order."""
    return [a.name for a in ACTIONS.values() if page in a.pages]


def may_handle(actor, case: Case) -> bool:
    """Is the actor whom the case was dispatched to (the person, or a member of the unit)?"""
    if case.handler_id:
        return case.handler_id == actor.pk
    if case.handler_unit_id:
        return access.is_member(actor, case.handler_unit)
    return True


def available_actions(user, case: Case, page: str = CASE_PAGE) -> list[str]:
    """What this person may do to this case now on this page: the table, then the policy."""
    names = []
    calls = None
    handles = None  # asked at most once: for a unit, it is a membership query
    for a in ACTIONS.values():
        if page not in a.pages:
            continue
        if a.fits_call is None:
            if a.handler_only and handles is None and case.status in a.sources:
                handles = may_handle(user, case)
            if (
                case.status in a.sources
                and access.can(user, a.permission, case)
                and (not a.handler_only or handles)
                and (a.fits_case is None or a.fits_case(case))
            ):
                names.append(a.name)
            continue
        if calls is None:
            calls = list(case.county_calls.all())
        if any(a.fits_call(c) and access.can(user, a.permission, c) for c in calls):
            names.append(a.name)
    return names
