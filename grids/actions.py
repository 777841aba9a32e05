"""Every write to the grid tree. Tree writes are serialized per county (the root row is locked)
so that concurrent edits can never corrupt lft/rght; creating a county takes a forest-wide lock
so two counties never get the same tree id."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.language import in_site_language
from grids.models import GridNode, RetiredCode, validate_code, validate_tier
from staff import access

EDITABLE_FIELDS = (
    "name",
    "kind",
    "households",
    "population",
    "difficulty",
    "boundary",
    "centre_lat",
    "centre_lng",
)

# Any constant will do: it names "the forest" for PostgreSQL's advisory lock.
_FOREST_LOCK_KEY = 0x67726964  # "grid"


def _lock_forest() -> None:
    """Serialize the creation of trees (counties). SQLite's IMMEDIATE transactions already do."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_FOREST_LOCK_KEY])


def _lock_trees(*tree_ids: int) -> None:
    """Lock the root rows of these counties, always in the same order (no deadlock)."""
    for tree_id in sorted(set(tree_ids)):
        list(
            GridNode.objects.select_for_update()
            .filter(tree_id=tree_id, parent__isnull=True)
            .values_list("pk", flat=True)
        )


def _fresh(node_id: int) -> GridNode:
    try:
        return GridNode.objects.get(pk=node_id)
    except GridNode.DoesNotExist:
        raise ValidationError(_("That place in the tree does not exist (any more).")) from None


def _lock_for(*node_ids: int) -> list[GridNode]:
    """Lock the trees these nodes are in, then read them again: lft/rght read before the lock
    may already be stale."""
    tree_ids = list(GridNode.objects.filter(pk__in=node_ids).values_list("tree_id", flat=True))
    _lock_trees(*tree_ids)
    return [_fresh(pk) for pk in node_ids]


def _require(actor, action: str, node: GridNode) -> None:
    # actor None: the system itself (a management command, a data import run on the server).
    if actor is not None:
        access.require(actor, action, node)


def check_code_free(code: str, *, exclude_pk: int | None = None) -> None:
    """A code is handed out once: not in use, and never used before."""
    taken = GridNode.objects.filter(code=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"code": _("The code %(code)s is already in use.") % {"code": code}})
    if RetiredCode.objects.filter(code=code).exists():
        raise ValidationError(
            {
                "code": _("The code %(code)s was used before and is never handed out again.")
                % {"code": code}
            }
        )


@transaction.atomic
def node_create(
    *, actor, parent_id: int | None, name: str, tier: str, code: str, **fields
) -> GridNode:
    """Add a node as the last child of its parent (or a new county when parent_id is None)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"node_create got unexpected fields: {sorted(unknown)}")
    if parent_id is None:
        if actor is not None and not actor.is_superuser:
            raise access.PermissionDenied
        _lock_forest()
        parent = None
    else:
        (parent,) = _lock_for(parent_id)
        _require(actor, "node.create", parent)
    node = GridNode(parent=parent, name=name, tier=tier, code=code, **fields)
    check_code_free(code)
    node.full_clean(validate_unique=False)
    if parent is None:
        # A new county is appended as a tree of its own. Left to django-mptt, code ordering
        # would slot it between existing trees and renumber their tree ids under their feet.
        last = GridNode.objects.aggregate(m=Max("tree_id"))["m"] or 0
        node.tree_id, node.lft, node.rght, node.level = last + 1, 1, 2, 0
    try:
        with transaction.atomic():
            node.save()
    except IntegrityError:
        raise ValidationError(
            {"code": _("The code %(code)s is already in use.") % {"code": code}}
        ) from None
    return node


@transaction.atomic
def node_update(*, actor, node_id: int, **changes) -> GridNode:
    """Change a node's own facts (not its place in the tree nor its code)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These cannot be changed here: %(fields)s. Move or recode the node instead.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    node = GridNode.objects.select_for_update().filter(pk=node_id).first()
    if node is None:
        raise ValidationError(_("That place in the tree does not exist (any more)."))
    _require(actor, "node.change", node)
    for name, value in changes.items():
        setattr(node, name, value)
    node.full_clean(validate_unique=False)
    node.save(update_fields=[*changes.keys(), "updated_at"])
    return node


def _recoded(node: GridNode, new_code: str, subtree: list[GridNode]) -> dict[int, str]:
    """New codes for a node and its descendants: the old prefix swapped for the new one."""
    old = node.code
    result = {}
    for n in subtree:
        if not n.code.startswith(old):
            raise ValidationError(
                _("%(name)s (%(code)s) does not extend %(old)s, so it cannot be recoded with it.")
                % {"name": n.name, "code": n.code, "old": old}
            )
        result[n.pk] = new_code + n.code[len(old) :]
    return result


@transaction.atomic
def node_move(*, actor, node_id: int, new_parent_id: int, new_code: str | None = None) -> GridNode:
    """Move a node (with its subtree) under another parent. The tier order must still hold and
    the code must extend the new parent's; give `new_code` to recode the subtree, whose old codes
    are retired."""
    node, new_parent = _lock_for(node_id, new_parent_id)
    _require(actor, "node.move", node)
    _require(actor, "node.move", new_parent)
    if node.parent_id is None:
        raise ValidationError(_("A county cannot be moved under another node."))
    if node.contains(new_parent):
        raise ValidationError(
            {"parent": _("A node cannot be moved under itself or its own descendants.")}
        )
    validate_tier(tier=node.tier, parent=new_parent)
    subtree = list(node.get_descendants(include_self=True))
    if new_code is None or new_code == node.code:
        try:
            validate_code(tier=node.tier, code=node.code, parent=new_parent)
        except ValidationError:
            raise ValidationError(
                {
                    "code": _(
                        "The code %(code)s does not extend %(parent)s's code; give the node a new code to move it."
                    )
                    % {"code": node.code, "parent": new_parent.name}
                }
            ) from None
        codes = {}
    else:
        validate_code(tier=node.tier, code=new_code, parent=new_parent)
        codes = _recoded(node, new_code, subtree)
        for code in codes.values():
            check_code_free(code)
    # Siblings stand in code order (as inserts and rebuilds put them).
    sort_code = new_code or node.code
    right = (
        new_parent.get_children()
        .exclude(pk=node.pk)
        .filter(code__gt=sort_code)
        .order_by("code")
        .first()
    )
    if right is not None:
        node.move_to(right, "left")
    else:
        node.move_to(new_parent, "last-child")
    if codes:
        by_pk = {n.pk: n for n in subtree}
        recoded = in_site_language(gettext_lazy("Recoded when the place moved."))
        RetiredCode.objects.bulk_create(
            [
                RetiredCode(
                    code=by_pk[pk].code, name=by_pk[pk].name, tier=by_pk[pk].tier, reason=recoded
                )
                for pk in codes
            ]
        )
        for pk, code in codes.items():
            GridNode.objects.filter(pk=pk).update(code=code)
    node.refresh_from_db()
    return node


@transaction.atomic
def node_delete(*, actor, node_id: int, reason: str = "") -> None:
    """Remove an empty node; its code is retired and never handed out again."""
    (node,) = _lock_for(node_id)
    _require(actor, "node.delete", node)
    if node.get_descendant_count():
        raise ValidationError(
            _("%(name)s still has places under it; move or remove them first.")
            % {"name": node.name}
        )
    RetiredCode.objects.create(code=node.code, name=node.name, tier=node.tier, reason=reason[:200])
    try:
        with transaction.atomic():
            node.delete()
    except ProtectedError:
        raise ValidationError(
            _(
                "%(name)s is still referred to (assignments, ledgers or cases); it cannot be removed."
            )
            % {"name": node.name}
        ) from None


@dataclass
class NodeRow:
    """One row of a bulk import: parent_code names a node already in the tree or earlier rows."""

    parent_code: str
    name: str
    tier: str
    code: str
    fields: dict = field(default_factory=dict)


@transaction.atomic
def tree_bulk_create(*, actor, root_id: int, rows: Iterable[NodeRow]) -> int:
    """Create many nodes in one county at once: validate every row, insert level by level with
    tree updates off, then rebuild the county's lft/rght in one pass. All or nothing."""
    (root,) = _lock_for(root_id)
    _require(actor, "node.create", root)
    rows = list(rows)
    known = {n.code: n for n in GridNode.objects.filter(tree_id=root.tree_id)}
    retired = set(RetiredCode.objects.values_list("code", flat=True))
    pending: dict[str, GridNode] = {}
    errors = []
    for i, row in enumerate(rows, start=1):
        parent = pending.get(row.parent_code) or known.get(row.parent_code)
        try:
            if parent is None:
                raise ValidationError(
                    _("no parent with code %(code)s in this county") % {"code": row.parent_code}
                )
            if row.code in known or row.code in pending:
                raise ValidationError(_("the code %(code)s is already in use") % {"code": row.code})
            if row.code in retired:
                raise ValidationError(_("the code %(code)s was used before") % {"code": row.code})
            node = GridNode(
                parent=parent, name=row.name, tier=row.tier, code=row.code, **row.fields
            )
            # Field checks (choices, lengths) and the tree rules; the parent may be unsaved yet.
            node.full_clean(
                exclude=["parent", "tree_id", "lft", "rght", "level"],
                validate_unique=False,
                validate_constraints=False,
            )
            pending[row.code] = node
        except ValidationError as exc:
            errors.append(
                _("row %(n)d (%(code)s): %(msg)s")
                % {"n": i, "code": row.code, "msg": "; ".join(exc.messages)}
            )
    if errors:
        raise ValidationError(errors)
    with GridNode.objects.disable_mptt_updates():
        by_depth: dict[int, list[GridNode]] = {}
        for node in pending.values():
            depth, p = 0, node.parent
            while p is not None and p.code in pending:
                depth, p = depth + 1, p.parent
            by_depth.setdefault(depth, []).append(node)
        for depth in sorted(by_depth):
            batch = by_depth[depth]
            for node in batch:
                node.parent_id = node.parent.pk
                node.tree_id, node.lft, node.rght, node.level = root.tree_id, 0, 0, 0
            GridNode.objects.bulk_create(batch, batch_size=500)
    GridNode.objects.partial_rebuild(root.tree_id)
    return len(pending)


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


# ---------------------------------------------------------------- household ledger (台账)
# Households, residents and organizations of a grid, the logged reveal of personal data (PIPL),
# and the all-or-nothing Excel import. Access: staff/access.py.

from grids.models import (  # noqa: E402
    Household,
    HouseholdCategory,
    Organization,
    Resident,
    ResidentTag,
    RevealLog,
    id_number_is_valid,
)

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
        raise ValidationError({"node": _("That place in the tree does not exist (any more).")})
    return node


def _only(fields: dict, allowed: tuple[str, ...], what: str) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"{what} got unexpected fields: {sorted(unknown)}")


def _clean_tags(tags) -> list[str]:
    tags = list(dict.fromkeys(tags or []))
    bad = [t for t in tags if t not in ResidentTag.values]
    if bad:
        raise ValidationError({"tags": _("Unknown tags: %(tags)s") % {"tags": ", ".join(bad)}})
    return tags


@transaction.atomic
def household_create(*, actor, node_id: int, **fields) -> Household:
    """Add a household to a grid or micro-grid."""
    _only(fields, HOUSEHOLD_FIELDS, "household_create")
    node = _ledger_node(node_id)
    _require(actor, "household.change", node)
    if not node.is_grid_level:
        raise ValidationError({"node": _("Households belong to a grid or a micro-grid.")})
    household = Household(node=node, **fields)
    household.full_clean()
    household.save()
    return household


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
    raise ValidationError({"id_number": message})


def _save_resident(resident: Resident, **kwargs) -> None:
    """Save; an ID number taken by someone else in the same moment is a field error."""
    try:
        with transaction.atomic():
            resident.save(**kwargs)
    except IntegrityError:
        raise ValidationError(
            {"id_number": _("This ID number was registered elsewhere just now; check it.")}
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
    node = _ledger_node(node_id)
    _require(actor, "household.change", node)
    if not node.is_grid_level:
        raise ValidationError({"node": _("Organizations are registered on a grid.")})
    organization = Organization(node=node, **fields)
    organization.full_clean()
    organization.save()
    return organization


@transaction.atomic
def resident_reveal(*, actor, resident_id: int, field: str, reason: str) -> str:
    """The full ID number or phone of a resident, for those who need it; every reveal is logged
    (who, when, which record, which field, why) before the value leaves the server."""
    from grids.privacy import REVEALABLE_FIELDS

    if field not in REVEALABLE_FIELDS:
        raise ValidationError({"field": _("This field cannot be revealed.")})
    resident = Resident.objects.select_related("household__node").get(pk=resident_id)
    access.require(actor, "resident.reveal", resident)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you need the full value.")})
    RevealLog.objects.create(user=actor, resident=resident, field=field, reason=reason[:200])
    return getattr(resident, field)


# The Excel ledger: one row a resident; households grouped by (grid code, address, head).
CATEGORY_WORDS = {
    "重点户": HouseholdCategory.KEY,
    "监测户": HouseholdCategory.MONITORED,
    "一般户": HouseholdCategory.GENERAL,
    **{c: c for c in HouseholdCategory.values},
}
TAG_WORDS = {
    "独居老人": ResidentTag.ELDERLY_ALONE,
    "留守儿童": ResidentTag.LEFT_BEHIND_CHILD,
    "残疾人": ResidentTag.DISABLED,
    "残疾": ResidentTag.DISABLED,
    "低保": ResidentTag.LOW_INCOME,
    "低收入": ResidentTag.LOW_INCOME,
    "失业": ResidentTag.UNEMPLOYED,
    "退役军人": ResidentTag.VETERAN,
    "党员": ResidentTag.PARTY_MEMBER,
    "特殊群体": ResidentTag.SPECIAL_GROUP,
    **{t: t for t in ResidentTag.values},
}


@dataclass
class LedgerRow:
    """One resident row of the Excel ledger, as text; `number` is its row in the sheet."""

    number: int
    grid_code: str = ""
    address: str = ""
    head_name: str = ""
    category: str = ""
    members: str = ""
    family_situation: str = ""
    contact: str = ""
    political_status: str = ""
    needs: str = ""
    composition: str = ""
    name: str = ""
    id_number: str = ""
    phone: str = ""
    relation: str = ""
    tags: str = ""


@dataclass
class LedgerPlan:
    """What an import would write: households (by key) with their residents, and the errors."""

    households: dict = field(default_factory=dict)
    residents: int = 0
    rows: int = 0
    errors: list = field(default_factory=list)


def _id_problem(value: str) -> str | None:
    value = value.strip().upper()
    if not value:
        return None
    if (
        len(value) != 18
        or not value[:17].isdigit()
        or not (value[17].isdigit() or value[17] == "X")
    ):
        return _("the ID number must be 18 characters: 17 digits and a digit or X")
    if not id_number_is_valid(value):
        return _("ID number: the check digit is wrong")
    return None


def ledger_check(*, actor, node: GridNode, rows: Iterable[LedgerRow]) -> LedgerPlan:
    """Check every row of an import for `node`'s subtree without writing; the plan lists the
    households to create and every problem as "Row n: problem"."""
    plan = LedgerPlan()
    grids = {
        g.code: g for g in GridNode.objects.subtree(node).filter(tier__in=("grid", "micro_grid"))
    }
    existing = set(
        Household.objects.filter(GridNode.subtree_q(node, via="node")).values_list(
            "node__code", "address", "head_name"
        )
    )
    rows = list(rows)
    holders = _id_number_holders(r.id_number.strip().upper() for r in rows)
    seen_ids: dict[str, int] = {}
    for row in rows:
        plan.rows += 1
        problems = []
        grid = grids.get(row.grid_code.strip())
        if grid is None:
            problems.append(
                _("the grid code %(code)s is not a grid in %(node)s")
                % {"code": row.grid_code or "—", "node": node.name}
            )
        elif actor is not None and not access.can(actor, "household.change", grid):
            problems.append(_("you may not change the ledger of %(grid)s") % {"grid": grid.name})
        for value, label in (
            (row.address, _("the address")),
            (row.head_name, _("the head of household")),
            (row.name, _("the name")),
        ):
            if not value.strip():
                problems.append(_("%(what)s is missing") % {"what": label})
        category = CATEGORY_WORDS.get(row.category.strip() or "一般户")
        if category is None:
            problems.append(
                _("unknown household category “%(value)s” (重点户, 监测户 or 一般户)")
                % {"value": row.category}
            )
        members = row.members.strip() or "1"
        # isdecimal, not isdigit: "²" is a digit that int() refuses; full-width ３ is decimal.
        if not members.isdecimal() or not 0 < int(members) < 100:
            problems.append(_("the number of members must be a whole number from 1 to 99"))
        id_problem = _id_problem(row.id_number)
        if id_problem:
            problems.append(id_problem)
        id_number = row.id_number.strip().upper()
        if id_number and not id_problem:
            if id_number in seen_ids:
                problems.append(
                    _("the ID number is also on row %(n)d") % {"n": seen_ids[id_number]}
                )
            seen_ids.setdefault(id_number, row.number)
            holder = holders.get(id_number)
            if holder is not None and _may_learn_holder(actor, holder):
                problems.append(
                    _("the ID number is already in the ledger of %(grid)s") % {"grid": holder.name}
                )
            elif holder is not None:
                problems.append(_("the ID number is already registered elsewhere"))
        tags = []
        for word in re.split(r"[、,，;；\s]+", row.tags.strip()):
            if not word:
                continue
            tag = TAG_WORDS.get(word)
            if tag is None:
                problems.append(_("unknown tag “%(tag)s”") % {"tag": word})
            else:
                tags.append(str(tag))
        for value, limit, label in (
            (row.address, 200, _("the address")),
            (row.head_name, 50, _("the head of household")),
            (row.name, 50, _("the name")),
            (row.phone, 20, _("the phone")),
            (row.relation, 20, _("the relation")),
            (row.contact, 100, _("the contact")),
            (row.political_status, 50, _("the political status")),
        ):
            if len(value.strip()) > limit:
                problems.append(
                    _("%(what)s is longer than %(n)d characters") % {"what": label, "n": limit}
                )
        key = (row.grid_code.strip(), row.address.strip(), row.head_name.strip())
        if grid is not None and key in existing:
            problems.append(_("this household is already in the ledger"))
        if problems:
            plan.errors.extend(
                _("Row %(n)d: %(problem)s") % {"n": row.number, "problem": p} for p in problems
            )
            continue
        household = plan.households.get(key)
        if household is None:
            household = plan.households[key] = {
                "node": grid,
                "fields": {
                    "address": key[1],
                    "head_name": key[2],
                    "category": str(category),
                    "members": int(members),
                    "family_situation": row.family_situation.strip(),
                    "contact": row.contact.strip(),
                    "political_status": row.political_status.strip(),
                    "needs": row.needs.strip(),
                    "composition": row.composition.strip(),
                },
                "residents": [],
            }
        household["residents"].append(
            {
                "name": row.name.strip(),
                "id_number": id_number,
                "phone": row.phone.strip(),
                "relation": row.relation.strip(),
                "tags": tags,
            }
        )
        plan.residents += 1
    return plan


class LedgerImportError(ValidationError):
    """The import was refused as a whole; `messages` names every bad row."""


@transaction.atomic
def ledger_import(*, actor, node_id: int, rows: Iterable[LedgerRow]) -> LedgerPlan:
    """Import households and residents into a grid or village's subtree: every row is checked
    and nothing is written unless all rows are good (one transaction)."""
    node = GridNode.objects.select_for_update().filter(pk=node_id).first()
    if node is None:
        raise ValidationError(_("That place in the tree does not exist (any more)."))
    _require(actor, "household.change", node)
    plan = ledger_check(actor=actor, node=node, rows=rows)
    if plan.errors:
        raise LedgerImportError(plan.errors)
    if not plan.rows:
        raise LedgerImportError([_("The file has no rows to import.")])
    households = [Household(node=h["node"], **h["fields"]) for h in plan.households.values()]
    Household.objects.bulk_create(households, batch_size=500)
    residents = [
        Resident(household=household, **r)
        for household, h in zip(households, plan.households.values(), strict=True)
        for r in h["residents"]
    ]
    try:
        with transaction.atomic():
            Resident.objects.bulk_create(residents, batch_size=500)
    except IntegrityError:
        # Another import took one of these ID numbers after the check: refuse it all (the
        # households above roll back with this transaction) and let the person try again.
        raise LedgerImportError(
            [_("Another import added one of these ID numbers just now; upload the file again.")]
        ) from None
    return plan
