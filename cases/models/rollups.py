"""Rollup tables: a town's figures by day, kept current by beat from the cases that changed
(cases.rollups), so that a province's summary over millions of cases reads a few thousand rows.
Derived data only: `manage.py rollups --rebuild` recomputes them from the cases."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TownDay(models.Model):
    """What happened in a town on one day (Beijing time), each figure by its own date: reported
    (created_at), accepted (accepted_at; escalated among them), closed (closed_at; reworked
    among them) and rated (rated_at; satisfied among them). The cases a county holds at the
    county itself are counted under the county's own node."""

    town = models.ForeignKey(
        "grids.GridNode", verbose_name=_("town"), on_delete=models.CASCADE, related_name="+"
    )
    county_tree = models.PositiveIntegerField(_("county (tree)"))
    day = models.DateField(_("day"))
    received = models.PositiveIntegerField(_("received"), default=0)
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    escalated = models.PositiveIntegerField(_("escalated"), default=0)
    closed = models.PositiveIntegerField(_("closed"), default=0)
    reworked = models.PositiveIntegerField(_("reworked"), default=0)
    rated = models.PositiveIntegerField(_("rated"), default=0)
    satisfied = models.PositiveIntegerField(_("satisfied"), default=0)

    class Meta:
        verbose_name = _("town figures of a day")
        verbose_name_plural = _("town figures by day")
        constraints = [models.UniqueConstraint(fields=["town", "day"], name="townday_unique")]
        indexes = [models.Index(fields=["county_tree", "day"], name="townday_county_day")]

    def __str__(self) -> str:
        return f"{self.town_id} · {self.day}"


class TownDue(models.Model):
    """How many standing cases of a town fell due on a day (their current deadline), by the day
    they were closed (none while not closed) and whether they were closed and resolved by the
    deadline. A case closed late moves from the open row of its old due day to a closed one."""

    town = models.ForeignKey(
        "grids.GridNode", verbose_name=_("town"), on_delete=models.CASCADE, related_name="+"
    )
    county_tree = models.PositiveIntegerField(_("county (tree)"))
    due_day = models.DateField(_("due day"))
    closed_day = models.DateField(_("closed day"), null=True, blank=True)
    closed_on_time = models.BooleanField(_("closed on time"), default=False)
    resolved_on_time = models.BooleanField(_("resolved on time"), default=False)
    cases = models.PositiveIntegerField(_("cases"), default=0)

    class Meta:
        verbose_name = _("town cases by due day")
        verbose_name_plural = _("town cases by due day")
        indexes = [
            models.Index(fields=["county_tree", "due_day"], name="towndue_county_due"),
            models.Index(fields=["town", "due_day"], name="towndue_town_due"),
        ]

    def __str__(self) -> str:
        return f"{self.town_id} · {self.due_day} · {self.cases}"


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
