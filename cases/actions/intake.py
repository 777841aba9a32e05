"""Intake (一访二报三研): a report comes in, is triaged and accepted, rejected or merged; a
matter settled on the spot; the reporter's phone behind a logged reason."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import policy, workflow
from cases.actions._common import (
    _apply,
    _event,
    _lock,
    _locked,
    _next_number,
    _notify,
    _now,
    _require,
    _text,
)
from cases.actions.handling import case_dispatch, case_resolve, case_sign
from cases.models import (
    Attachment,
    Case,
    CaseEvent,
    Category,
    Color,
    Source,
    Status,
)
from gridgov.errors import DomainError
from gridgov.language import in_site_language
from grids.models import GridNode, Tier
from staff import access
from staff.models import Role


@transaction.atomic
def case_report(
    *,
    actor,
    node_id: int,
    title: str,
    description: str,
    source: str,
    category_id: int | None = None,
    now: dt.datetime | None = None,
    known: tuple[dict, dict] = ({}, {}),
    **fields,
) -> Case:
    """一访二报: a report comes in from a grid, a resident, the hotline or another system.

    The other `fields` are _report's: `submission_id` is the id a phone made for this
    submission (unique: a retry of the same submission fails on the constraint and the caller
    answers with the first case); `photos` are files already checked and re-encoded
    (cases.photos); `sms_opt_out`: the reporter asked for no text messages. `known`: as for
    case_report_from_the_field."""
    places, categories = known
    node = places.get(node_id) or GridNode.objects.filter(pk=node_id).first()
    if node is None:
        raise Http404("No such place.")
    category = None
    if category_id is not None:
        category = categories.get(category_id) or Category.objects.filter(pk=category_id).first()
        if category is None:
            raise DomainError(_("Unknown category."))
    return _report(
        actor=actor,
        node=node,
        category=category,
        title=title,
        description=description,
        source=source,
        now=_now(now),
        **fields,
    )


def _report(
    *,
    actor,
    node: GridNode,
    category: Category | None,
    title: str,
    description: str,
    source: str,
    now: dt.datetime,
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
    sms_opt_out: bool = False,
) -> Case:
    """case_report with its place and category read already, inside the caller's transaction."""
    _require(actor, "case.report", node)
    if source not in Source.values:
        raise DomainError(_("Unknown source."))
    if suggested_color and suggested_color not in Color.values:
        raise DomainError(_("Unknown color."))
    if actor is None and not (reporter_name or "").strip():
        raise DomainError(_("Please give %(what)s.") % {"what": _("the reporter's name")})
    case = Case(
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
        sms_opt_out=bool(sms_opt_out),
        level_since=now,
        created_at=now,
    )
    case.submission_id = submission_id or None
    # The fields' own checks (lengths, choices, digits). The foreign keys are the rows read
    # above, the number comes from the town's sequence, and the database enforces the check
    # constraints and decides a submission_id race: asking it each of those again first
    # would cost a statement (and a savepoint) apiece.
    case.clean_fields(
        exclude=[
            "number",
            "tracking_code",
            "submission_id",
            "category",
            "node",
            "owner_node",
            "reporter",
            "merged_into",
            "handler",
            "handler_unit",
        ]
    )
    case.clean()
    case.number = _next_number(node, now)
    case.save()
    for content in photos:
        Attachment.objects.create(case=case, file=content, is_photo=True, uploaded_by=actor)
    _event(case, actor=actor, action="report", from_status="", now=now, to_owner=node)
    _notify("case_reported", case)
    return case


# Whose reports count as what: a grid worker's report is the grid's own patrol finding.
_SOURCE_OF_ROLE = {Role.INFORMANT: Source.INFORMANT, Role.STREET_CHIEF: Source.STREET_CHIEF}


@transaction.atomic
def case_report_from_the_field(
    *,
    actor,
    node_id: int,
    category_id: int,
    description: str,
    settled_result: str = "",
    now: dt.datetime | None = None,
    known: tuple[dict, dict] = ({}, {}),
    **fields,
) -> Case:
    """A report from the phone: its title is the category and the first line of what happened,
    its source follows the reporter's post, and a matter the reporter settled where it happened
    (`settled_result`) is recorded as settled on the spot in the same step.

    `known`: the places and the categories by id that the caller's form has read in this
    request; one found there is not read again (access is checked on it all the same)."""
    now = _now(now)
    places, categories = known
    category = categories.get(category_id) or Category.objects.filter(pk=category_id).first()
    if category is None:
        raise DomainError(_("Unknown category."), field="category")
    node = places.get(node_id) or GridNode.objects.filter(pk=node_id).first()
    if node is None:
        raise Http404("No such place.")
    roles = access.roles(actor)
    source = next((_SOURCE_OF_ROLE[r] for r in roles if r in _SOURCE_OF_ROLE), Source.PATROL)
    if Role.GRID_WORKER in roles:
        source = Source.PATROL
    first_line = (description or "").strip().splitlines()[0] if (description or "").strip() else ""
    case = _report(
        actor=actor,
        node=node,
        category=category,
        title=f"{category.name}：{first_line}"[:200],
        description=description,
        source=source,
        now=now,
        **fields,
    )
    if not settled_result:
        return case
    owner_id = access.handling_node_id(actor, case.node)
    if owner_id is None:
        raise DomainError(_("You do not handle cases here: report it for the town instead."))
    return case_settle_on_the_spot(
        actor=actor, case_id=case.pk, owner_node_id=owner_id, result=settled_result, now=now
    )


def _above_the_holder(case: Case, dispatch_to: dict) -> bool:
    """Is the person or village a case goes to above the level now holding it? case_dispatch
    only hands a case down, so the town must first take it onto its own list."""
    holder = case.owner_node
    if dispatch_to.get("village_id"):
        village = GridNode.objects.filter(pk=dispatch_to["village_id"]).first()
        return village is not None and village.level < holder.level
    if dispatch_to.get("handler_id"):
        grant = (
            access.assignments_over("case.sign", case.node)
            .filter(user_id=dispatch_to["handler_id"])
            .select_related("node")
            .order_by("-node__level")
            .first()
        )
        return grant is not None and grant.node.level < holder.level
    return False


@transaction.atomic
def case_accept(
    *,
    actor,
    case_id: int,
    color: str,
    owner_node_id: int | None = None,
    note: str = "",
    dispatch_to: dict | None = None,
    category_id: int | None = None,
    now=None,
) -> Case:
    """三研: triage. The color sets the clearance deadline and the report cadence; the case may be
    put on a higher list (village or town) than the place it happened. With `dispatch_to` (the
    keywords of case_dispatch) it is dispatched in the same step, and stands or falls with it;
    a person or village above the place is reached by putting the case on the town's list.
    `category_id` files it under a category (研判), with a history note when that changes."""
    now = _now(now)
    case = _locked(actor, "case.accept", case_id)
    if color not in Color.values:
        raise DomainError(_("Choose yellow, orange or red."), field="color")
    if category_id is not None:
        _file_under(case, category_id, actor=actor, note="", now=now)
    if dispatch_to and owner_node_id is None and _above_the_holder(case, dispatch_to):
        town = case.node.town
        owner_node_id = town.pk if town.tier == Tier.TOWN else None
    old_owner = case.owner_node
    if owner_node_id is not None and owner_node_id != case.owner_node_id:
        owner = GridNode.objects.filter(pk=owner_node_id).first()
        if owner is None or not owner.contains(case.node):
            raise DomainError(
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
    if dispatch_to:
        return case_dispatch(actor=actor, case_id=case.pk, note=note, now=now, **dispatch_to)
    return case


def _file_under(case: Case, category_id: int, *, actor, note: str, now) -> None:
    """Put the case under another category, recording from which to which."""
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise DomainError(_("Unknown category."), field="category")
    if category.pk == case.category_id:
        return
    before = case.category.name if case.category_id else "—"
    case.category = category
    case.save(update_fields=["category", "updated_at"])
    text = f"{before} → {category.name}"
    _event(
        case,
        actor=actor,
        action="recategorize",
        from_status=case.status,
        now=now,
        note=f"{text}\n{note}" if note else text,
    )


@transaction.atomic
def case_recategorize(*, actor, case_id: int, category_id: int, note: str = "", now=None) -> Case:
    """研判 again: the case belongs under another category (its responsibility item and the
    category figures follow it)."""
    now = _now(now)
    case = _locked(actor, "case.recategorize", case_id)
    workflow.require_transition(case.status, "recategorize")
    _file_under(case, category_id, actor=actor, note=(note or "").strip()[:500], now=now)
    return case


@transaction.atomic
def case_reject(*, actor, case_id: int, reason: str, now=None) -> Case:
    """Not a matter for grid governance (or not real): refused, with the reason."""
    now = _now(now)
    case = _locked(actor, "case.reject", case_id)
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
        raise DomainError(_("A case cannot be merged into itself."))
    # Lock both in id order, so two merges the other way round cannot deadlock.
    first, second = sorted([case_id, into_id])
    locked = {first: _lock(first), second: _lock(second)}
    case, target = locked[case_id], locked[into_id]
    _require(actor, "case.merge", case)
    _require(actor, "case.view", target)
    if target.status in (Status.MERGED, Status.REJECTED):
        raise DomainError(
            _("Merge into a case that is still standing, not a rejected or merged one.")
        )
    if target.node.tree_id != case.node.tree_id:
        raise DomainError(_("Only cases of the same county can be merged."))
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


@transaction.atomic
def case_settle_on_the_spot(
    *, actor, case_id: int, owner_node_id: int, result: str, now=None
) -> Case:
    """就地化解: a yellow matter the grid worker settled where it happened. Accept (yellow) and
    dispatch to the worker are desk steps a grid worker may not take, so the system takes them,
    with a note naming the worker; the worker signs and resolves in their own name. The case
    then waits for the town's verification like any other and counts in every figure."""
    now = _now(now)
    case = _locked(actor, "case.resolve", case_id)
    if actor is not None and case.reporter_id != actor.pk:
        raise DomainError(_("Only the person who reported it settles a matter on the spot."))
    who = actor.first_name or actor.username if actor is not None else ""
    note = in_site_language(gettext_lazy("Settled on the spot (就地化解) by %(name)s."), name=who)
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

    from grids.models import RevealLog

    case = Case.objects.select_related("node", "owner_node").filter(pk=case_id).first()
    if case is None:
        raise Http404("No such case.")
    access.require(actor, "case.reveal_reporter", case)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why you need the full value."), field="reason")
    RevealLog.objects.create(user=actor, case=case, field="reporter_phone", reason=reason[:200])
    return case.reporter_phone
