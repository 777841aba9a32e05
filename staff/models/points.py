"""积分: service earns points, points buy goods at the village's shop (seeds 002, 003). A county's
points rules (per role, what earns how much, monthly caps) are data, one version per month they
take effect; each village's month is computed from the records; the ledger is append-only and a
person's balance, kept on their account row, is the sum of their entries and never negative."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

CARD_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CARD_LENGTH = 12


def new_card_code() -> str:
    """12 characters of an unambiguous alphabet (60 bits): a points card's public code."""
    return "".join(secrets.choice(CARD_ALPHABET) for _ in range(CARD_LENGTH))


class PointsRole(models.TextChoices):
    """Who earns points (杨营镇: 网格长、网格员、党员中心户、群众; 牟定县: 网格员, volunteers)."""

    GRID_CHIEF = "grid_chief", _("Grid chief")
    GRID_WORKER = "grid_worker", _("Grid worker")
    PARTY_HOUSEHOLD = "party_household", _("Party-member household")
    VOLUNTEER = "volunteer", _("Volunteer")
    RESIDENT = "resident", _("Residents")


class PointsMeasure(models.TextChoices):
    """What a points rule counts from the month's records (docs/people.md)."""

    CONFIRMED_REPORT = "confirmed_report", _("A report accepted as a case")
    MEDIATION = "mediation", _("A mediation that settled the dispute")
    VISIT = "visit", _("A household visit")
    PATROL_DAY = "patrol_day", _("A day patrolled")
    CLOSED_ON_TIME = "closed_on_time", _("A case closed on time")
    APPRAISAL_EXCELLENT = "appraisal_excellent", _("An “excellent” monthly appraisal")
    APPRAISAL_COMPETENT = "appraisal_competent", _("A “competent” monthly appraisal")
    VOLUNTEER_HOURS = "volunteer_hours", _("An hour of volunteer service")
    VOLUNTEER_ACTIVITY = "volunteer_activity", _("A volunteer activity attended")
    HELP_ORDER = "help_order", _("A resident's help order done")


class PointsScheme(models.Model):
    """A county's points rules (积分考核评定办法) from one month on."""

    county = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="points_schemes",
        limit_choices_to={"tier": "county"},
    )
    valid_from = models.DateField(
        _("in force from"), help_text=_("The first day of the first month it applies to.")
    )
    name = models.CharField(_("name"), max_length=100)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("points rules")
        verbose_name_plural = _("points rules")
        ordering = ["county", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "valid_from"], name="pointsscheme_one_per_county_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from:%Y-%m})"

    @property
    def access_node(self):
        return self.county

    def clean(self) -> None:
        errors = {}
        if self.valid_from and self.valid_from.day != 1:
            errors["valid_from"] = _("A rule takes effect on the first day of a month.")
        if self.county_id and self.county.tier != "county":
            errors["county"] = _("A rule belongs to a county.")
        if errors:
            raise ValidationError(errors)


class PointsRule(models.Model):
    """One rule: people of `role` earn `points` for each thing `measure` counts in a month, at
    most `monthly_cap` a month."""

    scheme = models.ForeignKey(
        PointsScheme, verbose_name=_("points rules"), on_delete=models.CASCADE, related_name="rules"
    )
    role = models.CharField(_("who"), max_length=20, choices=PointsRole.choices)
    measure = models.CharField(_("what earns points"), max_length=24, choices=PointsMeasure.choices)
    points = models.PositiveIntegerField(_("points each"), validators=[MinValueValidator(1)])
    monthly_cap = models.PositiveIntegerField(
        _("most points a month"), null=True, blank=True, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        ordering = ["scheme", "role", "measure"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "role", "measure"], name="pointsrule_one_per_role_measure"
            ),
            models.CheckConstraint(condition=Q(points__gte=1), name="pointsrule_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.get_measure_display()} +{self.points}"

    def clean(self) -> None:
        if self.role == PointsRole.RESIDENT and self.measure != PointsMeasure.CONFIRMED_REPORT:
            raise ValidationError(
                {"measure": _("A resident earns points by the reports accepted as cases.")}
            )


class PointsAccount(models.Model):
    """A person's points at one village's shop: a login (grid chief, grid worker, party-member
    household, volunteer) or a resident of the ledger. The balance is the sum of the ledger's
    entries, kept here so that a redemption can lock one row; it is never negative."""

    village = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="points_accounts",
    )
    node = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("where the person is"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Their household's grid, or the place of their post: who may see them."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="points_accounts",
    )
    resident = models.ForeignKey(
        "grids.Resident",
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="points_accounts",
    )
    code = models.CharField(_("card code"), max_length=16, unique=True, default=new_card_code)
    balance = models.IntegerField(_("balance"), default=0)
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        ordering = ["village", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="pointsaccount_never_negative"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=True) ^ Q(resident__isnull=True),
                name="pointsaccount_of_a_person_or_a_resident",
            ),
            models.UniqueConstraint(
                fields=["village", "user"],
                condition=Q(user__isnull=False),
                name="pointsaccount_one_per_user_village",
            ),
            models.UniqueConstraint(
                fields=["village", "resident"],
                condition=Q(resident__isnull=False),
                name="pointsaccount_one_per_resident_village",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.balance})"

    @property
    def access_node(self):
        return self.node

    @property
    def holder_name(self) -> str:
        if self.user_id:
            return self.user.first_name or self.user.username
        return self.resident.name


class PointsMonth(models.Model):
    """A village's points of one month: computed from the records on the 1st after it, then
    published by the village (每月一考核一公布)."""

    village = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="points_months",
    )
    month = models.DateField(_("month"))
    scheme = models.ForeignKey(
        PointsScheme, verbose_name=_("points rules"), on_delete=models.PROTECT, related_name="+"
    )
    computed_at = models.DateTimeField(_("computed at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("points of a month")
        verbose_name_plural = _("points of the months")
        ordering = ["-month", "village"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "month"], name="pointsmonth_one_per_village_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.month:%Y-%m}"

    @property
    def access_node(self):
        return self.village


class EntryKind(models.TextChoices):
    EARNED = "earned", _("Earned by the rules")
    AWARD = "award", _("Awarded")
    DEDUCTION = "deduction", _("Deducted")
    REDEMPTION = "redemption", _("Redeemed at the shop")


class AppendOnly(Exception):
    """A ledger entry is never changed or removed: a correction is a new entry."""


class PointsEntry(models.Model):
    """One line of the append-only points ledger: earned (rule, month, what was counted),
    awarded or deducted by hand with a reason, or spent at the shop."""

    account = models.ForeignKey(
        PointsAccount, verbose_name=_("account"), on_delete=models.PROTECT, related_name="entries"
    )
    amount = models.IntegerField(_("points"))
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    rule = models.ForeignKey(
        PointsRule,
        verbose_name=_("rule"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    month = models.ForeignKey(
        PointsMonth,
        verbose_name=_("month"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    quantity = models.PositiveIntegerField(_("counted"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    redemption = models.OneToOneField(
        "staff.Redemption",
        verbose_name=_("redemption"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entry",
    )
    # An earned entry's key (month, rule, account): a second run of the month adds nothing.
    key = models.CharField(_("earning key"), max_length=80, unique=True, null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points ledger")
        ordering = ["account", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="pointsentry_not_zero"),
            models.CheckConstraint(
                condition=Q(kind__in=["earned", "award"], amount__gt=0)
                | Q(kind__in=["deduction", "redemption"], amount__lt=0),
                name="pointsentry_sign_follows_kind",
            ),
        ]
        indexes = [models.Index(fields=["account", "created_at"], name="pointsentry_account_time")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount:+d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("A points entry is never changed: add a correcting entry.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("A points entry is never removed: add a correcting entry.")
