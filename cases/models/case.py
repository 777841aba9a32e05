"""The case itself and the per-town sequence that numbers it."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models.choices import OPEN_STATUSES, Color, Source, Status
from cases.models.units import Category, Unit


def new_tracking_code() -> str:
    # 10 characters of an unambiguous alphabet: ~50 bits, says nothing about the case.
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(10))


# The most a case's description keeps: every door refuses more, or says where it cut.
DESCRIPTION_CHARS = 5000


class CaseSequence(models.Model):
    """The last case number handed out per town and year (locked when a case is reported)."""

    town = models.ForeignKey("grids.GridNode", on_delete=models.PROTECT, verbose_name=_("town"))
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(default=0, verbose_name=_("last number"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["town", "year"], name="casesequence_town_year")
        ]

    def __str__(self) -> str:
        return f"{self.town_id}/{self.year}: {self.last}"


class Case(models.Model):
    # Unique by the constraints below, not `unique=True`: on PostgreSQL that would add a second,
    # pattern-matching index per column, which no query uses and every write of a case pays.
    number = models.CharField(_("case number"), max_length=30)
    tracking_code = models.CharField(_("tracking code"), max_length=12, default=new_tracking_code)
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
    # The county's tree (its place's tree_id), kept on the row so that the date indexes lead
    # with it: a county's figures then read only that county's rows when many share one
    # database. Cases stay in their county's tree; a node moved to another moves them too.
    county_tree = models.PositiveIntegerField(_("county (tree)"), editable=False)
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
    latitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, verbose_name=_("latitude")
    )
    longitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, verbose_name=_("longitude")
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_cases",
    )
    handler_unit = models.ForeignKey(
        Unit,
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
        db_index=False,  # case_merged_into below: only the few merged cases
    )
    result = models.TextField(_("result"), blank=True)
    # What the handler tells the resident on resolving it, shown on the tracking page: the
    # result above is internal (names, parties, how it was worked) and never shown there.
    public_reply = models.TextField(_("reply to the resident"), blank=True)
    # The reporter said "don't text me": no text message about this case goes to their phone.
    sms_opt_out = models.BooleanField(_("no text messages to the reporter"), default=False)
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
    # NULL, not "", when there is none: many cases have none, and the constraint is unique.
    submission_id = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, verbose_name=_("submission id")
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="case_number_unique"),
            models.UniqueConstraint(fields=["tracking_code"], name="case_tracking_code_unique"),
            # Only phone reports carry one: the others cost this index nothing.
            models.UniqueConstraint(
                fields=["submission_id"],
                condition=Q(submission_id__isnull=False),
                name="case_submission_unique",
            ),
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
            models.Index(
                fields=["merged_into"],
                name="case_merged_into",
                condition=Q(merged_into__isnull=False),
            ),
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
            models.Index(fields=["county_tree", "created_at"], name="case_county_created"),
            models.Index(fields=["county_tree", "accepted_at"], name="case_county_accepted"),
            models.Index(fields=["county_tree", "clear_by"], name="case_county_clear_by"),
            models.Index(fields=["county_tree", "closed_at"], name="case_county_closed"),
            models.Index(fields=["county_tree", "rated_at"], name="case_county_rated"),
            # The rollups' runs read the cases changed since the last one, county by county.
            models.Index(fields=["county_tree", "updated_at"], name="case_county_updated"),
            # A worker's phone lists the open cases held at their nodes or handed to them,
            # soonest deadline first: these read only those, however many cases other grids
            # (or the worker's own closed years) hold.
            models.Index(
                fields=["owner_node", "clear_by"],
                name="case_open_by_holder",
                condition=Q(status__in=["accepted", "dispatched", "handling"]),
            ),
            models.Index(
                fields=["handler", "clear_by"],
                name="case_open_by_handler",
                condition=Q(status__in=["accepted", "dispatched", "handling"]),
            ),
            # The board: a county's open cases by deadline, without walking its closed years
            # (and without another county's open cases in a shared database).
            models.Index(
                fields=["county_tree", "clear_by"],
                name="case_open_by_county",
                condition=Q(status__in=["accepted", "dispatched", "handling"]),
            ),
            # The board's counts of open cases by where they are, who holds them and color,
            # read from the index alone (PostgreSQL; elsewhere a plain partial index): a
            # county's backlog counted without a visit to each case's row.
            models.Index(
                fields=["county_tree"],
                include=["node", "owner_node", "color", "id"],
                name="case_open_counted",
                condition=Q(status__in=["accepted", "dispatched", "handling"]),
            ),
            # The dashboards' open and overdue figures (cases.queries.overdue_candidates): a
            # county's standing cases, not every county's.
            models.Index(
                fields=["county_tree"],
                name="case_standing_by_county",
                condition=Q(status__in=["accepted", "dispatched", "handling", "resolved"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs):
        if self.county_tree is None and self.node_id is not None:
            self.county_tree = self.node.tree_id
        super().save(*args, **kwargs)

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
