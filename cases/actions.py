"""Every write to a case. Each action locks the row, checks the access policy and the guard,
changes only named fields, appends a CaseEvent and queues notices in the same transaction.

`actor` None means the system (a rhythm) or a resident acting through their tracking code;
the caller answers for that. `now` is for tests and replays; it defaults to the clock.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import policy, workflow
from cases.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseSequence,
    Category,
    Color,
    CountyCall,
    Department,
    Mediation,
    Source,
    Status,
)
from cases.workflow import CaseError
from gridgov import outbox
from grids.models import GridNode, Tier
from staff import access

# ---------------------------------------------------------------- helpers


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _lock(case_id: int) -> Case:
    # Lock the bare row first, then read it with its joins. A FOR UPDATE over a join can lose
    # the row on PostgreSQL when a concurrent writer changed a join column (owner_node).
    if not Case.objects.select_for_update().filter(pk=case_id).values_list("pk", flat=True):
        raise Http404("No such case.")
    return Case.objects.select_related("node", "owner_node").get(pk=case_id)


def _require(actor, permission: str, obj) -> None:
    if actor is not None:
        access.require(actor, permission, obj)


def _event(case: Case, *, actor, action: str, from_status: str, now, **fields) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=case.status,
        created_at=now,
        **fields,
    )


def _notify(kind: str, case: Case, **payload) -> None:
    outbox.enqueue(
        kind=kind, case=case, number=case.number, owner_node=case.owner_node_id, **payload
    )


def _text(value: str, field_label: str, *, limit: int = 5000) -> str:
    value = (value or "").strip()
    if not value:
        raise CaseError(_("Please give %(what)s.") % {"what": field_label})
    return value[:limit]


def _rating(value) -> int:
    try:
        rating = int(value)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise CaseError(_("A rating is a whole number from 1 to 5."))
    return rating


def ladder_parent(node: GridNode) -> GridNode | None:
    """The next level up the escalation ladder; an area (片区) is a grouping, not a rung."""
    parent = node.parent
    while parent is not None and parent.tier == Tier.AREA:
        parent = parent.parent
    return parent


def _town_of(node: GridNode) -> GridNode:
    """The town a node belongs to (the county itself for a county-level node)."""
    if node.tier in (Tier.COUNTY, Tier.TOWN):
        return node
    return GridNode.objects.get(
        tree_id=node.tree_id, tier=Tier.TOWN, lft__lte=node.lft, rght__gte=node.rght
    )


def _next_number(town: GridNode, now: dt.datetime) -> str:
    year = timezone.localtime(now).year
    seq, _created = CaseSequence.objects.select_for_update().get_or_create(town=town, year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"{town.code}-{year}-{seq.last:05d}"


def _apply(case: Case, action: str, *fields: str, actor, now, event: dict | None = None) -> Case:
    """Move the case through `action` (guarded by the table), save the named fields, record it."""
    from_status = case.status
    case.status = workflow.require_transition(from_status, action)
    case.save(update_fields=["status", *fields, "updated_at"])
    _event(case, actor=actor, action=action, from_status=from_status, now=now, **(event or {}))
    return case


# ---------------------------------------------------------------- intake


@transaction.atomic
def case_report(
    *,
    actor,
    node_id: int,
    title: str,
    description: str,
    source: str,
    category_id: int | None = None,
    suggested_color: str = "",
    emergency: bool = False,
    reporter_name: str = "",
    reporter_phone: str = "",
    parties: str = "",
    location: str = "",
    latitude=None,
    longitude=None,
    submission_id: str | None = None,
    photos=(),
    now: dt.datetime | None = None,
) -> Case:
    """一访二报: a report comes in from a grid, a resident, the hotline or another system.

    `submission_id` is the id a phone made for this submission (unique: a retry of the same
    submission fails on the constraint and the caller answers with the first case); `photos`
    are files already checked and re-encoded (cases.photos)."""
    now = _now(now)
    node = GridNode.objects.filter(pk=node_id).first()
    if node is None:
        raise Http404("No such place.")
    _require(actor, "case.report", node)
    if source not in Source.values:
        raise CaseError(_("Unknown source."))
    if suggested_color and suggested_color not in Color.values:
        raise CaseError(_("Unknown color."))
    category = None
    if category_id is not None:
        category = Category.objects.filter(pk=category_id).first()
        if category is None:
            raise CaseError(_("Unknown category."))
    if actor is None and not (reporter_name or "").strip():
        raise CaseError(_("Please give %(what)s.") % {"what": _("the reporter's name")})
    case = Case(
        number=_next_number(_town_of(node), now),
        title=_text(title, _("a title"), limit=200),
        description=_text(description, _("what happened")),
        source=source,
        category=category,
        suggested_color=suggested_color or (category.suggested_color if category else ""),
        emergency=bool(emergency or (category and category.emergency)),
        node=node,
        owner_node=node,
        reporter=actor,
        reporter_name=(reporter_name or "").strip()[:50],
        reporter_phone=(reporter_phone or "").strip()[:20],
        parties=(parties or "").strip(),
        location=(location or "").strip()[:200],
        latitude=latitude,
        longitude=longitude,
        level_since=now,
        created_at=now,
    )
    case.submission_id = submission_id or None
    # The database's unique constraint decides a submission_id race, not a prior SELECT.
    case.full_clean(exclude=["tracking_code", "submission_id"])
    case.save()
    for content in photos:
        Attachment.objects.create(case=case, file=content, is_photo=True, uploaded_by=actor)
    _event(case, actor=actor, action="report", from_status="", now=now, to_owner=node)
    _notify("case_reported", case)
    return case


@transaction.atomic
def case_accept(
    *, actor, case_id: int, color: str, owner_node_id: int | None = None, note: str = "", now=None
) -> Case:
    """三研: triage. The color sets the clearance deadline and the report cadence; the case may be
    put on a higher list (village or town) than the place it happened."""
    now = _now(now)
    case = _lock(case_id)
    _require(actor, "case.accept", case)
    if color not in Color.values:
        raise CaseError(_("Choose yellow, orange or red."))
    old_owner = case.owner_node
    if owner_node_id is not None and owner_node_id != case.owner_node_id:
        owner = GridNode.objects.filter(pk=owner_node_id).first()
        if owner is None or not (
            owner.tree_id == case.node.tree_id
            and owner.lft <= case.node.lft
            and case.node.rght <= owner.rght
        ):
            raise CaseError(
                _("A case can only be put on the list of its own place or a level above it.")
            )
        _require(actor, "case.accept", owner)
        case.owner_node = owner
    case.color = color
    case.accepted_at = case.level_since = now
    case.clear_by = policy.clear_by(color, now)
    case.report_by = policy.report_by(color, now)
    case.warned_at = None
    _apply(
        case,
        "accept",
        "warned_at",
        "color",
        "owner_node",
        "accepted_at",
        "level_since",
        "clear_by",
        "report_by",
        actor=actor,
        now=now,
        event={"note": note, "from_owner": old_owner, "to_owner": case.owner_node},
    )
    _notify("case_accepted", case, color=color)
    return case


@transaction.atomic
def case_reject(*, actor, case_id: int, reason: str, now=None) -> Case:
    """Not a matter for grid governance (or not real): refused, with the reason."""
    now = _now(now)
    case = _lock(case_id)
    _require(actor, "case.reject", case)
    reason = _text(reason, _("the reason"))
    case.result = reason
    _apply(case, "reject", "result", actor=actor, now=now, event={"note": reason})
    _notify("case_rejected", case)
    return case


@transaction.atomic
def case_merge(*, actor, case_id: int, into_id: int, note: str = "", now=None) -> Case:
    """A duplicate report joins the case it repeats."""
    now = _now(now)
    if case_id == into_id:
        raise CaseError(_("A case cannot be merged into itself."))
    # Lock both in id order, so two merges the other way round cannot deadlock.
    first, second = sorted([case_id, into_id])
    locked = {first: _lock(first), second: _lock(second)}
    case, target = locked[case_id], locked[into_id]
    _require(actor, "case.merge", case)
    _require(actor, "case.view", target)
    if target.status in (Status.MERGED, Status.REJECTED):
        raise CaseError(
            _("Merge into a case that is still standing, not a rejected or merged one.")
        )
    if target.node.tree_id != case.node.tree_id:
        raise CaseError(_("Only cases of the same county can be merged."))
    case.merged_into = target
    _apply(
        case, "merge", "merged_into", actor=actor, now=now, event={"note": note or target.number}
    )
    CaseEvent.objects.create(
        case=target,
        actor=actor,
        action="merged_in",
        from_status=target.status,
        to_status=target.status,
        note=case.number,
        created_at=now,
    )
    return case


# ---------------------------------------------------------------- handling


def _handling_node(user, case: Case) -> GridNode | None:
    """The lowest node of the user's handling grants that covers where the case happened."""
    covering = [g for g in access.grants(user) if g.role in access.HANDLERS and g.covers(case.node)]
    best = max(covering, key=lambda g: g.level, default=None)
    return GridNode.objects.get(pk=best.node_id) if best else None


@transaction.atomic
def case_dispatch(
    *,
    actor,
    case_id: int,
    handler_id: int | None = None,
    department_id: int | None = None,
    village_id: int | None = None,
    note: str = "",
    now=None,
) -> Case:
    """四办: hand the case to a grid worker, a village, a town platform, an outpost or a county
    department. A person or a village takes the case down to their level."""
    now = _now(now)
    case = _lock(case_id)
    _require(actor, "case.dispatch", case)
    if sum(x is not None for x in (handler_id, department_id, village_id)) != 1:
        raise CaseError(_("Dispatch to exactly one: a person, a unit or a village."))
    old_owner = case.owner_node
    case.handler, case.handler_department = None, None
    event = {"note": note, "from_owner": old_owner}
    if handler_id is not None:
        from django.contrib.auth import get_user_model

        handler = get_user_model().objects.filter(pk=handler_id, is_active=True).first()
        node = _handling_node(handler, case) if handler else None
        if node is None:
            raise CaseError(_("That person does not work where this case happened."))
        if not (
            old_owner.tree_id == node.tree_id
            and old_owner.lft <= node.lft
            and node.rght <= old_owner.rght
        ):
            raise CaseError(_("A case can be dispatched down from the level holding it, not up."))
        case.handler, case.owner_node = handler, node
        event["handler"] = handler
    elif department_id is not None:
        unit = Department.objects.select_related("node").filter(pk=department_id).first()
        if unit is None or unit.node.tree_id != case.node.tree_id:
            raise CaseError(_("That unit does not serve this county."))
        if unit.kind != Department.Kind.COUNTY_DEPARTMENT and not (
            unit.node.lft <= case.node.lft and case.node.rght <= unit.node.rght
        ):
            raise CaseError(_("That outpost or platform serves another town."))
        case.handler_department = unit
        event["department"] = unit
    else:
        village = GridNode.objects.filter(pk=village_id, tier=Tier.VILLAGE).first()
        if village is None or not (
            village.tree_id == case.node.tree_id
            and village.lft <= case.node.lft
            and case.node.rght <= village.rght
        ):
            raise CaseError(_("Choose the village where the case happened."))
        if not (old_owner.lft <= village.lft and village.rght <= old_owner.rght):
            raise CaseError(_("A case can be dispatched down from the level holding it, not up."))
        case.owner_node = village
    event["to_owner"] = case.owner_node
    _apply(
        case,
        "dispatch",
        "handler",
        "handler_department",
        "owner_node",
        actor=actor,
        now=now,
        event=event,
    )
    _notify("case_dispatched", case, handler=handler_id, department=department_id)
    return case


def may_handle(actor, case: Case) -> bool:
    """Is the actor whom the case was dispatched to (the person, or a member of the unit)?"""
    if case.handler_id:
        return case.handler_id == actor.pk
    if case.handler_department_id:
        return access.is_member(actor, case.handler_department)
    return True


def _require_handler(actor, case: Case) -> None:
    """Only whom the case was dispatched to may take it on (others in scope get a clear no)."""
    if actor is None or may_handle(actor, case):
        return
    if case.handler_id and case.handler_id != actor.pk:
        raise CaseError(
            _("This case was dispatched to %(name)s.")
            % {"name": case.handler.first_name or case.handler.username}
        )
    if case.handler_department_id and not access.is_member(actor, case.handler_department):
        raise CaseError(
            _("This case was dispatched to %(unit)s.") % {"unit": case.handler_department.name}
        )


@transaction.atomic
def case_sign(*, actor, case_id: int, note: str = "", now=None) -> Case:
    """The handler signs for the case: from now on it is theirs."""
    now = _now(now)
    case = _lock(case_id)
    _require(actor, "case.sign", case)
    _require_handler(actor, case)
    return _apply(case, "sign", actor=actor, now=now, event={"note": note})


@transaction.atomic
def case_return(*, actor, case_id: int, reason: str, now=None) -> Case:
    """退办: not ours. Back to the level that dispatched it, to be dispatched again."""
    now = _now(now)
    case = _lock(case_id)
    _require(actor, "case.return", case)
    _require_handler(actor, case)
    reason = _text(reason, _("the reason"))
    last = case.events.filter(action="dispatch").order_by("-created_at", "-pk").first()
    old_owner = case.owner_node
    if last is not None and last.from_owner_id:
        case.owner_node = last.from_owner
    case.handler, case.handler_department = None, None
    _apply(
        case,
        "return",
        "owner_node",
        "handler",
        "handler_department",
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
    case = _lock(case_id)
    _require(actor, "case.request_extension", case)
    reason = _text(reason, _("the reason"), limit=300)
    if case.extension_until:
        raise CaseError(_("More time has already been asked for; wait for the answer."))
    if until <= max(now, case.clear_by or now):
        raise CaseError(_("Ask for a date after the current deadline."))
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
    case = _lock(case_id)
    action = "approve_extension" if approve else "refuse_extension"
    _require(actor, "case.approve_extension", case)
    workflow.require_transition(case.status, action)
    if not case.extension_until:
        raise CaseError(_("Nobody has asked for more time on this case."))
    fields = ["extension_until", "extension_reason"]
    if approve:
        case.clear_by, case.overdue_since, case.warned_at = case.extension_until, None, None
        fields += ["clear_by", "overdue_since", "warned_at"]
        note = note or timezone.localtime(case.extension_until).strftime("%Y-%m-%d %H:%M")
    elif not note.strip():
        raise CaseError(_("Please give %(what)s.") % {"what": _("the reason")})
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
    case = _lock(case_id)
    _require(actor, "case.supervise", case)
    note = _text(note, _("what is asked"))
    _apply(case, "supervise", actor=actor, now=now, event={"note": note, "automatic": automatic})
    _notify("case_supervised", case, note=note)
    return case


@transaction.atomic
def case_progress(*, actor, case_id: int, note: str, now=None) -> Case:
    """A progress note on an open case (周报 / 月报 / 季报): the next one is due a cadence later."""
    now = _now(now)
    case = _lock(case_id)
    _require(actor, "case.progress", case)
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


def _escalate(case: Case, *, actor, reason: str, automatic: bool, now) -> Case:
    parent = ladder_parent(case.owner_node)
    if parent is None:
        raise CaseError(_("This case is already at the county and cannot go higher."))
    old_owner = case.owner_node
    held_for = now - case.level_since if case.level_since else None
    case.owner_node = parent
    case.handler, case.handler_department = None, None
    case.level_since = now
    case.clear_by = policy.clear_by(case.color, now)  # each level starts its own clock
    case.overdue_since = case.warned_at = None
    case.extension_until, case.extension_reason = None, ""
    case.escalation_count += 1
    _apply(
        case,
        "escalate",
        "owner_node",
        "handler",
        "handler_department",
        "level_since",
        "clear_by",
        "overdue_since",
        "warned_at",
        "extension_until",
        "extension_reason",
        "escalation_count",
        actor=actor,
        now=now,
        event={
            "note": reason,
            "automatic": automatic,
            "from_owner": old_owner,
            "to_owner": parent,
            "held_for": held_for,
        },
    )
    _notify("case_escalated", case, from_owner=old_owner.pk, automatic=automatic)
    return case


@transaction.atomic
def case_escalate(*, actor, case_id: int, reason: str, automatic: bool = False, now=None) -> Case:
    """逐级调解: send the case one level up the ladder (micro-grid → grid → village → town → county)."""
    now = _now(now)
    case = _lock(case_id)
    _require(actor, "case.escalate", case)
    workflow.require_transition(case.status, "escalate")
    return _escalate(
        case, actor=actor, reason=_text(reason, _("the reason")), automatic=automatic, now=now
    )


def _resolve(
    case: Case, *, actor, result: str, now, action: str = "resolve", event: dict | None = None
) -> Case:
    case.result = result
    case.resolved_at = now
    case.settled_tier = case.owner_node.tier
    _apply(
        case,
        action,
        "result",
        "resolved_at",
        "settled_tier",
        actor=actor,
        now=now,
        event=event or {"note": result},
    )
    _notify("case_resolved", case)
    return case


@transaction.atomic
def case_mediate(
    *, actor, case_id: int, outcome: str, parties: str = "", agreement: str = "", now=None
) -> Mediation:
    """Record one mediation at the level holding the case. A success resolves the case; the
    policy's number of failures at one level (two, seed 002) sends it up by itself."""
    now = _now(now)
    case = _lock(case_id)
    _require(actor, "case.mediate", case)
    workflow.require_transition(case.status, "mediate")
    if outcome not in Mediation.Outcome.values:
        raise CaseError(_("Say whether the mediation settled the matter."))
    if outcome == Mediation.Outcome.SUCCESS:
        agreement = _text(agreement, _("the agreement"))
    mediation = Mediation.objects.create(
        case=case,
        level=case.owner_node,
        mediator=actor,
        parties=parties.strip(),
        outcome=outcome,
        agreement=agreement.strip(),
        created_at=now,
    )
    if outcome == Mediation.Outcome.SUCCESS:
        # The status goes handling → resolved through the table's "resolve" transition.
        _resolve(
            case,
            actor=actor,
            result=mediation.agreement,
            now=now,
            event={"note": _("Settled by mediation.")},
        )
        return mediation
    CaseEvent.objects.create(
        case=case,
        actor=actor,
        action="mediate",
        from_status=case.status,
        to_status=case.status,
        note=agreement.strip(),
        created_at=now,
    )
    failures = case.mediations.filter(
        level=case.owner_node, outcome=Mediation.Outcome.FAILURE, created_at__gte=case.level_since
    ).count()
    limit = policy.policy_for(case.color).failed_mediations_to_escalate
    if failures >= limit and ladder_parent(case.owner_node) is None:
        # At the county there is no higher rung: the county center keeps working it.
        _notify("mediation_failed_at_top", case, failures=failures)
    elif failures >= limit:
        _escalate(
            case,
            actor=actor,
            automatic=True,
            now=now,
            reason=_("%(n)d failed mediations at %(level)s.")
            % {"n": failures, "level": case.owner_node.name},
        )
    return mediation


@transaction.atomic
def case_resolve(*, actor, case_id: int, result: str, now=None) -> Case:
    """办结: the work is done; the result waits for verification."""
    now = _now(now)
    case = _lock(case_id)
    _require(actor, "case.resolve", case)
    workflow.require_transition(case.status, "resolve")
    _require_handler(actor, case)
    return _resolve(case, actor=actor, result=_text(result, _("the result")), now=now)


@transaction.atomic
def case_verify(*, actor, case_id: int, ok: bool, note: str = "", now=None) -> Case:
    """五问: check the result. Good: closed. Not good: back to handling, counted as rework (返工)."""
    now = _now(now)
    case = _lock(case_id)
    _require(actor, "case.verify", case)
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


@transaction.atomic
def case_reopen(*, actor, case_id: int, reason: str, now=None) -> Case:
    """The resident is not satisfied, within the policy's days after closing: handled again."""
    now = _now(now)
    case = _lock(case_id)
    _require(actor, "case.reopen", case)
    workflow.require_transition(case.status, "reopen")
    reason = _text(reason, _("the reason"))
    window = policy.policy_for(case.color).reopen_within_days
    if case.closed_at and now > case.closed_at + dt.timedelta(days=window):
        raise CaseError(
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
        event={"note": reason},
    )
    _notify("case_reopened", case)
    return case


@transaction.atomic
def case_rate(*, actor, case_id: int, satisfaction, note: str = "", now=None) -> Case:
    """The resident's satisfaction with the result, 1 to 5, once."""
    now = _now(now)
    case = _lock(case_id)
    _require(actor, "case.rate", case)
    workflow.require_transition(case.status, "rate")
    if case.satisfaction is not None:
        raise CaseError(_("This case has already been rated."))
    case.satisfaction, case.rated_at = _rating(satisfaction), now
    return _apply(
        case, "rate", "satisfaction", "rated_at", actor=actor, now=now, event={"note": note}
    )


# ---------------------------------------------------------------- 乡呼县应 (seed 004)


@transaction.atomic
def case_call_county(
    *, actor, case_id: int, department_id: int, grounds: str, emergency: bool = False, now=None
) -> CountyCall:
    """A town calls a county department. 两呼两不呼: it may call for what lies beyond its own
    duties, or in an emergency; not for its own duties, and not before the department's outpost
    in the town (if there is one) has been given the case."""
    now = _now(now)
    case = _lock(case_id)
    _require(actor, "case.call_county", case)
    workflow.require_transition(case.status, "call_county")
    if case.owner_node.tier != Tier.TOWN:
        raise CaseError(
            _("Only a town calls the county; this case is held by %(level)s.")
            % {"level": case.owner_node.name}
        )
    grounds = _text(grounds, _("why the town cannot settle it"))
    department = (
        Department.objects.select_related("node")
        .filter(pk=department_id, kind=Department.Kind.COUNTY_DEPARTMENT)
        .first()
    )
    if department is None or department.node.tree_id != case.node.tree_id:
        raise CaseError(_("Choose a department of this county."))
    emergency = bool(emergency or case.emergency)
    item = case.category.responsibility if case.category_id else None
    if item is not None and item.is_town_duty and not emergency:
        raise CaseError(
            _(
                "By the responsibility list, “%(matter)s” is the town's own duty (lead: %(lead)s); the county is called for it only in an emergency."
            )
            % {"matter": item.matter, "lead": item.lead_unit}
        )
    outpost = Department.objects.filter(
        kind=Department.Kind.OUTPOST, parent=department, node=case.owner_node
    ).first()
    if (
        outpost is not None
        and not case.events.filter(action="dispatch", department=outpost).exists()
    ):
        raise CaseError(
            _(
                "%(outpost)s is stationed in this town: dispatch the case to it first, and call the county only if it cannot settle it."
            )
            % {"outpost": outpost.name}
        )
    if CountyCall.objects.filter(
        case=case, department=department, state=CountyCall.State.OPEN
    ).exists():
        raise CaseError(
            _("This department has already been called for this case and has not answered yet.")
        )
    days = policy.policy_for(case.color).county_call_respond_days
    call = CountyCall.objects.create(
        case=case,
        town=case.owner_node,
        department=department,
        grounds=grounds,
        emergency=emergency,
        respond_by=policy.add_working_days(now, days),
        created_by=actor,
        created_at=now,
    )
    _apply(
        case, "call_county", actor=actor, now=now, event={"note": grounds, "department": department}
    )
    _notify("county_called", case, call=call.pk, department=department.pk)
    return call


def _lock_call(call_id: int) -> CountyCall:
    if not CountyCall.objects.select_for_update().filter(pk=call_id).values_list("pk", flat=True):
        raise Http404("No such call.")
    call = CountyCall.objects.select_related(
        "department", "case", "case__node", "case__owner_node"
    ).get(pk=call_id)
    return call


def _call_event(call: CountyCall, *, actor, action: str, note: str, now) -> None:
    CaseEvent.objects.create(
        case=call.case,
        actor=actor,
        action=action,
        from_status=call.case.status,
        to_status=call.case.status,
        department=call.department,
        note=note,
        created_at=now,
    )


@transaction.atomic
def county_call_respond(*, actor, call_id: int, response: str, now=None) -> CountyCall:
    """The called department answers the town."""
    now = _now(now)
    call = _lock_call(call_id)
    _require(actor, "countycall.respond", call)
    if actor is not None and not access.is_member(actor, call.department):
        raise PermissionDenied
    if call.state != CountyCall.State.OPEN:
        raise CaseError(_("This call has already been answered."))
    call.response = _text(response, _("the answer"))
    call.state, call.responded_at, call.responded_by = CountyCall.State.ANSWERED, now, actor
    call.save(update_fields=["response", "state", "responded_at", "responded_by"])
    _call_event(call, actor=actor, action="county_respond", note=call.response, now=now)
    _notify("county_answered", call.case, call=call.pk)
    return call


@transaction.atomic
def county_call_rate(*, actor, call_id: int, rating, note: str = "", now=None) -> CountyCall:
    """The town rates the department's answer."""
    now = _now(now)
    call = _lock_call(call_id)
    _require(actor, "countycall.rate", call.case)
    if call.state != CountyCall.State.ANSWERED:
        raise CaseError(_("Only an answered call can be rated, and only once."))
    call.town_rating, call.state = _rating(rating), CountyCall.State.RATED
    call.save(update_fields=["town_rating", "state"])
    _call_event(
        call,
        actor=actor,
        action="county_rate",
        note=f"{call.town_rating}/5 {note}".strip(),
        now=now,
    )
    return call


@transaction.atomic
def county_call_rate_necessity(
    *, actor, call_id: int, rating, note: str = "", now=None
) -> CountyCall:
    """The department says whether the town needed to call (both sides rate each other)."""
    now = _now(now)
    call = _lock_call(call_id)
    _require(actor, "countycall.rate_necessity", call)
    if actor is not None and not access.is_member(actor, call.department):
        raise PermissionDenied
    if call.state == CountyCall.State.OPEN:
        raise CaseError(_("Answer the call before rating it."))
    if call.department_rating is not None:
        raise CaseError(_("This call has already been rated."))
    call.department_rating = _rating(rating)
    call.save(update_fields=["department_rating"])
    _call_event(
        call,
        actor=actor,
        action="county_rate_necessity",
        note=f"{call.department_rating}/5 {note}".strip(),
        now=now,
    )
    return call


@transaction.atomic
def case_settle_on_the_spot(
    *, actor, case_id: int, owner_node_id: int, result: str, now=None
) -> Case:
    """就地化解: a yellow matter the grid worker settled where it happened. Accept (yellow) and
    dispatch to the worker are desk steps a grid worker may not take, so the system takes them,
    with a note naming the worker; the worker signs and resolves in their own name. The case
    then waits for the town's verification like any other and counts in every figure."""
    now = _now(now)
    case = _lock(case_id)
    _require(actor, "case.resolve", case)
    if actor is not None and case.reporter_id != actor.pk:
        raise CaseError(_("Only the person who reported it settles a matter on the spot."))
    who = actor.first_name or actor.username if actor is not None else ""
    note = _("Settled on the spot (就地化解) by %(name)s.") % {"name": who}
    case_accept(
        actor=None,
        case_id=case.pk,
        color=Color.YELLOW,
        owner_node_id=owner_node_id,
        note=note,
        now=now,
    )
    case_dispatch(
        actor=None, case_id=case.pk, handler_id=actor.pk if actor else None, note=note, now=now
    )
    case_sign(actor=actor, case_id=case.pk, note=note, now=now)
    return case_resolve(actor=actor, case_id=case.pk, result=result, now=now)


@transaction.atomic
def case_reveal_reporter_phone(*, actor, case_id: int, reason: str) -> str:
    """The reporter's full phone number, for those who work the case; every reveal is logged
    (who, when, which case, why) before the number leaves the server."""
    from django.core.exceptions import ValidationError

    from grids.models import RevealLog

    case = Case.objects.select_related("node", "owner_node").filter(pk=case_id).first()
    if case is None:
        raise Http404("No such case.")
    access.require(actor, "case.reveal_reporter", case)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you need the full value.")})
    RevealLog.objects.create(user=actor, case=case, field="reporter_phone", reason=reason[:200])
    return case.reporter_phone
