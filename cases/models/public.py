"""What each town decides about residents' reports from the public door (/g/)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResidentReporting(models.Model):
    """A town's rules for reports residents send from their grid's page. A town without a row
    takes the defaults: a phone number is required for the call back."""

    town = models.OneToOneField(
        "grids.GridNode",
        verbose_name=_("town"),
        on_delete=models.CASCADE,
        related_name="resident_reporting",
        limit_choices_to={"tier": "town"},
    )
    anonymous_allowed = models.BooleanField(
        _("anonymous reports allowed"),
        default=False,
        help_text=_("Residents may report without giving a phone number."),
    )

    class Meta:
        verbose_name = _("residents' reports of a town")
        verbose_name_plural = _("residents' reports of the towns")

    def __str__(self) -> str:
        return str(self.town)

    @property
    def access_node(self):
        return self.town

    @classmethod
    def anonymous_allowed_in(cls, town) -> bool:
        return cls.objects.filter(town=town, anonymous_allowed=True).exists()
