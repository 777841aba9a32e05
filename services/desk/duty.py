"""A day's holiday duty bookings on the desk (/desk/services/duty/?date=): who comes when to
which window, for what; a booking is cancelled when the resident calls to say so."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gridgov.cleaning import parse_id
from grids.privacy import mask_phone
from services import actions, queries
from services.calendar import holiday_name
from services.models import DutySlot
from services.models.duty import EARLIEST, LATEST
from staff import access


def _day(value) -> dt.date:
    """The day asked for (?date=2026-12-05); today for anything else, or a year the holiday
    calendar cannot reach."""
    try:
        day = dt.date.fromisoformat((value or "")[:10])
    except ValueError:
        return timezone.localdate()
    return day if EARLIEST <= day <= LATEST else timezone.localdate()


@access.door_required("desk", "dutybooking.view")
@require_http_methods(["GET", "POST"])
def duty_day(request):
    day = _day(request.GET.get("date"))
    if request.method == "POST":
        booking_id = parse_id(request.POST.get("booking"))
        try:
            if booking_id is None:
                raise ValidationError(_("Choose the booking to cancel."))
            actions.duty_booking_cancel(actor=request.user, booking_id=booking_id)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The booking is cancelled; its seat is free again."))
        return redirect(f"{request.path}?date={day.isoformat()}")
    bookings = list(queries.day_bookings(request.user, day))
    for b in bookings:
        b.masked_phone = mask_phone(b.resident_phone)
    towns = access.scope(request.user, "dutybooking.view", DutySlot.objects.all(), via="town")
    coming = (
        towns.filter(date__gte=timezone.localdate())
        .values_list("date", flat=True)
        .distinct()
        .order_by("date")[:12]
    )
    context = {
        "day": day,
        "holiday": holiday_name(day),
        "bookings": bookings,
        "coming": list(coming),
    }
    return render(request, "services/desk/duty.html", context)
