"""Volunteers (志愿服务): teams by kind in a village or town with a leader, the volunteers of a
team (a person with a login, possibly a resident of the ledger), their activities with sign-up,
check-in and hours served; and residents' help orders, 群众点单、社区派单、志愿者接单 (seed 001):
a resident orders help from the menu of what the teams offer, the village or town dispatches it
to a team or a volunteer, a volunteer takes it and does it, the resident confirms and rates."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import new_tracking_code

MOST_HOURS = 24  # served in one activity or one order


class TeamKind(models.TextChoices):
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    ENVIRONMENT = "environment", _("Environment")
    LEGAL = "legal", _("Legal aid")
    MEDIATION = "mediation", _("Mediation")
    SAFETY = "safety", _("Safety")
    ELDERLY = "elderly", _("Care for the elderly")
    CHILDREN = "children", _("Left-behind children")
    CULTURE = "culture", _("Culture")
    OTHER = "other", _("Other")


class HelpKind(models.TextChoices):
    """The menu residents order from (seed 002's 照料探访、精神慰藉、困难帮扶 …)."""

    CARE_VISIT = "care_visit", _("Care visit (照料探访)")
    COMPANY = "company", _("Company and comfort (精神慰藉)")
    HARDSHIP = "hardship", _("Help in hardship (困难帮扶)")
    LEGAL = "legal", _("Legal advice (法律咨询)")
    MEDIATION = "mediation", _("Settling a dispute (矛盾调解)")
    HEALTH = "health", _("Health check and advice")
    TUTORING = "tutoring", _("Tutoring for children")
    ERRANDS = "errands", _("Chores and errands")


class VolunteerTeam(models.Model):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=TeamKind.choices)
    node = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("belongs to"),
        on_delete=models.PROTECT,
        related_name="volunteer_teams",
        help_text=_("The town, village or grid the team serves."),
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_teams",
    )
    offers = models.JSONField(
        _("what it offers"),
        default=list,
        blank=True,
        help_text=_("The kinds of help residents may order from this team."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["node", "name"]
        constraints = [
            models.UniqueConstraint(fields=["node", "name"], name="volunteerteam_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from grids.models import Tier

        if self.node_id and self.node.tier not in (Tier.TOWN, Tier.VILLAGE, Tier.GRID):
            raise ValidationError({"node": _("A team serves a town, a village or a grid.")})
        unknown = [k for k in self.offers or [] if k not in HelpKind.values]
        if not isinstance(self.offers, list) or unknown:
            raise ValidationError({"offers": _("Choose what it offers from the menu.")})

    @property
    def offer_labels(self) -> list[str]:
        labels = dict(HelpKind.choices)
        return [str(labels[k]) for k in self.offers if k in labels]


class Volunteer(models.Model):
    """A person who serves in a team: they log in to the phone as a volunteer."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="volunteering",
    )
    team = models.ForeignKey(
        VolunteerTeam, verbose_name=_("team"), on_delete=models.PROTECT, related_name="members"
    )
    resident = models.ForeignKey(
        "grids.Resident",
        verbose_name=_("resident of the ledger"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    availability = models.CharField(
        _("availability"),
        max_length=200,
        blank=True,
        help_text=_("When they can serve, as they said it (weekends, evenings …)."),
    )
    joined = models.DateField(_("joined"))

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["team", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="volunteer_once_per_team")
        ]

    def __str__(self) -> str:
        return f"{self.user.first_name or self.user.username} · {self.team}"

    @property
    def access_node(self):
        return self.team.node


class Activity(models.Model):
    team = models.ForeignKey(
        VolunteerTeam,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    title = models.CharField(_("title"), max_length=100)
    place = models.CharField(_("place"), max_length=100)
    starts = models.DateTimeField(_("starts at"))
    ends = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(
        _("volunteers it takes"), default=10, validators=[MinValueValidator(1)]
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")
        ordering = ["-starts", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=models.F("starts")), name="activity_ends"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="activity_capacity"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def access_node(self):
        return self.team.node


class ActivitySignup(models.Model):
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="signups"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="signups"
    )
    signed_at = models.DateTimeField(_("signed up at"))
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    hours = models.DecimalField(
        _("hours served"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MOST_HOURS)],
    )

    class Meta:
        verbose_name = _("activity sign-up")
        verbose_name_plural = _("activity sign-ups")
        ordering = ["activity", "signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "volunteer"], name="activitysignup_once_per_volunteer"
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(checked_in_at__isnull=False),
                name="activitysignup_hours_after_checkin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.volunteer}"

    @property
    def access_node(self):
        return self.activity.team.node


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Ordered")
    DISPATCHED = "dispatched", _("Dispatched")
    TAKEN = "taken", _("Taken")
    DONE = "done", _("Done")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ORDER_STATUSES = (OrderStatus.PLACED, OrderStatus.DISPATCHED, OrderStatus.TAKEN)


class HelpOrder(models.Model):
    """群众点单: what a resident asked for, and who does it."""

    tracking_code = models.CharField(
        _("tracking code"), max_length=12, unique=True, default=new_tracking_code
    )
    kind = models.CharField(_("kind of help"), max_length=12, choices=HelpKind.choices)
    node = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("resident's place"),
        on_delete=models.PROTECT,
        related_name="help_orders",
    )
    resident_name = models.CharField(_("resident's name"), max_length=50)
    resident_phone = models.CharField(_("resident's phone"), max_length=20, blank=True)
    description = models.TextField(_("what they need"), blank=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("placed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the resident ordered online."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.PLACED
    )
    team = models.ForeignKey(
        VolunteerTeam,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    volunteer = models.ForeignKey(
        Volunteer,
        verbose_name=_("volunteer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    hours = models.DecimalField(
        _("hours served"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MOST_HOURS)],
    )
    done_note = models.TextField(_("what was done"), blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    placed_at = models.DateTimeField(_("ordered at"))
    dispatch_by = models.DateTimeField(_("to dispatch by"))
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    take_by = models.DateTimeField(_("to take by"), null=True, blank=True)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    overdue_since = models.DateTimeField(_("overdue since"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("help order")
        verbose_name_plural = _("help orders")
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="helporder_status_known"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="helporder_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["taken", "done", "confirmed"])
                | Q(volunteer__isnull=False),
                name="helporder_taken_by_a_volunteer",
            ),
        ]
        indexes = [
            models.Index(
                fields=["dispatch_by"],
                name="helporder_undispatched",
                condition=Q(status="placed", overdue_since__isnull=True),
            ),
            models.Index(
                fields=["take_by"],
                name="helporder_untaken",
                condition=Q(status="dispatched", overdue_since__isnull=True),
            ),
            models.Index(fields=["placed_at"], name="helporder_placed"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.node_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ORDER_STATUSES


class HelpOrderEvent(models.Model):
    order = models.ForeignKey(
        HelpOrder, on_delete=models.CASCADE, related_name="events", verbose_name=_("help order")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=32)
    automatic = models.BooleanField(_("automatic"), default=False, db_default=False)
    from_status = models.CharField(_("from status"), max_length=12, blank=True)
    to_status = models.CharField(_("to status"), max_length=12, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("help order event")
        verbose_name_plural = _("help order history")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.action}"
