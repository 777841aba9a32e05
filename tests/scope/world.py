"""One of everything on each grid of the shared cast (and of a second county), so that scope
sweeps can ask for "an object inside this person's subtree" and "one outside it" of any kind."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import UserFactory, grant, make_case, make_node

# Per person of the cast: the grid inside their subtree and one outside it (the nearest
# sibling where there is one, so that a subtree check one level too wide is caught).
SIDES = {
    "worker_a": ("grid_a", "grid_b"),
    "worker_b": ("grid_b", "grid_a"),
    "informant_a": ("grid_a", "grid_b"),
    "village_chief": ("grid_a", "grid_c"),
    "staff_town1": ("grid_a", "grid_c"),
    "staff_town2": ("grid_c", "grid_a"),
    "town1_admin": ("grid_a", "grid_c"),
    "county_admin": ("grid_a", "far_grid"),
}
CAST = [*SIDES, "anonymous"]


# Admin pages about one model: which object of a side stands for that model.
ADMIN_OBJECTS = {
    "auth.user": "member",
    "cases.case": "case",
    "cases.unit": "unit",
    "gridgov.apiclient": "api_client",
    "gridgov.delivery": "delivery",
    "gridgov.outboxmessage": "message",
    "gridgov.webhookendpoint": "webhook",
    "grids.gridnode": "grid",
    "grids.household": "household",
    "grids.organization": "organization",
    "grids.resident": "resident",
    "grids.reveallog": "reveal",
    "grids.streetsegment": "segment",
    "cases.residentreporting": "resident_reporting",
    "cases.hotlineconfig": "hotline_config",
    "services.serviceitem": "service_item",
    "services.servicerequest": "service_request",
    "services.dutyslot": "duty_slot",
    "services.dutybooking": "duty_booking",
    "services.volunteerteam": "volunteer_team",
    "services.activity": "activity",
    "services.helporder": "help_order",
    "staff.trainingplan": "training_plan",
    "services.phonereveal": "phone_reveal",
    "staff.link": "link",
}


def shared_objects() -> dict:
    """Rows of models that belong to no node (county reference data, superusers' records)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from cases.models import Category, Holiday, ResponsibilityItem, TriagePolicy
    from grids.models import Province, RetiredCode
    from staff.models import ProvincePost
    from tests.factories import UserFactory

    province = Province.objects.create(code="61", name="陕西省")
    item = ResponsibilityItem.objects.create(
        matter="邻里纠纷调解", domain="综治", owner="town", lead_unit="镇综治中心"
    )
    return {
        **_county_rules(),
        "cases.category": Category.objects.create(name="邻里纠纷", group="dispute"),
        "cases.holiday": Holiday.objects.create(date="2026-10-01", kind="off", name="国庆节"),
        "cases.responsibilityitem": item,
        "cases.triagepolicy": TriagePolicy.objects.first(),
        "grids.retiredcode": RetiredCode.objects.create(
            code="610722107999", name="旧村", tier="village"
        ),
        "axes.accessattempt": AccessAttempt.objects.create(
            username="x", ip_address="127.0.0.1", failures_since_start=1
        ),
        "axes.accessfailurelog": AccessFailureLog.objects.create(
            username="x", ip_address="127.0.0.1"
        ),
        "axes.accesslog": AccessLog.objects.create(username="x", ip_address="127.0.0.1"),
        # Above every county's tree: only superusers keep them.
        "grids.province": province,
        "staff.provincepost": ProvincePost.objects.create(
            user=UserFactory(username="province_staff"), province=province
        ),
    }


def _county_rules() -> dict:
    """The shared cast's county's appraisal rule (the one its world's sheets follow) and points
    rules: county reference data, read by its towns' admins, changed by the county's."""
    from decimal import Decimal

    from grids.models import GridNode
    from staff.models import AppraisalItem, AppraisalRule, PointsRule, PointsScheme, RedLine

    county = GridNode.objects.get(code="610722")
    rule, _created = AppraisalRule.objects.get_or_create(
        county=county,
        valid_from=dt.date(2026, 1, 1),
        defaults={"name": "考核办法", "base_pay": Decimal(1800), "performance_pay": Decimal(1200)},
    )
    AppraisalItem.objects.get_or_create(
        rule=rule, measure="patrol_days", defaults={"label": "巡查天数", "cap": Decimal(25)}
    )
    scheme = PointsScheme.objects.create(county=county, valid_from=dt.date(2026, 1, 1), name="积分")
    PointsRule.objects.create(scheme=scheme, role="grid_worker", measure="visit", points=1)
    red_line = RedLine.objects.create(county=county, code="01", text="违反党纪国法")
    from staff.models import DepartmentAppraisalRule, OutpostScoreItem

    return {
        "staff.appraisalrule": rule,
        "staff.pointsscheme": scheme,
        "staff.redline": red_line,
        "staff.outpostscoreitem": OutpostScoreItem.objects.create(
            county=county, name="服从统筹", most=60
        ),
        "staff.departmentappraisalrule": DepartmentAppraisalRule.objects.create(county=county),
    }


def _objects_on(grid, town, county, name: str) -> SimpleNamespace:
    from cases import actions as case_actions
    from cases.models import Attachment, CountyCall, Unit
    from gridgov.api.clients import api_client_create
    from gridgov.models import Delivery, Notice, OutboxMessage, WebhookEndpoint
    from grids.models import Household, Organization, Resident, RevealLog, StreetSegment
    from staff.models import Profile

    now = timezone.now()
    member = UserFactory(username=f"member_{name}", first_name=f"成员{name}")
    grant(member, grid, "informant")
    case = make_case(
        None,
        grid,
        reporter=None,
        title=f"{name} 排水沟堵塞",
        description="排水沟堵塞，需要清理。",
        source="hotline",
        reporter_name="张三",
        reporter_phone="13800001234",
    )
    attachment = Attachment.objects.create(
        case=case, file=SimpleUploadedFile("note.txt", b"note"), is_photo=False
    )
    household = Household.objects.create(node=grid, address=f"{name} 一组1号", head_name="李四")
    resident = Resident.objects.create(household=household, name="李四", phone="13900001234")
    county_unit, _created = Unit.objects.get_or_create(
        node=county, name="县民政局", defaults={"kind": "department"}
    )
    platform, _created = Unit.objects.get_or_create(
        node=town, name=f"{town.name}便民服务平台", defaults={"kind": "platform"}
    )
    message = OutboxMessage.objects.create(kind="case_reported", case=case)
    webhook, _created = WebhookEndpoint.objects.get_or_create(
        town=town,
        name=f"{town.name}工作群",
        defaults={"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"},
    )
    # Someone the grid's bulletin shows with a photo, and a road segment with its own bulletin.
    face = UserFactory(username=f"face_{name}", first_name=f"党员{name}")
    grant(face, grid, "party_household")
    portrait = Profile.objects.create(
        user=face, photo=SimpleUploadedFile(f"{grid.code}0000000000.jpg", b"\xff\xd8\xff\xd9")
    )
    segment = StreetSegment.objects.create(
        node=grid, road=f"{name}路", name="东段", code=f"{grid.code}S01"
    )
    from cases.models import ResidentReporting

    resident_reporting, _created = ResidentReporting.objects.get_or_create(town=town)
    from cases.models import HotlineConfig

    hotline_client = api_client_create(
        actor=None,
        name=f"{name} 12345",
        node_id=grid.pk,
        roles=["grid_worker"],
        endpoints=["hotline"],
    )[0]
    hotline_config = HotlineConfig.objects.create(
        client=hotline_client, webhook_url="https://12345.example.org/gridgov", secret="x" * 43
    )
    open311 = _open311_on(grid, name)
    return SimpleNamespace(
        **_services_on(grid, town, platform, name),
        **_people_on(grid, county, resident, name),
        grid=grid,
        member=member,
        resident_reporting=resident_reporting,
        hotline_config=hotline_config,
        open311=open311,
        portrait=portrait,
        segment=segment,
        case=case,
        attachment=attachment,
        household=household,
        resident=resident,
        organization=Organization.objects.create(node=grid, name=f"{name}合作社", kind="social"),
        reveal=RevealLog.objects.create(
            user=member, resident=resident, field="phone", reason="回访"
        ),
        report=case_actions.generate_report(
            node_id=grid.pk, kind="weekly", period_start=dt.date(2026, 11, 9)
        ),
        county_unit=county_unit,
        unit=platform,
        county_call=CountyCall.objects.create(
            case=case,
            town=town,
            department=county_unit,
            grounds="需县级部门",
            respond_by=now + dt.timedelta(days=3),
            created_by=member,
            created_at=now,
        ),
        message=message,
        notice=Notice.objects.create(user=member, message=message, case=case, text="新事件"),
        delivery=Delivery.objects.create(
            message=message, channel="webhook", target="x", endpoint=webhook
        ),
        webhook=webhook,
        api_client=api_client_create(
            actor=None,
            name=f"{name} 系统",
            node_id=grid.pk,
            roles=["grid_worker"],
            endpoints=["cases.read"],
        )[0],
    )


def _open311_on(grid, name: str) -> SimpleNamespace:
    """A public category (Open311's service) and a resident's report relayed through Open311
    with its token, so that services/{code} and tokens/{token} have something to answer."""
    import uuid

    from cases.models import Category
    from cases.open311.report import submission_id

    category, _created = Category.objects.get_or_create(
        name="路灯损坏", defaults={"group": "must_report", "public": True, "public_group": "roads"}
    )
    token = uuid.uuid5(uuid.NAMESPACE_URL, f"gridgov-world-{name}")
    make_case(
        None,
        grid,
        reporter=None,
        title=f"{name} 路灯不亮",
        description="路灯不亮。",
        source="resident",
        category_id=category.pk,
        reporter_name="王五",
        reporter_phone="13700001234",
        submission_id=submission_id(token, 0),  # 0: no client of the world's
    )
    return SimpleNamespace(service_code=category.pk, token=str(token))


def _services_on(grid, town, platform, name: str) -> dict:
    """A service item of the grid's village, a resident's request from the grid, a duty slot
    of the town on a day off and a booking in it; the grid's volunteer team with a volunteer
    and an activity, and a resident's order of help; a logged reveal of the request's phone."""
    from services import actions as service_actions
    from services.models import Activity, DutySlot, PhoneReveal, Volunteer, VolunteerTeam

    item = service_actions.service_item_save(
        actor=None,
        node_id=grid.parent_id,
        platform_id=platform.pk,
        name=f"{name} 高龄补贴申请",
        content="为八十周岁以上老年人发放高龄补贴。",
        procedure=["提出申请", "审核", "发放"],
        materials=[{"name": "居民身份证", "form": "original", "count": 1}],
        promised_days=5,
        online=True,
        errand=True,
    )
    request = service_actions.service_request_receive(
        actor=None,
        item_id=item.pk,
        node_id=grid.pk,
        resident_name="张秀兰",
        resident_phone="13800001234",
        channel="online",
    )
    slot = DutySlot.objects.create(
        town=town,
        date=dt.date(2030, 1, 5),  # a Saturday
        starts=dt.time(9),
        ends=dt.time(12),
        window=f"{name} 便民服务大厅",
        capacity=3,
    )
    booking = service_actions.duty_book(
        slot_id=slot.pk, resident_name="李四", resident_phone="13900001234", item_id=item.pk
    )
    team = VolunteerTeam.objects.create(
        name=f"{name} 志愿服务队", kind="elderly", node=grid, offers=["care_visit", "company"]
    )
    helper = UserFactory(username=f"volunteer_{name}", first_name=f"志愿者{name}")
    grant(helper, grid, "volunteer")
    Volunteer.objects.create(user=helper, team=team, joined=dt.date(2026, 1, 1))
    starts = timezone.now() + dt.timedelta(days=1)
    activity = Activity.objects.create(
        team=team, title=f"{name} 关爱留守儿童", place="村活动室", starts=starts,
        ends=starts + dt.timedelta(hours=2), capacity=5,
    )  # fmt: skip
    order = service_actions.help_order_place(
        actor=None, kind="care_visit", node_id=grid.pk, resident_name="孙奶奶",
        resident_phone="13600001234",
    )  # fmt: skip
    return {
        "volunteer_team": team,
        "activity": activity,
        "help_order": order,
        "phone_reveal": PhoneReveal.objects.create(user=helper, request=request, reason="回访"),
        "service_item": item,
        "service_request": request,
        "duty_slot": slot,
        "duty_booking": booking,
    }


def _people_on(grid, county, resident, name: str) -> dict:
    """A grid worker's line of a published October appraisal of the grid's village (under the
    county's rule), a points card of the grid's resident at the village's shop, the worker's
    patrol under way today and a cadre linked to the village."""
    from decimal import Decimal

    from staff.models import AppraisalLine, AppraisalRule, AppraisalSheet, PointsAccount

    now = timezone.now()
    rule, _created = AppraisalRule.objects.get_or_create(
        county=county,
        valid_from=dt.date(2026, 1, 1),
        defaults={"name": "考核办法", "base_pay": Decimal(1800), "performance_pay": Decimal(1200)},
    )
    sheet, _created = AppraisalSheet.objects.get_or_create(
        village=grid.parent,
        month=dt.date(2026, 10, 1),
        defaults={
            "rule": rule,
            "computed_at": now,
            "status": "published",
            "signed_at": now,
            "published_at": now,
            "objections_until": now + dt.timedelta(days=5),
        },
    )
    worker = UserFactory(username=f"appraised_{name}", first_name=f"网格员{name}")
    post = grant(worker, grid, "grid_worker")
    line = AppraisalLine.objects.create(
        sheet=sheet, worker=worker, grid=grid, coefficient=Decimal(1), grade="competent"
    )
    account = PointsAccount.objects.create(village=grid.parent, node=grid, resident=resident)
    return {
        "appraisal_line": line,
        "points_account": account,
        "post": post,
        **_training_on(grid, worker, name),
        **_copatrol_on(grid, worker, name, now),
    }


def _training_on(grid, worker, name: str) -> dict:
    """A training session held on the grid today (its sign-in code open) that the grid's
    worker attended, and the grid's village's training plan for its grid workers."""
    from staff.actions.training import signin_code
    from staff.models import Attendance, TrainingPlan, TrainingSession

    starts = timezone.now() - dt.timedelta(minutes=30)
    session = TrainingSession.objects.create(
        node=grid, topic=f"{name} 培训", trainer="李律师", starts=starts,
        ends=starts + dt.timedelta(hours=2), place="村活动室", created_at=starts,
    )  # fmt: skip
    session.signin_code = signin_code(session)
    Attendance.objects.create(
        session=session, user=worker, how="qr", day=timezone.localdate(starts), created_at=starts
    )
    plan, _created = TrainingPlan.objects.get_or_create(
        node=grid.parent, role="grid_worker", defaults={"name": "半年培训", "every_months": 6}
    )
    return {"training_session": session, "training_plan": plan}


def _copatrol_on(grid, worker, name: str, now) -> dict:
    # The worker's patrol under way today, and a town cadre linked to the village (包村).
    from staff.models import Link, Patrol

    patrol = Patrol.objects.create(
        user=worker, node=grid, date=timezone.localdate(now), started_at=now
    )
    cadre = UserFactory(username=f"cadre_{name}", first_name=f"包村干部{name}")
    link = Link.objects.create(
        kind="town_cadre", user=cadre, village=grid.parent, since=dt.date(2026, 1, 1)
    )
    return {"patrol": patrol, "link": link}


def build_world(tree) -> SimpleNamespace:
    """Objects on grid A, grid B, grid C (the other town) and a grid of another county."""
    far_county = make_node(None, "county", "牟定县", code="532323")
    far_town = make_node(far_county, "town", "共和镇", code="532323101")
    far_village = make_node(far_town, "village", "天台村", code="532323101201")
    far_grid = make_node(far_village, "grid", "天台村第一网格", code="532323101201001")
    for node in (tree.county, tree.town1, tree.town2):
        node.refresh_from_db()
    return SimpleNamespace(
        grid_a=_objects_on(tree.grid_a, tree.town1, tree.county, "grid_a"),
        grid_b=_objects_on(tree.grid_b, tree.town1, tree.county, "grid_b"),
        grid_c=_objects_on(tree.grid_c, tree.town2, tree.county, "grid_c"),
        far_grid=_objects_on(far_grid, far_town, far_county, "far_grid"),
    )
