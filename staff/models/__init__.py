"""People and their grants on the tree, their rounds (patrols, visits), and their appraisal,
points and the points shop, their training and two-way evaluation (modules of this package). Who may do what is decided in
staff/access only."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grids.models import Tier, validate_public_phone

# Where portraits are stored; a stored name is the folder, a random code and ".jpg".
PORTRAITS = "portraits"


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker")
    INFORMANT = "informant", _("Informant")
    STREET_CHIEF = "street_chief", _("Street chief")
    PARTY_HOUSEHOLD = "party_household", _("Party-member household")
    VOLUNTEER = "volunteer", _("Volunteer")
    GRID_CHIEF = "grid_chief", _("Grid chief")
    INSTRUCTOR = "instructor", _("Instructor")
    SUPERVISOR = "supervisor", _("Supervisor")
    COMMANDER = "commander", _("Commander")
    CENTER_STAFF = "center_staff", _("Governance-center staff")
    LEADER = "leader", _("Leader")
    OUTPOST = "outpost", _("Outpost staff")
    DEPARTMENT = "department", _("County department staff")
    ADMIN = "admin", _("Administrator")


# Posts held for a term (聘期一般为3年: seed 002): a new one's term ends this many years after
# it starts unless given. The term is a date to decide on (renew or exit), not an end: the post
# stays active until it is ended, so that nothing it holds is left without a handler.
TERM_ROLES = frozenset({Role.GRID_WORKER, Role.INSTRUCTOR})
TERM_YEARS = 3


def term_end_from(starts):
    """The day a term starting on `starts` ends: TERM_YEARS later (29 February: 28th)."""
    try:
        return starts.replace(year=starts.year + TERM_YEARS)
    except ValueError:
        return starts.replace(year=starts.year + TERM_YEARS, day=28)


# Where each role may be assigned (an Assignment checks it in clean).
ROLE_TIERS: dict[str, tuple[str, ...]] = {
    Role.GRID_WORKER: (Tier.GRID, Tier.MICRO_GRID),
    Role.INFORMANT: (Tier.GRID, Tier.MICRO_GRID),
    Role.STREET_CHIEF: (Tier.VILLAGE, Tier.GRID, Tier.MICRO_GRID),
    Role.PARTY_HOUSEHOLD: (Tier.GRID, Tier.MICRO_GRID),
    Role.VOLUNTEER: (Tier.TOWN, Tier.VILLAGE, Tier.GRID, Tier.MICRO_GRID),
    Role.GRID_CHIEF: (Tier.VILLAGE,),
    Role.INSTRUCTOR: (Tier.VILLAGE, Tier.GRID),
    Role.SUPERVISOR: (Tier.COUNTY, Tier.TOWN, Tier.VILLAGE),
    Role.COMMANDER: (Tier.VILLAGE, Tier.TOWN),
    Role.CENTER_STAFF: (Tier.COUNTY, Tier.TOWN),
    Role.LEADER: (Tier.COUNTY, Tier.TOWN),
    Role.OUTPOST: (Tier.TOWN,),
    Role.DEPARTMENT: (Tier.COUNTY,),
    Role.ADMIN: (Tier.COUNTY, Tier.TOWN),
}


class AssignmentQuerySet(models.QuerySet):
    def active(self, on=None):
        today = on or timezone.localdate()
        return self.filter(starts__lte=today).filter(
            models.Q(ends__isnull=True) | models.Q(ends__gte=today)
        )


class Assignment(models.Model):
    """A grant: this person holds this role on this node (and so on its whole subtree)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    node = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("node"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    starts = models.DateField(_("starts"), default=timezone.localdate)
    ends = models.DateField(_("ends"), null=True, blank=True)
    term_ends = models.DateField(
        _("term ends"),
        null=True,
        blank=True,
        help_text=_(
            "The end of the appointment (聘期), for a reminder 60 days before; the post stays "
            "until it is ended."
        ),
    )
    unit = models.ForeignKey(
        "cases.Unit",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
        help_text=_("For department, outpost and platform staff: the unit they work for."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    # What the bulletin board prints about the post (公示): the title residents know it by
    # (党员街长, 商户街长, 村党支部书记) when the role's name is not enough, and its duties.
    title = models.CharField(
        _("title on the bulletin"),
        max_length=40,
        blank=True,
        help_text=_("Shown instead of the role's name, e.g. 党员街长 or 商户街长."),
    )
    duties = models.TextField(
        _("duties"),
        blank=True,
        help_text=_("The post's duties as the bulletin board lists them, one per line."),
    )
    segment = models.ForeignKey(
        "grids.StreetSegment",
        verbose_name=_("road segment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chiefs",
        help_text=_("For street chiefs: the road segment they look after."),
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__isnull=True) | models.Q(ends__gte=models.F("starts")),
                name="assignment_ends_after_starts",
            ),
            models.UniqueConstraint(
                fields=["user", "node", "role", "starts"], name="assignment_unique_grant"
            ),
            models.CheckConstraint(
                condition=models.Q(segment__isnull=True) | models.Q(role="street_chief"),
                name="assignment_segment_only_for_street_chiefs",
            ),
        ]
        indexes = [models.Index(fields=["user", "starts"], name="assignment_user_starts")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.node.name}"

    def save(self, *args, **kwargs):
        if self._state.adding and self.term_ends is None and self.role in TERM_ROLES:
            starts = self.starts
            if isinstance(starts, str):  # as a form or fixture may give it, before cleaning
                starts = dt.date.fromisoformat(starts)
            self.term_ends = term_end_from(starts)
        super().save(*args, **kwargs)

    @property
    def public_title(self) -> str:
        """The post as the bulletin board names it."""
        return self.title or str(self.get_role_display())

    @property
    def duty_lines(self) -> list[str]:
        return [line.strip() for line in self.duties.splitlines() if line.strip()]

    def clean(self) -> None:
        if self.ends and self.starts and self.ends < self.starts:
            raise ValidationError({"ends": _("An assignment cannot end before it starts.")})
        if self.term_ends and self.starts and self.term_ends < self.starts:
            raise ValidationError({"term_ends": _("A term cannot end before the post starts.")})
        if self.segment_id:
            if self.role != Role.STREET_CHIEF:
                raise ValidationError(
                    {"segment": _("Only a street chief looks after a road segment.")}
                )
            if self.node_id and self.segment.node_id != self.node_id:
                raise ValidationError(
                    {
                        "segment": _(
                            "The road segment lies in %(place)s: a street chief of it is "
                            "assigned there."
                        )
                        % {"place": self.segment.node.name}
                    }
                )
        if self.node_id and self.role:
            allowed = ROLE_TIERS.get(self.role)
            if allowed and self.node.tier not in allowed:
                from grids.models import Tier

                raise ValidationError(
                    {
                        "node": _("A %(role)s is assigned to a %(tiers)s, not a %(tier)s.")
                        % {
                            "role": Role(self.role).label,
                            "tiers": "、".join(str(Tier(t).label) for t in allowed),
                            "tier": Tier(self.node.tier).label,
                        }
                    }
                )


class ProvincePost(models.Model):
    """Province-level staff: they read the figures of every county of their province (the
    province summary and each county's dashboard), never the cases or the people behind them.
    Not an Assignment: a province is no node of any county's tree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="province_posts",
    )
    province = models.ForeignKey(
        "grids.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="posts",
    )
    starts = models.DateField(_("starts"), default=timezone.localdate)
    ends = models.DateField(_("ends"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("province post")
        verbose_name_plural = _("province posts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__isnull=True) | models.Q(ends__gte=models.F("starts")),
                name="provincepost_ends_after_starts",
            ),
            models.UniqueConstraint(
                fields=["user", "province", "starts"], name="provincepost_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.province.name}"

    def clean(self) -> None:
        if self.ends and self.starts and self.ends < self.starts:
            raise ValidationError({"ends": _("A post cannot end before it starts.")})


class Profile(models.Model):
    """What a bulletin board shows of a person beyond their name: a photo and a work phone,
    the phone only if they agreed to it. Their private phone is the office's, never public."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    photo = models.FileField(
        _("photo"),
        upload_to=PORTRAITS,
        blank=True,
        help_text=_("Shown on the grid's page and bulletins; re-encoded, without metadata."),
    )
    work_phone = models.CharField(
        _("work phone"), max_length=30, blank=True, validators=[validate_public_phone]
    )
    show_work_phone = models.BooleanField(
        _("show the work phone publicly"),
        default=False,
        help_text=_("The person agreed that residents may call this number (bulletins, /g/)."),
    )
    private_phone = models.CharField(
        _("private phone"),
        max_length=30,
        blank=True,
        validators=[validate_public_phone],
        help_text=_("For the office only: never shown on a public page or a bulletin."),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def public_phone(self) -> str:
        """The phone residents may see: the work phone, if the person opted in."""
        return self.work_phone if self.show_work_phone else ""

    @property
    def photo_code(self) -> str:
        """The photo's public name (its random file name without the folder or suffix)."""
        name = self.photo.name if self.photo else ""
        return name.removeprefix(f"{PORTRAITS}/").removesuffix(".jpg")


# --- Patrols and household visits (巡查, 走访) ----------------------------------------------------


class Patrol(models.Model):
    """巡查: one person's daily patrol of one grid (one per person per grid per day)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="patrols",
    )
    node = models.ForeignKey(
        "grids.GridNode", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="patrols"
    )
    date = models.DateField(_("date"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    start_latitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, verbose_name=_("start latitude")
    )
    start_longitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, verbose_name=_("start longitude")
    )
    finish_latitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, verbose_name=_("finish latitude")
    )
    finish_longitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, verbose_name=_("finish longitude")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-date", "-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "node", "date"], name="patrol_one_per_person_grid_day"
            )
        ]
        indexes = [models.Index(fields=["node", "date"], name="patrol_node_date")]

    def __str__(self) -> str:
        return f"{self.node} · {self.date}"


class VisitHow(models.TextChoices):
    HOME = "home", _("Home visit")
    PHONE = "phone", _("Phone call")
    MET = "met", _("Met in person")


class Visit(models.Model):
    """走访: one visit to a household. `submission_id` makes a phone's retry harmless."""

    household = models.ForeignKey(
        "grids.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    date = models.DateField(_("date"))
    how = models.CharField(_("how"), max_length=10, choices=VisitHow.choices)
    findings = models.TextField(_("findings"), blank=True)
    needs = models.TextField(_("needs"), blank=True)
    due = models.DateField(_("was due"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submission_id = models.CharField(
        max_length=64, unique=True, null=True, blank=True, verbose_name=_("submission id")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-date", "-created_at"]
        indexes = [models.Index(fields=["household", "date"], name="visit_household_date")]

    def __str__(self) -> str:
        return f"{self.household} · {self.date}"

    @property
    def access_node(self):
        return self.household.node


# --- Appraisal and pay, points and the points shop, training and evaluation ---------------------
# By subject, in modules of their own; importable from here like everything above.
from staff.models.appraisal import (  # noqa: E402
    AppraisalItem,
    AppraisalLine,
    AppraisalObjection,
    AppraisalRule,
    AppraisalScore,
    AppraisalSheet,
    Grade,
    Measure,
    SheetStatus,
)

# --- Linked cadres and the appraisal of departments (挂联, 三陪同, 部门考核评价) ---------------
from staff.models.cadres import (  # noqa: E402
    CoPatrol,
    DepartmentAppraisalRule,
    Link,
    LinkKind,
    OutpostScore,
    OutpostScoreItem,
    OutpostScoreLine,
)
from staff.models.points import (  # noqa: E402
    AppendOnly,
    EntryKind,
    PointsAccount,
    PointsEntry,
    PointsMeasure,
    PointsMonth,
    PointsRole,
    PointsRule,
    PointsScheme,
)
from staff.models.shop import MoveKind, Redemption, ShopItem, StockMove  # noqa: E402
from staff.models.terms import Handover, RedLine, Severity, Violation  # noqa: E402
from staff.models.training import (  # noqa: E402
    Attendance,
    AttendanceHow,
    Certificate,
    CertificateKind,
    Decision,
    Evaluation,
    EvaluationResult,
    EvaluationSide,
    Frequency,
    TrainedRole,
    TrainingPlan,
    TrainingSession,
    period_of,
)

__all__ = [
    "PORTRAITS",
    "ROLE_TIERS",
    "TERM_ROLES",
    "TERM_YEARS",
    "AppendOnly",
    "Attendance",
    "AttendanceHow",
    "Certificate",
    "CertificateKind",
    "Decision",
    "Evaluation",
    "EvaluationResult",
    "EvaluationSide",
    "Frequency",
    "TrainedRole",
    "TrainingPlan",
    "TrainingSession",
    "period_of",
    "AppraisalItem",
    "AppraisalLine",
    "AppraisalObjection",
    "AppraisalRule",
    "AppraisalScore",
    "AppraisalSheet",
    "Assignment",
    "AssignmentQuerySet",
    "CoPatrol",
    "DepartmentAppraisalRule",
    "EntryKind",
    "Grade",
    "Handover",
    "Link",
    "LinkKind",
    "Measure",
    "MoveKind",
    "OutpostScore",
    "OutpostScoreItem",
    "OutpostScoreLine",
    "Patrol",
    "PointsAccount",
    "PointsEntry",
    "PointsMeasure",
    "PointsMonth",
    "PointsRole",
    "PointsRule",
    "PointsScheme",
    "Profile",
    "RedLine",
    "Redemption",
    "Role",
    "Severity",
    "SheetStatus",
    "ShopItem",
    "StockMove",
    "Violation",
    "Visit",
    "VisitHow",
    "term_end_from",
]
