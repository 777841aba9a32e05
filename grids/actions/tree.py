"""Every write to the grid tree. Tree writes are serialized per county (the root row is locked)
so that concurrent edits can never corrupt lft/rght; creating a county takes a forest-wide lock
so two counties never get the same tree id."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.errors import DomainError
from gridgov.language import in_site_language
from grids.models import (  # noqa: E402
    GridNode,
    RetiredCode,
    validate_code,
    validate_tier,
)
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
    "office_hours",
    "hotline",
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
        raise DomainError(_("That place in the tree does not exist (any more).")) from None


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
        raise DomainError({"code": _("The code %(code)s is already in use.") % {"code": code}})
    if RetiredCode.objects.filter(code=code).exists():
        raise DomainError(
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
            raise PermissionDenied
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
        raise DomainError(
            {"code": _("The code %(code)s is already in use.") % {"code": code}}
        ) from None
    return node


@transaction.atomic
def node_update(*, actor, node_id: int, **changes) -> GridNode:
    """Change a node's own facts (not its place in the tree nor its code)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(
            _("These cannot be changed here: %(fields)s. Move or recode the node instead.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    node = GridNode.objects.select_for_update().filter(pk=node_id).first()
    if node is None:
        raise DomainError(_("That place in the tree does not exist (any more)."))
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
            raise DomainError(
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
        raise DomainError(_("A county cannot be moved under another node."))
    if node.contains(new_parent):
        raise DomainError(
            _("A node cannot be moved under itself or its own descendants."), field="parent"
        )
    validate_tier(tier=node.tier, parent=new_parent)
    subtree = list(node.get_descendants(include_self=True))
    if new_code is None or new_code == node.code:
        try:
            validate_code(tier=node.tier, code=node.code, parent=new_parent)
        except ValidationError:
            raise DomainError(
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
    if node.tree_id != subtree[0].tree_id:
        _follow_to_tree([n.pk for n in subtree], node.tree_id)
    return node


def _follow_to_tree(node_ids: list[int], tree_id: int) -> None:
    """Rows that keep their place's county tree (a case's `county_tree`) follow a move into
    another county. Found by the field, so the tree needs to know no app above it."""
    from django.apps import apps

    for model in apps.get_models():
        names = {f.name for f in model._meta.concrete_fields}
        if {"county_tree", "node"} <= names:
            model._default_manager.filter(node_id__in=node_ids).update(county_tree=tree_id)


@transaction.atomic
def node_delete(*, actor, node_id: int, reason: str = "") -> None:
    """Remove an empty node; its code is retired and never handed out again."""
    (node,) = _lock_for(node_id)
    _require(actor, "node.delete", node)
    if node.get_descendant_count():
        raise DomainError(
            _("%(name)s still has places under it; move or remove them first.")
            % {"name": node.name}
        )
    RetiredCode.objects.create(code=node.code, name=node.name, tier=node.tier, reason=reason[:200])
    try:
        with transaction.atomic():
            node.delete()
    except ProtectedError:
        raise DomainError(
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
                raise DomainError(
                    _("no parent with code %(code)s in this county") % {"code": row.parent_code}
                )
            if row.code in known or row.code in pending:
                raise DomainError(_("the code %(code)s is already in use") % {"code": row.code})
            if row.code in retired:
                raise DomainError(_("the code %(code)s was used before") % {"code": row.code})
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
        raise DomainError(errors)
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
