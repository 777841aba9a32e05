"""County calls (乡呼县应): a town calls a county unit on a case."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case
from cases.models.units import Unit


class CountyCall(models.Model):
    """乡呼县应: a town calls a county department for a case it cannot settle (seed 004). The
    same call, answer and ratings serve 社区吹哨、部门报到 (seed 002): a village calls a department
    linked to it (`village` set; `town` is then the village's town)."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for the department")
        ANSWERED = "answered", _("Answered")
        RATED = "rated", _("Rated by the town")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="county_calls", verbose_name=_("case")
    )
    town = models.ForeignKey(
        "grids.GridNode", verbose_name=_("calling town"), on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("calling village"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Set when a village called a department linked to it (社区吹哨)."),
    )
    department = models.ForeignKey(
        Unit,
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
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("answered by"),
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
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("called by"),
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

    @property
    def by_village(self) -> bool:
        return self.village_id is not None
