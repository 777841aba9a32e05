"""How a demo case is written down: where and when it was reported, then each step and who
took it, as DemoCase.then(...) calls; and the places and people the scripts name."""

from __future__ import annotations

from dataclasses import dataclass, field

from gridgov.demo.tree import BOWANG, SHAHEYING

GRID = "@grid"  # as an actor: the grid worker of the grid where the case happened


@dataclass
class DemoCase:
    """One case as it happened: reported `days_ago` days before today at `hour` o'clock, then
    each step `after` hours after the one before it."""

    title: str
    place: str
    days_ago: int
    hour: float
    description: str
    by: str | None = GRID  # a username, GRID, or None for a resident (hotline, walk-in)
    source: str = "patrol"
    category: str = ""
    parties: str = ""
    location: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    steps: list[tuple[float, str, str | None, dict]] = field(default_factory=list)

    def then(self, after: float, verb: str, actor: str | None, **kw) -> DemoCase:
        self.steps.append((after, verb, actor, kw))
        return self


# Places of the 城固县 demo cases (the tree's codes: village code + grid number).
def shy_grid(village: str, n: int) -> str:
    return f"{SHAHEYING}{village}{n:03d}"


# 沙河营镇's villages by their code segment (gridgov.demo.tree).
SHY_COMMUNITY = "001"  # 沙河营社区
LJA = "201"  # 梁家庵村
XJY = "202"  # 徐家营村
WANTOU = "203"  # 湾头村
MALING = "204"  # 马岭村
SHUANGMIAO = "205"  # 双庙村
XJM = "206"  # 许家庙村
SANHE = "207"  # 三合村
WULANG = "208"  # 五郎村
CAOBA = "209"  # 草坝村
DONGGUAN_1 = f"{BOWANG}001001"
DONGGUAN_MARKET = f"{BOWANG}001004"
NANJIE_1 = f"{BOWANG}002001"
XIYUANGONG_1 = f"{BOWANG}203001"

CZ = "chenzhuren"  # 沙河营镇综治中心
