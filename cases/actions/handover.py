"""Handover (交接): a case whose handler leaves their post goes to a successor, or back to the
village; its history says from whom to whom and why (staff.actions.assignment_exit). Not a step
of the lifecycle (cases.workflow): the status stays, only who holds the case changes, so no
page offers it as an action on the case."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from cases.actions._common import _event, _locked, _notify, _now
from cases.models import HANDED_OVER_STATUSES, Case, Status
from gridgov.errors import DomainError
from grids.models import GridNode, Tier
from staff import access


def _name(user) -> str:
    return (user.first_name or user.username) if user else ""


@transaction.atomic
def case_hand_over(
    *,
    actor,
    case_id: int,
    handler_id: int | None = None,
    village_id: int | None = None,
    note: str = "",
    now=None,
) -> Case:
    """Give the case to `handler_id` (at the lowest node where they handle cases over it), or
    to the village `village_id` with no handler (its dispatchers take it from there). The status
    stays: the work goes on where it stood, under the new holder."""
    now = _now(now)
    case = _locked(actor, "case.hand_over", case_id)
    if case.status not in HANDED_OVER_STATUSES:
        raise DomainError(
            _("A case that is “%(status)s” has nobody to hand it over.")
            % {"status": Status(case.status).label}
        )
    if (handler_id is None) == (village_id is None):
        raise DomainError(_("Hand the case to exactly one: a person or the village."))
    old_owner, old_handler = case.owner_node, case.handler
    if handler_id is not None:
        handler = get_user_model().objects.filter(pk=handler_id, is_active=True).first()
        node_id = access.handling_node_id(handler, case.node) if handler else None
        if node_id is None:
            raise DomainError(_("That person does not work where this case happened."))
        case.handler, case.owner_node = handler, GridNode.objects.get(pk=node_id)
    else:
        village = GridNode.objects.filter(pk=village_id, tier=Tier.VILLAGE).first()
        if village is None or not village.contains(case.node):
            raise DomainError(_("Choose the village where the case happened."))
        case.handler, case.owner_node = None, village
    case.handler_unit = None
    words = (
        f"{_name(old_handler) or old_owner.name} → {_name(case.handler) or case.owner_node.name}"
    )
    case.save(update_fields=["handler", "handler_unit", "owner_node", "updated_at"])
    _event(
        case,
        actor=actor,
        action="hand_over",
        from_status=case.status,
        now=now,
        from_owner=old_owner,
        to_owner=case.owner_node,
        handler=case.handler,
        note=f"{words}: {note}" if note else words,
    )
    _notify("case_handed_over", case, handler=case.handler_id)
    return case
