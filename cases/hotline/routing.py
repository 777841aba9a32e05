"""Where a work order lands: the place named by the town code the hotline sends, else the
village or town its address names, else the top of the hotline's area (the county's own
intake for a county's hotline: its centre sorts it out). Only places inside the hotline's
area are ever chosen, whatever the order says."""

from __future__ import annotations

from dataclasses import dataclass

from grids.models import GridNode, Tier

# Words a place's name ends with that an address often leaves out (梁家庵村 → 梁家庵).
_SUFFIXES = {
    Tier.TOWN: ("街道办事处", "街道", "镇", "乡"),
    Tier.VILLAGE: ("村民委员会", "居民委员会", "村委会", "居委会", "社区", "村"),
}
_CODE_TIERS = (Tier.TOWN, Tier.AREA, Tier.VILLAGE, Tier.GRID, Tier.MICRO_GRID)


@dataclass(frozen=True)
class Landing:
    node: GridNode
    how: str  # "code", "address" or "area": how the place was found


def _names(node: GridNode) -> set[str]:
    names = {node.name}
    for suffix in _SUFFIXES.get(node.tier, ()):
        if node.name.endswith(suffix) and len(node.name) - len(suffix) >= 2:
            names.add(node.name[: -len(suffix)])
    return names


def _named(address: str, nodes) -> list[tuple[int, GridNode]]:
    """The nodes the address names, each with the length of the longest of its names found."""
    found = []
    for node in nodes:
        longest = max((len(n) for n in _names(node) if n in address), default=0)
        if longest:
            found.append((longest, node))
    return found


def _best(matches: list[tuple[int, GridNode]]) -> GridNode | None:
    """The one node named most fully; None when two are named equally (an address cannot say
    which of two 新庄村 it means)."""
    if not matches:
        return None
    top = max(length for length, _node in matches)
    best = [node for length, node in matches if length == top]
    return best[0] if len(best) == 1 else None


def landing(area: GridNode, *, town_code: str = "", address: str = "") -> Landing:
    """The place inside `area` an order goes to (see the module's docstring)."""
    places = GridNode.objects.subtree(area)
    if town_code:
        node = places.filter(code=town_code, tier__in=_CODE_TIERS).first()
        if node is not None:
            return Landing(node, "code")
    address = "".join((address or "").split())
    if address:
        nodes = list(places.filter(tier__in=(Tier.TOWN, Tier.VILLAGE)).order_by("lft"))
        towns = _named(address, [n for n in nodes if n.tier == Tier.TOWN])
        town = _best(towns)
        villages = _named(address, [n for n in nodes if n.tier == Tier.VILLAGE])
        if town is not None:
            # A village named in the address counts only inside the town it also names.
            inside = [(length, v) for length, v in villages if town.contains(v)]
            village = _best(inside)
            return Landing(village or town, "address")
        village = _best(villages)
        if village is not None:
            return Landing(village, "address")
    return Landing(area, "area")
