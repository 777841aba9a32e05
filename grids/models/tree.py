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
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet


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


_PUBLIC_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{2,28}[0-9]$")


def validate_public_phone(value: str) -> None:
    """A phone number as printed for the public: digits, with spaces, dashes or brackets."""
    if value and not _PUBLIC_PHONE.match(value):
        raise ValidationError(
            _("“%(value)s” is not a phone number (digits, spaces, dashes or brackets).")
            % {"value": value}
        )


def code_prefix_node(parent: "GridNode | None") -> "GridNode | None":
    """The node whose code a child's code must extend: the parent, skipping an area."""
    node = parent
    while node is not None and node.tier == Tier.AREA:
        node = node.parent
    return node


def validate_code(*, tier: str, code: str, parent: "GridNode | None") -> None:
    """Raise ValidationError (field "code") unless `code` fits `tier` under `parent`."""
    pattern = CODE_PATTERNS.get(tier)
    if pattern is None:
        return  # no tier chosen: validate_tier says so
    if not pattern.match(code or ""):
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
    if tier not in Tier.values:
        raise ValidationError({"tier": _("Choose the tier of this place.")})
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


# The tree is nested sets: a node's subtree is every node of its tree whose lft..rght lies within
# its own. These are the only places that spell the range out; everything else asks in words.
# Each relation is the pair of lookups a row's lft and rght take against a span's.
_WITHIN = ("gte", "lte")  # the span's node or below it


_STRICTLY_WITHIN = ("gt", "lt")  # below it, the node itself left out


_AROUND = ("lte", "gte")  # the span's node or above it


def _range_q(spans, via: str, relation: tuple[str, str]) -> Q:
    """One range condition per span (a node, or anything with tree_id, lft and rght such as an
    access grant) through the foreign-key path `via` ("" for nodes themselves), or-ed together;
    no span, no row."""
    prefix = f"{via}__" if via else ""
    lft, rght = relation
    q = Q(pk__in=[])
    for i, span in enumerate(spans):
        if relation == _AROUND:
            bounds = {f"{prefix}lft__{lft}": span.lft, f"{prefix}rght__{rght}": span.rght}
        else:
            # Within a span: its lft lies in the span's [lft, rght] (nested sets), so one
            # column says it. A second condition on rght would bound nothing more, and
            # PostgreSQL, multiplying both selectivities, would expect a tenth of the real
            # rows and plan a nested loop per node (bench/growth.py).
            bounds = {f"{prefix}lft__{lft}": span.lft, f"{prefix}lft__{rght}": span.rght}
        one = Q(**{f"{prefix}tree_id": span.tree_id, **bounds})
        q = one if i == 0 else q | one
    return q


def span_contains(outer, inner, *, strictly: bool = False) -> bool:
    """Is `inner` in `outer`'s subtree (`outer` itself too, unless `strictly`)? Both are nodes or
    anything else with tree_id, lft and rght."""
    if outer.tree_id != inner.tree_id:
        return False
    if strictly:
        return outer.lft < inner.lft and inner.rght < outer.rght
    return outer.lft <= inner.lft and inner.rght <= outer.rght


class GridNodeQuerySet(TreeQuerySet):
    def subtree(self, node: "GridNode") -> "GridNodeQuerySet":
        """`node` and everything below it: one range condition."""
        return self.filter(GridNode.subtree_q(node))

    def ancestors(self, node: "GridNode") -> "GridNodeQuerySet":
        """`node` and everything above it up to its county: one range condition."""
        return self.filter(GridNode.ancestors_q(node))


class GridNodeManager(TreeManager.from_queryset(GridNodeQuerySet)):
    pass


_PROVINCE_CODE = re.compile(r"^\d{2}(?:\d{2}){0,2}$")


class Province(models.Model):
    """A province (or a prefecture-level region) above county trees. Not a tree root itself:
    one tree over every county would make each county's tree edit rewrite all the others, so a
    county points at its province instead. Its staff see the counties' figures, not their cases."""

    code = models.CharField(
        _("code"),
        max_length=6,
        unique=True,
        help_text=_(
            "The division code's leading digits: 2 for a province (37), 4 for a region (3713)."
        ),
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        if not _PROVINCE_CODE.match(self.code or ""):
            raise ValidationError(
                {
                    "code": _(
                        "A province code is 2 digits, a region's 4 (the division code's start)."
                    )
                }
            )


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
    households = models.PositiveIntegerField(_("number of households"), default=0)
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
    # What the bulletin board and the grid's public page say about reaching the place; a node
    # without its own shows its town's (GridNode.public_contact).
    office_hours = models.CharField(
        _("office hours"),
        max_length=200,
        blank=True,
        help_text=_("As residents read it, e.g. Monday to Friday 8:30–12:00, 14:30–18:00."),
    )
    hotline = models.CharField(
        _("hotline"),
        max_length=30,
        blank=True,
        validators=[validate_public_phone],
        help_text=_("A town's hotline is shown on every bulletin of the town."),
    )
    # Only a county (a root) belongs to a province; set in the province's admin page.
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="counties",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = GridNodeManager()

    # Where a node stands in the tree: what a query must load for the tree words below, and
    # the order of the tree (a county, then each node before its children, siblings by code).
    SPAN_FIELDS = ("tree_id", "lft", "rght")
    TREE_ORDER = ("tree_id", "lft")

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
            models.CheckConstraint(
                condition=models.Q(province__isnull=True) | models.Q(parent__isnull=True),
                name="gridnode_province_only_on_county",
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

    # ------------------------------------------------------------ tree words

    def contains(self, other) -> bool:
        """Is `other` this node or in its subtree? No query."""
        return span_contains(self, other)

    @property
    def is_rung(self) -> bool:
        """Is this node a rung of the escalation ladder? An area (片区) is a grouping of
        villages, not a level that holds cases: a case climbs from a village to its town."""
        return self.tier != Tier.AREA

    @property
    def ladder_parent(self) -> "GridNode | None":
        """The next level up the escalation ladder (areas skipped); None at the county. Reads
        the parents it has not read yet, one query each."""
        parent = self.parent
        while parent is not None and not parent.is_rung:
            parent = parent.parent
        return parent

    @property
    def town(self) -> "GridNode":
        """The town this node belongs to: itself for a town, and the county itself for a
        county-level node. Below a town this reads the database, one query each time it is
        asked (not kept: a move may change it)."""
        if self.tier in (Tier.COUNTY, Tier.TOWN):
            return self
        return GridNode.objects.filter(GridNode.ancestors_q(self)).get(tier=Tier.TOWN)

    @staticmethod
    def subtree_q(*spans, via: str = "") -> Q:
        """Rows whose node (reached through `via`, "" for nodes themselves) is in the subtree
        of any of `spans` (nodes, or grants), the spans' own nodes included; no span, no row."""
        return _range_q(spans, via, _WITHIN)

    @staticmethod
    def strictly_below_q(*spans, via: str = "") -> Q:
        """Rows whose node is strictly inside the subtree of any of `spans`."""
        return _range_q(spans, via, _STRICTLY_WITHIN)

    @staticmethod
    def ancestors_q(*spans, via: str = "") -> Q:
        """Rows whose node is at or above any of `spans` (its town, its county, itself)."""
        return _range_q(spans, via, _AROUND)


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
