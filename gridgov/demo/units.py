"""The units of each demo county: its county departments, their outposts in every demo town
(派驻机构), and each town's four platforms. A unit is matched by its place and name, so running it
again adds nothing and never overwrites what an admin changed."""

from cases.models import Unit
from gridgov.demo.tree import CHENGGU, MOUDING, demo_counties
from grids.models import GridNode, Tier

# Area codes: 城固县 (汉中) 0916, 牟定县 (楚雄) 0878; local numbers of seven digits.
PHONE_PREFIX = {CHENGGU: "0916-72", MOUDING: "0878-52"}

# key, name. The key names the unit in the responsibility list and in the demo cases.
COUNTY_DEPARTMENTS = [
    ("natural", "县自然资源局"),
    ("ecology", "县生态环境分局"),
    ("housing", "县住房和城乡建设局"),
    ("enforcement", "县综合行政执法局"),
    ("market", "县市场监督管理局"),
    ("civil", "县民政局"),
    ("hrss", "县人力资源和社会保障局"),
    ("police", "县公安局"),
    ("agriculture", "县农业农村局"),
    ("water", "县水利局"),
    ("justice", "县司法局"),
    ("health", "县卫生健康局"),
    ("emergency", "县应急管理局"),
]

# The county departments stationed in every demo town (派驻机构), named 「镇名 + suffix」.
OUTPOSTS = [
    ("natural", "自然资源所"),
    ("market", "市场监管所"),
    ("police", "派出所"),
    ("justice", "司法所"),
]

# A town's four platforms (四个子平台, seed 000).
PLATFORMS = [
    (Unit.Platform.GOVERNANCE, "综治平台"),
    (Unit.Platform.MARKET, "市场监管平台"),
    (Unit.Platform.ENFORCEMENT, "综合执法平台"),
    (Unit.Platform.CONVENIENCE, "便民服务平台"),
]


def _demo_towns() -> list[str]:
    """The towns of the demo tree: each gets the outposts and its four platforms."""
    return [p.code for county in demo_counties() for p in county.walk() if p.tier == Tier.TOWN]


def phone(county_code: str, n: int) -> str:
    """A plausible local number, fixed for a given n."""
    return f"{PHONE_PREFIX.get(county_code, '0916-72')}{(n * 7919 + 12345) % 90000 + 10000:05d}"


def _short(town_name: str) -> str:
    """沙河营镇 → 沙河营, 博望街道 → 博望: how outposts are named locally."""
    for suffix in ("街道", "镇", "乡"):
        if town_name.endswith(suffix) and len(town_name) > len(suffix) + 1:
            return town_name[: -len(suffix)]
    return town_name


def ensure_units(say) -> int:
    added, demo_towns = 0, _demo_towns()
    for county_code in (CHENGGU, MOUDING):
        county = GridNode.objects.filter(code=county_code, tier=Tier.COUNTY).first()
        if county is None:
            say(f"{county_code}: not in the tree, no units added")
            continue
        parents = {}
        for n, (key, name) in enumerate(COUNTY_DEPARTMENTS, start=1):
            unit, created = Unit.objects.get_or_create(
                node=county,
                name=name,
                defaults={
                    "kind": Unit.Kind.COUNTY_DEPARTMENT,
                    "phone": phone(county_code, n),
                },
            )
            parents[key], added = unit, added + created
        towns = GridNode.objects.filter(
            tree_id=county.tree_id, tier=Tier.TOWN, code__in=demo_towns
        ).order_by("code")
        for t, town in enumerate(towns, start=1):
            short = _short(town.name)
            for n, (key, suffix) in enumerate(OUTPOSTS, start=1):
                _unit, created = Unit.objects.get_or_create(
                    node=town,
                    name=short + suffix,
                    defaults={
                        "kind": Unit.Kind.OUTPOST,
                        "parent": parents[key],
                        "phone": phone(county_code, 100 * t + n),
                    },
                )
                added += created
            for n, (platform, suffix) in enumerate(PLATFORMS, start=1):
                _unit, created = Unit.objects.get_or_create(
                    node=town,
                    name=town.name + suffix,
                    defaults={
                        "kind": Unit.Kind.PLATFORM,
                        "platform": platform,
                        "phone": phone(county_code, 100 * t + 10 + n),
                    },
                )
                added += created
    say(f"units: {added} departments, outposts and platforms added")
    return added
