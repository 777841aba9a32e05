"""Road segments under street chiefs (街长制, seed 001): the main and side roads of a street
office cut into responsibility segments, each with its merchant and party-member street chiefs
(staff Assignments with role street_chief pointing at the segment) and its own 街长公示栏."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from grids.models.tree import GridNode, Tier

# A segment lies in a community (village tier) or a grid, never across a whole town: its
# chiefs' grants are given on the segment's node, and a grant covers the node's subtree.
SEGMENT_TIERS = (Tier.VILLAGE, Tier.GRID, Tier.MICRO_GRID)

# The node's code, "S", two digits: like an area's "P", readable and never a division code.
SEGMENT_CODE = re.compile(r"^\d{12,18}S\d{2}$")


class StreetSegment(models.Model):
    """责任路段: one stretch of a road, the street chiefs' patrol."""

    node = models.ForeignKey(
        GridNode,
        verbose_name=_("community or grid"),
        on_delete=models.PROTECT,
        related_name="street_segments",
    )
    road = models.CharField(
        _("road"), max_length=60, help_text=_("The road's name, e.g. 兴隆大街.")
    )
    name = models.CharField(
        _("segment"),
        max_length=100,
        help_text=_("Which stretch, e.g. 石油大街至惠宾大街."),
    )
    code = models.CharField(
        _("code"),
        max_length=24,
        unique=True,
        help_text=_("The node's code, S and 2 digits; the bulletin's address uses it."),
    )
    patrol_range = models.TextField(_("patrol range"), blank=True)
    duties = models.TextField(_("duties"), blank=True)

    class Meta:
        verbose_name = _("road segment")
        verbose_name_plural = _("road segments")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.road} {self.name} ({self.code})"

    @property
    def duty_lines(self) -> list[str]:
        return [line.strip() for line in self.duties.splitlines() if line.strip()]

    def clean(self) -> None:
        errors: dict[str, list] = {}
        node = self.node if self.node_id else None
        if node is not None and node.tier not in SEGMENT_TIERS:
            errors["node"] = [
                _("A road segment lies in a community, village or grid, not a %(tier)s.")
                % {"tier": Tier(node.tier).label}
            ]
        if self.code and not SEGMENT_CODE.match(self.code):
            errors["code"] = [
                _("A segment's code is its node's code, S and 2 digits; “%(code)s” is not.")
                % {"code": self.code}
            ]
        elif self.code and node is not None and self.code[:-3] != node.code:
            errors["code"] = [
                _("The code %(code)s must start with its node's code %(node)s.")
                % {"code": self.code, "node": node.code}
            ]
        if errors:
            raise ValidationError(errors)
