"""The ledger's import from a township's spreadsheet: check every row without writing, then all
rows or none."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridgov.errors import DomainError
from grids.actions.ledger import _id_number_holders, _may_learn_holder
from grids.actions.tree import _require
from grids.models import (  # noqa: E402
    GridNode,
    Household,
    HouseholdCategory,
    Resident,
    ResidentTag,
    id_number_is_valid,
)
from staff import access

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
        raise DomainError(_("That place in the tree does not exist (any more)."))
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
