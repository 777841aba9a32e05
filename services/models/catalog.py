"""The service catalog (便民服务事项): each item with its "五公开" (content, procedure, policy
basis, service phone, staff in charge), the materials it needs and its time limits.

An item's texts live in versions: an edit adds a version and never changes an old one, so a
request keeps pointing at the text it was made under (what it needed, how long it was promised).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Domain(models.TextChoices):
    """What an item is about: the chapters of the printed handbook."""

    SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
    ASSISTANCE = "assistance", _("Social assistance")
    DISABILITY = "disability", _("Disability services")
    ELDERLY = "elderly", _("Services for the elderly")
    HOUSEHOLD = "household", _("Household registration and certificates")
    LAND = "land", _("Land and building")
    AGRICULTURE = "agriculture", _("Agriculture and rural affairs")
    HEALTH = "health", _("Health and medical insurance")
    VETERANS = "veterans", _("Veterans' affairs")
    EMPLOYMENT = "employment", _("Employment")
    FAMILY = "family", _("Family and children")
    OTHER = "other", _("Other services")


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    BOTH = "both", _("Original and copy")


# What an item's code looks like: the offering place's code (a town's 9 digits or a village's
# 12), "F" (服务) and a number of three digits.
ITEM_CODE = r"[0-9]{9}(?:[0-9]{3})?F[0-9]{3}"
LONGEST_LIMIT = 365  # working days: no item is promised or allowed more than a year


class ServiceItem(models.Model):
    """One public service a town or village offers, owned by a platform or department. Its
    texts are in its current version; the name is repeated here for lists and search."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    node = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("offered at"),
        on_delete=models.PROTECT,
        related_name="service_items",
        help_text=_("The town or village whose window takes it in."),
    )
    platform = models.ForeignKey(
        "cases.Unit",
        verbose_name=_("owning platform or department"),
        on_delete=models.PROTECT,
        related_name="service_items",
        help_text=_("The back office that decides: a town platform or a county department."),
    )
    domain = models.CharField(
        _("domain"), max_length=20, choices=Domain.choices, default=Domain.OTHER
    )
    name = models.CharField(_("name"), max_length=100)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff in charge"),
        blank=True,
        related_name="services_in_charge",
        help_text=_("Shown on the item's page with their work phone, if they agreed to it."),
    )
    position = models.PositiveSmallIntegerField(_("position in the catalog"), default=0)
    active = models.BooleanField(
        _("offered"), default=True, help_text=_("A withdrawn item is no longer shown or taken.")
    )
    current = models.ForeignKey(
        "ServiceItemVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service catalog")
        ordering = ["code"]
        indexes = [models.Index(fields=["node", "active"], name="serviceitem_node_active")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


@dataclass(frozen=True)
class Material:
    """One material a version asks for, as its pages and notices show it."""

    index: int
    name: str
    form: str
    count: int

    @property
    def form_label(self) -> str:
        return str(MaterialForm(self.form).label) if self.form in MaterialForm.values else ""


@dataclass(frozen=True)
class Basis:
    """One policy document an item rests on, with the articles that apply."""

    document: str
    articles: str


class ServiceItemVersion(models.Model):
    """An item's texts as they stood from `created_at` on: never changed once written."""

    item = models.ForeignKey(
        ServiceItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=100)
    content = models.TextField(_("service content"))
    # Ordered steps as text; policy documents as {"document", "articles"}; materials as
    # {"name", "form", "count"}: written once by services.actions, read by the properties below.
    procedure = models.JSONField(_("procedure"), default=list)
    basis = models.JSONField(_("policy basis"), default=list)
    materials = models.JSONField(_("materials"), default=list)
    phone = models.CharField(_("service phone"), max_length=30, blank=True)
    statutory_days = models.PositiveSmallIntegerField(
        _("statutory time limit (working days)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(LONGEST_LIMIT)],
    )
    promised_days = models.PositiveSmallIntegerField(
        _("promised time limit (working days)"),
        validators=[MaxValueValidator(LONGEST_LIMIT)],
        help_text=_("0: done on the spot (即办件)."),
    )
    fee = models.DecimalField(_("fee (yuan)"), max_digits=8, decimal_places=2, default=0)
    fee_note = models.CharField(_("about the fee"), max_length=200, blank=True)
    online = models.BooleanField(_("can be applied for online"), default=False)
    errand = models.BooleanField(_("an errand-runner can do it (代办)"), default=True)
    created_at = models.DateTimeField(_("written at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("service item version")
        verbose_name_plural = _("service item versions")
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="serviceitemversion_number"),
            # 承诺时限 is a promise to be quicker than the law allows, never slower.
            models.CheckConstraint(
                condition=Q(statutory_days__isnull=True)
                | Q(promised_days__lte=models.F("statutory_days")),
                name="serviceitemversion_promise_within_law",
            ),
            models.CheckConstraint(condition=Q(fee__gte=0), name="serviceitemversion_fee_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"

    @property
    def steps(self) -> list[str]:
        return [str(s) for s in self.procedure if str(s).strip()]

    @property
    def documents(self) -> list[Basis]:
        return [
            Basis(str(b.get("document", "")), str(b.get("articles", "")))
            for b in self.basis
            if isinstance(b, dict)
        ]

    @property
    def material_list(self) -> list[Material]:
        return [
            Material(i, str(m.get("name", "")), str(m.get("form", "")), int(m.get("count") or 1))
            for i, m in enumerate(self.materials)
            if isinstance(m, dict)
        ]

    @property
    def free(self) -> bool:
        return not self.fee
