"""Holiday duty slots and their bookings: slots only on days off (the holiday calendar), a seat
taken once (a constraint: also when two residents book the last seat at the same moment), the
desk's list of a day's bookings, masked, and freeing a seat."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from gridgov.errors import DomainError
from services import actions
from services.models import DutyBooking, DutySlot
from tests.concurrency import run_at_once
from tests.conftest import page_text
from tests.services.test_public_pages import next_day_off


def _slot(tree, capacity=1, **fields):
    return DutySlot.objects.create(
        town=tree.town1,
        date=fields.pop("date", None) or next_day_off(),
        starts=dt.time(9),
        ends=dt.time(12),
        window="便民服务大厅",
        capacity=capacity,
        **fields,
    )


def _book(slot, phone="13800001234", name="王大爷"):
    return actions.duty_book(slot_id=slot.pk, resident_name=name, resident_phone=phone)


def test_a_slot_is_published_on_days_off_only(tree):
    workday = dt.date(2026, 11, 17)  # a Tuesday
    slot = DutySlot(
        town=tree.town1, date=workday, starts=dt.time(9), ends=dt.time(12), window="大厅"
    )
    with pytest.raises(ValidationError) as refused:
        slot.full_clean()
    assert "date" in refused.value.message_dict
    slot.date = dt.date(2026, 10, 2)  # 国庆节
    slot.full_clean()
    slot.town = tree.village1
    with pytest.raises(ValidationError):
        slot.full_clean()


def test_seats_are_handed_out_lowest_first_and_a_full_slot_refuses(tree):
    slot = _slot(tree, capacity=2)
    assert [_book(slot).seat, _book(slot, phone="13900002222").seat] == [1, 2]
    with pytest.raises(DomainError):
        _book(slot, phone="13700003333")


def test_one_phone_holds_one_seat_of_a_slot(tree):
    slot = _slot(tree, capacity=3)
    _book(slot)
    with pytest.raises(DomainError):
        _book(slot, name="王大爷又来")
    assert DutyBooking.objects.count() == 1


def test_a_cancelled_booking_frees_its_seat(cast, tree):
    slot = _slot(tree)
    first = _book(slot)
    actions.duty_booking_cancel(actor=cast.staff_town1, booking_id=first.pk)
    assert _book(slot, phone="13900002222").seat == 1


def test_a_past_slot_takes_no_booking(tree):
    slot = _slot(tree, date=dt.date(2026, 10, 2))
    with pytest.raises(DomainError):
        _book(slot)


def test_the_database_refuses_a_second_booking_of_one_seat(tree):
    slot = _slot(tree)
    now = timezone.now()
    DutyBooking.objects.create(
        slot=slot, seat=1, resident_name="甲", resident_phone="13800000001", created_at=now
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        DutyBooking.objects.create(
            slot=slot, seat=1, resident_name="乙", resident_phone="13800000002", created_at=now
        )


def test_the_desk_lists_the_days_bookings_masked_and_cancels_one(client, cast, tree):
    slot = _slot(tree, capacity=2)
    booking = _book(slot)
    client.force_login(cast.staff_town1)
    url = reverse("services_duty")
    text = page_text(client.get(url, {"date": slot.date.isoformat()}))
    assert "王大爷" in text and "138****1234" in text and "13800001234" not in text
    client.post(f"{url}?date={slot.date.isoformat()}", {"booking": booking.pk})
    booking.refresh_from_db()
    assert booking.cancelled_at is not None


def test_another_towns_staff_neither_see_nor_cancel_the_bookings(client, cast, tree):
    booking = _book(_slot(tree))
    client.force_login(cast.staff_town2)
    url = reverse("services_duty")
    page = client.get(url, {"date": booking.slot.date.isoformat()})
    assert page.context["bookings"] == []
    assert client.post(url, {"booking": booking.pk}).status_code == 404
    booking.refresh_from_db()
    assert booking.cancelled_at is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_residents_booking_the_last_seat_at_once_get_it_once(tree):
    slot = _slot(tree)
    outcomes = run_at_once(
        lambda: _book(slot, phone="13800000001", name="甲"),
        lambda: _book(slot, phone="13800000002", name="乙"),
    )
    wins = [o for o in outcomes if isinstance(o, DutyBooking)]
    refusals = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(wins) == 1 and len(refusals) == 1, outcomes
    assert DutyBooking.objects.filter(slot=slot).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_writes_of_one_seat_at_once_past_the_lock_still_make_one_booking(tree):
    """Whatever path writes a booking, the constraint holds under concurrency."""
    slot = _slot(tree)
    now = timezone.now()

    def write(phone):
        return DutyBooking.objects.create(
            slot=slot, seat=1, resident_name="某", resident_phone=phone, created_at=now
        )

    outcomes = run_at_once(lambda: write("13800000001"), lambda: write("13800000002"))
    assert sum(isinstance(o, DutyBooking) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, IntegrityError) for o in outcomes) == 1, outcomes
    assert DutyBooking.objects.filter(slot=slot).count() == 1


def test_a_slot_over_this_morning_is_neither_offered_nor_booked_that_afternoon(tree):
    from services import queries
    from services.models import DutySlot
    from tests.services.test_public_pages import next_day_off

    day = next_day_off()
    slot = DutySlot.objects.create(
        town=tree.town1,
        date=day,
        starts=dt.time(9),
        ends=dt.time(12),
        window="便民服务大厅",
        capacity=3,
    )
    morning = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    afternoon = timezone.make_aware(dt.datetime.combine(day, dt.time(15)))
    assert slot in queries.upcoming_slots(tree.town1, now=morning)
    assert slot not in queries.upcoming_slots(tree.town1, now=afternoon)
    with pytest.raises(DomainError):
        actions.duty_book(
            slot_id=slot.pk, resident_name="王大爷", resident_phone="13800001234", now=afternoon
        )
    booked = actions.duty_book(
        slot_id=slot.pk, resident_name="王大爷", resident_phone="13800001234", now=morning
    )
    assert booked.slot == slot
