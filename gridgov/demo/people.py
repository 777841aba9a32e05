"""The people of the demo: one login per role (NAMED_LOGINS), a grid worker for every other
沙河营镇 grid, and the people who work cases in the units (STAFF). They all share DEMO_PASSWORD.
Users and grants go through staff.actions; a person is matched by username, so running it again
adds only what is missing."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from cases.models import Unit
from gridgov.demo.tree import (
    BOWANG,
    CHENGGU,
    GONGHE,
    LAWAN,
    LAWAN_GRID_1,
    LAWAN_MICRO_1,
    LIANGJIAAN,
    LIANGJIAAN_GRID_1,
    MOUDING,
    SHAHEYING,
    XUJIAYING,
    Place,
)
from grids.models import GridNode, Tier
from staff import actions as staff_actions
from staff.models import Assignment, Role

DEMO_PASSWORD = "gridgov-demo-2026"

# ---------------------------------------------------------------- one login per role


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    role: str
    place_code: str


NAMED_LOGINS = (
    DemoLogin("wanggang", "王刚", Role.GRID_WORKER, LIANGJIAAN_GRID_1),
    DemoLogin("zhaoxin", "赵信", Role.INFORMANT, LIANGJIAAN_GRID_1),
    DemoLogin("liangshuji", "梁建华", Role.GRID_CHIEF, LIANGJIAAN),
    DemoLogin("zhoudao", "周道远", Role.INSTRUCTOR, LIANGJIAAN_GRID_1),
    DemoLogin("chenzhuren", "陈卫东", Role.CENTER_STAFF, SHAHEYING),
    DemoLogin("lizhen", "李振", Role.LEADER, SHAHEYING),
    DemoLogin("xianadmin", "城固县管理员", Role.ADMIN, CHENGGU),
    # The county admin also sits at the county governance center, so that cases can be worked
    # from the admin's case pages in the demo.
    DemoLogin("xianadmin", "城固县管理员", Role.CENTER_STAFF, CHENGGU),
    DemoLogin("zhenadmin", "沙河营镇管理员", Role.ADMIN, SHAHEYING),
    DemoLogin("zhougan", "周淦", Role.CENTER_STAFF, BOWANG),
    DemoLogin("mdworker", "普秀英", Role.GRID_WORKER, LAWAN_MICRO_1),
)

_SURNAMES = "张李刘杨陈黄赵吴徐孙胡朱高何郭马罗宋郑谢"
# Two-character given names, read in pairs.
_GIVEN = (
    "建国秀兰志强桂英海燕德明红梅永红国庆小燕建军淑珍春梅文斌"
    "玉兰晓东凤英金龙丽娟长青振华翠萍宏伟巧云新民秋菊卫国彩霞"
)


def _given_name(k: int) -> str:
    return _GIVEN[2 * k : 2 * k + 2]


def grid_worker_logins(counties: list[Place]) -> list[DemoLogin]:
    """One grid worker for each 沙河营镇 grid not already served by a named login: shy_g01, …
    ("全镇配备网格员56人", seed 000)."""
    served = {login.place_code for login in NAMED_LOGINS if login.role == Role.GRID_WORKER}
    grids = [
        p
        for county in counties
        for p in county.walk()
        if p.tier == Tier.GRID and p.code.startswith(SHAHEYING) and p.code not in served
    ]
    return [
        DemoLogin(
            f"shy_g{i:02d}",
            _SURNAMES[i % len(_SURNAMES)] + _given_name((3 * i) % (len(_GIVEN) // 2)),
            Role.GRID_WORKER,
            grid.code,
        )
        for i, grid in enumerate(grids, start=1)
    ]


def place_label(code: str, names: dict[str, str]) -> str:
    """县 › 镇 › the place itself, e.g. 城固县 › 沙河营镇 › 梁家庵村第一网格."""
    parts = dict.fromkeys(c for c in (code[:6], code[:9], code) if c in names)
    return " › ".join(names[c] for c in parts)


def ensure_logins(logins: list[DemoLogin], say) -> tuple[int, int, dict]:
    """Create missing users and grants; returns (users added, grants added, users by name)."""
    user_model = get_user_model()
    usernames = [login.username for login in logins]
    users = {u.username: u for u in user_model.objects.filter(username__in=usernames)}
    nodes = {
        n.code: n for n in GridNode.objects.filter(code__in={login.place_code for login in logins})
    }
    # Any grant, ended or not: an admin who ended a demo grant meant it.
    held = set(
        Assignment.objects.filter(user__username__in=usernames).values_list(
            "user__username", "node__code", "role"
        )
    )
    missing = len(set(usernames) - set(users))
    # Hashing is slow on purpose; every demo login shares one password, so hash it once.
    password_hash = make_password(DEMO_PASSWORD) if missing else ""
    users_added = grants_added = 0
    for login in logins:
        user = users.get(login.username)
        if user is None:
            user = staff_actions.user_create(
                actor=None,
                username=login.username,
                full_name=login.full_name,
                password=None,
                password_hash=password_hash,
            )
            users[login.username] = user
            users_added += 1
        node = nodes.get(login.place_code)
        if node is None:
            say(f"{login.username}: {login.place_code} is no longer in the tree, no grant given")
        elif (login.username, login.place_code, login.role) not in held:
            staff_actions.assignment_grant(
                actor=None, user_id=user.pk, node_id=node.pk, role=login.role
            )
            grants_added += 1
    return users_added, grants_added, users


# ---------------------------------------------------------------- people who work cases


@dataclass(frozen=True)
class Staff:
    username: str
    full_name: str
    role: str
    place_code: str
    unit: str = ""  # the unit they work for, in the town or county of place_code


ROLE_LABELS = {
    Role.CENTER_STAFF: "综治中心工作人员 Governance-center staff",
    Role.DEPARTMENT: "县直部门 County department staff",
    Role.OUTPOST: "派驻机构 Outpost staff",
    Role.GRID_CHIEF: "网格长 Grid chief",
    Role.INSTRUCTOR: "网格指导员 Instructor",
}

STAFF = [
    Staff("yangkezhang", "杨振华", Role.CENTER_STAFF, CHENGGU),  # 县综治中心
    Staff("liuguotu", "刘国栋", Role.DEPARTMENT, CHENGGU, "县自然资源局"),
    Staff("sunminzheng", "孙敏", Role.DEPARTMENT, CHENGGU, "县民政局"),
    Staff("guolaobao", "郭立新", Role.DEPARTMENT, CHENGGU, "县人力资源和社会保障局"),
    Staff("maziyuan", "马志远", Role.OUTPOST, SHAHEYING, "沙河营自然资源所"),
    Staff("huangjingguan", "黄海军", Role.OUTPOST, SHAHEYING, "沙河营派出所"),
    Staff("xusifa", "徐静", Role.OUTPOST, SHAHEYING, "沙河营司法所"),
    Staff("wushijian", "吴丽", Role.OUTPOST, SHAHEYING, "沙河营市场监管所"),
    Staff("zhengzhifa", "郑志刚", Role.CENTER_STAFF, SHAHEYING, "沙河营镇综合执法平台"),
    Staff("xushuji", "徐长林", Role.GRID_CHIEF, XUJIAYING),
    Staff("mdzhidao", "罗志明", Role.INSTRUCTOR, LAWAN_GRID_1),
    Staff("mdshuji", "李正华", Role.GRID_CHIEF, LAWAN),
    Staff("mdzhen", "杨文华", Role.CENTER_STAFF, GONGHE),
    Staff("mdxian", "鲁国平", Role.CENTER_STAFF, MOUDING),
]


def _unit_for(staff: Staff, node: GridNode) -> Unit | None:
    if not staff.unit:
        return None
    return Unit.objects.filter(
        name=staff.unit, node__tree_id=node.tree_id, node__lft__lte=node.lft
    ).first()


def _staff_place_label(node: GridNode) -> str:
    """县 › 镇 › the place itself, as place_label labels the logins of one role each."""
    upper = node.get_ancestors().filter(tier__in=[Tier.COUNTY, Tier.TOWN])
    return " › ".join([*(n.name for n in upper), node.name])


def ensure_staff(say) -> tuple[int, int, list[dict]]:
    user_model = get_user_model()
    usernames = [s.username for s in STAFF]
    users = {u.username: u for u in user_model.objects.filter(username__in=usernames)}
    nodes = {n.code: n for n in GridNode.objects.filter(code__in={s.place_code for s in STAFF})}
    held = set(
        Assignment.objects.filter(user__username__in=usernames).values_list(
            "user__username", "node__code", "role"
        )
    )
    # Hashing is slow on purpose; every demo login shares one password, so hash it once.
    password_hash = make_password(DEMO_PASSWORD) if set(usernames) - set(users) else ""
    users_added = grants_added = 0
    logins = []
    for staff in STAFF:
        user = users.get(staff.username)
        if user is None:
            user = staff_actions.user_create(
                actor=None,
                username=staff.username,
                full_name=staff.full_name,
                password=None,
                password_hash=password_hash,
            )
            users_added += 1
        node = nodes.get(staff.place_code)
        if node is None:
            say(f"{staff.username}: {staff.place_code} is no longer in the tree, no grant given")
            continue
        unit = _unit_for(staff, node)
        if (staff.username, staff.place_code, staff.role) not in held:
            grant = staff_actions.assignment_grant(
                actor=None, user_id=user.pk, node_id=node.pk, role=staff.role
            )
            grants_added += 1
            if unit is not None:
                # No action sets an assignment's unit yet (staff/actions.py); this is the one write.
                Assignment.objects.filter(pk=grant.pk).update(unit=unit)
        logins.append(
            {
                "username": staff.username,
                "full_name": staff.full_name,
                "role": ROLE_LABELS.get(staff.role, staff.role),
                "place": _staff_place_label(node),
                "unit": unit.name if unit else "",
            }
        )
    say(f"case staff: {users_added} users and {grants_added} assignments added")
    return users_added, grants_added, logins
