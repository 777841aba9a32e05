"""What the demo's bulletin boards show: office hours and hotlines of the towns and villages, the
沙河营镇 grid workers' work phones (opted in) and duties, 梁家庵村's grid chief and instructor,
two party-member households in 王刚's grid (seed 003's 一长一员一户), a grid worker for each
博望街道 grid, and 博望街道's street chiefs (seed 001's 街长制: 16 roads cut into 42 segments, 44 party-member and 32 merchant
street chiefs, on the street office's urban grids). Everything goes through the apps' actions;
a row already there (a segment by its code, a person by username, a phone or duty already
typed) is left as it is, so a second run adds nothing."""

from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from gridgov.demo.people import DEMO_PASSWORD
from gridgov.demo.tree import BOWANG, LIANGJIAAN_GRID_1, SHAHEYING
from grids import actions as grid_actions
from grids.models import GridNode, StreetSegment, Tier
from staff import actions as staff_actions
from staff.models import Assignment, Role

TOWN_HOURS = "周一至周五 8:30–12:00，14:30–18:00（节假日值班）"
VILLAGE_HOURS = "每天 8:00–12:00，14:00–17:30；农忙时节网格员上门服务"
# Area code 0916 (汉中), seven-digit local numbers, as the demo's units have.
HOTLINES = {SHAHEYING: "0916-7231000", BOWANG: "0916-7220110"}

# The grid worker's duties as 沙河营镇 lists them (seed 000: 一访二报三研四办五问, 三必到,
# 四必报, 五必访), one line each.
GRID_WORKER_DUTIES = "\n".join(
    (
        "每天巡查网格，发现问题随手拍、随时报",
        "走访入户：重点户每周、监测户每月，一般户三天内走完",
        "三必到：突发事件、群众遭遇意外或困难、邻里纠纷",
        "四必报：不稳定因素、安全隐患、新迁入人员、公共设施损坏",
        "五必访：老干部老党员、困难家庭、失业人员、空巢老人和留守儿童、特殊人群",
        "矛盾纠纷第一时间调解，小事不出网格",
        "代办便民服务事项，群众少跑腿",
    )
)
GRID_CHIEF_DUTIES = "统筹全村网格工作\n调度网格员处置上报事项\n主持村级矛盾纠纷调解"
INSTRUCTOR_DUTIES = "每周陪同网格员巡查不少于2次\n指导疑难问题处置和矛盾调解"
PARTY_HOUSEHOLD_DUTIES = "联系身边10户左右群众\n收集反映社情民意\n带头参与环境整治和志愿服务"

# 博望街道's roads (seed 001: 16 main and side roads, 42 responsibility segments): ten roads of
# three segments and six of two.
ROADS = (
    "博望路",
    "东关街",
    "南街",
    "文化路",
    "建设路",
    "人民路",
    "新华街",
    "滨河路",
    "中山街",
    "迎宾大道",
    "育才路",
    "兴业街",
    "商贸街",
    "市场巷",
    "东环路",
    "西环路",
)
PARTS = {3: ("东段", "中段", "西段"), 2: ("东段", "西段")}
SEGMENT_DUTIES = "\n".join(
    (
        "落实门前三包：卫生、秩序、绿化",
        "劝导占道经营、乱停乱放、乱贴乱画",
        "发现设施损坏、安全隐患及时报告网格员",
        "协助网格员化解商户和邻里纠纷",
    )
)
PARTY_CHIEF_DUTIES = (
    "每天早晚利用晨练时间巡查责任路段\n收集热心群众反映的信息，发现、处置、报告问题"
)
MERCHANT_CHIEF_DUTIES = "营业期间巡查门前及责任路段\n能处理的问题及时处理，不能处理的拍照发送网格员"
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
_GIVEN = (
    "建华秀珍志刚桂兰海涛德胜红霞永强国华小红建平淑芬春生文华玉梅晓明凤兰金山丽华长江"
    "振国翠兰宏亮巧玲新华秋云卫东彩云立新美玲光明素英学军月华家兴桂芳"
)


def _given(k: int) -> str:
    n = len(_GIVEN) // 2
    return _GIVEN[2 * (k % n) : 2 * (k % n) + 2]


def _work_phone(n: int) -> str:
    return f"1399161{n:04d}"


def _places(say) -> int:
    """Office hours and hotlines of the towns and their villages (where none is typed yet)."""
    changed = 0
    for node in GridNode.objects.filter(code__in=HOTLINES):
        fields = {}
        if not node.hotline:
            fields["hotline"] = HOTLINES[node.code]
        if not node.office_hours:
            fields["office_hours"] = TOWN_HOURS
        if fields:
            grid_actions.node_update(actor=None, node_id=node.pk, **fields)
            changed += 1
    villages = GridNode.objects.filter(
        tier=Tier.VILLAGE, code__startswith=SHAHEYING, office_hours=""
    )
    for node in villages:
        grid_actions.node_update(actor=None, node_id=node.pk, office_hours=VILLAGE_HOURS)
        changed += 1
    say(f"bulletins: office hours or hotline of {changed} places set")
    return changed


def _posts(say) -> int:
    """Duties and titles of the 沙河营镇 posts a bulletin shows (those still without)."""
    duties = {
        Role.GRID_WORKER: GRID_WORKER_DUTIES,
        Role.GRID_CHIEF: GRID_CHIEF_DUTIES,
        Role.INSTRUCTOR: INSTRUCTOR_DUTIES,
    }
    titles = {Role.GRID_CHIEF: "村党支部书记、网格长"}
    posts = Assignment.objects.filter(
        node__code__startswith=SHAHEYING, role__in=list(duties), duties=""
    )
    for post in posts:
        staff_actions.assignment_update(
            actor=None,
            assignment_id=post.pk,
            role=post.role,
            starts=post.starts,
            ends=post.ends,
            note=post.note,
            duties=duties[post.role],
            title=post.title or titles.get(post.role, ""),
        )
    return len(posts)


def _profiles(say) -> int:
    """Work phones, opted in, of the 沙河营镇 people who serve in its grids and villages; 王刚
    also has a private phone, which no public page shows."""
    people = (
        Assignment.objects.active()
        .filter(
            node__code__startswith=SHAHEYING,
            role__in=[Role.GRID_WORKER, Role.GRID_CHIEF, Role.INSTRUCTOR],
        )
        .exclude(user__profile__isnull=False)
        .values_list("user_id", "user__username")
        .distinct()
        .order_by("user_id")
    )
    added = 0
    for user_id, username in people:
        staff_actions.profile_update(
            actor=None,
            user_id=user_id,
            work_phone=_work_phone(user_id % 10000),
            show_work_phone=True,
            private_phone="13991629999" if username == "wanggang" else "",
        )
        added += 1
    return added


def _person(username: str, full_name: str, password_hash):
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is not None:
        return user, 0
    user = staff_actions.user_create(
        actor=None,
        username=username,
        full_name=full_name,
        password=None,
        password_hash=password_hash(),
    )
    return user, 1


def _grant(user, node, role: str, *, title: str, duties: str, segment=None) -> int:
    if Assignment.objects.filter(user=user, node=node, role=role).exists():
        return 0
    staff_actions.assignment_grant(
        actor=None,
        user_id=user.pk,
        node_id=node.pk,
        role=role,
        title=title,
        duties=duties,
        segment_id=segment.pk if segment else None,
    )
    return 1


def _party_households(password_hash) -> tuple[int, int]:
    """Two party-member households in 王刚's grid, one with its phone on the board."""
    grid = GridNode.objects.filter(code=LIANGJIAAN_GRID_1).first()
    if grid is None:
        return 0, 0
    users = grants = 0
    for k, (username, name, shown) in enumerate(
        (("ljparty1", "梁德明", True), ("ljparty2", "张秀兰", False))
    ):
        user, new = _person(username, name, password_hash)
        users += new
        grants += _grant(
            user, grid, Role.PARTY_HOUSEHOLD, title="党员中心户", duties=PARTY_HOUSEHOLD_DUTIES
        )
        if new:
            staff_actions.profile_update(
                actor=None, user_id=user.pk, work_phone=_work_phone(9000 + k), show_work_phone=shown
            )
    return users, grants


def _bowang_workers(password_hash) -> tuple[int, int]:
    """A grid worker for each 博望街道 grid, so that its 街长公示栏 names the 网格员 too."""
    users = grants = 0
    grids = GridNode.objects.filter(tier=Tier.GRID, code__startswith=BOWANG)
    for i, grid in enumerate(grids.order_by(*GridNode.TREE_ORDER), start=1):
        name = _SURNAMES[(3 * i) % len(_SURNAMES)] + _given(40 + i)
        user, new = _person(f"bw_g{i:02d}", name, password_hash)
        users += new
        grants += _grant(user, grid, Role.GRID_WORKER, title="", duties=GRID_WORKER_DUTIES)
        if new:
            staff_actions.profile_update(
                actor=None, user_id=user.pk, work_phone=_work_phone(4000 + i), show_work_phone=True
            )
    return users, grants


def _street_chiefs(password_hash, say) -> tuple[int, int, int]:
    """博望街道's 42 road segments on its urban grids, and their 76 street chiefs."""
    grids = list(
        GridNode.objects.filter(
            tier=Tier.GRID, code__startswith=BOWANG, kind__in=["urban", "exclusive"]
        ).order_by(*GridNode.TREE_ORDER)
    )
    if not grids:
        return 0, 0, 0
    segments_added = users_added = grants_added = 0
    per_grid: dict[int, int] = {}
    roads = [(road, part) for r, road in enumerate(ROADS) for part in PARTS[3 if r < 10 else 2]]
    # Neighbouring segments lie in the same grid: each grid takes the next stretch of roads.
    for n, (road, part) in enumerate(roads):
        grid = grids[n * len(grids) // len(roads)]
        per_grid[grid.pk] = per_grid.get(grid.pk, 0) + 1
        code = f"{grid.code}S{per_grid[grid.pk]:02d}"
        segment = StreetSegment.objects.filter(code=code).first()
        if segment is None:
            segment = grid_actions.street_segment_create(
                actor=None,
                node_id=grid.pk,
                code=code,
                road=road,
                name=part,
                patrol_range=f"{road}{part}两侧商铺、人行道及背街小巷",
                duties=SEGMENT_DUTIES,
            )
            segments_added += 1
        # 44 party-member chiefs: one per segment, two on the first two; 32 merchants: on
        # every segment but the last ten (seed 001's 32 商户街长 and 44 党员街长).
        chiefs = [("party", 0)] + ([("party", 1)] if n < 2 else [])
        if n < 32:
            chiefs.append(("merchant", 0))
        for kind, k in chiefs:
            seq = 2 * n + k + (100 if kind == "merchant" else 0)
            name = _SURNAMES[seq % len(_SURNAMES)] + _given(seq * 7)
            username = f"bw_{kind[0]}{n + 1:02d}{'b' if k else ''}"
            user, new = _person(username, name, password_hash)
            users_added += new
            grants_added += _grant(
                user,
                grid,
                Role.STREET_CHIEF,
                title="党员街长" if kind == "party" else "商户街长",
                duties=PARTY_CHIEF_DUTIES if kind == "party" else MERCHANT_CHIEF_DUTIES,
                segment=segment,
            )
            if new:
                staff_actions.profile_update(
                    actor=None,
                    user_id=user.pk,
                    work_phone=_work_phone(5000 + seq),
                    show_work_phone=kind == "merchant" or n % 2 == 0,
                )
    say(
        f"street chiefs: {segments_added} road segments, {users_added} people and "
        f"{grants_added} posts added"
    )
    return segments_added, users_added, grants_added


def ensure_bulletins(say) -> dict:
    """Everything the demo's bulletins show; returns how many of each were added."""
    places = _places(say)
    posts = _posts(say)
    profiles = _profiles(say)
    # Hashing is slow on purpose; every demo login shares one password, so hash it once (and
    # only if someone is added).
    password_hash = functools.cache(lambda: make_password(DEMO_PASSWORD))
    party_users, party_grants = _party_households(password_hash)
    worker_users, worker_grants = _bowang_workers(password_hash)
    segments, chief_users, chief_grants = _street_chiefs(password_hash, say)
    say(f"bulletins: {posts} posts given duties, {profiles} work phones published")
    return {
        "bulletin_places": places,
        "bulletin_posts": posts,
        "profiles": profiles,
        "street_segments": segments,
        "bulletin_people": party_users + worker_users + chief_users,
        "bulletin_grants": party_grants + worker_grants + chief_grants,
    }
