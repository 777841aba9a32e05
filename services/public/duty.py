"""Holiday duty bookings for residents (/g/<code>/duty/): the town's windows open on days off,
with their free seats, and a form to book one; the booking's own page by its code
(/g/duty/<code>/) says when and where, and nothing personal."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from cases.public import guards
from gridgov.errors import add_to_form
from grids.public.grid import not_found
from grids.queries import public_node
from services import actions, queries
from services.calendar import holiday_name, holiday_names
from services.models import DutyBooking
from services.public.forms import CODE, GuardedForm, locked_out, normalised_code, resident_fields


class BookingForm(GuardedForm):
    slot = forms.TypedChoiceField(label=gettext_lazy("When"), coerce=int)
    item = forms.TypedChoiceField(
        label=gettext_lazy("What you come for"), coerce=int, required=False, empty_value=None
    )
    note = forms.CharField(
        label=gettext_lazy("Anything we should know (optional)"), max_length=200, required=False
    )

    def __init__(self, *args, slots, items, **kwargs):
        super().__init__(*args, **kwargs)
        resident_fields(self)
        self.order_fields(["slot", "item", "resident_name", "resident_phone", "note"])
        self.fields["slot"].choices = [(s.pk, str(s)) for s in slots if s.free]
        self.fields["item"].choices = [("", "—")] + [(i.pk, i.name) for i in items]


def _days(slots) -> list[tuple]:
    """The slots by day, each day with its holiday's name."""
    days: dict = {}
    for slot in slots:
        days.setdefault(slot.date, []).append(slot)
    names = holiday_names(days)
    return [(day, names[day], day_slots) for day, day_slots in days.items()]


@require_http_methods(["GET", "POST"])
def duty_page(request, code: str):
    node = public_node(code)
    if node is None:
        return not_found(request)
    town = node.town
    slots = queries.upcoming_slots(town)
    items = queries.town_items(town) if slots else []
    status = 200
    if request.method == "POST":
        form = BookingForm(request.POST, slots=slots, items=items, request=request)
        if form.is_valid():
            d = form.cleaned_data
            try:
                booking = actions.duty_book(
                    slot_id=d["slot"],
                    resident_name=d["resident_name"],
                    resident_phone=d["resident_phone"],
                    item_id=d["item"],
                    note=d["note"],
                )
            except ValidationError as exc:
                add_to_form(form, exc)
            else:
                guards.count_report(request)
                messages.success(
                    request,
                    _("Booked. Your booking code is %(code)s; show it at the window.")
                    % {"code": booking.code},
                )
                return redirect("public_duty_booking", booking_code=booking.code)
        status = 400
    else:
        form = BookingForm(slots=slots, items=items, request=request)
    context = {"node": node, "town": town, "days": _days(slots), "form": form}
    return render(request, "services/public/duty.html", context, status=status)


@require_safe
def booking(request, booking_code: str):
    if guards.tracking_locked(request):
        return locked_out(request)
    code = normalised_code(booking_code)
    found = None
    if CODE.fullmatch(code):
        found = (
            DutyBooking.objects.select_related("slot__town", "slot__item", "item")
            .filter(code=code)
            .first()
        )
    if found is None:
        guards.tracking_failed(request)
        return not_found(request)
    if found.code != booking_code:
        return redirect("public_duty_booking", booking_code=found.code)
    context = {
        "booking": found,
        "slot": found.slot,
        "holiday": holiday_name(found.slot.date),
        "item": found.slot.item or found.item,
    }
    return render(request, "services/public/booking.html", context)
