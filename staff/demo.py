"""People and points in the demo: 城固县's appraisal rule (沙河营镇's 网格员工作绩效管理考核办法:
base pay + performance, A/B/C) and both counties' points rules (杨营镇's roles, 牟定县's 服务换积分);
梁家庵村's grid workers' patrols and visits of last month; last month's appraisal sheets of 梁家庵村 (signed and
published, so that 王刚 sees his score on the phone) and 徐家营村 (under review); 梁家庵村's month
of points, residents' cards, awards, its 积分超市 with goods and a few redemptions; and 腊湾村's
爱心超市; 牟定县's negative list (负面清单) of red lines; training plans, two sessions with their
attendance, a certificate and an evaluation; the cadres linked to 梁家庵村 and 徐家营村 (李振 of
the town, the county centre, 县民政局 and 沙河营司法所), 李振's accompanied patrols this week and a
patrol under way today to join, and the town's scores of its outposts last month. Everything
goes through staff.actions; what is there already (a rule by county and
month, goods by name, a card by its holder, a sheet by village and month) is left as it is, so a
second run adds nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from gridgov.demo.tree import CHENGGU, LAWAN, LIANGJIAAN, MOUDING, SHAHEYING, XUJIAYING
from grids.models import GridNode, Resident
from staff import actions
from staff.models import (
    AppraisalItem,
    AppraisalRule,
    AppraisalSheet,
    Assignment,
    CoPatrol,
    Link,
    OutpostScore,
    OutpostScoreItem,
    Patrol,
    PointsAccount,
    PointsEntry,
    PointsRule,
    PointsScheme,
    Redemption,
    RedLine,
    ShopItem,
    Visit,
)
from staff.queries.measures import month_of, previous_month

# label, measure, points per unit, most, fewest, points until scored (百分制)
APPRAISAL_ITEMS = (
    ("按期办结", "on_time_closures", "5", "15", "0", "0"),
    ("每日巡查", "patrol_days", "1.5", "33", "0", "0"),
    ("按时走访", "visits_on_time", "2", "16", "0", "0"),
    ("巡查发现问题", "patrol_cases", "2", "6", "0", "0"),
    ("调解成功", "mediations", "3", "6", "0", "0"),
    ("返工扣分", "rework", "-2", "0", "-10", "0"),
    ("群众满意度", "satisfaction", "10", "10", "0", "8"),
    ("出勤", "manual", "1", "8", "0", "8"),
    ("作风纪律", "manual", "1", "6", "-10", "6"),
)
# role, measure, points each, most a month
POINTS_RULES = (
    ("grid_worker", "visit", 1, 20),
    ("grid_worker", "patrol_day", 1, 22),
    ("grid_worker", "mediation", 5, None),
    ("grid_worker", "appraisal_excellent", 30, None),
    ("grid_worker", "appraisal_competent", 15, None),
    ("grid_chief", "mediation", 5, None),
    ("grid_chief", "confirmed_report", 2, 20),
    ("party_household", "confirmed_report", 3, 15),
    ("volunteer", "volunteer_hours", 2, 40),
    ("volunteer", "help_order", 3, None),
    ("resident", "confirmed_report", 5, 20),
)
# name, unit, price in points, stock
GOODS = {
    LIANGJIAAN: (
        ("洗衣粉", "袋", 30, 20),
        ("食用油", "桶", 80, 10),
        ("毛巾", "条", 15, 30),
        ("大米", "袋", 120, 8),
        ("牙膏", "支", 20, 25),
    ),
    LAWAN: (("香皂", "块", 10, 40), ("挂面", "把", 15, 30), ("食盐", "袋", 5, 50)),
}


# 挂联 / 包村: (kind, username or unit name, village code)
LINKS = (
    ("town_cadre", "lizhen", LIANGJIAAN),
    ("town_cadre", "lizhen", XUJIAYING),
    ("county_leader", "yangkezhang", LIANGJIAAN),
    ("department", "县民政局", LIANGJIAAN),
    ("department", "沙河营司法所", LIANGJIAAN),
)
# What 城固县's towns score the outposts stationed with them on, and the most points of each.
OUTPOST_ITEMS = (("服从镇党委统筹", 40), ("工作成效", 40), ("作风纪律", 20))


def _first_of_last_month() -> dt.date:
    return previous_month(month_of(timezone.localdate()))


def _rules(say, since: dt.date) -> None:
    chenggu = GridNode.objects.filter(code=CHENGGU).first()
    if chenggu is not None and not AppraisalRule.objects.filter(county=chenggu).exists():
        rule = AppraisalRule.objects.create(
            county=chenggu,
            valid_from=since,
            name="沙河营镇网格员工作绩效管理考核办法",
            base_pay=Decimal("1800.00"),
            performance_pay=Decimal("1200.00"),
            # A county sets its own grades: this one's are lower than the form's defaults.
            excellent_from=Decimal(85),
            competent_from=Decimal(55),
            basic_from=Decimal(40),
            note="基本工资+绩效考核；按网格A、B、C三档难度系数发放绩效，多劳多得。",
        )
        for position, (label, measure, unit, cap, floor, start) in enumerate(APPRAISAL_ITEMS):
            AppraisalItem.objects.create(
                rule=rule,
                position=position,
                label=label,
                measure=measure,
                per_unit=Decimal(unit),
                cap=Decimal(cap),
                floor=Decimal(floor),
                default_points=Decimal(start),
            )
        say("appraisal: 城固县's rule added")
    for code, name in ((CHENGGU, "网格积分管理办法"), (MOUDING, "服务换积分、积分兑实物")):
        county = GridNode.objects.filter(code=code).first()
        if county is None or PointsScheme.objects.filter(county=county).exists():
            continue
        scheme = PointsScheme.objects.create(county=county, valid_from=since, name=name)
        for role, measure, points, cap in POINTS_RULES:
            PointsRule.objects.create(
                scheme=scheme, role=role, measure=measure, points=points, monthly_cap=cap
            )
        say(f"points: {county.name}'s rules added")


def _posts_since(since: dt.date) -> None:
    """The demo's people took their posts when the demo was loaded; they are shown as having
    held them since last month began, so that last month has someone to appraise."""
    later = Assignment.objects.filter(starts__gt=since, ends__isnull=True).filter(
        GridNode.subtree_q(*GridNode.objects.filter(code__in=(CHENGGU, MOUDING)), via="node")
    )
    for grant in later:
        actions.assignment_update(
            actor=None,
            assignment_id=grant.pk,
            role=grant.role,
            starts=since,
            ends=None,
            note=grant.note,
        )


def _rounds(worker, grid: GridNode, month: dt.date, skip_days: int = 0) -> None:
    """A grid worker's weekday patrols of last month (but the first `skip_days` of them) and a
    visit to each of the first households of the grid's ledger."""
    if Patrol.objects.filter(user=worker, date__gte=month, date__lt=month_of(timezone.localdate())):
        return
    day, weekdays = month, 0
    while day.month == month.month:
        weekdays += day.weekday() < 5
        if day.weekday() < 5 and weekdays > skip_days:
            started = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 30)))
            patrol = actions.patrol_start(actor=worker, node_id=grid.pk, now=started)
            actions.patrol_finish(
                actor=worker,
                patrol_id=patrol.pk,
                notes="巡查一组至三组，无异常",
                now=started + dt.timedelta(hours=2),
            )
        day += dt.timedelta(days=1)
    households = grid.household_set.order_by("pk")[:6]
    for i, household in enumerate(households):
        day = month + dt.timedelta(days=3 + 4 * i)
        if Visit.objects.filter(submission_id=f"demo-{household.pk}-{day}").exists():
            continue
        actions.visit_record(
            actor=worker,
            household_id=household.pk,
            date=day,
            how="home",
            findings="身体良好，家中无困难",
            submission_id=f"demo-{household.pk}-{day}",
            now=timezone.make_aware(dt.datetime.combine(day, dt.time(15))),
        )


def _appraisal(say, month: dt.date) -> int:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["chenzhuren"])}
    town_staff = users.get("chenzhuren")
    made = 0
    for code in (LIANGJIAAN, XUJIAYING):
        village = GridNode.objects.filter(code=code).first()
        if village is None or AppraisalSheet.objects.filter(village=village, month=month).exists():
            continue
        sheet = actions.appraisal_compute(village_id=village.pk, month=month)
        made += 1
        if code == LIANGJIAAN and town_staff is not None:
            attendance = sheet.rule.items.filter(label="出勤").first()
            line = sheet.lines.exclude(worker__username="wanggang").first()
            if attendance is not None and line is not None:
                actions.appraisal_score(
                    actor=town_staff,
                    line_id=line.pk,
                    item_id=attendance.pk,
                    points="6",
                    reason="请假两天",
                )
            actions.appraisal_sign(actor=town_staff, sheet_id=sheet.pk)
            actions.appraisal_publish(actor=town_staff, sheet_id=sheet.pk)
    say(f"appraisal: {made} sheets of last month computed")
    return made


def _shop(village: GridNode, keeper) -> int:
    added = 0
    for name, unit, price, stock in GOODS.get(village.code, ()):
        if ShopItem.objects.filter(village=village, name=name).exists():
            continue
        item = actions.shop_item_save(
            actor=keeper, village_id=village.pk, name=name, unit=unit, price=price
        )
        actions.shop_stock_in(actor=keeper, item_id=item.pk, quantity=stock, note="镇里配送")
        added += 1
    return added


def _cards(village: GridNode, keeper, awards) -> tuple[list[PointsAccount], int]:
    """Cards for the first residents of the village's ledger, each with its awards once;
    returns the cards and how many were opened now."""
    residents = Resident.objects.filter(
        GridNode.subtree_q(village, via="household__node")
    ).order_by("pk")[: len(awards)]
    cards, opened = [], 0
    for resident, (points, reason) in zip(residents, awards, strict=False):
        opened += not PointsAccount.objects.filter(resident=resident).exists()
        card = actions.points_account_open(actor=keeper, resident_id=resident.pk)
        if not PointsEntry.objects.filter(account=card, kind="award").exists():
            actions.points_award(actor=keeper, account_id=card.pk, amount=points, reason=reason)
        cards.append(card)
    return cards, opened


# 牟定县's 网格员、网格指导员负面清单 (seed 002: 违反党纪国法、损害集体利益、违背社会公序良俗 …
# 直接退出): code, red line, severity.
RED_LINES = (
    ("01", "违反党纪国法，受到党纪政务处分或被追究法律责任", "exit"),
    ("02", "损害集体利益，侵占、挪用集体资金资产", "exit"),
    ("03", "违背社会公序良俗，造成恶劣社会影响", "exit"),
    ("04", "利用网格员身份谋取私利、收受群众财物", "exit"),
    ("05", "泄露群众个人信息或网格内敏感信息", "exit"),
    ("06", "瞒报、漏报、迟报重大矛盾纠纷或安全隐患，造成严重后果", "exit"),
    ("07", "无故不履行巡查走访职责，经提醒仍不改正", "warning"),
)


def _red_lines(say) -> int:
    """牟定县's negative list, as its administrators would enter it in the admin."""
    county = GridNode.objects.filter(code=MOUDING).first()
    if county is None:
        return 0
    made = 0
    for code, text, severity in RED_LINES:
        _line, created = RedLine.objects.get_or_create(
            county=county, code=code, defaults={"text": text, "severity": severity}
        )
        made += created
    if made:
        say(f"negative list: {made} red lines of 牟定县 added")
    return made


def _links(since: dt.date) -> int:
    from cases.models import Unit

    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=[r[1] for r in LINKS])
    }
    added = 0
    for kind, who, code in LINKS:
        village = GridNode.objects.filter(code=code).first()
        if village is None:
            continue
        if kind == "department":
            unit = Unit.objects.filter(name=who, node__tree_id=village.tree_id).first()
            found = {"unit": unit} if unit else None
        else:
            found = {"user": users[who]} if who in users else None
        if found is None or Link.objects.filter(kind=kind, village=village, **found).exists():
            continue
        Link.objects.create(kind=kind, village=village, since=since, **found)
        added += 1
    return added


def _copatrols(now: dt.datetime) -> int:
    """李振 accompanied a grid worker of 徐家营村 on one patrol this week (the seed asks for two:
    the week's figure shows him short); a worker of 梁家庵村 is out on patrol today, for 李振 to
    join on the phone. (梁家庵村's workers' patrols of last month are all made already.)"""
    cadre = get_user_model().objects.filter(username="lizhen").first()
    villages = {n.code: n for n in GridNode.objects.filter(code__in=[LIANGJIAAN, XUJIAYING])}
    if cadre is None or len(villages) < 2:
        return 0

    def first_worker(village, but=None):
        posts = Assignment.objects.filter(role="grid_worker", node__parent=village)
        return posts.exclude(user=but).order_by("node__code").select_related("user").first()

    today = timezone.localdate(now)
    monday = today - dt.timedelta(days=today.weekday())
    day = monday if monday < today else monday - dt.timedelta(days=7)
    post = first_worker(villages[XUJIAYING])
    made = 0
    if post is not None and not CoPatrol.objects.filter(user=cadre, patrol__date=day).exists():
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(8)))
        patrol = actions.patrol_start(actor=post.user, node_id=post.node_id, now=start)
        if patrol.finished_at is None:
            joined_at = start + dt.timedelta(minutes=20)
            actions.copatrol_join(actor=cadre, patrol_id=patrol.pk, now=joined_at)
            actions.patrol_finish(
                actor=post.user,
                patrol_id=patrol.pk,
                notes="与包村干部一同巡查",
                now=start + dt.timedelta(hours=2),
            )
            made += 1
    wanggang = get_user_model().objects.filter(username="wanggang").first()
    other = first_worker(villages[LIANGJIAAN], but=wanggang)
    if other is not None and not Patrol.objects.filter(user=other.user, date=today).exists():
        actions.patrol_start(actor=other.user, node_id=other.node_id, now=now)
    return made


def _outpost_scores(month: dt.date) -> int:
    from cases.models import Unit
    from gridgov.demo.tree import SHAHEYING

    county = GridNode.objects.filter(code=CHENGGU).first()
    town = GridNode.objects.filter(code=SHAHEYING).first()
    scorer = get_user_model().objects.filter(username="chenzhuren").first()
    if county is None or town is None or scorer is None:
        return 0
    for position, (name, most) in enumerate(OUTPOST_ITEMS):
        OutpostScoreItem.objects.get_or_create(
            county=county, name=name, defaults={"most": most, "position": position}
        )
    items = list(OutpostScoreItem.objects.filter(county=county, active=True))
    made = 0
    outposts = Unit.objects.filter(kind="outpost", node=town).order_by("name")
    for i, outpost in enumerate(outposts):
        if OutpostScore.objects.filter(outpost=outpost, month=month).exists():
            continue
        off = i % 3 * 4  # some outposts lose points on the first item
        actions.outpost_score_save(
            actor=scorer,
            outpost_id=outpost.pk,
            month=month,
            points={
                item.pk: str(item.most - (off if k == 0 else 0)) for k, item in enumerate(items)
            },
            reasons={items[0].pk: "联合执法未按时到场" if off else ""},
        )
        made += 1
    return made


def ensure_people_and_points(say) -> dict:
    """Load what is missing; returns how many sheets, goods and cards were added."""
    month = _first_of_last_month()
    _rules(say, month.replace(month=1))
    _posts_since(month)
    user_model = get_user_model()
    people = {
        u.username: u
        for u in user_model.objects.filter(username__in=["wanggang", "liangshuji", "mdshuji"])
    }
    village = GridNode.objects.filter(code=LIANGJIAAN).first()
    workers = Assignment.objects.filter(role="grid_worker", node__parent=village).select_related(
        "user", "node"
    )
    for i, post in enumerate(workers.order_by("node__code") if village else []):
        _rounds(post.user, post.node, month, skip_days=2 * i)  # some patrol less than others
    sheets = _appraisal(say, month)
    goods = cards = 0
    liangjiaan = GridNode.objects.filter(code=LIANGJIAAN).first()
    chief = people.get("liangshuji")
    if liangjiaan is not None and chief is not None:
        actions.points_compute_month(village_id=liangjiaan.pk, month=month)
        goods += _shop(liangjiaan, chief)
        made, opened = _cards(
            liangjiaan,
            chief,
            [
                (60, "参与防汛值守"),
                (40, "劝导邻里纠纷"),
                (25, "清扫村道"),
                (90, "志愿照料孤寡老人"),
            ],
        )
        cards += opened
        soap = ShopItem.objects.filter(village=liangjiaan, name="洗衣粉").first()
        if made and soap and not Redemption.objects.filter(item__village=liangjiaan).exists():
            actions.shop_redeem(actor=chief, account_id=made[0].pk, item_id=soap.pk)
    lawan = GridNode.objects.filter(code=LAWAN).first()
    lawan_chief = people.get("mdshuji")
    if lawan is not None and lawan_chief is not None:
        goods += _shop(lawan, lawan_chief)
        cards += _cards(lawan, lawan_chief, [(30, "服务换积分：打扫活动室")])[1]
    say(f"points shop: {goods} goods added, {cards} cards opened")
    red_lines = _red_lines(say)
    links = _links(month)
    copatrols = _copatrols(timezone.now())
    scores = _outpost_scores(month)
    say(f"linked cadres: {links} links, {copatrols} accompanied patrols, {scores} outpost scores")
    return {
        "appraisal_sheets": sheets,
        "shop_goods": goods,
        "points_cards": cards,
        "red_lines": red_lines,
        "village_links": links,
        "outpost_scores": scores,
        **_training(say),
    }


# --- Training and the two-way evaluation (seed 002's 分级培训, 双向评价) -----------------------

# where (a code), role trained, every how many months, name
TRAINING_PLANS = (
    (CHENGGU, "instructor", 12, "网格指导员集中培训（县委组织部、县委社会工作部）"),
    (SHAHEYING, "grid_worker", 6, "网格员半年培训（镇党委）"),
    (MOUDING, "instructor", 12, "网格指导员集中培训（万名党员进党校）"),
)


def _training(say) -> dict:
    """Both counties' training plans; two sessions of 城固县 (the town's for its grid workers,
    王刚 signed in on his phone and another worker marked by hand; the county's for instructors,
    周道远 attended), 王刚's 法律明白人 certificate, and 周道远's evaluation of 王刚. Each is
    left as it is when it is there already."""
    from staff.actions.training import signin_code
    from staff.models import Certificate, Evaluation, TrainingPlan, TrainingSession

    plans = 0
    for code, role, months, name in TRAINING_PLANS:
        node = GridNode.objects.filter(code=code).first()
        if node is not None and not TrainingPlan.objects.filter(node=node, role=role).exists():
            TrainingPlan.objects.create(node=node, role=role, every_months=months, name=name)
            plans += 1
    people = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["chenzhuren", "xianadmin", "wanggang", "zhoudao"]
        )
    }
    town = GridNode.objects.filter(code=SHAHEYING).first()
    county = GridNode.objects.filter(code=CHENGGU).first()
    sessions = 0
    if town is None or county is None or len(people) < 4:
        return {"training_plans": plans, "training_sessions": 0}
    day = timezone.localdate() - dt.timedelta(days=14)
    held = (
        (town, people["chenzhuren"], "网格员政策法规与矛盾纠纷排查化解", "镇司法所 刘所长",
         "沙河营镇政府三楼会议室", day),
        (county, people["xianadmin"], "网格指导员能力提升（沟通协调、应急处置）", "县委党校 王老师",
         "县委党校报告厅", day - dt.timedelta(days=30)),
    )  # fmt: skip
    for node, by, topic, trainer, place, on in held:
        if TrainingSession.objects.filter(node=node, topic=topic).exists():
            continue
        starts = timezone.make_aware(dt.datetime.combine(on, dt.time(9)))
        session = actions.training_session_create(
            actor=by, node_id=node.pk, topic=topic, trainer=trainer, place=place,
            starts=starts, ends=starts + dt.timedelta(hours=2, minutes=30), now=starts,
        )  # fmt: skip
        sessions += 1
        code = signin_code(session)
        if node == town:
            actions.training_sign_in(
                actor=people["wanggang"], session_id=session.pk, code=code,
                now=starts + dt.timedelta(minutes=5),
            )  # fmt: skip
            other = (
                Assignment.objects.filter(role="grid_worker", node__parent__parent=town)
                .exclude(user=people["wanggang"])
                .order_by("node__code")
                .first()
            )
            if other is not None:
                actions.training_attendance_mark(
                    actor=by, session_id=session.pk, user_id=other.user_id,
                    now=starts + dt.timedelta(hours=1),
                )  # fmt: skip
        else:
            actions.training_attendance_mark(
                actor=by, session_id=session.pk, user_id=people["zhoudao"].pk,
                now=starts + dt.timedelta(hours=1),
            )  # fmt: skip
    wanggang = people["wanggang"]
    if not Certificate.objects.filter(user=wanggang, kind="legal").exists():
        actions.certificate_record(
            actor=people["chenzhuren"], node_id=town.pk, user_id=wanggang.pk, kind="legal",
            issued=day.replace(day=1), issuer="城固县司法局",
        )  # fmt: skip
    if not Evaluation.objects.filter(evaluator=people["zhoudao"]).exists():
        # Nobody is paired when the demo's posts were changed since: then there is none.
        with contextlib.suppress(PermissionDenied):
            actions.evaluation_give(
                actor=people["zhoudao"], side="instructor", subject_id=wanggang.pk,
                grade="excellent", comment="走访扎实，群众认可",
            )  # fmt: skip
    say(f"training: {plans} plans, {sessions} sessions added")
    return {"training_plans": plans, "training_sessions": sessions}
