"""Cases on the shared cast: units of the county and a helper that drives a case to any status."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from cases import actions
from cases.models import Category, Department, ResponsibilityItem
from tests.factories import UserFactory, grant

T0 = timezone.make_aware(dt.datetime(2026, 11, 16, 9, 0))  # a Monday, 09:00 Beijing time


@pytest.fixture
def units(tree):
    """The county's departments, an outpost and a platform in town 1, and their people."""
    from staff import actions as staff_actions

    natural = Department.objects.create(name="县自然资源局", kind="department", node=tree.county)
    civil = Department.objects.create(name="县民政局", kind="department", node=tree.county)
    land_outpost = Department.objects.create(
        name="沙河营自然资源所", kind="outpost", node=tree.town1, parent=natural
    )
    platform = Department.objects.create(
        name="沙河营综合执法平台", kind="platform", platform="enforcement", node=tree.town1
    )
    town_item = ResponsibilityItem.objects.create(
        matter="邻里纠纷调解", domain="综治", owner="town", lead_unit="镇综治中心"
    )
    land_item = ResponsibilityItem.objects.create(
        matter="违法占用耕地",
        domain="自然资源",
        owner="department",
        department=natural,
        lead_unit="县自然资源局",
        section="执法监察大队",
    )
    welfare_item = ResponsibilityItem.objects.create(
        matter="特困人员供养",
        domain="民政",
        owner="department",
        department=civil,
        lead_unit="县民政局",
    )
    neighbours = Category.objects.create(name="邻里纠纷", group="dispute", responsibility=town_item)
    land = Category.objects.create(
        name="土地纠纷", group="dispute", responsibility=land_item, suggested_color="orange"
    )
    hardship = Category.objects.create(
        name="生活困难", group="must_attend", responsibility=welfare_item
    )
    fire = Category.objects.create(
        name="火灾险情", group="must_attend", responsibility=town_item, emergency=True
    )

    def member(username, unit, role, node):
        user = UserFactory(username=username)
        staff_actions.assignment_grant(actor=None, user_id=user.pk, node_id=node.pk, role=role)
        user.assignments.update(department=unit)
        return user

    return SimpleNamespace(
        natural=natural,
        civil=civil,
        land_outpost=land_outpost,
        platform=platform,
        neighbours=neighbours,
        land=land,
        hardship=hardship,
        fire=fire,
        natural_staff=member("natural_staff", natural, "department", tree.county),
        civil_staff=member("civil_staff", civil, "department", tree.county),
        outpost_staff=member("outpost_staff", land_outpost, "outpost", tree.town1),
        platform_staff=member("platform_staff", platform, "center_staff", tree.town1),
    )


@pytest.fixture
def county_staff(tree):
    user = UserFactory(username="county_center", first_name="县综治中心")
    grant(user, tree.county, "center_staff")
    return user


@pytest.fixture
def report(cast, tree):
    """report(node=…, **fields) → a new reported case, by the worker of grid A by default."""

    def make(node=None, actor="worker_a", now=T0, **fields):
        data = {
            "title": "邻居因排水沟起争执",
            "description": "两户因排水沟走向争吵,需调解。",
            "source": "patrol",
        }
        data.update(fields)
        return actions.case_report(
            actor=getattr(cast, actor) if isinstance(actor, str) else actor,
            node_id=(node or tree.grid_a).pk,
            now=now,
            **data,
        )

    return make
