"""The ladder: mediations at the level holding the case, and escalation one rung up after two
failed ones (or by hand, or by the sweep after the grace)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import policy, workflow
from cases.actions._common import _apply, _locked, _notify, _now, _text
from cases.actions.handling import _require_handler, _resolve
from cases.models import (
    Case,
    CaseEvent,
    Mediation,
)
from gridgov.errors import DomainError
from gridgov.language import in_site_language


def _escalate(case: Case, *, actor, reason: str, automatic: bool, now) -> Case:
    parent = case.owner_node.ladder_parent
    if parent is None:
        raise DomainError(_("This case is already at the county and cannot go higher."))
    old_owner, old_handler = case.owner_node, case.handler_id
    held_for = now - case.level_since if case.level_since else None
    case.owner_node = parent
    case.handler, case.handler_unit = None, None
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
        "handler_unit",
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
    _notify(
        "case_escalated",
        case,
        from_owner=old_owner.pk,
        from_handler=old_handler,
        automatic=automatic,
    )
    return case


@transaction.atomic
def case_escalate(*, actor, case_id: int, reason: str, automatic: bool = False, now=None) -> Case:
    """逐级调解: send the case one level up the ladder (micro-grid → grid → village → town → county)."""
    now = _now(now)
    case = _locked(actor, "case.escalate", case_id)
    workflow.require_transition(case.status, "escalate")
    return _escalate(
        case, actor=actor, reason=_text(reason, _("the reason")), automatic=automatic, now=now
    )


@transaction.atomic
def case_mediate(
    *, actor, case_id: int, outcome: str, parties: str = "", agreement: str = "", now=None
) -> Mediation:
    """Record one mediation at the level holding the case. A success resolves the case; the
    policy's number of failures at one level (two, seed 002) sends it up by itself."""
    now = _now(now)
    case = _locked(actor, "case.mediate", case_id)
    workflow.require_transition(case.status, "mediate")
    if outcome not in Mediation.Outcome.values:
        raise DomainError(_("Say whether the mediation settled the matter."))
    if outcome == Mediation.Outcome.SUCCESS:
        agreement = _text(agreement, _("the agreement"))
        # A success resolves the case: only whom it was dispatched to may, as for resolving.
        _require_handler(actor, case)
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
            event={"note": in_site_language(gettext_lazy("Settled by mediation."))},
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
    if failures >= limit and case.owner_node.ladder_parent is None:
        # At the county there is no higher rung: the county center keeps working it.
        _notify("mediation_failed_at_top", case, failures=failures)
    elif failures >= limit:
        _escalate(
            case,
            actor=actor,
            automatic=True,
            now=now,
            reason=in_site_language(
                gettext_lazy("%(n)d failed mediations at %(level)s."),
                n=failures,
                level=case.owner_node.name,
            ),
        )
    return mediation
