"""Writes to the street chiefs' road segments (街长制, seed 001). The chiefs themselves are
posts (staff.actions.assignment_grant with role street_chief and the segment)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridgov.errors import DomainError
from grids.models import GridNode, StreetSegment
from staff import access

SEGMENT_FIELDS = ("road", "name", "patrol_range", "duties")


def _require(actor, node: GridNode) -> None:
    # actor None: the system itself (the demo, an import run on the server).
    if actor is not None:
        access.require(actor, "node.change", node)


@transaction.atomic
def street_segment_create(*, actor, node_id: int, code: str, **fields) -> StreetSegment:
    """Add a road segment to a community or grid (whoever may change the node may)."""
    unknown = set(fields) - set(SEGMENT_FIELDS)
    if unknown:
        raise TypeError(f"street_segment_create got unexpected fields: {sorted(unknown)}")
    node = GridNode.objects.filter(pk=node_id).first()
    if node is None:
        raise DomainError(_("That place in the tree does not exist (any more)."), field="node")
    _require(actor, node)
    segment = StreetSegment(node=node, code=code, **fields)
    segment.full_clean()
    try:
        with transaction.atomic():
            segment.save()
    except IntegrityError:  # a twin saved in between: the unique code says so
        raise DomainError(
            _("The code %(code)s is already in use.") % {"code": code}, field="code"
        ) from None
    return segment


@transaction.atomic
def street_segment_update(*, actor, segment_id: int, **changes) -> StreetSegment:
    """Change a segment's road, name, patrol range or duties (its node and code stay: its
    chiefs are posted on the node, and its code is printed on the bulletin)."""
    unknown = set(changes) - set(SEGMENT_FIELDS)
    if unknown:
        raise TypeError(f"street_segment_update got unexpected fields: {sorted(unknown)}")
    segment = (
        StreetSegment.objects.select_for_update().select_related("node").filter(pk=segment_id)
    ).first()
    if segment is None:
        raise DomainError(_("That road segment does not exist (any more)."))
    _require(actor, segment.node)
    for name, value in changes.items():
        setattr(segment, name, value)
    segment.full_clean()
    segment.save(update_fields=list(changes))
    return segment
