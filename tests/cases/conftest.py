"""Cases on the shared cast: units of the county and a helper that drives a case to any status."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from cases import actions
from cases.models import Category, Department, ResponsibilityItem
from tests.factories import UserFactory, grant

T0 = timezone.make_aware(dt.datetime(2026, 11, 16, 9, 0))  # a Monday, 09:00 Beijing time
S = T0.replace(hour=0)  # that Monday, 00:00
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


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


@pytest.fixture
def kpi_week(cast, tree, report):
    """tests/cases/test_kpis.py's hand-counted week (docs/kpis.md): seven cases around
    S = Monday 2026-11-16 00:00, each a known contribution to every figure."""
    staff, worker = cast.staff_town1, cast.worker_a

    def work(case, at, color="yellow", owner=None, handler=worker):
        actions.case_accept(actor=staff, case_id=case.pk, color=color, owner_node_id=owner, now=at)
        actions.case_dispatch(actor=staff, case_id=case.pk, handler_id=handler.pk, now=at)
        actions.case_sign(actor=handler, case_id=case.pk, now=at)

    a = report(now=S + H)
    work(a, S + 2 * H)
    actions.case_resolve(actor=worker, case_id=a.pk, result="已处理", now=S + 5 * H)
    actions.case_verify(actor=staff, case_id=a.pk, ok=True, now=S + 6 * H)
    actions.case_rate(actor=staff, case_id=a.pk, satisfaction=5, now=S + 7 * H)

    b = report(now=S + H)
    work(b, S + 2 * H)
    actions.case_resolve(actor=worker, case_id=b.pk, result="已处理", now=S + D)
    actions.case_verify(actor=staff, case_id=b.pk, ok=False, note="未到位", now=S + D + 3 * H)
    actions.case_resolve(actor=worker, case_id=b.pk, result="整改完成", now=S + 2 * D)
    actions.case_verify(actor=staff, case_id=b.pk, ok=True, now=S + 2 * D + H)
    actions.case_rate(actor=staff, case_id=b.pk, satisfaction=2, now=S + 2 * D + 2 * H)

    c = report(now=S + H)
    work(c, S + 2 * H, color="red")
    actions.case_escalate(actor=worker, case_id=c.pk, reason="需村委出面", now=S + 3 * H)

    d = report(now=S + H)
    actions.case_reject(actor=staff, case_id=d.pk, reason="不属实", now=S + 2 * H)

    e = report(now=S - 3 * D)
    actions.case_accept(actor=staff, case_id=e.pk, color="orange", now=S - 3 * D)  # due S+4d, open

    f = report(node=tree.grid_c, actor="staff_town2", now=S + H)  # town 2: never counted
    actions.case_accept(actor=cast.staff_town2, case_id=f.pk, color="yellow", now=S + 2 * H)

    g = report(now=S + D)
    work(g, S + D, owner=tree.town1.pk, handler=staff)
    actions.case_resolve(actor=staff, case_id=g.pk, result="镇综治中心调处", now=S + D + 5 * H)
    actions.case_verify(actor=staff, case_id=g.pk, ok=True, now=S + D + 6 * H)
