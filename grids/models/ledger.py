"""The ledgers (台账) of a grid: households, the people in them, the organizations, and the log
of every masked value someone revealed."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from grids.models.tree import GridNode

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


_ID_CHECK = "10X98765432"


def id_number_is_valid(value: str) -> bool:
    """GB 11643: 18 characters, 17 digits and a check character (0–9 or X) over the weights."""
    value = (value or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def validate_id_number(value: str) -> None:
    if not id_number_is_valid(value):
        raise ValidationError(
            _("“%(value)s” is not a valid ID number (18 characters, the last a check digit).")
            % {"value": value}
        )


class HouseholdCategory(models.TextChoices):
    KEY = "key", _("Key household (visit weekly)")
    MONITORED = "monitored", _("Monitored household (visit monthly)")
    GENERAL = "general", _("General household")


class Household(models.Model):
    """户: one household of a grid or micro-grid, with the 六清 facts (seed 002)."""

    node = models.ForeignKey(
        GridNode,
        verbose_name=_("grid or micro-grid"),
        on_delete=models.PROTECT,
        related_name="household_set",
    )
    address = models.CharField(_("address"), max_length=200)
    head_name = models.CharField(_("head of household"), max_length=50)
    category = models.CharField(
        _("household type"),
        max_length=10,
        choices=HouseholdCategory.choices,
        default=HouseholdCategory.GENERAL,
    )
    # 六清: members, family situation, contact, political status, needs, composition
    members = models.PositiveSmallIntegerField(_("members"), default=1)
    family_situation = models.TextField(_("family situation"), blank=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    political_status = models.CharField(_("political status"), max_length=50, blank=True)
    needs = models.TextField(_("needs"), blank=True)
    composition = models.TextField(_("composition"), blank=True)
    next_visit_due = models.DateField(_("next visit due"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["node", "address"]
        indexes = [models.Index(fields=["node", "category"], name="household_node_category")]

    def __str__(self) -> str:
        return f"{self.head_name} · {self.address}"

    @property
    def access_node(self):
        return self.node


class ResidentTag(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", _("Elderly living alone")
    LEFT_BEHIND_CHILD = "left_behind_child", _("Left-behind child")
    DISABLED = "disabled", _("Disabled")
    LOW_INCOME = "low_income", _("Low income")
    UNEMPLOYED = "unemployed", _("Unemployed")
    VETERAN = "veteran", _("Veteran")
    PARTY_MEMBER = "party_member", _("Party member")
    SPECIAL_GROUP = "special_group", _("Special group")


class Resident(models.Model):
    """A person of a household. ID number and phone are personal data (PIPL): shown masked to
    roles that do not need them, every full reveal logged."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="residents", verbose_name=_("household")
    )
    name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(
        _("ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    relation = models.CharField(_("relation to the head"), max_length=20, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["household", "pk"]
        constraints = [
            # One person, one record: the database settles two imports racing each other.
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~models.Q(id_number=""),
                name="resident_one_record_per_id_number",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def access_node(self):
        return self.household.node


class Organization(models.Model):
    """Social and non-public economic organizations in a grid (seed 000)."""

    class Kind(models.TextChoices):
        SOCIAL = "social", _("Social organization")
        ECONOMIC = "economic", _("Non-public economic organization")

    node = models.ForeignKey(
        GridNode, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="organizations"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["node", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def access_node(self):
        return self.node


class RevealLog(models.Model):
    """Who saw personal data in full, when, and why: a resident's in the ledger, or the
    phone of the person who reported a case."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )
    resident = models.ForeignKey(
        Resident,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reveals",
        verbose_name=_("resident"),
    )
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reveals",
        verbose_name=_("case"),
    )
    field = models.CharField(_("field"), max_length=20)
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("personal data reveal")
        verbose_name_plural = _("personal data reveals")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resident__isnull=True) ^ models.Q(case__isnull=True),
                name="reveallog_of_a_resident_or_a_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.field} {self.resident_id or self.case_id}"

    @property
    def access_node(self):
        return self.resident.household.node if self.resident_id else self.case.node
