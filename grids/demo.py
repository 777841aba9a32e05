"""The demo county: 城固县 › 沙河营镇 as seed 000 describes it (56 grids, 8,857 households), a
second town (博望街道), and 牟定县's micro-grids of 5–10 households (seed 002), with one login per
role. Everything goes through grids.actions and staff.actions; running it again adds only what
is missing, so a second run changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from grids import actions as grid_actions
from grids.models import Difficulty, GridNode, Kind, RetiredCode, Tier
from staff import access
from staff import actions as staff_actions
from staff.models import Assignment, Role

DEMO_PASSWORD = "gridgov-demo-2026"

CHENGGU = "610722"  # 城固县
SHAHEYING = "610722107"  # 沙河营镇
LIANGJIAAN = "610722107201"  # 梁家庵村
LIANGJIAAN_GRID_1 = "610722107201001"  # 梁家庵村第一网格
BOWANG = "610722001"  # 博望街道
MOUDING = "532323"  # 牟定县
LAWAN_MICRO_1 = "532323101201001001"  # 腊湾村一组第1微网格

_NUMERALS = "一二三四五六七八九十"


@dataclass
class Place:
    """One node of the demo tree, before it is in the database."""

    name: str
    tier: str
    code: str
    kind: str = Kind.RURAL
    households: int = 0
    population: int = 0
    difficulty: str = ""
    children: list[Place] = field(default_factory=list)

    def add(self, *children: Place) -> Place:
        self.children.extend(children)
        return self

    def summed(self) -> Place:
        """Households and population of every node with children become the sum of them."""
        if self.children:
            for child in self.children:
                child.summed()
            self.households = sum(c.households for c in self.children)
            self.population = sum(c.population for c in self.children)
        return self

    def walk(self) -> Iterator[Place]:
        """This place and everything under it, parents first."""
        yield self
        for child in self.children:
            yield from child.walk()

    def fields(self) -> dict:
        return {
            "kind": self.kind,
            "households": self.households,
            "population": self.population,
            "difficulty": self.difficulty,
        }


def _people(households: int, per_household: float, seq: int) -> int:
    # A small, fixed wobble so that neighbouring grids do not all have the same ratio.
    return round(households * (per_household + ((seq * 37) % 9 - 4) / 100))


def _village(
    town_code: str,
    seq: str,
    name: str,
    grids: str,
    *,
    per_household: float,
    kind: str = Kind.RURAL,
) -> Place:
    """A village (or community) and its grids; `grids` reads "156B 150C …": households and
    difficulty class of 第一网格, 第二网格, …"""
    village = Place(name, Tier.VILLAGE, town_code + seq, kind=kind)
    for n, spec in enumerate(grids.split(), start=1):
        households, difficulty = int(spec[:-1]), Difficulty(spec[-1])
        village.add(
            Place(
                f"{name}第{_NUMERALS[n - 1]}网格",
                Tier.GRID,
                f"{village.code}{n:03d}",
                kind=kind,
                households=households,
                population=_people(households, per_household, n),
                difficulty=difficulty,
            )
        )
    return village


def _chenggu() -> Place:
    county = Place("城固县", Tier.COUNTY, CHENGGU)
    # 沙河营镇: "人居百户、入户三天", 56 grids in A/B/C classes, 8,857 households (seed 000).
    shaheying = Place("沙河营镇", Tier.TOWN, SHAHEYING).add(
        _village(
            SHAHEYING, "001", "沙河营社区", "178A 186A 172B 182B 192A 184B 176B", per_household=3.3
        ),
        _village(SHAHEYING, "201", "梁家庵村", "156A 150B 162B 164B 155C 169B", per_household=3.4),
        _village(SHAHEYING, "202", "徐家营村", "144C 178A 172B 173B 157B 160B", per_household=3.5),
        _village(SHAHEYING, "203", "湾头村", "152B 139C 144C 171B 170A", per_household=3.4),
        _village(SHAHEYING, "204", "马岭村", "104A 120A 124B 115A 114B", per_household=3.6),
        _village(SHAHEYING, "205", "双庙村", "179A 172B 149C 162B 153B 150C", per_household=3.3),
        _village(SHAHEYING, "206", "许家庙村", "145C 157B 156B 167B 165A", per_household=3.5),
        _village(SHAHEYING, "207", "三合村", "148C 169B 162B 171A 154B", per_household=3.4),
        _village(SHAHEYING, "208", "五郎村", "155B 164B 173A 164B 144C 176A", per_household=3.3),
        _village(SHAHEYING, "209", "草坝村", "166B 165B 137C 144B 147C", per_household=3.5),
    )
    # 博望街道: the county seat's street office, urban grids of 300–500 households.
    dongguan = _village(
        BOWANG, "001", "东关社区", "412B 386A 455B", per_household=2.9, kind=Kind.URBAN
    )
    # An exclusive grid (seed 002): a market has stalls, not households.
    dongguan.add(
        Place(
            "东关农贸市场专属网格",
            Tier.GRID,
            f"{dongguan.code}004",
            kind=Kind.EXCLUSIVE,
            difficulty=Difficulty.B,
        )
    )
    bowang = Place("博望街道", Tier.TOWN, BOWANG, kind=Kind.URBAN).add(
        dongguan,
        _village(BOWANG, "002", "南街社区", "468A 337B", per_household=2.9, kind=Kind.URBAN),
        _village(BOWANG, "203", "西原公村", "128C 146B", per_household=3.4),
    )
    return county.add(bowang, shaheying)


def _micro_sizes(households: int) -> list[int]:
    """Split a grid's households into micro-grids of 5–10 households (seed 002)."""
    pattern = (8, 6, 9, 7, 10, 5, 7, 9)
    sizes, rest, i = [], households, 0
    while rest > 10:
        size = min(pattern[i % len(pattern)], rest - 5)
        sizes.append(size)
        rest, i = rest - size, i + 1
    sizes.append(rest)
    return sizes


def _split_village(town_code: str, seq: str, name: str, groups: str) -> Place:
    """A 牟定县 village: one grid per 村民小组, each split into micro-grids; `groups` reads
    "68B 74A …": households and difficulty of 一组, 二组, …"""
    village = Place(name, Tier.VILLAGE, town_code + seq)
    for n, spec in enumerate(groups.split(), start=1):
        households, difficulty = int(spec[:-1]), Difficulty(spec[-1])
        group = f"{name}{_NUMERALS[n - 1]}组"
        grid = Place(f"{group}网格", Tier.GRID, f"{village.code}{n:03d}", difficulty=difficulty)
        for m, size in enumerate(_micro_sizes(households), start=1):
            grid.add(
                Place(
                    f"{group}第{m}微网格",
                    Tier.MICRO_GRID,
                    f"{grid.code}{m:03d}",
                    households=size,
                    population=_people(size, 3.5, m),
                )
            )
        village.add(grid)
    return village


def _mouding() -> Place:
    return Place("牟定县", Tier.COUNTY, MOUDING).add(
        Place("共和镇", Tier.TOWN, "532323101").add(
            _split_village("532323101", "201", "腊湾村", "68B 74A 57C"),
            _split_village("532323101", "202", "庄子村", "82A 63B"),
        ),
        Place("江坡镇", Tier.TOWN, "532323103").add(
            _split_village("532323103", "201", "大石村", "71B 59C"),
        ),
    )


def demo_counties() -> list[Place]:
    """The demo tree as plain data, totals summed from the leaves up."""
    return [_chenggu().summed(), _mouding().summed()]


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


def _ensure_county(county: Place, say) -> int:
    """Create what is missing of one county; returns how many nodes were added. A code that was
    retired (an admin removed or recoded the place) is not brought back, nor what was under it."""
    places = list(county.walk())
    codes = [p.code for p in places]
    present = set(GridNode.objects.filter(code__in=codes).values_list("code", flat=True))
    retired = set(RetiredCode.objects.filter(code__in=codes).values_list("code", flat=True))
    retired -= present
    if county.code in retired:
        say(f"{county.name} ({county.code}): its code was retired, so it is left out")
        return 0
    created = 0
    if county.code in present:
        root = GridNode.objects.get(code=county.code)
    else:
        root = grid_actions.node_create(
            actor=None,
            parent_id=None,
            name=county.name,
            tier=county.tier,
            code=county.code,
            kind=county.kind,
            households=county.households,
            population=county.population,
        )
        created += 1
    rows: list[grid_actions.NodeRow] = []

    def visit(parent: Place) -> None:  # parents first, as tree_bulk_create wants them
        for child in parent.children:
            if child.code in retired:
                continue
            if child.code not in present:
                rows.append(
                    grid_actions.NodeRow(
                        parent.code, child.name, child.tier, child.code, fields=child.fields()
                    )
                )
            visit(child)

    visit(county)
    if rows:
        created += grid_actions.tree_bulk_create(actor=None, root_id=root.pk, rows=rows)
    say(f"{county.name} ({county.code}): {created} places added")
    return created


def _reconcile_totals(county: Place) -> None:
    """Keep each demo node that has children at the sum of its children as they stand in the
    database (they may differ from the demo's when part of the tree was there before)."""
    root = GridNode.objects.filter(code=county.code).first()
    if root is None:
        return
    rows = list(
        GridNode.objects.filter(tree_id=root.tree_id).values(
            "pk", "parent_id", "code", "households", "population"
        )
    )
    children: dict[int, list[dict]] = {}
    for r in rows:
        if r["parent_id"] is not None:
            children.setdefault(r["parent_id"], []).append(r)
    by_code = {r["code"]: r for r in rows}
    # Deepest first, so that a town sums villages that are already right.
    for place in sorted(county.walk(), key=lambda p: -len(p.code)):
        row = by_code.get(place.code)
        if not place.children or row is None:
            continue
        kids = children.get(row["pk"], [])
        totals = {
            "households": sum(k["households"] for k in kids),
            "population": sum(k["population"] for k in kids),
        }
        changes = {k: v for k, v in totals.items() if row[k] != v}
        if changes:
            grid_actions.node_update(actor=None, node_id=row["pk"], **changes)
            row.update(changes)  # the parent's sum, next, sees the new figures


def _place_label(code: str, names: dict[str, str]) -> str:
    """县 › 镇 › the place itself, e.g. 城固县 › 沙河营镇 › 梁家庵村第一网格."""
    parts = dict.fromkeys(c for c in (code[:6], code[:9], code) if c in names)
    return " › ".join(names[c] for c in parts)


def _ensure_logins(logins: list[DemoLogin], say) -> tuple[int, int, dict]:
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


@transaction.atomic
def load_demo(stdout=None) -> dict:
    """Build (or complete) the demo tree and its logins. All or nothing; idempotent.

    Returns how many nodes, users and assignments were added, the named logins (username,
    full_name, role, place, door) and the usernames of the other 沙河营镇 grid workers."""

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    counties = demo_counties()
    nodes_added = 0
    for county in counties:
        nodes_added += _ensure_county(county, say)
        _reconcile_totals(county)

    workers = grid_worker_logins(counties)
    users_added, grants_added, users = _ensure_logins([*NAMED_LOGINS, *workers], say)
    say(f"logins: {users_added} users and {grants_added} assignments added")

    names = {p.code: p.name for county in counties for p in county.walk()}
    return {
        "nodes": nodes_added,
        "users": users_added,
        "assignments": grants_added,
        "logins": [
            {
                "username": login.username,
                "full_name": login.full_name,
                "role": login.role,
                "place": _place_label(login.place_code, names),
                "door": access.door_for(users[login.username]),
            }
            for login in NAMED_LOGINS
        ],
        "grid_workers": [login.username for login in workers],
    }
