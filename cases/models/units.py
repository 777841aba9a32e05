"""The units that handle cases (county departments, their outposts in the towns, the towns'
platforms), the responsibility list (责任清单) and the categories a report is filed under."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models.choices import Color


class Unit(models.Model):
    """A unit that handles cases: a county department, its outpost in a town (派驻机构), or one
    of a town's four platforms (综治 / 市场监管 / 综合执法 / 便民服务, seed 000)."""

    class Kind(models.TextChoices):
        COUNTY_DEPARTMENT = "department", _("County department")
        OUTPOST = "outpost", _("Outpost in a town")
        PLATFORM = "platform", _("Town platform")

    class Platform(models.TextChoices):
        GOVERNANCE = "governance", _("Comprehensive governance")
        MARKET = "market", _("Market supervision")
        ENFORCEMENT = "enforcement", _("Law enforcement")
        CONVENIENCE = "convenience", _("Convenience services")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    node = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("where it sits"),
        on_delete=models.PROTECT,
        related_name="units",
        help_text=_("The county for a department, the town for an outpost or platform."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("county department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outposts",
        help_text=_("For an outpost: the county department it belongs to."),
    )
    platform = models.CharField(_("platform"), max_length=12, choices=Platform.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["node", "name"], name="department_unique_name"),
            models.CheckConstraint(
                condition=Q(kind="outpost", parent__isnull=False) | ~Q(kind="outpost"),
                name="department_outpost_has_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ResponsibilityItem(models.Model):
    """One line of the responsibility list (责任清单, seed 004): who owns a kind of matter."""

    class Owner(models.TextChoices):
        TOWN = "town", _("The town itself")
        DEPARTMENT = "department", _("A county department")

    matter = models.CharField(_("matter"), max_length=200)
    domain = models.CharField(_("domain"), max_length=50)
    owner = models.CharField(_("owner"), max_length=12, choices=Owner.choices)
    department = models.ForeignKey(
        Unit,
        verbose_name=_("owning department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsibilities",
    )
    lead_unit = models.CharField(_("lead unit"), max_length=100)
    supporting_units = models.CharField(_("supporting units"), max_length=300, blank=True)
    section = models.CharField(_("section in charge"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    instructions = models.TextField(_("instructions (说明书)"), blank=True)

    class Meta:
        verbose_name = _("responsibility item")
        verbose_name_plural = _("responsibility list")
        ordering = ["domain", "matter"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner="town") | Q(department__isnull=False),
                name="responsibility_department_owner_named",
            )
        ]

    def __str__(self) -> str:
        return f"{self.domain} · {self.matter}"

    @property
    def is_town_duty(self) -> bool:
        return self.owner == self.Owner.TOWN


class Category(models.Model):
    """What a case is about; points to the responsibility item that says who owns it. A public
    category is offered to residents on their report form, under its resident-facing name and
    in a group as residents name things (not the seeds' 三必到 / 四必报)."""

    class Group(models.TextChoices):
        MUST_ATTEND = "must_attend", _("Must attend (三必到)")
        MUST_REPORT = "must_report", _("Must report (四必报)")
        DISPUTE = "dispute", _("Dispute")
        OTHER = "other", _("Other")

    class PublicGroup(models.TextChoices):
        SAFETY = "safety", _("Danger and safety")
        ROADS = "roads", _("Roads, lights and public facilities")
        ENVIRONMENT = "environment", _("Rubbish, pollution and the environment")
        NEIGHBOURS = "neighbours", _("Neighbours and disputes")
        HELP = "help", _("Help for people in hardship")
        OTHER = "other", _("Something else")

    name = models.CharField(_("name"), max_length=100, unique=True)
    group = models.CharField(_("group"), max_length=12, choices=Group.choices)
    responsibility = models.ForeignKey(
        ResponsibilityItem,
        verbose_name=_("responsibility item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="categories",
    )
    suggested_color = models.CharField(
        _("suggested color"), max_length=10, choices=Color.choices, default=Color.YELLOW
    )
    emergency = models.BooleanField(_("emergency"), default=False)
    public = models.BooleanField(
        _("residents may choose it"),
        default=False,
        help_text=_("Offered on the residents' report form (/g/<code>/report/)."),
    )
    public_name = models.CharField(
        _("name for residents"),
        max_length=100,
        blank=True,
        help_text=_("What residents call it; empty: the category's own name."),
    )
    public_group = models.CharField(
        _("group for residents"),
        max_length=12,
        choices=PublicGroup.choices,
        default=PublicGroup.OTHER,
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["group", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def name_for_residents(self) -> str:
        return self.public_name or self.name
