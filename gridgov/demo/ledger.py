"""The demo ledger (台账): the households of a few sample grids, so that the phone's ledger and
visit list have someone in them. Each sample grid (or each of its micro-grids) holds exactly
as many households as its figure says and as many people as its population, and every
household's member count is its number of residents. The rows go through
grids.actions.ledger_import, as a township's spreadsheet does; a household already in the
ledger (grid, address, head) is left as it is, so running it again adds only what is missing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gridgov.demo.tree import LAWAN_GRID_1, LIANGJIAAN_GRID_1
from grids import actions as grid_actions
from grids.models import GridNode, Household, HouseholdCategory, Tier

# 王刚's grid (梁家庵村第一网格, households in the grid itself) and 普秀英's 腊湾村一组 (households
# in its micro-grids): the two phone logins of the demo.
SAMPLE_GRIDS = (LIANGJIAAN_GRID_1, LAWAN_GRID_1)

_SURNAMES = {LIANGJIAAN_GRID_1: "梁梁梁张李刘王陈梁赵", LAWAN_GRID_1: "李普李罗杨李张普鲁李"}
_SPOUSE_SURNAMES = "王张李刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = (
    "建国秀兰志强桂英海燕德明红梅永红国庆小燕建军淑珍春梅文斌玉兰晓东凤英金龙丽娟长青"
    "振华翠萍宏伟巧云新民秋菊卫国彩霞子涵雨萱浩然梓轩欣怡宇航思彤俊杰"
)
# Who lives in a household of n people, in the order they are listed.
_RELATIONS = ("户主", "配偶", "子", "女", "母", "孙子", "孙女", "父")
# Household sizes, cycled, then evened out to the grid's population.
_SIZES = (3, 4, 2, 5, 3, 1, 4, 3, 6, 2, 3, 4)
_NUMERALS = "一二三四五六七八九十"


def _given(k: int) -> str:
    n = len(_GIVEN) // 2
    return _GIVEN[2 * (k % n) : 2 * (k % n) + 2]


def member_counts(households: int, population: int) -> list[int]:
    """Household sizes of 1 to 8 people, as many as `households`, adding up to `population`
    (or as near as sizes of 1 to 8 allow)."""
    if households <= 0:
        return []
    sizes = [_SIZES[i % len(_SIZES)] for i in range(households)]
    target = min(max(population, households), 8 * households)
    # Spread the change over the grid, not its first rows: a stride prime to the count visits
    # every household in turn, so the loop ends (the target is within reach).
    stride = 7 if households % 7 else 1
    i = 0
    while sum(sizes) != target:
        step = 1 if sum(sizes) < target else -1
        k = (i * stride) % households
        if 1 <= sizes[k] + step <= 8:
            sizes[k] += step
        i += 1
    return sizes


def _category(seq: int, size: int) -> str:
    if seq % 17 == 5 or (size == 1 and seq % 3 == 0):
        return HouseholdCategory.KEY
    if seq % 9 == 2:
        return HouseholdCategory.MONITORED
    return HouseholdCategory.GENERAL


def _rows_of(node: GridNode, *, code: str, address, start: int) -> list[grid_actions.LedgerRow]:
    """The ledger rows (one a resident) of one grid-level node's households; `start` numbers
    the households across the sample grid so that names and addresses do not repeat, and
    `address(seq)` is the address of its household number `seq`."""
    surnames = _SURNAMES[code]
    rows = []
    for i, size in enumerate(member_counts(node.households, node.population)):
        seq = start + i
        surname = surnames[seq % len(surnames)]
        head = surname + _given(seq * 3)
        category = _category(seq, size)
        phone = f"1399160{seq:04d}"
        for m in range(size):
            relation = _RELATIONS[m]
            if relation in ("配偶", "母"):
                name = _SPOUSE_SURNAMES[(seq + m) % len(_SPOUSE_SURNAMES)] + _given(seq + 5 * m)
            else:
                name = head if m == 0 else surname + _given(seq * 3 + 11 * m)
            tags = []
            if size == 1:
                tags.append("elderly_alone")  # 五必访: the elderly living alone
            elif m == 0 and category == HouseholdCategory.KEY:
                tags.append("low_income")
            if m == 0 and seq % 11 == 4:
                tags.append("party_member")
            if relation in ("孙子", "孙女") and seq % 4 == 1:
                tags.append("left_behind_child")
            rows.append(
                grid_actions.LedgerRow(
                    number=len(rows) + 1,
                    grid_code=node.code,
                    address=address(seq),
                    head_name=head,
                    category=category,
                    members=str(size),
                    contact=phone,
                    composition=f"{size}口人",
                    name=name,
                    phone=phone if m == 0 else "",
                    relation=relation,
                    tags="、".join(tags),
                )
            )
    return rows


def sample_rows(code: str) -> tuple[GridNode | None, list[grid_actions.LedgerRow]]:
    """The sample grid and every ledger row it should hold, from its figures in the database."""
    grid = GridNode.objects.filter(code=code).first()
    if grid is None:
        return None, []
    # A grid split into micro-grids keeps its households there, as one village group's.
    places = list(grid.get_children().filter(tier=Tier.MICRO_GRID).order_by("code"))
    if places:
        group = grid.name.removesuffix("网格")

        def address(seq: int) -> str:
            return f"{group}{seq + 1}号"
    else:
        places = [grid]
        village = grid.parent.name if grid.parent_id else ""

        def address(seq: int) -> str:  # thirty households a village group
            return f"{village}{_NUMERALS[seq // 30 % 10]}组{seq % 30 + 1}号"

    rows, start = [], 0
    for place in places:
        for row in _rows_of(place, code=code, address=address, start=start):
            row.number = len(rows) + 1
            rows.append(row)
        start += place.households
    return grid, rows


def ensure_ledgers(say) -> tuple[int, int]:
    """Fill the sample grids' ledgers with what is missing; returns (households, residents)
    added."""
    households = residents = 0
    for code in SAMPLE_GRIDS:
        grid, rows = sample_rows(code)
        if grid is None:
            say(f"ledger: {code} is not in the tree, no households added")
            continue
        present = set(
            Household.objects.filter(GridNode.subtree_q(grid, via="node")).values_list(
                "node__code", "address", "head_name"
            )
        )
        missing = [r for r in rows if (r.grid_code, r.address, r.head_name) not in present]
        if not missing:
            continue
        plan = grid_actions.ledger_import(actor=None, node_id=grid.pk, rows=missing)
        households += len(plan.households)
        residents += plan.residents
        _first_visits_due(grid)
    say(f"ledger: {households} households and {residents} residents added")
    return households, residents


def _first_visits_due(grid: GridNode) -> None:
    """Key and monitored households are visited on a schedule (grids.actions.ledger): the demo's
    new ones are due over the next days, a few already late, so that today's list has work."""
    today = timezone.localdate()
    new = Household.objects.filter(
        GridNode.subtree_q(grid, via="node"),
        category__in=(HouseholdCategory.KEY, HouseholdCategory.MONITORED),
        next_visit_due__isnull=True,
    ).order_by("pk")
    for n, household in enumerate(new.only("pk")):
        due = today + dt.timedelta(days=n % 7 - 2)
        grid_actions.household_update(actor=None, household_id=household.pk, next_visit_due=due)
