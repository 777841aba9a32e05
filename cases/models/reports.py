"""Periodic reports (日清周报, 周清月报, 月清季报) as stored rows."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.choices import Color


class PeriodicReport(models.Model):
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
