"""What the services tests share beyond the cast (tests/conftest.py): the town's convenience
platform and window staff, a catalog item, and requests driven to any status through the
actions."""

import datetime as dt
from types import SimpleNamespace

import pytest

from services import actions
from services.models import RequestStatus, Volunteer, VolunteerTeam
from tests.factories import T0, UserFactory, grant

S = RequestStatus
MATERIALS = [
    {"name": "居民身份证", "form": "original", "count": 1},
    {"name": "户口簿", "form": "both", "count": 1},
    {"name": "一寸免冠照片", "form": "original", "count": 2},
]
ALL = [0, 1, 2]


@pytest.fixture
def platform(tree):
    from cases.models import Unit

    return Unit.objects.create(
        name="沙河营镇便民服务平台", kind="platform", platform="convenience", node=tree.town1
    )


@pytest.fixture
def window(cast, tree):
    """Who works the town's window, a village's room and the back office of a department."""
    from cases.models import Unit

    civil = Unit.objects.create(name="县民政局", kind="department", node=tree.county)
    officer = UserFactory(username="civil_officer", first_name="孙敏")
    grant(officer, tree.county, "department")
    officer.assignments.update(unit=civil)
    stranger = UserFactory(username="other_department", first_name="刘国栋")
    grant(stranger, tree.county, "department")
    return SimpleNamespace(
        town=cast.staff_town1, village=cast.village_chief, civil=civil, civil_officer=officer,
        other_department=stranger,
    )  # fmt: skip


@pytest.fixture
def make_item(tree, platform):
    def make(node=None, unit=None, **fields):
        values = {
            "name": "高龄补贴申请",
            "content": "为八十周岁以上老年人发放高龄补贴。",
            "procedure": ["申请人到村便民服务室提出申请", "镇便民服务平台审核", "县民政局审批发放"],
            "basis": [{"document": "《陕西省高龄老人生活保健补贴办法》", "articles": "第三条"}],
            "materials": MATERIALS,
            "phone": "0916-7212345",
            "statutory_days": 20,
            "promised_days": 5,
            "online": True,
            "errand": True,
            **fields,
        }
        return actions.service_item_save(
            actor=None,
            node_id=(node or tree.town1).pk,
            platform_id=(unit or platform).pk,
            domain="elderly",
            now=T0,
            **values,
        )

    return make


@pytest.fixture
def item(make_item):
    return make_item()


@pytest.fixture
def make_request(cast, tree, item, window):
    """make_request(status, …) → a request driven there through the actions, at T0."""

    def make(status=S.RECEIVED, *, node=None, channel="window", materials=ALL, the_item=None):
        actor = {"window": cast.staff_town1, "errand": cast.worker_a, "online": None}[channel]
        request = actions.service_request_receive(
            actor=actor,
            item_id=(the_item or item).pk,
            node_id=(node or tree.grid_a).pk,
            resident_name="张秀兰",
            resident_phone="13800001234",
            channel=channel,
            materials=materials if channel == "window" else (),
            now=T0,
        )
        staff = cast.staff_town1
        if status == S.RECEIVED:
            return request
        if status == S.INCOMPLETE:
            actions.service_request_notify_missing(
                actor=staff, request_id=request.pk, materials=[0], now=T0
            )
        else:
            actions.service_request_accept(
                actor=staff, request_id=request.pk, materials=ALL, now=T0
            )
        if status in (S.HANDED, S.DONE, S.REFUSED, S.DELIVERED):
            actions.service_request_hand(actor=staff, request_id=request.pk, now=T0)
        if status in (S.DONE, S.DELIVERED):
            actions.service_request_done(
                actor=staff, request_id=request.pk, result="已发放", now=T0
            )
        if status == S.REFUSED:
            actions.service_request_refuse(
                actor=staff, request_id=request.pk, reason="年龄未满八十周岁", now=T0
            )
        if status == S.DELIVERED:
            actions.service_request_deliver(
                actor=staff, request_id=request.pk, delivery="post", address="梁家庵村一组", now=T0
            )
        request.refresh_from_db()
        assert request.status == status
        return request

    return make


@pytest.fixture
def team(cast, tree):
    """梁家庵村's elderly-care team: a leader and two volunteers; another town's team."""

    def volunteer(username, name, node, team):
        user = UserFactory(username=username, first_name=name)
        grant(user, node, "volunteer")
        Volunteer.objects.create(user=user, team=team, joined=dt.date(2026, 1, 1))
        return user

    care = VolunteerTeam.objects.create(
        name="梁家庵村关爱志愿服务队", kind="elderly", node=tree.village1,
        offers=["care_visit", "company"],
    )  # fmt: skip
    other = VolunteerTeam.objects.create(
        name="博望法律服务队", kind="legal", node=tree.town2, offers=["legal"]
    )
    ns = type("Team", (), {})()
    ns.care, ns.other = care, other
    ns.leader = volunteer("care_leader", "刘队长", tree.village1, care)
    care.leader = ns.leader
    care.save()
    ns.helper = volunteer("care_helper", "张志愿", tree.village1, care)
    ns.stranger = volunteer("far_helper", "王律师", tree.town2, other)
    return ns
