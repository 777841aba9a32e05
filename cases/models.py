"""Cases and everything that decides how they are worked: triage policy, the responsibility
list (责任清单), departments, mediations, county calls (乡呼县应) and the case history."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Color(models.TextChoices):
    YELLOW = "yellow", _("Yellow")
    ORANGE = "orange", _("Orange")
    RED = "red", _("Red")


class Status(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ACCEPTED = "accepted", _("Accepted")
    DISPATCHED = "dispatched", _("Dispatched")
    HANDLING = "handling", _("Handling")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged")


OPEN_STATUSES = (Status.ACCEPTED, Status.DISPATCHED, Status.HANDLING)


class Source(models.TextChoices):
    PATROL = "patrol", _("Patrol")
    INFORMANT = "informant", _("Informant")
    STREET_CHIEF = "street_chief", _("Street chief")
    RESIDENT = "resident", _("Resident")
    HOTLINE = "hotline", _("12345 hotline")
    WALK_IN = "walk_in", _("Walk-in")
    API = "api", _("Other system (API)")


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class DayKind(models.TextChoices):
    CALENDAR = "calendar", _("Calendar days")
    WORKING = "working", _("Working days")


class TriagePolicy(models.Model):
    """What each color means in time: 日清周报, 周清月报, 月清季报 (seed 000). Editable data."""

    color = models.CharField(_("color"), max_length=10, choices=Color.choices, unique=True)
    clear_within = models.PositiveSmallIntegerField(
        _("clear within (days)"), validators=[MinValueValidator(1)]
    )
    day_kind = models.CharField(
        _("day kind"), max_length=10, choices=DayKind.choices, default=DayKind.CALENDAR
    )
    report_cadence = models.CharField(_("report cadence"), max_length=10, choices=Cadence.choices)
    warn_hours_before = models.PositiveSmallIntegerField(_("warn hours before deadline"), default=4)
    escalate_after_days = models.PositiveSmallIntegerField(
        _("escalate after overdue (days)"),
        default=1,
        help_text=_("A case still open this long after its deadline goes up one level."),
    )
    failed_mediations_to_escalate = models.PositiveSmallIntegerField(
        _("failed mediations before escalation"), default=2, validators=[MinValueValidator(1)]
    )
    reopen_within_days = models.PositiveSmallIntegerField(
        _("resident may reopen within (days)"), default=7
    )
    county_call_respond_days = models.PositiveSmallIntegerField(
        _("county call answer within (days)"), default=3, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("triage policy")
        verbose_name_plural = _("triage policies")
        ordering = ["clear_within"]

    def __str__(self) -> str:
        return f"{self.get_color_display()} · {self.clear_within} {self.get_day_kind_display()}"


class Holiday(models.Model):
    """An admin's word on one date, which wins over the holiday calendar package: for years it
    does not know yet, or a local change."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Day off")
        WORKDAY = "workday", _("Working day (make-up)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("holiday or make-up day")
        verbose_name_plural = _("holidays and make-up days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class Department(models.Model):
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
        related_name="departments",
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
        Department,
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
    """What a case is about; points to the responsibility item that says who owns it."""

    class Group(models.TextChoices):
        MUST_ATTEND = "must_attend", _("Must attend (三必到)")
        MUST_REPORT = "must_report", _("Must report (四必报)")
        DISPUTE = "dispute", _("Dispute")
        OTHER = "other", _("Other")

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

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["group", "name"]

    def __str__(self) -> str:
        return self.name


def new_tracking_code() -> str:
    # 10 characters of an unambiguous alphabet: ~50 bits, says nothing about the case.
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class CaseSequence(models.Model):
    """The last case number handed out per town and year (locked when a case is reported)."""

    town = models.ForeignKey("grids.GridNode", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["town", "year"], name="casesequence_town_year")
        ]

    def __str__(self) -> str:
        return f"{self.town_id}/{self.year}: {self.last}"


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=30, unique=True)
    tracking_code = models.CharField(
        _("tracking code"), max_length=12, unique=True, default=new_tracking_code
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what happened"))
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    emergency = models.BooleanField(_("emergency"), default=False)
    node = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("where it happened"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    owner_node = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("held by"),
        on_delete=models.PROTECT,
        related_name="owned_cases",
    )
    color = models.CharField(_("color"), max_length=10, choices=Color.choices, blank=True)
    suggested_color = models.CharField(
        _("suggested color"), max_length=10, choices=Color.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REPORTED
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_cases",
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    parties = models.TextField(_("parties"), blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_cases",
    )
    handler_department = models.ForeignKey(
        Department,
        verbose_name=_("handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
    )
    result = models.TextField(_("result"), blank=True)
    clear_by = models.DateTimeField(_("clear by"), null=True, blank=True)
    report_by = models.DateTimeField(_("progress report due"), null=True, blank=True)
    overdue_since = models.DateTimeField(_("overdue since"), null=True, blank=True)
    warned_at = models.DateTimeField(_("deadline warning sent"), null=True, blank=True)
    progress_overdue_since = models.DateTimeField(
        _("progress report overdue since"), null=True, blank=True
    )
    level_since = models.DateTimeField(_("held at this level since"), null=True, blank=True)
    extension_until = models.DateTimeField(_("extension asked until"), null=True, blank=True)
    extension_reason = models.CharField(_("extension reason"), max_length=300, blank=True)
    rework_count = models.PositiveSmallIntegerField(_("rework count"), default=0)
    escalation_count = models.PositiveSmallIntegerField(_("escalations"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("reopened"), default=0)
    settled_tier = models.CharField(_("settled at tier"), max_length=16, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("reported at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Made on the phone for each report, so that a retry of the same submission (a dropped
    # connection, the offline sender) finds this case instead of making a second one.
    submission_id = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]), name="case_status_known"
            ),
            models.CheckConstraint(
                condition=Q(color="") | Q(color__in=[c.value for c in Color]),
                name="case_color_known",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="case_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["reported", "rejected", "merged"]) | ~Q(color=""),
                name="case_accepted_has_color",
            ),
        ]
        indexes = [
            # The deadline sweep reads only open cases still to be flagged, so a steady-state
            # run touches nothing however many cases are open or long overdue.
            models.Index(
                fields=["clear_by"],
                name="case_due_unflagged",
                condition=Q(
                    status__in=["accepted", "dispatched", "handling"], overdue_since__isnull=True
                ),
            ),
            models.Index(
                fields=["color", "clear_by"],
                name="case_warn_due",
                condition=Q(
                    status__in=["accepted", "dispatched", "handling"],
                    overdue_since__isnull=True,
                    warned_at__isnull=True,
                ),
            ),
            models.Index(
                fields=["clear_by"],
                name="case_overdue",
                condition=Q(
                    status__in=["accepted", "dispatched", "handling"], overdue_since__isnull=False
                ),
            ),
            models.Index(
                fields=["report_by"],
                name="case_progress_due",
                condition=Q(
                    status__in=["accepted", "dispatched", "handling"],
                    progress_overdue_since__isnull=True,
                ),
            ),
            models.Index(fields=["status", "created_at"], name="case_status_created"),
            # The dashboard's figures each count cases with one date in the period (reported,
            # accepted, due, closed, rated): one index per date lets PostgreSQL read only those
            # rows (a BitmapOr) instead of every case of the subtree. bench/dashboard.py.
            models.Index(fields=["created_at"], name="case_created"),
            models.Index(fields=["accepted_at"], name="case_accepted"),
            models.Index(fields=["clear_by"], name="case_clear_by"),
            models.Index(fields=["closed_at"], name="case_closed"),
            models.Index(fields=["rated_at"], name="case_rated"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def access_node(self):
        """Seeing a case follows where it happened."""
        return self.node

    def access_node_for(self, action: str):
        """Acting on a case follows the level that holds it now; seeing it, where it happened."""
        return self.node if action == "case.view" else self.owner_node

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseEvent(models.Model):
    """Append-only history: who did what, from which state and level to which."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty: the system (a rhythm) or a resident."),
    )
    action = models.CharField(_("action"), max_length=32)
    automatic = models.BooleanField(_("automatic"), default=False)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    from_owner = models.ForeignKey(
        "grids.GridNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_owner = models.ForeignKey(
        "grids.GridNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    held_for = models.DurationField(_("held at the level for"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case history")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "created_at"], name="caseevent_case_time")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.created_at:%Y-%m-%d %H:%M}"


class Mediation(models.Model):
    """One recorded attempt to settle a dispute at one level of the ladder (seed 002)."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Settled")
        FAILURE = "failure", _("Not settled")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediations")
    level = models.ForeignKey(
        "grids.GridNode", verbose_name=_("level"), on_delete=models.PROTECT, related_name="+"
    )
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("mediator"), on_delete=models.PROTECT
    )
    parties = models.TextField(_("parties"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    agreement = models.TextField(_("agreement or what stands between them"), blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("mediation")
        verbose_name_plural = _("mediations")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_outcome_display()} {self.created_at:%Y-%m-%d}"


def attachment_path(instance, filename):
    return f"cases/{instance.case_id}/{secrets.token_hex(8)}-{filename[-60:]}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    is_photo = models.BooleanField(_("photo"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.file.name


class CountyCall(models.Model):
    """乡呼县应: a town calls a county department for a case it cannot settle (seed 004)."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for the department")
        ANSWERED = "answered", _("Answered")
        RATED = "rated", _("Rated by the town")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="county_calls")
    town = models.ForeignKey(
        "grids.GridNode", verbose_name=_("calling town"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("called department"),
        on_delete=models.PROTECT,
        related_name="county_calls",
    )
    grounds = models.TextField(_("grounds"))
    emergency = models.BooleanField(_("emergency"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    respond_by = models.DateTimeField(_("answer due"))
    response = models.TextField(_("department's answer"), blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    town_rating = models.PositiveSmallIntegerField(
        _("town's rating of the answer"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    department_rating = models.PositiveSmallIntegerField(
        _("department's rating of the call's necessity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("called at"))

    class Meta:
        verbose_name = _("county call")
        verbose_name_plural = _("county calls")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "department"],
                condition=Q(state="open"),
                name="countycall_one_open_per_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.department_id}"

    @property
    def access_node(self):
        return self.case.node


class Report(models.Model):
    """A periodic report for a town or the county: 周报 (yellow), 月报 (orange), 季报 (red).
    One per scope, kind and period: generating it again replaces it."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("Weekly report")
        MONTHLY = "monthly", _("Monthly report")
        QUARTERLY = "quarterly", _("Quarterly report")

    node = models.ForeignKey(
        "grids.GridNode", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reports"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    color = models.CharField(_("color"), max_length=10, choices=Color.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until (exclusive)"))
    data = models.JSONField(_("figures"), default=dict)
    generated_at = models.DateTimeField(_("generated at"))

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period_start", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["node", "kind", "period_start"], name="report_one_per_scope_and_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.node.name} {self.get_kind_display()} {self.period_start}"

    @property
    def access_node(self):
        return self.node
