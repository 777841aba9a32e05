"""考核: the monthly appraisal of grid workers and their pay (seed 000: 基本工资 + 绩效考核, A/B/C
difficulty so that 多劳多得). A county's rule (its measured and scored items, the pay) is data,
one version per month it takes effect; each village's sheet of a month is computed from the
records, reviewed and signed by the town, published, and open to objections for a few days."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 10, "decimal_places": 2}
POINTS = {"max_digits": 8, "decimal_places": 2}
PERCENT_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class Grade(models.TextChoices):
    """The grades of a month's appraisal (等次), from the score's share of the full score."""

    EXCELLENT = "excellent", _("Excellent")
    COMPETENT = "competent", _("Competent")
    BASIC = "basic", _("Basically competent")
    INCOMPETENT = "incompetent", _("Not competent")


class Measure(models.TextChoices):
    """What an item of the rule counts from the records of the month (docs/people.md), or
    "manual": scored by the village or the town with a reason."""

    ON_TIME_CLOSURES = "on_time_closures", _("Cases closed on time, weighted by difficulty")
    PATROL_DAYS = "patrol_days", _("Days patrolled")
    VISITS_ON_TIME = "visits_on_time", _("Household visits done on time")
    PATROL_CASES = "patrol_cases", _("Cases found on patrol")
    MEDIATIONS = "mediations", _("Mediations that settled the dispute")
    REWORK = "rework", _("Rework (failed verifications)")
    SATISFACTION = "satisfaction", _("Residents' satisfaction (share rating 4 or 5)")
    MANUAL = "manual", _("Scored by the village or the town")


# Measures whose quantity is a share (0 to 1): the item's points per unit are its points at 100%.
RATE_MEASURES = frozenset({Measure.SATISFACTION})


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("Computed, under review")
    SIGNED = "signed", _("Signed by the town")
    PUBLISHED = "published", _("Published")


class AppraisalRule(models.Model):
    """A county's appraisal rule (考核办法) from one month on: the items, the full score (100,
    or 1000 for a 千分制), the grades, the pay and the days a worker has to object."""

    county = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="appraisal_rules",
        limit_choices_to={"tier": "county"},
    )
    valid_from = models.DateField(
        _("in force from"), help_text=_("The first day of the first month it applies to.")
    )
    name = models.CharField(_("name"), max_length=100)
    full_score = models.PositiveIntegerField(
        _("full score"), default=100, validators=[MinValueValidator(1)]
    )
    base_pay = models.DecimalField(
        _("base pay (yuan a month)"), **MONEY, validators=[MinValueValidator(Decimal(0))]
    )
    performance_pay = models.DecimalField(
        _("performance pay at full score (yuan)"),
        **MONEY,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Paid in proportion to the score, times the grid's difficulty coefficient."),
    )
    coefficient_a = models.DecimalField(
        _("coefficient of an A grid"), max_digits=4, decimal_places=2, default=Decimal("1.20")
    )
    coefficient_b = models.DecimalField(
        _("coefficient of a B grid"), max_digits=4, decimal_places=2, default=Decimal("1.00")
    )
    coefficient_c = models.DecimalField(
        _("coefficient of a C grid"), max_digits=4, decimal_places=2, default=Decimal("0.80")
    )
    excellent_from = models.DecimalField(
        # xgettext:no-python-format
        _("excellent from (% of the full score)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(90),
        validators=PERCENT_VALIDATORS,
    )
    competent_from = models.DecimalField(
        # xgettext:no-python-format
        _("competent from (% of the full score)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(75),
        validators=PERCENT_VALIDATORS,
    )
    basic_from = models.DecimalField(
        # xgettext:no-python-format
        _("basically competent from (% of the full score)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(60),
        validators=PERCENT_VALIDATORS,
        help_text=_("Below it a worker is not competent and gets no performance pay."),
    )
    objection_days = models.PositiveSmallIntegerField(
        _("days to object after publication"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("appraisal rule")
        verbose_name_plural = _("appraisal rules")
        ordering = ["county", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "valid_from"], name="appraisalrule_one_per_county_month"
            ),
            models.CheckConstraint(
                condition=Q(excellent_from__gte=models.F("competent_from"))
                & Q(competent_from__gte=models.F("basic_from")),
                name="appraisalrule_grades_in_order",
            ),
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
        if (
            self.excellent_from is not None
            and self.competent_from is not None
            and self.basic_from is not None
            and not (self.excellent_from >= self.competent_from >= self.basic_from)
        ):
            errors["competent_from"] = _(
                "The grades go down in order: excellent, competent, basically competent."
            )
        if self.county_id and self.county.tier != "county":
            errors["county"] = _("A rule belongs to a county.")
        if errors:
            raise ValidationError(errors)

    def coefficient(self, difficulty: str) -> Decimal:
        """The pay coefficient of a grid of this difficulty (an unclassed grid counts as B)."""
        return {"A": self.coefficient_a, "C": self.coefficient_c}.get(
            difficulty, self.coefficient_b
        )

    def grade(self, score: Decimal) -> str:
        share = score * 100 / self.full_score
        if share >= self.excellent_from:
            return Grade.EXCELLENT
        if share >= self.competent_from:
            return Grade.COMPETENT
        if share >= self.basic_from:
            return Grade.BASIC
        return Grade.INCOMPETENT


class AppraisalItem(models.Model):
    """One line of a rule: a measure counted from the records (points per unit, up to a cap;
    a negative rate and floor for deductions), or an item the village or town scores."""

    rule = models.ForeignKey(
        AppraisalRule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("name of the item"), max_length=60)
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    per_unit = models.DecimalField(
        _("points per unit"),
        **POINTS,
        default=Decimal(1),
        help_text=_("For a share, the points at 100%; negative for a deduction."),
    )
    cap = models.DecimalField(_("most points"), **POINTS)
    floor = models.DecimalField(
        _("fewest points"), **POINTS, default=Decimal(0), help_text=_("Negative for a deduction.")
    )
    default_points = models.DecimalField(
        _("points until scored"),
        **POINTS,
        default=Decimal(0),
        help_text=_(
            "A scored item starts with these; a share with nothing to count (no rating) gets them."
        ),
    )

    class Meta:
        verbose_name = _("appraisal item")
        verbose_name_plural = _("appraisal items")
        ordering = ["rule", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(floor__lte=models.F("cap")), name="appraisalitem_floor_below_cap"
            ),
            models.CheckConstraint(
                condition=Q(default_points__gte=models.F("floor"))
                & Q(default_points__lte=models.F("cap")),
                name="appraisalitem_default_within_bounds",
            ),
            models.UniqueConstraint(
                fields=["rule", "measure"],
                condition=~Q(measure="manual"),
                name="appraisalitem_each_measure_once",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_manual(self) -> bool:
        return self.measure == Measure.MANUAL

    def clean(self) -> None:
        if self.floor is not None and self.cap is not None:
            if self.floor > self.cap:
                raise ValidationError({"floor": _("The fewest points cannot exceed the most.")})
            if self.default_points is not None and not (
                self.floor <= self.default_points <= self.cap
            ):
                raise ValidationError(
                    {"default_points": _("The starting points lie between the fewest and most.")}
                )


class AppraisalSheet(models.Model):
    """A village's appraisal of one month: computed on the 1st, signed and published by the
    town; the workers may object until `objections_until`."""

    village = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="appraisal_sheets",
    )
    month = models.DateField(_("month"))
    rule = models.ForeignKey(
        AppraisalRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="sheets"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    computed_at = models.DateTimeField(_("computed at"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    objections_until = models.DateTimeField(_("objections until"), null=True, blank=True)

    class Meta:
        verbose_name = _("appraisal sheet")
        verbose_name_plural = _("appraisal sheets")
        ordering = ["-month", "village"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "month"], name="appraisalsheet_one_per_village_month"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(signed_at__isnull=False),
                name="appraisalsheet_signed_before_published",
            ),
            models.CheckConstraint(
                condition=~Q(status="published")
                | Q(published_at__isnull=False, objections_until__isnull=False),
                name="appraisalsheet_published_with_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.month:%Y-%m}"

    @property
    def access_node(self):
        return self.village


class AppraisalLine(models.Model):
    """One worker's line of a sheet: their grid and its difficulty, the score, the grade and
    the pay (base + performance × score share × coefficient)."""

    sheet = models.ForeignKey(
        AppraisalSheet, verbose_name=_("sheet"), on_delete=models.CASCADE, related_name="lines"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("grid worker"),
        on_delete=models.PROTECT,
        related_name="appraisal_lines",
    )
    grid = models.ForeignKey(
        "grids.GridNode", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    difficulty = models.CharField(_("difficulty"), max_length=1, blank=True)
    coefficient = models.DecimalField(_("difficulty coefficient"), max_digits=4, decimal_places=2)
    score = models.DecimalField(_("score"), **POINTS, default=Decimal(0))
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices)
    base_pay = models.DecimalField(_("base pay"), **MONEY, default=Decimal(0))
    performance_pay = models.DecimalField(_("performance pay"), **MONEY, default=Decimal(0))
    total_pay = models.DecimalField(_("pay"), **MONEY, default=Decimal(0))

    class Meta:
        verbose_name = _("appraisal line")
        verbose_name_plural = _("appraisal lines")
        ordering = ["sheet", "grid__code", "worker_id"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "worker"], name="appraisalline_one_per_worker")
        ]

    def __str__(self) -> str:
        return f"{self.worker} {self.score}"

    @property
    def access_node(self):
        """A line is seen where the worker works: their grid."""
        return self.grid


class AppraisalScore(models.Model):
    """The points of one item on one line: what the records gave (`quantity`), or what the
    village or town scored, with who and why."""

    line = models.ForeignKey(
        AppraisalLine, verbose_name=_("line"), on_delete=models.CASCADE, related_name="scores"
    )
    item = models.ForeignKey(
        AppraisalItem,
        verbose_name=_("appraisal item"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    quantity = models.DecimalField(
        _("counted"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    points = models.DecimalField(_("points scored"), **POINTS)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scored by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appraisal score")
        verbose_name_plural = _("appraisal scores")
        ordering = ["line", "item__position", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["line", "item"], name="appraisalscore_one_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.points}"


class AppraisalObjection(models.Model):
    """A worker's objection to their published line (异议), and the town's answer: upheld or
    not, with the corrections made and the score before and after. Kept for good."""

    line = models.ForeignKey(
        AppraisalLine, verbose_name=_("line"), on_delete=models.CASCADE, related_name="objections"
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("raised at"))
    score_before = models.DecimalField(_("score before"), **POINTS)
    answer = models.TextField(_("answer"), blank=True)
    upheld = models.BooleanField(_("upheld"), null=True, blank=True)
    corrections = models.JSONField(_("corrections"), default=list, blank=True)
    score_after = models.DecimalField(_("score after"), **POINTS, null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appraisal objection")
        verbose_name_plural = _("appraisal objections")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["line"],
                condition=Q(answered_at__isnull=True),
                name="appraisalobjection_one_open_per_line",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(upheld__isnull=False),
                name="appraisalobjection_answer_decides",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} {self.created_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None
