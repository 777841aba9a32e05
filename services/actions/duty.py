"""Holiday duty bookings (节假日值班预约): a resident books a seat in a duty slot; staff cancel
a booking when the resident asks."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.errors import DomainError
from services.actions._common import now_or, text
from services.models import DutyBooking, DutySlot, ServiceItem
from staff import access


def _slot(slot_id) -> DutySlot:
    # The slot's row is the lock every booking of it queues on: seats are counted under it.
    if not DutySlot.objects.select_for_update().filter(pk=slot_id).values("pk"):
        raise DomainError(_("Choose one of the duty slots."), field="slot")
    return DutySlot.objects.select_related("town", "item").get(pk=slot_id)


def duty_book(
    *,
    slot_id: int,
    resident_name: str,
    resident_phone: str,
    item_id: int | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> DutyBooking:
    """The resident's seat in the slot: the lowest free one. Two residents booking its last
    seat at the same moment get it once: the slot's lock orders them, and the unique seat
    (a constraint) refuses a second one whatever the path."""
    now = now_or(now)
    try:
        with transaction.atomic():
            slot = _slot(slot_id)
            local = timezone.localtime(now)
            if (slot.date, slot.ends) <= (local.date(), local.time()):
                raise DomainError(_("This duty slot is over."), field="slot")
            item = None
            if slot.item_id:
                item = slot.item
            elif item_id:
                item = ServiceItem.objects.filter(pk=item_id, active=True).first()
                if item is None or not slot.town.contains(item.node):
                    raise DomainError(_("Choose an item this town offers."), field="item")
            taken = set(
                DutyBooking.objects.filter(slot=slot, cancelled_at__isnull=True).values_list(
                    "seat", flat=True
                )
            )
            free = [seat for seat in range(1, slot.capacity + 1) if seat not in taken]
            if not free:
                raise DomainError(_("This duty slot is fully booked."), field="slot")
            return DutyBooking.objects.create(
                slot=slot,
                seat=free[0],
                resident_name=text(resident_name, _("your name"), limit=50, field="resident_name"),
                resident_phone=text(
                    resident_phone, _("your phone"), limit=20, field="resident_phone"
                ),
                item=item,
                note=text(note, "", required=False, limit=200),
                created_at=now,
            )
    except IntegrityError:
        # Only the same phone in the same slot gets here (the seats are counted under lock).
        raise DomainError(
            _("This phone number already holds a seat in this slot."), field="resident_phone"
        ) from None


@transaction.atomic
def duty_booking_cancel(*, actor, booking_id: int, now: dt.datetime | None = None) -> DutyBooking:
    """Free the seat of a booking (the resident called to say they will not come)."""
    now = now_or(now)
    booking = DutyBooking.objects.select_for_update().filter(pk=booking_id).first()
    if booking is None:
        raise DomainError(_("There is no such booking."))
    booking = DutyBooking.objects.select_related("slot__town").get(pk=booking.pk)
    access.require(actor, "dutybooking.view", booking)
    if booking.cancelled_at is None:
        booking.cancelled_at = now
        booking.save(update_fields=["cancelled_at"])
    return booking
