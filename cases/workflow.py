"""The case lifecycle (一访二报三研四办五问) as one transition table.

Each action names the statuses it may start from and the status it leads to (None: the status
stays). Nothing else in gridgov decides whether an action fits a case's state.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Status

S = Status

# action -> (from statuses, to status or None when the status does not change)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "accept": (frozenset({S.REPORTED}), S.ACCEPTED),
    "reject": (frozenset({S.REPORTED}), S.REJECTED),
    "merge": (frozenset({S.REPORTED}), S.MERGED),
    "dispatch": (frozenset({S.ACCEPTED}), S.DISPATCHED),
    "sign": (frozenset({S.DISPATCHED}), S.HANDLING),
    "return": (frozenset({S.DISPATCHED, S.HANDLING}), S.ACCEPTED),  # 退办: not ours
    "request_extension": (frozenset({S.HANDLING}), None),
    "approve_extension": (frozenset({S.HANDLING}), None),
    "refuse_extension": (frozenset({S.HANDLING}), None),
    "supervise": (frozenset({S.ACCEPTED, S.DISPATCHED, S.HANDLING}), None),  # 督办
    "progress": (frozenset({S.ACCEPTED, S.DISPATCHED, S.HANDLING}), None),  # 周报/月报/季报
    "mediate": (frozenset({S.HANDLING}), None),  # a success resolves (see actions)
    # DESIGN.md lets only a handled case go up; the deadline sweep also escalates cases that
    # were accepted or dispatched and then left untouched past their deadline.
    "escalate": (frozenset({S.ACCEPTED, S.DISPATCHED, S.HANDLING}), S.ACCEPTED),
    "call_county": (frozenset({S.HANDLING}), None),
    "resolve": (frozenset({S.HANDLING}), S.RESOLVED),
    "verify_ok": (frozenset({S.RESOLVED}), S.CLOSED),
    "verify_fail": (frozenset({S.RESOLVED}), S.HANDLING),  # 返工, counted
    "reopen": (frozenset({S.CLOSED}), S.HANDLING),  # resident unhappy, in time
    "rate": (frozenset({S.CLOSED}), None),
}

ACTION_LABELS = {
    "report": gettext_lazy("Report"),
    "accept": gettext_lazy("Accept"),
    "reject": gettext_lazy("Reject"),
    "merge": gettext_lazy("Merge"),
    "dispatch": gettext_lazy("Dispatch"),
    "sign": gettext_lazy("Sign for"),
    "return": gettext_lazy("Return (not ours)"),
    "request_extension": gettext_lazy("Ask for more time"),
    "approve_extension": gettext_lazy("Grant more time"),
    "refuse_extension": gettext_lazy("Refuse more time"),
    "supervise": gettext_lazy("Supervise (督办)"),
    "mediate": gettext_lazy("Record a mediation"),
    "progress": gettext_lazy("Report progress"),
    "escalate": gettext_lazy("Escalate"),
    "call_county": gettext_lazy("Call the county"),
    "county_respond": gettext_lazy("Department answers"),
    "county_rate": gettext_lazy("Rate the answer"),
    "county_rate_necessity": gettext_lazy("Rate the call's necessity"),
    "resolve": gettext_lazy("Resolve"),
    "verify_ok": gettext_lazy("Verify and close"),
    "verify_fail": gettext_lazy("Send back for rework"),
    "reopen": gettext_lazy("Reopen"),
    "rate": gettext_lazy("Rate"),
}


class CaseError(Exception):
    """A domain refusal with a message for the person (translated), never a 500."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def allowed(status: str, action: str) -> bool:
    sources, _target = TRANSITIONS[action]
    return status in sources


def require_transition(status: str, action: str) -> str:
    """The status after `action`, or CaseError if the action does not fit `status`."""
    if action not in TRANSITIONS:
        raise ValueError(f"Unknown case action {action!r}")
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise CaseError(
            _("A case that is “%(status)s” cannot be given “%(action)s”.")
            % {"status": Status(status).label, "action": ACTION_LABELS[action]}
        )
    return target or status


def actions_from(status: str) -> list[str]:
    """The actions the table allows from a status (the access policy then narrows them)."""
    return [a for a, (sources, _t) in TRANSITIONS.items() if status in sources]
