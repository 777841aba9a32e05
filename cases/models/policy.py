"""What each color means in time, and the days that are not working days."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.choices import Cadence, Color, DayKind

# 及时核查: a resolved case is verified within this many hours of its resolution, unless a
# color's policy says otherwise (docs/kpis.md). A day: the desk checks the field's work daily.
VERIFY_WITHIN_HOURS = 24


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
    verify_within_hours = models.PositiveSmallIntegerField(
        _("verify within (hours after resolution)"),
        default=VERIFY_WITHIN_HOURS,
        validators=[MinValueValidator(1)],
        help_text=_(
            "A case verified later than this after its resolution was not verified in time."
        ),
    )

    class Meta:
        verbose_name = _("triage policy")
        verbose_name_plural = _("triage policies")
        ordering = ["clear_within"]

    def __str__(self) -> str:
        return f"{self.get_color_display()} · {self.clear_within} {self.get_day_kind_display()}"

    def save(self, *args, **kwargs):
        before = (
            TriagePolicy.objects.filter(pk=self.pk)
            .values_list("color", "verify_within_hours")
            .first()
            if self.pk
            else None
        )
        super().save(*args, **kwargs)
        if before != (self.color, self.verify_within_hours):
            _count_every_county_again()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        _count_every_county_again()
        return result


def _count_every_county_again() -> None:
    """The rollups count 及时核查 with a color's hours (cases.rollups): once they change, the
    counts kept per case no longer say what counting now would, and no case was saved to show
    it. The next run counts every county whole; until then the dashboards count live."""
    from cases.models.rollups import RollupState

    RollupState.objects.update(refreshed_at=None)


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
