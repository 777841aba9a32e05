"""The services' demo (services.demo, loaded by `manage.py load_demo`): 沙河营镇's 45 services
with their 五公开, requests in every state worked through the actions, and holiday duty slots;
a second load adds nothing."""

import pytest
from django.urls import reverse

from gridgov import demo
from gridgov.demo import SHAHEYING
from grids.models import GridNode
from services.models import (
    Activity,
    ActivitySignup,
    DutyBooking,
    DutySlot,
    HelpOrder,
    ServiceItem,
    ServiceRequest,
    ServiceRequestEvent,
    VolunteerTeam,
)
from tests.conftest import demo_kept


def _counts() -> dict:
    return {
        m.__name__: m.objects.count()
        for m in (
            ServiceItem,
            ServiceRequest,
            ServiceRequestEvent,
            DutySlot,
            DutyBooking,
            VolunteerTeam,
            Activity,
            ActivitySignup,
            HelpOrder,
        )
    }


@pytest.fixture(scope="module")
def _loaded_once(django_db_setup, django_db_blocker):
    with demo_kept(django_db_blocker):
        first = demo.load_case_data()
        yield first, _counts()


@pytest.fixture
def loaded(_loaded_once, db):
    return _loaded_once[0]


def _town():
    return GridNode.objects.get(code=SHAHEYING)


def test_shaheying_offers_45_services_each_with_its_five_publics(loaded):
    items = ServiceItem.objects.filter(GridNode.subtree_q(_town(), via="node")).select_related(
        "current", "platform"
    )
    assert items.count() == 45 == loaded["service_items"]
    for item in items:
        v = item.current
        assert v.content and v.steps and v.documents and v.phone, item.name
        assert item.platform.kind in ("platform", "department")
        assert v.statutory_days is None or v.promised_days <= v.statutory_days
    assert items.filter(node__tier="village").count() == 3
    assert items.filter(staff__isnull=False).distinct().count() == 45


def test_the_demo_requests_stand_in_every_state_with_second_trips_and_lateness(loaded):
    requests = ServiceRequest.objects.all()
    statuses = set(requests.values_list("status", flat=True))
    assert statuses == {
        "received", "incomplete", "accepted", "handed", "done", "refused", "delivered",
    }  # fmt: skip
    assert set(requests.values_list("channel", flat=True)) == {"window", "errand", "online"}
    assert requests.filter(visits__gt=1).exists()
    assert requests.filter(overdue_since__isnull=False).exists()
    assert requests.filter(channel="errand", errand_runner__username="wanggang").exists()


def test_holiday_duty_slots_are_published_with_a_few_bookings(loaded, client):
    assert DutySlot.objects.filter(town=_town()).count() >= 6
    assert DutyBooking.objects.count() == 3
    page = client.get(reverse("public_duty", kwargs={"code": SHAHEYING}))
    assert page.status_code == 200 and "镇便民服务大厅值班窗口" in page.content.decode()


def test_the_demo_clerk_opted_in_shows_her_work_phone_the_other_does_not(loaded, client):
    item = ServiceItem.objects.get(name="城乡居民医疗保险参保缴费")
    html = "".join(
        client.get(reverse("public_service_item", kwargs={"item_code": i.code})).content.decode()
        for i in ServiceItem.objects.filter(node=_town())[:4]
    )
    assert "0916-7231012" in html and "0916-7231013" not in html
    assert item.current.online


def test_loading_the_demo_twice_adds_no_service_data(_loaded_once, db):
    _first, after_first = _loaded_once
    second = demo.load_case_data()
    assert _counts() == after_first
    assert (
        second["service_items"],
        second["service_requests"],
        second["duty_slots"],
        second["duty_bookings"],
        second["volunteer_teams"],
        second["activities"],
        second["help_orders"],
    ) == (0, 0, 0, 0, 0, 0, 0)


def test_shaheying_has_17_volunteer_teams_and_31_activities_with_hours_served(loaded):
    teams = VolunteerTeam.objects.filter(GridNode.subtree_q(_town(), via="node"))
    assert teams.count() == 17 == loaded["volunteer_teams"]
    assert Activity.objects.filter(team__in=teams).count() == 31 == loaded["activities"]
    assert ActivitySignup.objects.filter(hours__isnull=False).exists()
    assert all(t.leader_id for t in teams)
    kinds = set(teams.values_list("kind", flat=True))
    assert {"education", "health", "environment"} <= kinds


def test_the_demo_orders_stand_at_every_step(loaded):
    statuses = set(HelpOrder.objects.values_list("status", flat=True))
    assert statuses == {"placed", "dispatched", "taken", "done", "confirmed", "cancelled"}
    from services.models import HelpOrderEvent

    back = HelpOrderEvent.objects.get(action="hand_back")  # one waits to be dispatched again
    assert back.order.status == "placed" and back.note
    assert HelpOrder.objects.filter(overdue_since__isnull=False).exists()
