"""County calls (乡呼县应): a town calls a county unit on a case; the unit answers; the town
rates the answer and the unit rates the call's necessity."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import policy, workflow
from cases.actions._common import _apply, _locked, _notify, _now, _rating, _require, _text
from cases.models import (
    CaseEvent,
    CountyCall,
    Unit,
)
from gridgov.errors import DomainError
from grids.models import Tier
from staff import access


@transaction.atomic
def case_call_county(
    *, actor, case_id: int, department_id: int, grounds: str, emergency: bool = False, now=None
) -> CountyCall:
    """A town calls a county department. 两呼两不呼: it may call for what lies beyond its own
    duties, or in an emergency; not for its own duties, and not before the department's outpost
    in the town (if there is one) has been given the case."""
    now = _now(now)
    case = _locked(actor, "case.call_county", case_id)
    workflow.require_transition(case.status, "call_county")
    if case.owner_node.tier != Tier.TOWN:
        raise DomainError(
            _("Only a town calls the county; this case is held by %(level)s.")
            % {"level": case.owner_node.name}
        )
    grounds = _text(grounds, _("why the town cannot settle it"))
    department = (
        Unit.objects.select_related("node")
        .filter(pk=department_id, kind=Unit.Kind.COUNTY_DEPARTMENT)
        .first()
    )
    if department is None or department.node.tree_id != case.node.tree_id:
        raise DomainError(_("Choose a department of this county."))
    emergency = bool(emergency or case.emergency)
    item = case.category.responsibility if case.category_id else None
    if item is not None and item.is_town_duty and not emergency:
        raise DomainError(
            _(
                "By the responsibility list, “%(matter)s” is the town's own duty (lead: %(lead)s); the county is called for it only in an emergency."
            )
            % {"matter": item.matter, "lead": item.lead_unit}
        )
    outpost = Unit.objects.filter(
        kind=Unit.Kind.OUTPOST, parent=department, node=case.owner_node
    ).first()
    if outpost is not None and not case.events.filter(action="dispatch", unit=outpost).exists():
        raise DomainError(
            _(
                "%(outpost)s is stationed in this town: dispatch the case to it first, and call the county only if it cannot settle it."
            )
            % {"outpost": outpost.name}
        )
    if CountyCall.objects.filter(
        case=case, department=department, state=CountyCall.State.OPEN
    ).exists():
        raise DomainError(
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
    _apply(case, "call_county", actor=actor, now=now, event={"note": grounds, "unit": department})
    _notify("county_called", case, call=call.pk, department=department.pk)
    return call


@transaction.atomic
def case_call_department(
    *, actor, case_id: int, department_id: int, grounds: str, now=None
) -> CountyCall:
    """社区吹哨、部门报到 (seed 002): a village calls a department linked to it (挂联) on a case it
    holds. The call keeps the county call's answer deadline, answer and ratings."""
    from staff.queries.cadres import linked_unit_ids

    now = _now(now)
    case = _locked(actor, "case.call_department", case_id)
    workflow.require_transition(case.status, "call_department")
    village = case.owner_node
    if village.tier != Tier.VILLAGE:
        raise DomainError(
            _("Only a village calls its linked departments; this case is held by %(level)s.")
            % {"level": village.name}
        )
    grounds = _text(grounds, _("why the village calls the department"))
    linked = linked_unit_ids(village, day=timezone.localdate(now))
    department = Unit.objects.filter(pk=department_id, pk__in=linked).first()
    if department is None:
        raise DomainError(_("Choose a department linked to this village."))
    if CountyCall.objects.filter(
        case=case, department=department, state=CountyCall.State.OPEN
    ).exists():
        raise DomainError(
            _("This department has already been called for this case and has not answered yet.")
        )
    days = policy.policy_for(case.color).county_call_respond_days
    call = CountyCall.objects.create(
        case=case,
        town=village.town,
        village=village,
        department=department,
        grounds=grounds,
        emergency=case.emergency,
        respond_by=policy.add_working_days(now, days),
        created_by=actor,
        created_at=now,
    )
    _apply(
        case, "call_department", actor=actor, now=now, event={"note": grounds, "unit": department}
    )
    _notify("village_called", case, call=call.pk, department=department.pk)
    return call


# The permissions on a call follow who called: a town (乡呼县应) or a village (社区吹哨), whose
# linked department may be an outpost.
def _call_permission(call: CountyCall, town_permission: str) -> str:
    return (
        town_permission.replace("countycall.", "villagecall.")
        if call.by_village
        else town_permission
    )


def _lock_call(call_id: int) -> CountyCall:
    if not CountyCall.objects.select_for_update().filter(pk=call_id).values_list("pk", flat=True):
        raise Http404("No such call.")
    call = CountyCall.objects.select_related(
        "department", "case", "case__node", "case__owner_node"
    ).get(pk=call_id)
    return call


def _locked_for_department(actor, permission: str, call_id: int) -> CountyCall:
    """The call, locked, once the actor may take `permission` on it as one of the called
    department's own people."""
    call = _lock_call(call_id)
    _require(actor, _call_permission(call, permission), call)
    if actor is not None and not access.is_member(actor, call.department):
        raise PermissionDenied
    return call


def _call_event(call: CountyCall, *, actor, action: str, note: str, now) -> None:
    CaseEvent.objects.create(
        case=call.case,
        actor=actor,
        action=action,
        from_status=call.case.status,
        to_status=call.case.status,
        unit=call.department,
        note=note,
        created_at=now,
    )


@transaction.atomic
def county_call_respond(*, actor, call_id: int, response: str, now=None) -> CountyCall:
    """The called department answers the town."""
    now = _now(now)
    call = _locked_for_department(actor, "countycall.respond", call_id)
    if call.state != CountyCall.State.OPEN:
        raise DomainError(_("This call has already been answered."))
    call.response = _text(response, _("the answer"))
    call.state, call.responded_at, call.responded_by = CountyCall.State.ANSWERED, now, actor
    call.save(update_fields=["response", "state", "responded_at", "responded_by"])
    _call_event(call, actor=actor, action="county_respond", note=call.response, now=now)
    _notify("county_answered", call.case, call=call.pk)
    return call


@transaction.atomic
def county_call_rate(*, actor, call_id: int, rating, note: str = "", now=None) -> CountyCall:
    """The caller (the town, or the village) rates the department's answer."""
    now = _now(now)
    call = _lock_call(call_id)
    _require(actor, _call_permission(call, "countycall.rate"), call.case)
    if call.state != CountyCall.State.ANSWERED:
        raise DomainError(_("Only an answered call can be rated, and only once."))
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
    call = _locked_for_department(actor, "countycall.rate_necessity", call_id)
    if call.state == CountyCall.State.OPEN:
        raise DomainError(_("Answer the call before rating it."))
    if call.department_rating is not None:
        raise DomainError(_("This call has already been rated."))
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
