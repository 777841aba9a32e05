"""Handling (四办五问): dispatch, sign, return, more time, supervision, progress, resolve,
verify, reopen and the resident's rating. Signing for and resolving a 12345 work order also
tell the hotline (cases/hotline/outgoing.py)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import policy, workflow
from cases.actions._common import _apply, _locked, _notify, _now, _rating, _text
from cases.hotline import outgoing as hotline
from cases.models import (
    Case,
    Unit,
)
from gridgov.errors import DomainError
from grids.models import GridNode, Tier
from staff import access


@transaction.atomic
def case_dispatch(
    *,
    actor,
    case_id: int,
    handler_id: int | None = None,
    unit_id: int | None = None,
    village_id: int | None = None,
    note: str = "",
    now=None,
) -> Case:
    """四办: hand the case to a grid worker, a village, a town platform, an outpost or a county
    department. A person or a village takes the case down to their level."""
    now = _now(now)
    case = _locked(actor, "case.dispatch", case_id)
    if sum(x is not None for x in (handler_id, unit_id, village_id)) != 1:
        raise DomainError(_("Dispatch to exactly one: a person, a unit or a village."))
    old_owner = case.owner_node
    case.handler, case.handler_unit = None, None
    event = {"note": note, "from_owner": old_owner}
    if handler_id is not None:
        from django.contrib.auth import get_user_model

        handler = get_user_model().objects.filter(pk=handler_id, is_active=True).first()
        node_id = access.handling_node_id(handler, case.node) if handler else None
        node = GridNode.objects.get(pk=node_id) if node_id else None
        if node is None:
            raise DomainError(_("That person does not work where this case happened."))
        if not old_owner.contains(node):
            raise DomainError(_("A case can be dispatched down from the level holding it, not up."))
        case.handler, case.owner_node = handler, node
        event["handler"] = handler
    elif unit_id is not None:
        unit = Unit.objects.select_related("node").filter(pk=unit_id).first()
        if unit is None or unit.node.tree_id != case.node.tree_id:
            raise DomainError(_("That unit does not serve this county."))
        if unit.kind != Unit.Kind.COUNTY_DEPARTMENT and not unit.node.contains(case.node):
            raise DomainError(_("That outpost or platform serves another town."))
        case.handler_unit = unit
        event["unit"] = unit
    else:
        village = GridNode.objects.filter(pk=village_id, tier=Tier.VILLAGE).first()
        if village is None or not village.contains(case.node):
            raise DomainError(_("Choose the village where the case happened."))
        if not old_owner.contains(village):
            raise DomainError(_("A case can be dispatched down from the level holding it, not up."))
        case.owner_node = village
    event["to_owner"] = case.owner_node
    _apply(
        case,
        "dispatch",
        "handler",
        "handler_unit",
        "owner_node",
        actor=actor,
        now=now,
        event=event,
    )
    _notify("case_dispatched", case, handler=handler_id, unit=unit_id)
    return case


def _require_handler(actor, case: Case) -> None:
    """Only whom the case was dispatched to may take it on (others in scope get a clear no)."""
    if actor is None or workflow.may_handle(actor, case):
        return
    if case.handler_id and case.handler_id != actor.pk:
        raise DomainError(
            _("This case was dispatched to %(name)s.")
            % {"name": case.handler.first_name or case.handler.username}
        )
    if case.handler_unit_id and not access.is_member(actor, case.handler_unit):
        raise DomainError(
            _("This case was dispatched to %(unit)s.") % {"unit": case.handler_unit.name}
        )


@transaction.atomic
def case_sign(*, actor, case_id: int, note: str = "", now=None) -> Case:
    """The handler signs for the case: from now on it is theirs."""
    now = _now(now)
    case = _locked(actor, "case.sign", case_id)
    _require_handler(actor, case)
    _apply(case, "sign", actor=actor, now=now, event={"note": note})
    hotline.case_signed(case, now=now)  # a 12345 order: the hotline hears it was signed for
    return case


@transaction.atomic
def case_return(*, actor, case_id: int, reason: str, now=None) -> Case:
    """退办: not ours. Back to the level that dispatched it, to be dispatched again."""
    now = _now(now)
    case = _locked(actor, "case.return", case_id)
    _require_handler(actor, case)
    reason = _text(reason, _("the reason"))
    last = case.events.filter(action="dispatch").order_by("-created_at", "-pk").first()
    old_owner = case.owner_node
    if last is not None and last.from_owner_id:
        case.owner_node = last.from_owner
    case.handler, case.handler_unit = None, None
    _apply(
        case,
        "return",
        "owner_node",
        "handler",
        "handler_unit",
        actor=actor,
        now=now,
        event={"note": reason, "from_owner": old_owner, "to_owner": case.owner_node},
    )
    _notify("case_returned", case)
    return case


@transaction.atomic
def case_request_extension(
    *, actor, case_id: int, until: dt.datetime, reason: str, now=None
) -> Case:
    """Ask the level above for more time, with the reason."""
    now = _now(now)
    case = _locked(actor, "case.request_extension", case_id)
    reason = _text(reason, _("the reason"), limit=300)
    if case.extension_until:
        raise DomainError(_("More time has already been asked for; wait for the answer."))
    if until <= max(now, case.clear_by or now):
        raise DomainError(_("Ask for a date after the current deadline."))
    case.extension_until, case.extension_reason = until, reason
    _apply(
        case,
        "request_extension",
        "extension_until",
        "extension_reason",
        actor=actor,
        now=now,
        event={"note": reason},
    )
    _notify("extension_requested", case)
    return case


def _decide_extension(*, actor, case_id: int, approve: bool, note: str, now) -> Case:
    now = _now(now)
    case = _locked(actor, "case.approve_extension", case_id)
    action = "approve_extension" if approve else "refuse_extension"
    workflow.require_transition(case.status, action)
    if not case.extension_until:
        raise DomainError(_("Nobody has asked for more time on this case."))
    fields = ["extension_until", "extension_reason"]
    if approve:
        case.clear_by, case.overdue_since, case.warned_at = case.extension_until, None, None
        fields += ["clear_by", "overdue_since", "warned_at"]
        note = note or timezone.localtime(case.extension_until).strftime("%Y-%m-%d %H:%M")
    elif not note.strip():
        raise DomainError(_("Please give %(what)s.") % {"what": _("the reason")})
    case.extension_until, case.extension_reason = None, ""
    _apply(case, action, *fields, actor=actor, now=now, event={"note": note})
    _notify("extension_decided", case, approved=approve)
    return case


@transaction.atomic
def case_approve_extension(*, actor, case_id: int, note: str = "", now=None) -> Case:
    """The level holding the case grants the new deadline that was asked for."""
    return _decide_extension(actor=actor, case_id=case_id, approve=True, note=note, now=now)


@transaction.atomic
def case_refuse_extension(*, actor, case_id: int, reason: str, now=None) -> Case:
    """The level holding the case refuses more time, with the reason."""
    return _decide_extension(actor=actor, case_id=case_id, approve=False, note=reason, now=now)


@transaction.atomic
def case_supervise(*, actor, case_id: int, note: str, automatic: bool = False, now=None) -> Case:
    """督办: a formal nudge on a case, to its holder and the level above."""
    now = _now(now)
    case = _locked(actor, "case.supervise", case_id)
    note = _text(note, _("what is asked"))
    _apply(case, "supervise", actor=actor, now=now, event={"note": note, "automatic": automatic})
    _notify("case_supervised", case, note=note)
    return case


@transaction.atomic
def case_progress(*, actor, case_id: int, note: str, now=None) -> Case:
    """A progress note on an open case (周报 / 月报 / 季报): the next one is due a cadence later."""
    now = _now(now)
    case = _locked(actor, "case.progress", case_id)
    workflow.require_transition(case.status, "progress")
    note = _text(note, _("the progress"))
    case.report_by = policy.report_by(case.color, now)
    case.progress_overdue_since = None
    return _apply(
        case,
        "progress",
        "report_by",
        "progress_overdue_since",
        actor=actor,
        now=now,
        event={"note": note},
    )


# A reply to the resident fits a text message or two and one screen of the phone.
PUBLIC_REPLY_LIMIT = 500


def _resolve(
    case: Case,
    *,
    actor,
    result: str,
    now,
    action: str = "resolve",
    event: dict | None = None,
    public_reply: str = "",
) -> Case:
    case.result = result
    # Each resolution says its own word to the resident, or none: never an earlier one's.
    case.public_reply = (public_reply or "").strip()[:PUBLIC_REPLY_LIMIT]
    case.resolved_at = now
    case.settled_tier = case.owner_node.tier
    _apply(
        case,
        action,
        "result",
        "public_reply",
        "resolved_at",
        "settled_tier",
        actor=actor,
        now=now,
        event=event or {"note": result},
    )
    _notify("case_resolved", case)
    hotline.case_resolved(case, now=now)  # a 12345 order: the reply goes back to the hotline
    return case


@transaction.atomic
def case_resolve(*, actor, case_id: int, result: str, public_reply: str = "", now=None) -> Case:
    """办结: the work is done; the result waits for verification. `public_reply` is what the
    resident reads on their tracking page (the result stays internal)."""
    now = _now(now)
    case = _locked(actor, "case.resolve", case_id)
    workflow.require_transition(case.status, "resolve")
    _require_handler(actor, case)
    return _resolve(
        case,
        actor=actor,
        result=_text(result, _("the result")),
        public_reply=public_reply,
        now=now,
    )


@transaction.atomic
def case_verify(*, actor, case_id: int, ok: bool, note: str = "", now=None) -> Case:
    """五问: check the result. Good: closed. Not good: back to handling, counted as rework (返工)."""
    now = _now(now)
    case = _locked(actor, "case.verify", case_id)
    if ok:
        case.closed_at = now
        _apply(case, "verify_ok", "closed_at", actor=actor, now=now, event={"note": note})
        _notify("case_closed", case)
    else:
        note = _text(note, _("what is still wrong"))
        case.rework_count += 1
        case.resolved_at = None
        case.settled_tier = ""
        _apply(
            case,
            "verify_fail",
            "rework_count",
            "resolved_at",
            "settled_tier",
            actor=actor,
            now=now,
            event={"note": note},
        )
        _notify("case_rework", case)
    return case


def _check_resident(actor, by_resident: bool) -> None:
    # The resident has no account: their own act reaches here with no actor, marked so.
    if by_resident and actor is not None:
        raise ValueError("A resident's own act has no actor.")


@transaction.atomic
def case_reopen(*, actor, case_id: int, reason: str, by_resident: bool = False, now=None) -> Case:
    """The resident is not satisfied, within the policy's days after closing: handled again.
    `by_resident`: the resident themselves, through their tracking code (no actor)."""
    now = _now(now)
    _check_resident(actor, by_resident)
    case = _locked(actor, "case.reopen", case_id)
    workflow.require_transition(case.status, "reopen")
    reason = _text(reason, _("the reason"))
    window = policy.policy_for(case.color).reopen_within_days
    if case.closed_at and now > case.closed_at + dt.timedelta(days=window):
        raise DomainError(
            _(
                "A case can be reopened within %(days)d days of closing; this one closed on %(date)s."
            )
            % {"days": window, "date": timezone.localtime(case.closed_at).date().isoformat()}
        )
    case.reopen_count += 1
    case.closed_at = case.resolved_at = None
    case.settled_tier = ""
    case.clear_by = policy.clear_by(case.color, now)
    case.overdue_since = case.warned_at = None
    _apply(
        case,
        "reopen",
        "warned_at",
        "reopen_count",
        "closed_at",
        "resolved_at",
        "settled_tier",
        "clear_by",
        "overdue_since",
        actor=actor,
        now=now,
        event={"note": reason, "by_resident": by_resident},
    )
    _notify("case_reopened", case)
    return case


@transaction.atomic
def case_rate(
    *, actor, case_id: int, satisfaction, note: str = "", by_resident: bool = False, now=None
) -> Case:
    """The resident's satisfaction with the result, 1 to 5, once: given by the resident
    through their tracking code (`by_resident`, no actor), or taken down by the desk on a call
    back."""
    now = _now(now)
    _check_resident(actor, by_resident)
    case = _locked(actor, "case.rate", case_id)
    workflow.require_transition(case.status, "rate")
    if case.satisfaction is not None:
        raise DomainError(_("This case has already been rated."))
    case.satisfaction, case.rated_at = _rating(satisfaction), now
    return _apply(
        case,
        "rate",
        "satisfaction",
        "rated_at",
        actor=actor,
        now=now,
        event={"note": (note or "").strip()[:1000], "by_resident": by_resident},
    )
