"""Provinces above the county trees: only superusers keep them (no grant of any county's tree
reaches above its root)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.errors import DomainError
from grids.models import GridNode, Province


@transaction.atomic
def province_save(*, actor, province: Province, county_ids: list[int]) -> Province:
    """Save a province and make exactly `county_ids` its counties. A county stays in at most
    one province: one taken from another province leaves it."""
    if not actor.is_superuser:
        raise PermissionDenied
    province.full_clean()
    province.save()
    counties = GridNode.objects.filter(pk__in=county_ids, parent__isnull=True)
    if len(set(county_ids)) != counties.count():
        raise DomainError(
            {"counties": _("Only counties (the roots of the tree) belong to a province.")}
        )
    GridNode.objects.filter(province=province).exclude(pk__in=county_ids).update(province=None)
    counties.update(province=province)
    return province
