"""The 12345 round trip against a fake hotline platform started by the test (a real HTTP
server on 127.0.0.1): an order comes in over the API, the town signs for it and the hotline
hears so, the town resolves it and the reply goes out signed (retried after the hotline first
answers 503), the hotline's call-back comes in and is the case's rating."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Case, CaseEvent, HotlineOrder
from gridgov import notify
from gridgov.models import Delivery
from tests.api.conftest import Api
from tests.cases.hotline import FakeHotline, make_hotline, order
from tests.factories import advance

pytestmark = pytest.mark.django_db

ORDERS, EVENTS = "/api/v1/hotline/orders/", "/api/v1/hotline/events/"


@pytest.fixture
def fake(settings):
    hotline = FakeHotline()
    settings.GRIDGOV_HOTLINE_HTTP_HOSTS = [hotline.origin]  # as the operator allows its own
    yield hotline
    hotline.close()


def test_an_order_goes_round_the_whole_trip_and_comes_back_as_the_rating(cast, tree, fake):
    hotline = make_hotline(tree.county, url=fake.url)
    api = Api(hotline.key)

    # Order in: a case in 梁家庵村 (the address names it), source hotline, phone kept whole
    # but answered masked, the hotline's number kept.
    response = api.post(ORDERS, order("SX-0042", deadline="2026-11-21T18:00:00+08:00"))
    assert response.status_code == 201, response.content
    answer = response.json()
    case = Case.objects.get(pk=answer["case_id"])
    assert (case.source, case.node, case.status) == ("hotline", tree.village1, "reported")
    assert case.reporter_phone == "13800001234"
    assert answer["place"]["code"] == tree.village1.code
    assert answer["town"]["code"] == tree.town1.code
    assert "SX-0042" in case.description
    order_row = HotlineOrder.objects.get(case=case)
    assert order_row.order_no == "SX-0042" and order_row.client == hotline.client
    detail = Api(user=cast.staff_town1).get(f"/api/v1/cases/{case.pk}/").json()
    assert detail["reporter_phone"] == "138****1234"

    # Sign: the town takes it, the village's grid chief signs for it; the hotline is told.
    advance(cast, case, "handling", handler="village_chief")
    now = timezone.now()
    assert notify.deliver_pending(now=now + dt.timedelta(seconds=1))["sent"] == 1
    (signed,) = fake.received
    assert signed.signed and signed.event == "signed"
    assert signed.body["order_no"] == "SX-0042" and signed.body["case_number"] == case.number
    assert signed.body["town"] == {"code": tree.town1.code, "name": tree.town1.name}
    assert signed.body["sequence"] == 1

    # Resolve: the reply goes back; the hotline answers 503 once, the retry gets through.
    from cases import actions

    fake.statuses = [503]
    actions.case_resolve(
        actor=cast.village_chief,
        case_id=case.pk,
        result="已更换村口路灯灯泡两只，线路检修正常。",
        public_reply="路灯已修好，感谢您的反映。",
    )
    now = timezone.now() + dt.timedelta(seconds=1)
    first = notify.deliver_pending(now=now)
    assert first["sent"] == 0 and first["failed"] == 0
    delivery = Delivery.objects.get(message__kind="hotline_replied")
    assert delivery.state == "pending" and delivery.attempts == 1
    assert delivery.last_error == "HTTP status 503"
    assert delivery.next_attempt_at == now + notify.backoff(1)
    assert notify.deliver_pending(now=now + dt.timedelta(seconds=30))["sent"] == 0  # not yet
    assert notify.deliver_pending(now=now + dt.timedelta(minutes=2))["sent"] == 1
    refused, replied = fake.received[1:]
    assert refused.status == 503 and replied.status == 200
    assert refused.signed and replied.signed
    assert refused.raw == replied.raw  # the same message, signed afresh on each attempt
    assert refused.delivery == replied.delivery == str(delivery.pk)
    assert replied.body["event"] == "replied" and replied.body["sequence"] == 2
    assert replied.body["reply"] == "路灯已修好，感谢您的反映。"
    assert replied.body["result"].startswith("已更换")
    assert fake.events() == ["signed", "replied", "replied"]

    # 回访 in: recorded as the case's rating.
    response = api.post(EVENTS, {"order_no": "SX-0042", "event": "callback", "result": "satisfied"})
    assert response.status_code == 200, response.content
    assert response.json()["callback"]["result"] == "satisfied"
    case.refresh_from_db()
    assert case.satisfaction == 5 and case.rated_at is not None
    assert CaseEvent.objects.filter(case=case, action="hotline_callback").exists()
    order_row.refresh_from_db()
    assert order_row.verdict == "satisfied" and order_row.signed_at and order_row.replied_at
    # Everything went out; nothing is left waiting.
    assert not Delivery.objects.filter(state="pending").exists()


def test_a_message_the_hotline_never_takes_fails_for_good_and_its_admins_hear(cast, tree, fake):
    hotline = make_hotline(tree.county, url=fake.url)
    Api(hotline.key).post(ORDERS, order("SX-0099"))
    case = Case.objects.get(hotline_order__order_no="SX-0099")
    fake.statuses = [503] * notify.MAX_ATTEMPTS
    advance(cast, case, "handling", handler="village_chief")
    now = timezone.now() + dt.timedelta(seconds=1)
    for attempt in range(notify.MAX_ATTEMPTS):
        notify.deliver_pending(now=now)
        now += notify.backoff(attempt + 1) + dt.timedelta(seconds=1)
    delivery = Delivery.objects.get(message__kind="hotline_signed")
    assert delivery.state == "failed" and delivery.attempts == notify.MAX_ATTEMPTS
    assert len(fake.received) == notify.MAX_ATTEMPTS
    notify.deliver_pending(now=now)
    from gridgov.models import Notice

    assert Notice.objects.filter(user=cast.county_admin, message__kind="channel_failed").exists()


def test_a_hotline_switched_off_keeps_its_messages_waiting_until_it_is_on_again(
    cast, tree, settings
):
    # Switched off, nothing is tried and nothing counts as a try: hours later, switched on
    # again, the message goes out.
    fake = FakeHotline()
    settings.GRIDGOV_HOTLINE_HTTP_HOSTS = [fake.origin]
    try:
        hotline = make_hotline(tree.county, url=fake.url)
        Api(hotline.key).post("/api/v1/hotline/orders/", order("SX-OFF-1"))
        case = Case.objects.get(hotline_order__order_no="SX-OFF-1")
        hotline.config.active = False
        hotline.config.save()
        advance(cast, case, "handling", handler="village_chief")  # -> "signed" message queued
        now = timezone.now() + dt.timedelta(seconds=1)
        for _ in range(notify.MAX_ATTEMPTS + 2):  # over an hour switched off
            notify.deliver_pending(now=now)
            now += notify.WHILE_OFF + dt.timedelta(seconds=1)
        delivery = Delivery.objects.get(message__kind="hotline_signed")
        assert (delivery.state, delivery.attempts) == ("pending", 0), delivery.last_error
        assert fake.events() == []
        # Switched back on: the waiting message should now go out.
        hotline.config.active = True
        hotline.config.save()
        notify.deliver_pending(now=now + dt.timedelta(hours=2))
        delivery.refresh_from_db()
        assert delivery.state == "sent", (delivery.state, delivery.attempts, delivery.last_error)
        assert fake.events() == ["signed"]
    finally:
        fake.close()
