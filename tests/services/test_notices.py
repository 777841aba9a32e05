"""The services' notices reach exactly the people of each step (gridgov/notify.py): the window
of the resident's place for what came in without them, whoever took a request in or runs it as
an errand, the back office it was handed to, the dispatchers and the volunteers of a help
order; a supervision notice also the level above. The resident is texted the one-time notice,
the decision and the finished help, the phone read from the row when the text goes."""

from __future__ import annotations

import datetime as dt

import pytest

from gridgov import sms
from gridgov.models import Delivery, Notice, OutboxMessage
from gridgov.notify import deliver_pending
from services import actions
from services.models import OrderStatus, RequestStatus
from tests.factories import T0
from tests.services.test_volunteers import _order

S, OS = RequestStatus, OrderStatus
PHONE = "13800001234"  # make_request's resident
LATE = T0 + dt.timedelta(days=30)


@pytest.fixture
def texts(settings):
    settings.GRIDGOV_SMS_BACKEND = "gridgov.sms.MemoryBackend"
    settings.GRIDGOV_PUBLIC_BASE_URL = "https://grid.example.gov.cn"
    sms.MemoryBackend.sent.clear()
    yield sms.MemoryBackend.sent
    sms.MemoryBackend.sent.clear()


def heard(kind: str) -> set[str]:
    """Who the newest notice of this kind reached, by username, once delivered."""
    message = OutboxMessage.objects.filter(kind=kind).latest("pk")
    deliver_pending()
    return set(Notice.objects.filter(message=message).values_list("user__username", flat=True))


def texted(kind: str) -> list[Delivery]:
    return list(Delivery.objects.filter(channel="sms", message__kind=kind))


# ---------------------------------------------------------------- requests


def test_a_request_taken_in_at_the_window_tells_no_one_one_online_tells_the_village_window(
    make_request,
):
    make_request(S.RECEIVED)
    assert heard("service_request_received") == set()
    make_request(S.RECEIVED, channel="online")
    assert heard("service_request_received") == {"village_chief"}
    make_request(S.RECEIVED, channel="errand")
    assert heard("service_request_received") == {"village_chief"}


def test_the_one_time_notice_reaches_who_took_it_in_and_texts_the_resident(make_request, texts):
    request = make_request(S.INCOMPLETE)
    assert heard("service_request_incomplete") == {"staff_town1"}
    [delivery] = texted("service_request_incomplete")
    assert delivery.state == "sent" and PHONE not in delivery.target
    assert request.tracking_code not in delivery.target
    [(phone, text)] = texts
    assert phone == PHONE and request.number in text and request.tracking_code in text
    assert f"https://grid.example.gov.cn/g/services/track/{request.tracking_code}/" in text


def test_an_errands_one_time_notice_reaches_its_runner(make_request, texts):
    make_request(S.INCOMPLETE, channel="errand")
    assert heard("service_request_incomplete") == {"worker_a"}


def test_handing_a_request_to_a_department_tells_its_members_only(make_request, window):
    request = make_request(S.ACCEPTED)
    actions.service_request_hand(
        actor=window.town, request_id=request.pk, unit_id=window.civil.pk, now=T0
    )
    assert heard("service_request_handed") == {"civil_officer"}


@pytest.mark.parametrize("status", [S.DONE, S.REFUSED])
def test_a_decision_reaches_who_took_it_in_and_texts_the_resident(make_request, texts, status):
    request = make_request(status)
    assert heard("service_request_decided") == {"staff_town1"}
    [(phone, text)] = texts
    assert phone == PHONE and request.number in text and request.tracking_code in text


def test_the_decision_on_an_online_request_reaches_the_village_window(make_request, texts):
    make_request(S.DONE, channel="online")
    assert heard("service_request_decided") == {"village_chief"}


def test_a_resident_without_a_mobile_number_is_not_texted(make_request, texts):
    from services.models import ServiceRequest

    request = make_request(S.RECEIVED)
    ServiceRequest.objects.filter(pk=request.pk).update(resident_phone="0916-7212345")
    actions.service_request_notify_missing(
        actor=request.received_by, request_id=request.pk, materials=[0], now=T0
    )
    assert heard("service_request_incomplete") == {"staff_town1"}
    assert texted("service_request_incomplete") == [] and texts == []


def test_only_the_one_time_notice_and_the_decision_are_texted(make_request, texts):
    make_request(S.DELIVERED)
    deliver_pending()
    assert set(Delivery.objects.filter(channel="sms").values_list("message__kind", flat=True)) == {
        "service_request_decided"
    }


def test_a_request_past_its_time_is_supervised_by_the_village_and_the_town_and_its_office(
    make_request, window
):
    accepted = make_request(S.ACCEPTED)
    actions.request_sweep(now=LATE)
    message = OutboxMessage.objects.get(kind="service_request_overdue")
    assert message.payload["number"] == accepted.number
    assert heard("service_request_overdue") == {"village_chief", "staff_town1"}
    handed = make_request(S.ACCEPTED)
    actions.service_request_hand(
        actor=window.town, request_id=handed.pk, unit_id=window.civil.pk, now=T0
    )
    actions.request_sweep(now=LATE)
    assert heard("service_request_overdue") == {"village_chief", "staff_town1", "civil_officer"}
    notice = Notice.objects.filter(message__kind="service_request_overdue").latest("pk")
    assert handed.number in notice.text


# ---------------------------------------------------------------- help orders


def test_a_new_order_reaches_the_villages_dispatchers(cast, tree, team):
    _order(cast, tree)
    assert heard("help_order_placed") == {"village_chief"}
    notice = Notice.objects.filter(message__kind="help_order_placed").first()
    assert "照料探访" in notice.text and "梁家庵村第一网格" in notice.text


def test_a_dispatched_order_reaches_the_teams_volunteers_or_the_one_named(cast, tree, team):
    _order(cast, tree, OS.DISPATCHED, team=team)
    assert heard("help_order_dispatched") == {"care_leader", "care_helper"}
    order = _order(cast, tree)
    helper = team.care.members.get(user=team.helper)
    actions.help_order_dispatch(
        actor=cast.staff_town1,
        order_id=order.pk,
        team_id=team.care.pk,
        volunteer_id=helper.pk,
        now=T0,
    )
    assert heard("help_order_dispatched") == {"care_helper"}


def test_taken_and_done_reach_the_dispatcher_and_who_placed_it_and_done_texts_the_resident(
    cast, tree, team, texts
):
    order = _order(cast, tree, OS.TAKEN, team=team)
    assert heard("help_order_taken") == {"staff_town1", "worker_a"}
    assert texts == []
    actions.help_order_finish(
        actor=team.helper, order_id=order.pk, note="陪老人聊天", hours="1", now=T0
    )
    assert heard("help_order_done") == {"staff_town1", "worker_a"}
    [(phone, text)] = texts
    assert phone == "13600001234" and order.tracking_code in text
    assert f"/g/help/{order.tracking_code}/" in text
    [delivery] = texted("help_order_done")
    assert order.tracking_code not in delivery.target and phone not in delivery.target


def test_a_handed_back_order_reaches_whoever_dispatched_it(cast, tree, team):
    order = _order(cast, tree)
    actions.help_order_dispatch(
        actor=cast.village_chief, order_id=order.pk, team_id=team.care.pk, now=T0
    )
    actions.help_order_take(actor=team.helper, order_id=order.pk, now=T0)
    actions.help_order_hand_back(actor=team.helper, order_id=order.pk, reason="临时外出", now=T0)
    assert heard("help_order_handed_back") == {"village_chief"}


def test_orders_past_their_time_are_supervised_by_the_village_the_town_and_the_teams_leader(
    cast, tree, team
):
    _order(cast, tree)
    actions.orders_sweep(now=LATE)
    assert heard("help_order_overdue") == {"village_chief", "staff_town1"}
    _order(cast, tree, OS.DISPATCHED, team=team)
    actions.orders_sweep(now=LATE + dt.timedelta(days=1))
    assert heard("help_order_overdue") == {"village_chief", "staff_town1", "care_leader"}
    notice = Notice.objects.filter(message__kind="help_order_overdue").latest("pk")
    assert "照料探访" in notice.text and "梁家庵村第一网格" in notice.text


def test_a_services_notice_opens_its_request_or_order_at_the_persons_door(
    client, cast, make_request, tree, team
):
    make_request(S.RECEIVED, channel="online")
    _order(cast, tree)
    deliver_pending()
    client.force_login(cast.village_chief)
    pages = {"service_request_received": "/m/services/", "help_order_placed": "/m/help/"}
    for kind, prefix in pages.items():  # the village's chief works on the phone
        notice = Notice.objects.get(user=cast.village_chief, message__kind=kind)
        response = client.get(f"/notices/{notice.pk}/")
        assert response.status_code == 302 and response["Location"].startswith(prefix)
        assert client.get(response["Location"]).status_code == 200
    client.force_login(cast.staff_town1)
    notice = Notice.objects.filter(user=cast.staff_town1).first()
    assert notice is None  # the town heard of neither: the village works them
