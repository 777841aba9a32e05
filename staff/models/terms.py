"""Terms, the negative list and exit (seed 002, 牟定县: 聘期一般为3年; 制定网格员、网格指导员负面清单，
划出底线红线 … 直接退出). A county keeps its red lines as data; a violation recorded on a post
flags it for exit; ending a post hands everything its holder keeps to a successor or the
village first (a handover, kept with the post)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    """What crossing a red line does: most lead straight to exit (直接退出), some to a warning."""

    EXIT = "exit", _("Exit (直接退出)")
    WARNING = "warning", _("Warning, recorded")


class RedLine(models.Model):
    """One red line of a county's negative list (负面清单)."""

    county = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="red_lines",
        limit_choices_to={"tier": "county"},
    )
    code = models.CharField(_("code"), max_length=20)
    text = models.CharField(_("red line"), max_length=300)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.EXIT
    )

    class Meta:
        verbose_name = _("red line")
        verbose_name_plural = _("negative list (red lines)")
        ordering = ["county", "code"]
        constraints = [
            models.UniqueConstraint(fields=["county", "code"], name="redline_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    @property
    def access_node(self):
        return self.county


class Violation(models.Model):
    """A red line crossed by the holder of a post, with the facts and the evidence."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="violations",
    )
    assignment = models.ForeignKey(
        "staff.Assignment",
        verbose_name=_("post"),
        on_delete=models.PROTECT,
        related_name="violations",
    )
    red_line = models.ForeignKey(
        RedLine, verbose_name=_("red line"), on_delete=models.PROTECT, related_name="violations"
    )
    date = models.DateField(_("date"))
    facts = models.TextField(_("facts"))
    evidence = models.TextField(_("evidence"), blank=True)
    # Kept from the red line's severity when recorded: the post stays flagged until it ends.
    leads_to_exit = models.BooleanField(_("leads to exit"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.person} · {self.red_line.code} · {self.date}"

    @property
    def access_node(self):
        return self.assignment.node


class Handover(models.Model):
    """What the holder of an ended post handed over, and to whom: a successor per kind, or the
    village (no successor named but things handed). Written with the post's end."""

    assignment = models.OneToOneField(
        "staff.Assignment",
        verbose_name=_("post"),
        on_delete=models.PROTECT,
        related_name="handover",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="handovers",
    )
    ended_on = models.DateField(_("ended on"))
    reason = models.CharField(_("reason"), max_length=300)
    violation = models.ForeignKey(
        Violation,
        verbose_name=_("violation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    case_successor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cases handed to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    visit_successor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("due visits handed to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    household_successor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("households handed to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cases = models.PositiveIntegerField(_("cases handed over"), default=0)
    visits = models.PositiveIntegerField(_("due visits handed over"), default=0)
    households = models.PositiveIntegerField(_("households handed over"), default=0)
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
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.person} · {self.ended_on}"

    @property
    def access_node(self):
        return self.assignment.node
