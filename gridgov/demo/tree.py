"""The demo tree: 城固县 › 沙河营镇 as seed 000 describes it (56 grids, 8,857 households), a
second town (博望街道), and 牟定县's micro-grids of 5–10 households (seed 002). Everything goes
through grids.actions; running it again adds only what is missing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from grids import actions as grid_actions
from grids.models import Difficulty, GridNode, Kind, RetiredCode, Tier

CHENGGU = "610722"  # 城固县
SHAHEYING = "610722107"  # 沙河营镇
LIANGJIAAN = "610722107201"  # 梁家庵村
LIANGJIAAN_GRID_1 = "610722107201001"  # 梁家庵村第一网格
XUJIAYING = "610722107202"  # 徐家营村
BOWANG = "610722001"  # 博望街道
MOUDING = "532323"  # 牟定县
GONGHE = "532323101"  # 共和镇
LAWAN = "532323101201"  # 腊湾村
LAWAN_GRID_1 = "532323101201001"  # 腊湾村一组网格
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


def ensure_county(county: Place, say) -> int:
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


def reconcile_totals(county: Place) -> None:
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
