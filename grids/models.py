"""The grid tree: county › town › (area) › village › grid › micro-grid.

Codes follow the national division codes: county 6 digits (GB/T 2260), town 9, village 12
(the statistics division code), grid = village code + 3 digits (15), micro-grid = grid code
+ 3 digits (18). An area (片区, seed 003) is a functional grouping between town and village
with no national code: its code is the town's 9 digits + "P" + 2 digits, and the villages under
it keep extending the town's code.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from mptt.models import MPTTModel, TreeForeignKey


class Tier(models.TextChoices):
    COUNTY = "county", _("County")
    TOWN = "town", _("Town")
    AREA = "area", _("Area")
    VILLAGE = "village", _("Village")
    GRID = "grid", _("Grid")
    MICRO_GRID = "micro_grid", _("Micro-grid")


# Which tiers may sit directly under which. A grid belongs to a village, never to a town.
CHILD_TIERS: dict[str, tuple[str, ...]] = {
    Tier.COUNTY: (Tier.TOWN,),
    Tier.TOWN: (Tier.AREA, Tier.VILLAGE),
    Tier.AREA: (Tier.VILLAGE,),
    Tier.VILLAGE: (Tier.GRID,),
    Tier.GRID: (Tier.MICRO_GRID,),
    Tier.MICRO_GRID: (),
}

# The whole code of each tier: digits only except the area's "P".
CODE_PATTERNS: dict[str, re.Pattern] = {
    Tier.COUNTY: re.compile(r"^\d{6}$"),
    Tier.TOWN: re.compile(r"^\d{9}$"),
    Tier.AREA: re.compile(r"^\d{9}P\d{2}$"),
    Tier.VILLAGE: re.compile(r"^\d{12}$"),
    Tier.GRID: re.compile(r"^\d{15}$"),
    Tier.MICRO_GRID: re.compile(r"^\d{18}$"),
}

CODE_SHAPES = {
    Tier.COUNTY: _("6 digits"),
    Tier.TOWN: _("9 digits"),
    Tier.AREA: _("the town's 9 digits, then P and 2 digits"),
    Tier.VILLAGE: _("12 digits"),
    Tier.GRID: _("15 digits"),
    Tier.MICRO_GRID: _("18 digits"),
}


class Kind(models.TextChoices):
    RURAL = "rural", _("Rural")
    URBAN = "urban", _("Urban")
    EXCLUSIVE = "exclusive", _("Exclusive (park, market, school, hospital, compound)")


class Difficulty(models.TextChoices):
    A = "A", _("A (hardest)")
    B = "B", _("B")
    C = "C", _("C (lightest)")


def code_prefix_node(parent: "GridNode | None") -> "GridNode | None":
    """The node whose code a child's code must extend: the parent, skipping an area."""
    node = parent
    while node is not None and node.tier == Tier.AREA:
        node = node.parent
    return node


def validate_code(*, tier: str, code: str, parent: "GridNode | None") -> None:
    """Raise ValidationError (field "code") unless `code` fits `tier` under `parent`."""
    pattern = CODE_PATTERNS.get(tier)
    if pattern is None or not pattern.match(code or ""):
        raise ValidationError(
            {
                "code": _("A %(tier)s code must be %(shape)s; “%(code)s” is not.")
                % {"tier": Tier(tier).label, "shape": CODE_SHAPES[tier], "code": code}
            }
        )
    prefix_node = parent if tier == Tier.AREA else code_prefix_node(parent)
    if prefix_node is not None and not code.startswith(prefix_node.code):
        raise ValidationError(
            {
                "code": _("The code %(code)s must start with its parent's code %(parent)s.")
                % {"code": code, "parent": prefix_node.code}
            }
        )


def validate_tier(*, tier: str, parent: "GridNode | None") -> None:
    """Raise ValidationError (field "parent" or "tier") unless `tier` may sit under `parent`."""
    if parent is None:
        if tier != Tier.COUNTY:
            raise ValidationError(
                {
                    "parent": _("Only a county stands at the top; a %(tier)s needs a parent.")
                    % {"tier": Tier(tier).label}
                }
            )
        return
    if tier == Tier.COUNTY:
        raise ValidationError(
            {"parent": _("A county is the top of its own tree and has no parent.")}
        )
    allowed = CHILD_TIERS[parent.tier]
    if tier not in allowed:
        if allowed:
            message = _(
                "A %(tier)s cannot sit under a %(parent_tier)s; under it may go: %(allowed)s."
            ) % {
                "tier": Tier(tier).label,
                "parent_tier": Tier(parent.tier).label,
                "allowed": "、".join(str(Tier(t).label) for t in allowed),
            }
        else:
            message = _("A %(parent_tier)s is the lowest tier and has nothing under it.") % {
                "parent_tier": Tier(parent.tier).label
            }
        raise ValidationError({"parent": message})


class GridNode(MPTTModel):
    name = models.CharField(_("name"), max_length=100)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.RURAL)
    code = models.CharField(_("code"), max_length=20, unique=True)
    parent = TreeForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    households = models.PositiveIntegerField(_("households"), default=0)
    population = models.PositiveIntegerField(_("population"), default=0)
    difficulty = models.CharField(
        _("difficulty"), max_length=1, choices=Difficulty.choices, blank=True, default=""
    )
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    centre_lat = models.DecimalField(
        _("centre latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    centre_lng = models.DecimalField(
        _("centre longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class MPTTMeta:
        # Siblings stand in code order, both when inserted and when a county is rebuilt.
        order_insertion_by = ["code"]

    class Meta:
        verbose_name = _("grid node")
        verbose_name_plural = _("grid tree")
        ordering = ["tree_id", "lft"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tier__in=[t.value for t in Tier]), name="gridnode_tier_known"
            ),
            models.CheckConstraint(
                condition=models.Q(difficulty__in=["", "A", "B", "C"]),
                name="gridnode_difficulty_known",
            ),
            # The county is the root of its own tree, and only the county.
            models.CheckConstraint(
                condition=(models.Q(tier="county", parent__isnull=True))
                | (~models.Q(tier="county") & models.Q(parent__isnull=False)),
                name="gridnode_county_is_root",
            ),
        ]
        indexes = [models.Index(fields=["tree_id", "lft", "rght"], name="gridnode_range")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        parent = self.parent  # may be an unsaved node during a bulk import
        errors: dict[str, list] = {}
        for check in (
            lambda: validate_tier(tier=self.tier, parent=parent),
            lambda: validate_code(tier=self.tier, code=self.code, parent=parent),
        ):
            try:
                check()
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    errors.setdefault(field, []).extend(messages)
        if self.difficulty and self.tier not in (Tier.GRID, Tier.MICRO_GRID):
            errors.setdefault("difficulty", []).append(
                _("Only grids and micro-grids carry a difficulty class.")
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_grid_level(self) -> bool:
        return self.tier in (Tier.GRID, Tier.MICRO_GRID)

    def breadcrumb(self) -> list["GridNode"]:
        """County › town › … › this node, in one query."""
        return list(self.get_ancestors(include_self=True))


class RetiredCode(models.Model):
    """A code once given to a node that was removed or recoded: never handed out again."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)
    retired_at = models.DateTimeField(_("retired at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("retired code")
        verbose_name_plural = _("retired codes")

    def __str__(self) -> str:
        return self.code
