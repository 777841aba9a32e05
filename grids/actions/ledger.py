"""Every write to the household ledger (台账): households, residents, organizations, a visit's
next due date, and the logged reveal of a masked field."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.errors import DomainError
from grids.actions.tree import _require
from grids.models import (  # noqa: E402
    GridNode,
    Household,
    HouseholdCategory,
    Organization,
    Resident,
    ResidentTag,
    RevealLog,
)
from staff import access


def household_visited(*, household_id: int, on):
    """Record that a household was visited on `on`: move its next_visit_due by its interval
    (key: 7 days; monitored or with a 五必访 resident: one month; general: none). Called by
    staff.actions.visit_record, which checks access; returns the household."""
    import datetime as dt

    from grids.models import Household, HouseholdCategory

    five_must_visit = {  # 五必访 tags (seed 003): such a resident means monthly at least
        "elderly_alone",
        "left_behind_child",
        "disabled",
        "low_income",
        "unemployed",
        "veteran",
        "special_group",
    }
    household = Household.objects.select_for_update().get(pk=household_id)
    tags = set()
    for resident_tags in household.residents.values_list("tags", flat=True):
        tags.update(resident_tags or ())
    if household.category == HouseholdCategory.KEY:
        due = on + dt.timedelta(days=7)
    elif household.category == HouseholdCategory.MONITORED or tags & five_must_visit:
        month, year = (on.month % 12) + 1, on.year + (on.month == 12)
        last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
        due = dt.date(year, month, min(on.day, last))
    else:
        due = None
    household.next_visit_due = due
    household.save(update_fields=["next_visit_due", "updated_at"])
    return household


# The categories visited on a schedule (key weekly, monitored monthly; see household_visited).
_VISITED = (HouseholdCategory.KEY, HouseholdCategory.MONITORED)

HOUSEHOLD_FIELDS = (
    "address",
    "head_name",
    "category",
    "members",
    "family_situation",
    "contact",
    "political_status",
    "needs",
    "composition",
    "next_visit_due",
)


RESIDENT_FIELDS = ("name", "id_number", "phone", "relation", "tags")


ORGANIZATION_FIELDS = ("name", "kind", "contact", "note")


def _ledger_node(node_id) -> GridNode:
    node = GridNode.objects.filter(pk=node_id).first()
    if node is None:
        raise DomainError(_("That place in the tree does not exist (any more)."), field="node")
    return node


def _only(fields: dict, allowed: tuple[str, ...], what: str) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"{what} got unexpected fields: {sorted(unknown)}")


def _clean_tags(tags) -> list[str]:
    tags = list(dict.fromkeys(tags or []))
    bad = [t for t in tags if t not in ResidentTag.values]
    if bad:
        raise DomainError({"tags": _("Unknown tags: %(tags)s") % {"tags": ", ".join(bad)}})
    return tags


def _register_on_grid(model, *, actor, node_id: int, fields: dict, refusal: str):
    """A new row of a grid's ledger, by those who keep the ledger there."""
    node = _ledger_node(node_id)
    _require(actor, "household.change", node)
    if not node.is_grid_level:
        raise DomainError(refusal, field="node")
    row = model(node=node, **fields)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def household_create(*, actor, node_id: int, **fields) -> Household:
    """Add a household to a grid or micro-grid."""
    _only(fields, HOUSEHOLD_FIELDS, "household_create")
    if fields.get("next_visit_due") is None and fields.get("category") in _VISITED:
        # A household that is visited on a schedule is due its first visit at once.
        fields["next_visit_due"] = timezone.localdate()
    return _register_on_grid(
        Household,
        actor=actor,
        node_id=node_id,
        fields=fields,
        refusal=_("Households belong to a grid or a micro-grid."),
    )


@transaction.atomic
def household_update(*, actor, household_id: int, **changes) -> Household:
    """Change a household's facts (六清); it stays in its grid."""
    _only(changes, HOUSEHOLD_FIELDS, "household_update")
    household = Household.objects.select_for_update().select_related("node").get(pk=household_id)
    _require(actor, "household.change", household)
    for name, value in changes.items():
        setattr(household, name, value)
    household.full_clean()
    household.save(update_fields=[*changes, "updated_at"] if changes else None)
    return household


def _id_number_holders(id_numbers) -> dict[str, GridNode]:
    """The grid of the resident already holding each of these ID numbers, anywhere (one query)."""
    id_numbers = {n for n in id_numbers if n}
    if not id_numbers:
        return {}
    holders = Resident.objects.filter(id_number__in=id_numbers).select_related("household__node")
    return {r.id_number: r.household.node for r in holders}


def _may_learn_holder(actor, node: GridNode) -> bool:
    # Where a person lives is theirs: only someone who may see that ledger learns which grid.
    return actor is None or access.can(actor, "household.view", node)


def _refuse_taken_id_number(actor, id_number: str, resident_pk: int | None = None) -> None:
    if not id_number:
        return
    holder = (
        Resident.objects.filter(id_number=id_number)
        .exclude(pk=resident_pk)
        .select_related("household__node")
        .first()
    )
    if holder is None:
        return
    node = holder.household.node
    if _may_learn_holder(actor, node):
        message = _("This ID number is already in the ledger of %(grid)s.") % {"grid": node.name}
    else:
        message = _("This ID number is already registered elsewhere.")
    raise DomainError(message, field="id_number")


def _save_resident(resident: Resident, **kwargs) -> None:
    """Save; an ID number taken by someone else in the same moment is a field error."""
    try:
        with transaction.atomic():
            resident.save(**kwargs)
    except IntegrityError:
        raise DomainError(
            _("This ID number was registered elsewhere just now; check it."), field="id_number"
        ) from None


@transaction.atomic
def resident_create(*, actor, household_id: int, **fields) -> Resident:
    """Add a person to a household. Tags are set only by those who may see them."""
    _only(fields, RESIDENT_FIELDS, "resident_create")
    household = Household.objects.select_for_update().select_related("node").get(pk=household_id)
    _require(actor, "household.change", household)
    if fields.get("tags") and actor is not None:
        access.require(actor, "resident.tags", household)
    fields["tags"] = _clean_tags(fields.get("tags"))
    fields["id_number"] = (fields.get("id_number") or "").strip().upper()
    resident = Resident(household=household, **fields)
    # The ID number's own check first: it says where the number is (to those who may know);
    # the database's unique constraint stays the last word in a race.
    _refuse_taken_id_number(actor, resident.id_number)
    resident.full_clean()
    _save_resident(resident)
    return resident


@transaction.atomic
def resident_update(*, actor, resident_id: int, **changes) -> Resident:
    """Change a resident; a personal field left out (or None) keeps its value."""
    _only(changes, RESIDENT_FIELDS, "resident_update")
    changes = {k: v for k, v in changes.items() if v is not None}
    resident = (
        Resident.objects.select_for_update().select_related("household__node").get(pk=resident_id)
    )
    _require(actor, "household.change", resident)
    if "tags" in changes:
        if actor is not None:
            access.require(actor, "resident.tags", resident)
        changes["tags"] = _clean_tags(changes["tags"])
    if "id_number" in changes:
        changes["id_number"] = changes["id_number"].strip().upper()
    new_id_number = changes.get("id_number", resident.id_number) != resident.id_number
    for name, value in changes.items():
        setattr(resident, name, value)
    if new_id_number:
        _refuse_taken_id_number(actor, resident.id_number, resident.pk)
    resident.full_clean()
    _save_resident(resident, update_fields=list(changes) or None)
    return resident


@transaction.atomic
def organization_create(*, actor, node_id: int, **fields) -> Organization:
    """Register a social or non-public economic organization of a grid."""
    _only(fields, ORGANIZATION_FIELDS, "organization_create")
    return _register_on_grid(
        Organization,
        actor=actor,
        node_id=node_id,
        fields=fields,
        refusal=_("Organizations are registered on a grid."),
    )


@transaction.atomic
def resident_reveal(*, actor, resident_id: int, field: str, reason: str) -> str:
    """The full ID number or phone of a resident, for those who need it; every reveal is logged
    (who, when, which record, which field, why) before the value leaves the server."""
    from grids.privacy import REVEALABLE_FIELDS

    if field not in REVEALABLE_FIELDS:
        raise DomainError(_("This field cannot be revealed."), field="field")
    resident = Resident.objects.select_related("household__node").get(pk=resident_id)
    access.require(actor, "resident.reveal", resident)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why you need the full value."), field="reason")
    RevealLog.objects.create(user=actor, resident=resident, field=field, reason=reason[:200])
    return getattr(resident, field)
