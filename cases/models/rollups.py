"""Rollup tables: a town's figures by day, kept current by beat from the cases that changed
(cases.rollups), so that a province's summary over millions of cases reads a few thousand rows.
Derived data only: `manage.py rollups --rebuild` recomputes them from the cases."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Where a closed case was settled (小事不出网格), as the dashboard's ladder names the rungs.
SETTLED = ("grid", "village", "town", "county", "other")
# The figures a row of TownDay or TownMonth holds, each added up over any span of its rows.
FIGURES = (
    "received",
    "accepted",
    "escalated",
    "closed",
    "reworked",
    "rated",
    "satisfied",
    *(f"settled_{rung}" for rung in SETTLED),
    "verified_in_time",
    "handled",
    "handling_us",
)


class _Figures(models.Model):
    """What happened in a town in a span of days, each figure by its own date: reported
    (created_at), accepted (accepted_at; escalated among them), closed (closed_at; reworked,
    each rung of the ladder, verified in time and the handling time among them) and rated
    (rated_at; satisfied among them). `handling_us` adds up, over the `handled` closed cases
    that have a resolution, the microseconds from report to resolution (the average handling
    time is their quotient)."""

    town = models.ForeignKey(
        "grids.GridNode", verbose_name=_("town"), on_delete=models.CASCADE, related_name="+"
    )
    county_tree = models.PositiveIntegerField(_("county (tree)"))
    received = models.PositiveIntegerField(_("received"), default=0)
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    escalated = models.PositiveIntegerField(_("escalated"), default=0)
    closed = models.PositiveIntegerField(_("closed"), default=0)
    reworked = models.PositiveIntegerField(_("reworked"), default=0)
    rated = models.PositiveIntegerField(_("rated"), default=0)
    satisfied = models.PositiveIntegerField(_("satisfied"), default=0)
    settled_grid = models.PositiveIntegerField(_("settled at a grid"), default=0)
    settled_village = models.PositiveIntegerField(_("settled at a village"), default=0)
    settled_town = models.PositiveIntegerField(_("settled at the town"), default=0)
    settled_county = models.PositiveIntegerField(_("settled at the county"), default=0)
    settled_other = models.PositiveIntegerField(_("settled elsewhere"), default=0)
    verified_in_time = models.PositiveIntegerField(_("verified in time"), default=0)
    handled = models.PositiveIntegerField(_("closed after a resolution"), default=0)
    handling_us = models.BigIntegerField(_("handling time (µs, added up)"), default=0)

    class Meta:
        abstract = True


class TownDay(_Figures):
    """A town's figures of one day (Beijing time). The cases a county holds at the county
    itself are counted under the county's own node."""

    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("town figures of a day")
        verbose_name_plural = _("town figures by day")
        constraints = [models.UniqueConstraint(fields=["town", "day"], name="townday_unique")]
        indexes = [models.Index(fields=["county_tree", "day"], name="townday_county_day")]

    def __str__(self) -> str:
        return f"{self.town_id} · {self.day}"


class TownMonth(_Figures):
    """A town's figures of one calendar month: its TownDay rows added up, so that a year's
    summary reads twelve rows a town instead of 365."""

    month = models.DateField(_("month (its first day)"))

    class Meta:
        verbose_name = _("town figures of a month")
        verbose_name_plural = _("town figures by month")
        constraints = [models.UniqueConstraint(fields=["town", "month"], name="townmonth_unique")]
        indexes = [models.Index(fields=["county_tree", "month"], name="townmonth_county_month")]

    def __str__(self) -> str:
        return f"{self.town_id} · {self.month:%Y-%m}"


class _DueCounts(models.Model):
    """Standing cases of a town counted by when they fell due and were closed, whether they
    were closed and resolved by their deadline, and whether they are open (accepted, dispatched
    or handling: past their due day, 超期)."""

    town = models.ForeignKey(
        "grids.GridNode", verbose_name=_("town"), on_delete=models.CASCADE, related_name="+"
    )
    county_tree = models.PositiveIntegerField(_("county (tree)"))
    closed_on_time = models.BooleanField(_("closed on time"), default=False)
    resolved_on_time = models.BooleanField(_("resolved on time"), default=False)
    open = models.BooleanField(_("open"), default=False)
    cases = models.PositiveIntegerField(_("cases"), default=0)

    class Meta:
        abstract = True


class TownDue(_DueCounts):
    """How many standing cases of a town fell due on a day (their current deadline), by the day
    they were closed (none while not closed). A case closed late moves from the open row of its
    old due day to a closed one."""

    due_day = models.DateField(_("due day"))
    closed_day = models.DateField(_("closed day"), null=True, blank=True)

    class Meta:
        verbose_name = _("town cases by due day")
        verbose_name_plural = _("town cases by due day")
        indexes = [
            models.Index(fields=["county_tree", "due_day"], name="towndue_county_due"),
            models.Index(fields=["town", "due_day"], name="towndue_town_due"),
            # Cases due in a period's whole months but closed after them, before its end.
            models.Index(fields=["county_tree", "closed_day"], name="towndue_county_closed"),
        ]

    def __str__(self) -> str:
        return f"{self.town_id} · {self.due_day} · {self.cases}"


class TownDueMonth(_DueCounts):
    """TownDue added up by month: by the month a case fell due in and the month it was closed
    in. The summary reads it for the whole months inside a period; a case due in them but closed
    after them, before the period's end, is found in the day rows."""

    due_month = models.DateField(_("due month (its first day)"))
    closed_month = models.DateField(_("closed month (its first day)"), null=True, blank=True)

    class Meta:
        verbose_name = _("town cases by due month")
        verbose_name_plural = _("town cases by due month")
        indexes = [
            models.Index(fields=["county_tree", "due_month"], name="towndm_county_due"),
            models.Index(fields=["town", "due_month"], name="towndm_town_due"),
        ]

    def __str__(self) -> str:
        return f"{self.town_id} · {self.due_month:%Y-%m} · {self.cases}"


class TownOpen(models.Model):
    """How many open cases (accepted, dispatched, handling) of a town are held at each tier, by
    color: the supervision board's level × color table of a whole town or county."""

    town = models.ForeignKey(
        "grids.GridNode", verbose_name=_("town"), on_delete=models.CASCADE, related_name="+"
    )
    county_tree = models.PositiveIntegerField(_("county (tree)"))
    tier = models.CharField(_("held at (tier)"), max_length=16)
    color = models.CharField(_("color"), max_length=10, blank=True)
    cases = models.PositiveIntegerField(_("cases"), default=0)

    class Meta:
        verbose_name = _("town open cases by holder and color")
        verbose_name_plural = _("town open cases by holder and color")
        constraints = [
            models.UniqueConstraint(fields=["town", "tier", "color"], name="townopen_unique")
        ]
        indexes = [models.Index(fields=["county_tree"], name="townopen_county")]

    def __str__(self) -> str:
        return f"{self.town_id} · {self.tier} · {self.color} · {self.cases}"


class CaseCount(models.Model):
    """What one case was last counted for in the rows above: its town, the days of its figures
    and its due day. A run takes the changed cases' old counts off the rows and puts their new
    ones on, so that its work follows the cases changed, not the size of their towns."""

    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    county_tree = models.PositiveIntegerField(_("county (tree)"))
    town = models.ForeignKey(
        "grids.GridNode", verbose_name=_("town"), on_delete=models.CASCADE, related_name="+"
    )
    created_day = models.DateField(_("reported on"))
    accepted_day = models.DateField(_("accepted on"), null=True, blank=True)
    escalated = models.BooleanField(_("escalated"), default=False)
    closed_day = models.DateField(_("closed on"), null=True, blank=True)
    reworked = models.BooleanField(_("reworked"), default=False)
    rated_day = models.DateField(_("rated on"), null=True, blank=True)
    satisfied = models.BooleanField(_("satisfied"), default=False)
    due_day = models.DateField(_("due day"), null=True, blank=True)
    closed_on_time = models.BooleanField(_("closed on time"), default=False)
    resolved_on_time = models.BooleanField(_("resolved on time"), default=False)
    settled = models.CharField(_("settled at"), max_length=8, blank=True)
    verified_in_time = models.BooleanField(_("verified in time"), default=False)
    handling_us = models.BigIntegerField(_("handling time (µs)"), null=True, blank=True)
    open = models.BooleanField(_("open"), default=False)
    # On the board: open (whether accepted or not), the tier of the node holding it, its color.
    held = models.BooleanField(_("on the board"), default=False)
    holder_tier = models.CharField(_("held at (tier)"), max_length=16, blank=True)
    held_color = models.CharField(_("color"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("case as counted")
        verbose_name_plural = _("cases as counted")
        indexes = [models.Index(fields=["county_tree"], name="casecount_county")]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.town_id}"


class RollupState(models.Model):
    """Where the rollups of one county stand: cases changed before `refreshed_at` are counted
    (less an overlap, see cases.rollups); `towns` is the towns' places in the tree when they
    were counted (a move between towns recounts the county); open and overdue are as of then."""

    county_tree = models.PositiveIntegerField(_("county (tree)"), unique=True)
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)
    towns = models.CharField(_("towns' places in the tree"), max_length=64, blank=True)
    open = models.PositiveIntegerField(_("open"), default=0)
    overdue = models.PositiveIntegerField(_("overdue"), default=0)

    class Meta:
        verbose_name = _("rollup state")
        verbose_name_plural = _("rollup states")

    def __str__(self) -> str:
        return f"{self.county_tree} · {self.refreshed_at}"
