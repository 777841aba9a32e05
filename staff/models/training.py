"""培训 and 双向评价 (seed 002, 牟定县): training plans per role as data (instructors at least once a
year by the county, grid workers once each half-year by the town or the village), the sessions
held, who attended (signed in on the phone by the session's QR code, or marked by hand), the
certificates people hold (法律明白人 …), and the yearly two-way evaluation: instructors evaluate
their grid workers, grid workers and the village evaluate their instructor; the results go to
the village (workers') or to the town and on to the county (instructors'), which record the
decision taken."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from staff.models.appraisal import Grade


class TrainedRole(models.TextChoices):
    """The posts a training plan is for (the roles of staff.models.Role with those names)."""

    INSTRUCTOR = "instructor", _("Instructor")
    GRID_WORKER = "grid_worker", _("Grid worker")


class Frequency(models.IntegerChoices):
    """How often a post must be trained: once in each calendar quarter, half-year or year."""

    QUARTER = 3, _("Once a quarter")
    HALF_YEAR = 6, _("Once a half-year")
    YEAR = 12, _("Once a year")


def period_of(day: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """The calendar period of `months` months holding `day`: its first day and the day after
    its last (January–June and July–December for a half-year)."""
    first_month = (day.month - 1) // months * months + 1
    start = dt.date(day.year, first_month, 1)
    end_month = first_month + months
    end = dt.date(day.year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)
    return start, end


class TrainingPlan(models.Model):
    """A level's duty to train a role (分级培训): the county trains its instructors once a year,
    a town (or a village) its grid workers once each half-year. A post follows the nearest plan
    for its role at or above its node."""

    node = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("level that trains"),
        on_delete=models.PROTECT,
        related_name="training_plans",
        limit_choices_to={"tier__in": ("county", "town", "village")},
    )
    role = models.CharField(_("role trained"), max_length=32, choices=TrainedRole.choices)
    every_months = models.PositiveSmallIntegerField(
        _("at least"), choices=Frequency.choices, default=Frequency.HALF_YEAR
    )
    name = models.CharField(_("name"), max_length=100)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")
        ordering = ["node", "role"]
        constraints = [
            models.UniqueConstraint(fields=["node", "role"], name="trainingplan_one_per_node_role"),
            models.CheckConstraint(
                condition=Q(every_months__in=[3, 6, 12]), name="trainingplan_frequency_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.node_id and self.node.tier not in ("county", "town", "village"):
            raise ValidationError({"node": _("A county, a town or a village trains its people.")})


class TrainingSession(models.Model):
    """One training held by a level: its topic, trainer, time and place. People sign in on their
    phone by the session's QR code; the level's staff may mark attendance by hand."""

    node = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("held by"),
        on_delete=models.PROTECT,
        related_name="training_sessions",
    )
    topic = models.CharField(_("topic"), max_length=120)
    trainer = models.CharField(_("trainer"), max_length=60)
    starts = models.DateTimeField(_("starts"))
    ends = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-starts", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=models.F("starts")), name="trainingsession_ends_after_starts"
            )
        ]
        indexes = [models.Index(fields=["node", "starts"], name="trainingsession_node_starts")]

    def __str__(self) -> str:
        return self.topic

    @property
    def access_node(self):
        return self.node


class AttendanceHow(models.TextChoices):
    QR = "qr", _("Signed in by QR code")
    HAND = "hand", _("Marked by hand")


class Attendance(models.Model):
    """签到: a person attended a session (once per session)."""

    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("training session"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="training_attendances",
    )
    how = models.CharField(_("how"), max_length=8, choices=AttendanceHow.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept with the row: when the training counts for the person's plan (its day).
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(_("signed in at"))

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="attendance_once_per_session")
        ]
        indexes = [models.Index(fields=["user", "day"], name="attendance_user_day")]

    def __str__(self) -> str:
        return f"{self.user} · {self.session}"

    @property
    def access_node(self):
        return self.session.node


class CertificateKind(models.TextChoices):
    LEGAL = "legal", _("Legal-aware person (法律明白人)")
    MEDIATOR = "mediator", _("People's mediator")
    FIRST_AID = "first_aid", _("First aid")
    OTHER = "other", _("Other")


class Certificate(models.Model):
    """A certificate a person holds, with its dates (法律明白人: seed 002's 培养工程). Kept where
    the person serves (their post's node when it was recorded)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    node = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("where they serve"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    kind = models.CharField(_("certificate"), max_length=16, choices=CertificateKind.choices)
    title = models.CharField(_("title"), max_length=80, blank=True)
    issued = models.DateField(_("issued"))
    expires = models.DateField(_("expires"), null=True, blank=True)
    issuer = models.CharField(_("issued by"), max_length=80, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires__isnull=True) | Q(expires__gte=models.F("issued")),
                name="certificate_expires_after_issued",
            )
        ]

    def __str__(self) -> str:
        return self.title or str(self.get_kind_display())

    @property
    def access_node(self):
        return self.node

    @property
    def name(self) -> str:
        return self.title or str(self.get_kind_display())


# --- The yearly two-way evaluation (双向评价) ------------------------------------------------


class EvaluationSide(models.TextChoices):
    """Who evaluates whom."""

    INSTRUCTOR_OF_WORKER = "instructor", _("The instructor evaluates the grid worker")
    WORKER_OF_INSTRUCTOR = "worker", _("The grid worker evaluates the instructor")
    VILLAGE_OF_INSTRUCTOR = "village", _("The village evaluates the instructor")


class Decision(models.TextChoices):
    KEEP = "keep", _("Keep")
    ADJUST = "adjust", _("Adjust")
    EXIT = "exit", _("Exit")


class EvaluationResult(models.Model):
    """A person's result of a year's evaluation: a grid worker's goes to the village, which
    decides; an instructor's goes to the town, which forwards it to the county's organization
    department (报组织部门备案), which decides."""

    year = models.PositiveSmallIntegerField(_("year"))
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person evaluated"),
        on_delete=models.PROTECT,
        related_name="evaluation_results",
    )
    role = models.CharField(_("role"), max_length=32, choices=TrainedRole.choices)
    village = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="evaluation_results",
    )
    forwarded_at = models.DateTimeField(_("forwarded to the county at"), null=True, blank=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("forwarded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices, blank=True)
    decision_note = models.CharField(_("reason for the decision"), max_length=300, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("evaluation result")
        verbose_name_plural = _("evaluation results")
        ordering = ["-year", "village", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "subject", "role", "village"], name="evaluationresult_one_a_year"
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decided_at__isnull=False),
                name="evaluationresult_decision_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} · {self.year}"

    @property
    def access_node(self):
        return self.village


class Evaluation(models.Model):
    """One evaluator's word on one person for a year: the grade and a comment."""

    result = models.ForeignKey(
        EvaluationResult,
        verbose_name=_("evaluation result"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    side = models.CharField(_("who evaluates"), max_length=12, choices=EvaluationSide.choices)
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluator"),
        on_delete=models.PROTECT,
        related_name="evaluations_given",
    )
    grade = models.CharField(_("grade"), max_length=16, choices=Grade.choices)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["result", "side", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["result", "evaluator", "side"], name="evaluation_once_per_evaluator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} → {self.result}"

    @property
    def access_node(self):
        return self.result.village
