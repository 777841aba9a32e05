"""What every case action shares: lock the row, check the policy, move through the transition
table, record the event, queue the notices."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import workflow
from cases.models import (
    Case,
    CaseEvent,
    CaseSequence,
)
from cases.models.case import DESCRIPTION_CHARS
from gridgov import outbox
from gridgov.errors import DomainError
from grids.models import GridNode, Tier
from staff import access


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


def _locked(actor, permission: str, case_id: int) -> Case:
    """The case, locked, once the actor may take `permission` on it."""
    case = _lock(case_id)
    _require(actor, permission, case)
    return case


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


def _text(value: str, field_label: str, *, limit: int = DESCRIPTION_CHARS) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(_("Please give %(what)s.") % {"what": field_label})
    return value[:limit]


def _rating(value) -> int:
    try:
        rating = int(value)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise DomainError(_("A rating is a whole number from 1 to 5."))
    return rating


def _next_number(node: GridNode, now: dt.datetime) -> str:
    """The next case number of the year of the town `node` lies in: one statement that finds
    the town by the node's span, counts up and reads back, so the row is locked from here to
    the commit only (callers ask last, just before they save); the first report of a town's
    year makes the row."""
    year = timezone.localtime(now).year
    quote = connection.ops.quote_name
    sequences, nodes = quote(CaseSequence._meta.db_table), quote(GridNode._meta.db_table)
    if node.tier in (Tier.COUNTY, Tier.TOWN):  # numbered by itself (GridNode.town)
        bump = (
            f"UPDATE {sequences} SET last = last + 1 WHERE town_id = %s AND year = %s"
            " RETURNING last"
        )
        params = [node.pk, year]
    else:
        bump = (
            f"UPDATE {sequences} SET last = last + 1 WHERE year = %s AND town_id = ("
            f"SELECT id FROM {nodes} WHERE tier = %s AND tree_id = %s AND lft <= %s"
            f" AND rght >= %s) RETURNING last,"
            f" (SELECT code FROM {nodes} WHERE id = {sequences}.town_id)"
        )
        params = [year, Tier.TOWN, node.tree_id, node.lft, node.rght]
    for _attempt in range(2):
        with connection.cursor() as cursor:
            cursor.execute(bump, params)
            row = cursor.fetchone()
        if row is not None:
            code = row[1] if len(row) > 1 else node.code
            return f"{code}-{year}-{row[0]:05d}"
        # get_or_create: a second first report racing this one finds the row the other made.
        CaseSequence.objects.get_or_create(town=node.town, year=year)
    raise RuntimeError("the case number sequence row vanished")  # pragma: no cover


def _apply(case: Case, action: str, *fields: str, actor, now, event: dict | None = None) -> Case:
    """Move the case through `action` (guarded by the table), save the named fields, record it."""
    from_status = case.status
    case.status = workflow.require_transition(from_status, action)
    case.save(update_fields=["status", *fields, "updated_at"])
    _event(case, actor=actor, action=action, from_status=from_status, now=now, **(event or {}))
    return case
