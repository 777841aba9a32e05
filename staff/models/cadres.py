"""Linked cadres (挂联 / 包村, seed 002) and their patrols with the grid workers (三陪同, seed
001); the towns' scores of the outposts stationed with them and the rule of the county's
appraisal of its departments (工作评价权, 部门考核评价, seed 004)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grids.models import Tier


class LinkKind(models.TextChoices):
    COUNTY_LEADER = "county_leader", _("County leader")
    DEPARTMENT = "department", _("Department")
    TOWN_CADRE = "town_cadre", _("Town cadre")


class LinkQuerySet(models.QuerySet):
    def active(self, on=None):
        day = on or timezone.localdate()
        return self.filter(since__lte=day).filter(Q(until__isnull=True) | Q(until__gte=day))


class Link(models.Model):
    """挂联 / 包村: a county leader, a department (or its outpost) or a town cadre linked to a
    village, from a day until a day."""

    kind = models.CharField(_("kind"), max_length=16, choices=LinkKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cadre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="village_links",
        help_text=_("For a county leader or a town cadre: the person."),
    )
    unit = models.ForeignKey(
        "cases.Unit",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="village_links",
        help_text=_("For a department: the county department or outpost linked to the village."),
    )
    village = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="links",
    )
    since = models.DateField(_("since"), default=timezone.localdate)
    until = models.DateField(_("until"), null=True, blank=True)
    weekly_patrols = models.PositiveSmallIntegerField(
        _("accompanied patrols a week"),
        default=2,
        help_text=_("What a town cadre is held to (三陪同: 每周不少于 2 次)."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = LinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("linked cadre")
        verbose_name_plural = _("linked cadres")
        ordering = ["village", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="department", unit__isnull=False, user__isnull=True))
                | (~Q(kind="department") & Q(user__isnull=False, unit__isnull=True)),
                name="link_person_or_department",
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")),
                name="link_until_after_since",
            ),
        ]
        indexes = [models.Index(fields=["user", "village"], name="link_user_village")]

    def __str__(self) -> str:
        return f"{self.user or self.unit} · {self.village}"

    @property
    def access_node(self):
        return self.village

    def clean(self) -> None:
        if self.village_id and self.village.tier != Tier.VILLAGE:
            raise ValidationError({"village": _("A cadre or a department is linked to a village.")})
        if self.kind == LinkKind.DEPARTMENT and not self.unit_id:
            raise ValidationError({"unit": _("Name the department linked to the village.")})
        if self.kind and self.kind != LinkKind.DEPARTMENT and not self.user_id:
            raise ValidationError({"user": _("Name the cadre linked to the village.")})
        if self.kind == LinkKind.DEPARTMENT and self.user_id:
            raise ValidationError({"user": _("A department's link names the department only.")})
        if self.kind != LinkKind.DEPARTMENT and self.unit_id:
            raise ValidationError({"unit": _("A cadre's link names the person only.")})
        if self.unit_id and self.village_id:
            unit_node = self.unit.node
            if unit_node.tree_id != self.village.tree_id or not unit_node.contains(self.village):
                raise ValidationError(
                    {"unit": _("That department does not serve the village's county or town.")}
                )
        if self.until and self.since and self.until < self.since:
            raise ValidationError({"until": _("A link cannot end before it begins.")})


class CoPatrol(models.Model):
    """三陪同: a linked cadre joined a grid worker's patrol, on their own phone."""

    patrol = models.ForeignKey(
        "staff.Patrol",
        verbose_name=_("patrol"),
        on_delete=models.CASCADE,
        related_name="companions",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cadre"),
        on_delete=models.PROTECT,
        related_name="copatrols",
    )
    link = models.ForeignKey(
        Link, verbose_name=_("linked as"), on_delete=models.PROTECT, related_name="copatrols"
    )
    joined_at = models.DateTimeField(_("joined at"))

    class Meta:
        verbose_name = _("accompanied patrol")
        verbose_name_plural = _("accompanied patrols")
        ordering = ["-joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["patrol", "user"], name="copatrol_once_per_patrol")
        ]
        indexes = [models.Index(fields=["user", "joined_at"], name="copatrol_user_joined")]

    def __str__(self) -> str:
        return f"{self.user} · {self.patrol}"

    @property
    def access_node(self):
        return self.patrol.node


# --- The towns' scores of their outposts, the county's appraisal of its departments ------------


class OutpostScoreItem(models.Model):
    """One item a town scores the outposts stationed with it on, each month (a county's list)."""

    county = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="outpost_score_items",
    )
    name = models.CharField(_("item"), max_length=60)
    most = models.PositiveSmallIntegerField(
        _("most points"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("outpost score item")
        verbose_name_plural = _("outpost score items")
        ordering = ["county", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="outpostscoreitem_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def access_node(self):
        return self.county

    def clean(self) -> None:
        if self.county_id and self.county.tier != Tier.COUNTY:
            raise ValidationError({"county": _("The items are a county's.")})


class OutpostScore(models.Model):
    """A town's score of one outpost stationed with it, for a month (工作评价权)."""

    outpost = models.ForeignKey(
        "cases.Unit",
        verbose_name=_("outpost"),
        on_delete=models.PROTECT,
        related_name="town_scores",
    )
    town = models.ForeignKey(
        "grids.GridNode", verbose_name=_("town"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2, default=Decimal(0))
    most = models.PositiveIntegerField(_("most points"), default=0)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scored by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    scored_at = models.DateTimeField(_("scored at"))

    class Meta:
        verbose_name = _("town's score of an outpost")
        verbose_name_plural = _("towns' scores of outposts")
        ordering = ["-month", "outpost"]
        constraints = [
            models.UniqueConstraint(fields=["outpost", "month"], name="outpostscore_one_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="outpostscore_month_is_1st"),
        ]

    def __str__(self) -> str:
        return f"{self.outpost} · {self.month:%Y-%m}"

    @property
    def access_node(self):
        return self.town

    @property
    def percent(self) -> Decimal | None:
        """The score out of 100, whatever the items' most points add up to."""
        if not self.most:
            return None
        return (self.points * 100 / self.most).quantize(Decimal("0.01"))


class OutpostScoreLine(models.Model):
    """One item of a town's score of an outpost: its points and why."""

    score = models.ForeignKey(
        OutpostScore, verbose_name=_("score"), on_delete=models.CASCADE, related_name="lines"
    )
    item = models.ForeignKey(
        OutpostScoreItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("score item")
        verbose_name_plural = _("score items")
        ordering = ["item__position", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["score", "item"], name="outpostscoreline_one_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.points}"


class DepartmentAppraisalRule(models.Model):
    """How a county ranks its departments and outposts (部门考核评价): how soon a dispatched
    case must be signed for, and the share of the score the towns' own scores carry."""

    county = models.OneToOneField(
        "grids.GridNode",
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="department_appraisal_rule",
    )
    sign_within_hours = models.PositiveSmallIntegerField(
        _("sign for a dispatched case within (hours)"),
        default=24,
        validators=[MinValueValidator(1)],
    )
    town_share = models.PositiveSmallIntegerField(
        _("share of the towns' scores (%)"),
        default=30,
        validators=[MaxValueValidator(100)],
        help_text=_("The rest of the score is the measured figures, each counted alike."),
    )

    class Meta:
        verbose_name = _("department appraisal rule")
        verbose_name_plural = _("department appraisal rules")

    def __str__(self) -> str:
        return str(self.county)

    @property
    def access_node(self):
        return self.county

    def clean(self) -> None:
        if self.county_id and self.county.tier != Tier.COUNTY:
            raise ValidationError({"county": _("The rule is a county's.")})
