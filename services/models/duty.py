"""Holiday duty bookings (节假日值班预约): on a day off the town keeps a window open in slots,
per item or for any item, and residents book a seat in a slot."""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import new_tracking_code

LARGEST_SLOT = 50  # residents one duty slot may take: a window on a day off is small
# The days a slot may be on: the holiday calendar reads a year around a day, so not the ends
# of the calendar.
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


class DutySlot(models.Model):
    """A window open on a day off (the holiday calendar of cases says which days are off)."""

    town = models.ForeignKey(
        "grids.GridNode",
        verbose_name=_("town"),
        on_delete=models.PROTECT,
        related_name="duty_slots",
    )
    date = models.DateField(_("date"))
    starts = models.TimeField(_("starts at"))
    ends = models.TimeField(_("ends at"))
    window = models.CharField(_("window"), max_length=100)
    item = models.ForeignKey(
        "services.ServiceItem",
        verbose_name=_("service item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duty_slots",
        help_text=_("Empty: the window takes any item of the town."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("residents it takes"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(LARGEST_SLOT)],
    )
    phone = models.CharField(_("duty phone"), max_length=30, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("duty slot")
        verbose_name_plural = _("duty slots")
        ordering = ["date", "starts", "window", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=models.F("starts")), name="dutyslot_ends"),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=LARGEST_SLOT),
                name="dutyslot_capacity",
            ),
            models.UniqueConstraint(
                fields=["town", "date", "starts", "window"], name="dutyslot_one_per_window"
            ),
        ]
        indexes = [models.Index(fields=["town", "date"], name="dutyslot_town_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.starts:%H:%M}–{self.ends:%H:%M} {self.window}"

    @property
    def access_node(self):
        return self.town

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from grids.models import Tier
        from services.calendar import is_day_off

        errors = {}
        if self.town_id and self.town.tier != Tier.TOWN:
            errors["town"] = _("Duty slots are published by a town.")
        if self.date and not EARLIEST <= self.date <= LATEST:
            errors["date"] = _("Choose a day between %(first)s and %(last)s.") % {
                "first": EARLIEST,
                "last": LATEST,
            }
        elif self.date and not is_day_off(self.date):
            errors["date"] = _(
                "%(date)s is a working day: duty slots are for days off (the holiday calendar)."
            ) % {"date": self.date}
        if self.starts and self.ends and self.ends <= self.starts:
            errors["ends"] = _("A slot ends after it starts.")
        if self.item_id and self.town_id and not self.town.contains(self.item.node):
            errors["item"] = _("The item is not offered in this town.")
        if errors:
            raise ValidationError(errors)


class DutyBooking(models.Model):
    """One resident's seat in a duty slot. A seat is taken once (a constraint): two residents
    booking the last seat at the same moment cannot both have it."""

    slot = models.ForeignKey(
        DutySlot, verbose_name=_("duty slot"), on_delete=models.PROTECT, related_name="bookings"
    )
    seat = models.PositiveSmallIntegerField(_("seat"), validators=[MinValueValidator(1)])
    code = models.CharField(
        _("booking code"), max_length=12, unique=True, default=new_tracking_code
    )
    resident_name = models.CharField(_("resident's name"), max_length=50)
    resident_phone = models.CharField(_("resident's phone"), max_length=20)
    item = models.ForeignKey(
        "services.ServiceItem",
        verbose_name=_("service item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("booked at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("duty booking")
        verbose_name_plural = _("duty bookings")
        ordering = ["slot", "seat"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "seat"],
                condition=Q(cancelled_at__isnull=True),
                name="dutybooking_one_per_seat",
            ),
            models.UniqueConstraint(
                fields=["slot", "resident_phone"],
                condition=Q(cancelled_at__isnull=True),
                name="dutybooking_once_per_phone",
            ),
            models.CheckConstraint(condition=Q(seat__gte=1), name="dutybooking_seat_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.slot} #{self.seat}"

    @property
    def access_node(self):
        return self.slot.town
