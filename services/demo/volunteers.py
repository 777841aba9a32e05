"""沙河营镇's volunteers (seed 000: "分类组建教育、健康、环保等志愿服务队17支，招募农村志愿者400余名，
开展关爱留守儿童、活跃群众文化生活等志愿服务31场次"): 17 teams in the town and its villages, two
volunteers with a login in each (the first leads it), 31 activities over the last ten weeks and
the next two with sign-ups and the hours served, and residents' help orders worked through the
actions (群众点单、社区派单、志愿者接单). Matched by natural keys: a second run adds nothing."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from gridgov.demo.people import DEMO_PASSWORD
from gridgov.demo.tree import LIANGJIAAN_GRID_1, SHAHEYING
from grids.models import GridNode, Tier
from services import actions
from services.models import Activity, ActivitySignup, HelpOrder, Volunteer, VolunteerTeam
from staff import actions as staff_actions
from staff.models import Role

# village code suffix ("" for the town), team name, kind, what it offers residents
TEAMS = (
    ("", "沙河营镇法律服务志愿队", "legal", ("legal", "mediation")),
    ("", "沙河营镇卫生院健康志愿服务队", "health", ("health", "care_visit")),
    ("", "沙河营镇平安巡防志愿队", "safety", ()),
    ("", "沙河营镇文化志愿服务队", "culture", ("company",)),
    ("001", "沙河营社区党员志愿服务队", "other", ("errands", "hardship")),
    ("201", "梁家庵村关爱留守儿童志愿服务队", "children", ("tutoring", "company")),
    ("201", "梁家庵村敬老志愿服务队", "elderly", ("care_visit", "company", "errands")),
    ("202", "徐家营村环保志愿服务队", "environment", ()),
    ("202", "徐家营村助老志愿服务队", "elderly", ("care_visit", "errands")),
    ("203", "湾头村矛盾调解志愿队", "mediation", ("mediation",)),
    ("204", "马岭村助老志愿服务队", "elderly", ("care_visit", "hardship")),
    ("205", "双庙村教育志愿服务队", "education", ("tutoring",)),
    ("206", "许家庙村环保志愿服务队", "environment", ()),
    ("207", "三合村健康志愿服务队", "health", ("health",)),
    ("208", "五郎村平安志愿服务队", "safety", ("mediation",)),
    ("209", "草坝村关爱志愿服务队", "children", ("tutoring", "company", "hardship")),
    ("209", "草坝村乡贤志愿服务队", "mediation", ("mediation", "legal")),
)
# What each kind of team does, for its activities: title, place.
ACTIVITIES = {
    "legal": (("法律明白人进村宣讲", "村委会会议室"), ("防范电信诈骗宣传", "镇便民服务大厅")),
    "health": (("义诊进村", "村卫生室"), ("老年人健康体检", "镇卫生院")),
    "safety": (("夜间平安巡防", "镇区主街"), ("秸秆禁烧宣传", "田间地头")),
    "culture": (("文艺演出下乡", "村文化广场"),),
    "other": (("党员志愿服务日", "社区广场"),),
    "children": (
        ("关爱留守儿童周末课堂", "村活动室"),
        ("留守儿童安全教育", "村小学"),
        ("留守儿童亲情视频连线", "村便民服务室"),
    ),
    "elderly": (("重阳节敬老爱老", "村互助幸福院"), ("为空巢老人打扫卫生", "入户")),
    "environment": (("河道垃圾清理", "汉江支流河岸"), ("人居环境整治", "村组道路")),
    "mediation": (("邻里纠纷排查", "各村民小组"),),
    "education": (("周末辅导作业", "村图书室"),),
}
GIVEN = "春燕 建明 秀芳 志刚 玉梅 国强 海霞 德胜 桂兰 永福 小红 建华 丽萍 文军 淑英 长生 红霞"


def ensure_volunteers(say) -> dict:
    town = GridNode.objects.filter(code=SHAHEYING, tier=Tier.TOWN).first()
    if town is None:
        return {"volunteer_teams": 0, "activities": 0, "help_orders": 0}
    places = {
        n.code.removeprefix(SHAHEYING): n
        for n in GridNode.objects.filter(
            GridNode.subtree_q(town), tier__in=[Tier.TOWN, Tier.VILLAGE]
        )
    }
    teams_added, teams = _teams(places)
    activities = _activities(teams)
    orders = _orders(town, teams)
    say(f"volunteers: {teams_added} teams, {activities} activities, {orders} help orders added")
    return {"volunteer_teams": teams_added, "activities": activities, "help_orders": orders}


def _teams(places) -> tuple[int, list[VolunteerTeam]]:
    user_model = get_user_model()
    password_hash = ""
    added, teams = 0, []
    given = GIVEN.split()
    for n, (suffix, name, kind, offers) in enumerate(TEAMS, start=1):
        node = places.get(suffix)
        if node is None:
            continue
        team = VolunteerTeam.objects.filter(node=node, name=name).first()
        if team is None:
            team = VolunteerTeam.objects.create(
                name=name, kind=kind, node=node, offers=list(offers)
            )
            added += 1
        for k in (1, 2):
            username = f"shy_zy{n:02d}{k}"
            user = user_model.objects.filter(username=username).first()
            if user is None:
                password_hash = password_hash or make_password(DEMO_PASSWORD)
                user = staff_actions.user_create(
                    actor=None, username=username, full_name="张李王刘陈杨"[(n + k) % 6] + given[(2 * n + k) % len(given)],
                    password=None, password_hash=password_hash,
                )  # fmt: skip
                staff_actions.assignment_grant(
                    actor=None, user_id=user.pk, node_id=node.pk, role=Role.VOLUNTEER
                )
            volunteer, _created = Volunteer.objects.get_or_create(
                user=user, team=team,
                defaults={"joined": dt.date(2025, 3, 1), "skills": "", "availability": "周末、农闲时"},
            )  # fmt: skip
            if k == 1 and team.leader_id is None:
                team.leader = user
                team.save(update_fields=["leader"])
        teams.append(team)
    return added, teams


def _activities(teams) -> int:
    """31 activities: two for each team of a kind with two, one for the others, each team's
    first one also next week; the past ones with their volunteers checked in."""
    now = timezone.now()
    base = timezone.localtime(now).replace(hour=9, minute=0, second=0, microsecond=0)
    planned = []
    for team in teams:
        for title, place in ACTIVITIES.get(team.kind, ()):
            planned.append((team, title, place))
    planned = planned[:31]
    added = 0
    for i, (team, title, place) in enumerate(planned):
        # Most in the last ten weeks, the last four in the coming two.
        days = -70 + i * 70 // 27 if i < 27 else 2 + (i - 27) * 3
        starts = base + dt.timedelta(days=days)
        if Activity.objects.filter(team=team, title=title).exists():
            continue
        activity = Activity.objects.create(
            team=team, title=title, place=place, starts=starts,
            ends=starts + dt.timedelta(hours=3), capacity=20,
            description=f"{team.name}组织开展{title}活动。",
        )  # fmt: skip
        added += 1
        for volunteer in team.members.select_related("user"):
            signup = ActivitySignup.objects.create(
                activity=activity, volunteer=volunteer, signed_at=starts - dt.timedelta(days=2)
            )
            if starts < now:
                actions.activity_check_in(actor=None, signup_id=signup.pk, hours=3, now=starts)
    return added


# The help orders: what, by whom, how far.
ORDERS = (
    ("care_visit", "online", "confirmed"),
    ("company", "worker", "confirmed"),
    ("tutoring", "online", "done"),
    ("errands", "worker", "confirmed"),
    ("care_visit", "worker", "taken"),
    ("legal", "online", "confirmed"),
    ("health", "worker", "dispatched"),
    ("company", "online", "placed"),
    ("care_visit", "online", "cancelled"),
    ("mediation", "worker", "confirmed"),
    ("errands", "online", "handed_back"),  # taken, handed back: waits to be dispatched again
    ("tutoring", "worker", "taken"),
)
RESIDENTS = "孙桂芝 何永年 罗秀珍 郑德福 谢翠兰 韩老汉 唐玉英 冯志明 曹秀梅 彭大爷 于桂香 蒋明亮"


def _orders(town, teams) -> int:
    if HelpOrder.objects.filter(GridNode.subtree_q(town, via="node")).exists():
        return 0
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["wanggang", "liangshuji", "chenzhuren"]
        )
    }
    grid = GridNode.objects.filter(code=LIANGJIAAN_GRID_1).first()
    if grid is None or "wanggang" not in users:
        return 0
    dispatcher = users.get("liangshuji") or users.get("chenzhuren")
    now = timezone.now()
    names = RESIDENTS.split()
    made = 0
    for n, (kind, by, target) in enumerate(ORDERS):
        serving = [t for t in teams if kind in (t.offers or []) and t.node.contains(grid)]
        at = now - dt.timedelta(days=30 - 2 * n, hours=3)
        if target in ("placed",):
            at = now - dt.timedelta(days=3 if n % 2 else 0, hours=2)  # one waits past its time
        order = actions.help_order_place(
            actor=users["wanggang"] if by == "worker" else None,
            kind=kind, node_id=grid.pk, resident_name=names[n], resident_phone=f"1379161{n:04d}",
            description="独居老人，子女在外务工。" if kind in ("care_visit", "company") else "",
            now=at,
        )  # fmt: skip
        made += 1
        if target == "placed" or not serving:
            continue
        if target == "cancelled":
            actions.help_order_cancel(
                actor=dispatcher,
                order_id=order.pk,
                reason="家属已回家照料",
                now=at + dt.timedelta(hours=2),
            )
            continue
        team = serving[0]
        t = at + dt.timedelta(hours=3)
        actions.help_order_dispatch(actor=dispatcher, order_id=order.pk, team_id=team.pk, now=t)
        if target == "dispatched":
            continue
        helper = team.members.select_related("user").order_by("pk").first()
        t += dt.timedelta(hours=5)
        actions.help_order_take(actor=helper.user, order_id=order.pk, now=t)
        if target == "taken":
            continue
        if target == "handed_back":
            actions.help_order_hand_back(
                actor=helper.user, order_id=order.pk, reason="家中临时有事，无法上门", now=t
            )
            continue
        t += dt.timedelta(days=1)
        actions.help_order_finish(
            actor=helper.user, order_id=order.pk, note="已上门服务，群众满意。", hours=2, now=t
        )
        if target == "confirmed":
            actions.help_order_confirm(
                actor=None, order_id=order.pk, rating=5 - n % 2, now=t + dt.timedelta(hours=4)
            )
    actions.orders_sweep(now=now)
    return made
