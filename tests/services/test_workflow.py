"""The life of a one-window request: every action of the table, from every status, is taken
where the table allows it and refused everywhere else; each step leaves its history."""

import datetime as dt

import pytest

from gridgov.errors import DomainError
from services import actions, workflow
from services.models import RequestStatus, ServiceRequestEvent
from tests.factories import T0
from tests.services.conftest import ALL

S = RequestStatus
LATER = T0 + dt.timedelta(days=1)  # the next day: a visit then is a new one

# Values that make each action succeed where its status allows it.
VALUES = {
    "accept": {"materials": ALL},
    "notify_missing": {"materials": [0], "text": "带齐户口簿和照片"},
    "complete": {"materials": ALL, "came": "post"},
    "decline": {"text": "不属于本镇办理事项"},
    "hand": {},
    "done": {"text": "补贴已审批"},
    "refuse": {"text": "年龄未满八十周岁"},
    "deliver": {"delivery": "post", "address": "梁家庵村一组12号"},
    "record_visit": {"text": "来问进度"},
}
CASES = [(name, status) for name in workflow.ACTIONS for status in S.values]


def test_every_action_of_the_table_has_values_here():
    assert set(VALUES) == set(workflow.ACTIONS)


@pytest.mark.parametrize(("name", "status"), CASES, ids=[f"{n}-from-{s}" for n, s in CASES])
def test_each_action_is_taken_only_from_the_statuses_the_table_allows(
    cast, make_request, name, status
):
    request = make_request(status)
    sources, target = workflow.TRANSITIONS[name]
    before = ServiceRequestEvent.objects.filter(request=request).count()
    if status not in sources:
        with pytest.raises(DomainError):
            actions.perform(
                name, actor=cast.staff_town1, request_id=request.pk, values=VALUES[name], now=LATER
            )
        request.refresh_from_db()
        assert request.status == status
        assert ServiceRequestEvent.objects.filter(request=request).count() == before
        return
    actions.perform(
        name, actor=cast.staff_town1, request_id=request.pk, values=VALUES[name], now=LATER
    )
    request.refresh_from_db()
    assert request.status == (target or status)
    last = ServiceRequestEvent.objects.filter(request=request).last()
    assert (last.action, last.from_status, last.to_status, last.actor) == (
        name,
        status,
        request.status,
        cast.staff_town1,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_submission_sent_twice_at_once_is_one_request_and_both_answers_name_it(
    cast, tree, item, window
):
    # A phone's retry while the first copy is still saving: the unique submission id refuses
    # the second, which answers with the first instead of a server error.
    from services.models import ServiceRequest
    from tests.concurrency import run_at_once

    def send():
        return actions.service_request_receive(
            actor=cast.worker_a,
            item_id=item.pk,
            node_id=tree.grid_a.pk,
            resident_name="张秀兰",
            resident_phone="13800001234",
            channel="errand",
            submission_id="retry-0123456789",
            now=T0,
        )

    first, second = run_at_once(send, send)
    assert isinstance(first, ServiceRequest) and isinstance(second, ServiceRequest), (first, second)
    assert first.pk == second.pk
    assert ServiceRequest.objects.filter(submission_id="retry-0123456789").count() == 1
