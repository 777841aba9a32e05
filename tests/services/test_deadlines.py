"""The promised time of a request: in working days of the cases' holiday calendar, from the
moment it is accepted (while materials are missing the clock waits); the sweep flags a request
past it once, with its history and a notice, however often it runs."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import Holiday
from gridgov.models import OutboxMessage
from gridgov.schedule import BEAT_SCHEDULE
from services import actions
from services.models import ServiceRequestEvent
from tests.factories import T0
from tests.services.conftest import ALL


def at(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(text))


def test_a_deadline_runs_across_the_national_day_holiday_to_the_make_up_workday(
    cast, make_item, make_request
):
    request = make_request("received", the_item=make_item(promised_days=3))
    accepted = actions.service_request_accept(
        actor=cast.staff_town1, request_id=request.pk, materials=ALL, now=at("2026-09-30 10:00")
    )
    # 10-01 … 10-07 are days off and Saturday 10-10 a make-up workday: 10-08, 10-09, 10-10.
    assert accepted.due_at == at("2026-10-10 10:00")


def test_a_day_off_entered_in_the_holiday_table_moves_the_deadline(cast, make_request):
    Holiday.objects.create(date=dt.date(2026, 11, 18), kind="holiday", name="本地休")
    request = make_request("received")
    accepted = actions.service_request_accept(
        actor=cast.staff_town1, request_id=request.pk, materials=ALL, now=T0
    )
    # Monday T0 + 5 working days, Wednesday off: Tue, Thu, Fri, Mon, Tue.
    assert accepted.due_at == T0 + dt.timedelta(days=8)


def test_an_item_done_on_the_spot_is_due_by_the_end_of_that_working_day(
    cast, make_item, make_request
):
    quick = make_item(name="开具居住证明", promised_days=0, statutory_days=None)
    request = make_request("received", the_item=quick)
    saturday = at("2026-11-21 10:00")
    accepted = actions.service_request_accept(
        actor=cast.staff_town1, request_id=request.pk, materials=ALL, now=saturday
    )
    assert accepted.due_at == at("2026-11-23 23:59:59")


def test_the_clock_waits_while_the_one_time_notice_is_out(cast, make_request):
    request = make_request("incomplete")
    assert request.due_at is None
    week_later = T0 + dt.timedelta(days=7)
    accepted = actions.service_request_complete(
        actor=cast.staff_town1, request_id=request.pk, materials=ALL, came="post", now=week_later
    )
    assert accepted.accepted_at == week_later
    assert accepted.due_at == week_later + dt.timedelta(days=7)  # 5 working days: Mon → Mon


def test_the_sweep_flags_a_late_request_once_with_history_and_a_notice(cast, make_request):
    late = make_request("handed")
    in_time = make_request("handed")
    decided = make_request("done")
    after = late.due_at + dt.timedelta(minutes=1)
    in_time.refresh_from_db()
    actions.service_request_done(
        actor=cast.staff_town1, request_id=in_time.pk, result="按时办结", now=T0
    )
    assert actions.request_sweep(now=after).overdue == 1
    assert actions.request_sweep(now=after + dt.timedelta(hours=1)).overdue == 0
    late.refresh_from_db()
    assert late.overdue_since == after
    events = ServiceRequestEvent.objects.filter(action="overdue")
    assert [(e.request_id, e.automatic) for e in events] == [(late.pk, True)]
    notices = OutboxMessage.objects.filter(kind="service_request_overdue")
    assert [m.payload["service_request"] for m in notices] == [late.pk]
    decided.refresh_from_db()
    assert decided.overdue_since is None


def test_the_sweep_is_a_command_and_a_beat_entry(cast, make_request):
    from gridgov.celery import app

    make_request("accepted")
    call_command("sweep_service_requests", now="2027-06-01T00:00:00+08:00")
    assert ServiceRequestEvent.objects.filter(action="overdue").count() == 1
    entry = BEAT_SCHEDULE["sweep-service-requests"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


@pytest.mark.parametrize("came", ["in_person", "post"])
def test_bringing_the_missing_materials_in_person_is_a_second_visit(cast, make_request, came):
    request = make_request("incomplete")
    actions.service_request_complete(
        actor=cast.staff_town1,
        request_id=request.pk,
        materials=ALL,
        came=came,
        now=T0 + dt.timedelta(days=2),
    )
    request.refresh_from_db()
    assert request.visits == (2 if came == "in_person" else 1)


def test_a_visit_is_counted_once_a_day_and_a_further_one_needs_its_reason(cast, make_request):
    request = make_request("accepted")
    staff = cast.staff_town1
    from gridgov.errors import DomainError

    with pytest.raises(DomainError):  # the same day as the first visit
        actions.service_request_record_visit(
            actor=staff, request_id=request.pk, reason="来问进度", now=T0
        )
    with pytest.raises(DomainError):
        actions.service_request_record_visit(
            actor=staff, request_id=request.pk, reason=" ", now=T0 + dt.timedelta(days=1)
        )
    actions.service_request_record_visit(
        actor=staff, request_id=request.pk, reason="来问进度", now=T0 + dt.timedelta(days=1)
    )
    request.refresh_from_db()
    assert request.visits == 2
    assert list(request.visit_log.values_list("reason", flat=True))[1] == "来问进度"


def test_collecting_the_result_at_the_window_another_day_is_a_visit(cast, make_request):
    request = make_request("done")
    actions.service_request_deliver(
        actor=cast.staff_town1,
        request_id=request.pk,
        delivery="window",
        now=T0 + dt.timedelta(days=3),
    )
    request.refresh_from_db()
    assert (request.status, request.visits) == ("delivered", 2)
