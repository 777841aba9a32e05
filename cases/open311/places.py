"""Where a report from another system happened, among the places its key serves (the client's
node and everything below it): the point in a mapped boundary, else the place a code names,
else the places an address spells, else the client's own place, which is in its town's
intake like any report. A place outside the key's area is refused (403).

Boundaries are GeoJSON (GridNode.boundary) in WGS-84 longitude/latitude, like the point: the
point is compared as sent, never converted (to GCJ-02 or anything else)."""

from __future__ import annotations

import math
import re
from decimal import Decimal

from django.db.models import CharField, F, Value
from django.utils.translation import gettext as _

from cases.actions.public import PUBLIC_TIERS
from cases.open311.render import Refusal
from grids.models import GridNode

_CODE_IN_TEXT = re.compile(r"(?<!\d)(\d{9}|\d{12}|\d{15}|\d{18})(?!\d)")
_TREE_FIELDS = ("name", "code", "tier", "level", *GridNode.SPAN_FIELDS)
_GEOMETRY_DEPTH = 4  # Feature › GeometryCollection › … : deeper is not a boundary anyone drew


def _number(value) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _ring_holds(ring, x: float, y: float) -> bool:
    """Even-odd rule: a ray from the point crosses the ring's edges an odd number of times."""
    points = [(_number(p[0]), _number(p[1])) for p in ring]
    inside = False
    for (xi, yi), (xj, yj) in zip(points, points[-1:] + points[:-1], strict=True):
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
    return inside


def _polygon_holds(rings, x: float, y: float) -> bool:
    outer, *holes = rings
    return _ring_holds(outer, x, y) and not any(_ring_holds(h, x, y) for h in holes)


def _holds(shape, x: float, y: float, depth: int) -> bool:
    if depth > _GEOMETRY_DEPTH or not isinstance(shape, dict):
        return False
    kind = shape.get("type")
    if kind == "Feature":
        return _holds(shape.get("geometry"), x, y, depth + 1)
    if kind == "FeatureCollection":
        return any(_holds(f, x, y, depth + 1) for f in shape.get("features") or ())
    if kind == "GeometryCollection":
        return any(_holds(g, x, y, depth + 1) for g in shape.get("geometries") or ())
    if kind == "Polygon":
        return _polygon_holds(shape["coordinates"], x, y)
    if kind == "MultiPolygon":
        return any(_polygon_holds(p, x, y) for p in shape["coordinates"])
    return False


def holds(boundary, lat: Decimal, long: Decimal) -> bool:
    """Does the GeoJSON `boundary` ([longitude, latitude] positions) hold the point? A boundary
    that is not a readable (Multi)Polygon holds nothing."""
    try:
        return _holds(boundary, float(long), float(lat), 0)
    except (
        TypeError,
        ValueError,
        IndexError,
        KeyError,
        AttributeError,
        ZeroDivisionError,
        OverflowError,
    ):
        return False


def _outside() -> Refusal:
    return Refusal(403, _("This api_key may not report there: the place is outside its area."))


def _by_point(county, area, lat, long) -> GridNode | None:
    """The deepest public place of `area` whose boundary holds the point; None when no mapped
    place says anything about it. A point that a boundary puts outside `area` is refused."""
    mapped = list(
        GridNode.objects.subtree(county)
        .exclude(boundary__isnull=True)
        .only(*_TREE_FIELDS, "boundary")
    )
    if not mapped:
        return None
    holders = [n for n in mapped if holds(n.boundary, lat, long)]
    inside = [n for n in holders if area.contains(n) and n.tier in PUBLIC_TIERS]
    if inside:
        return max(inside, key=lambda n: n.level)
    # Held only by places elsewhere, or outside a mapped boundary of the area or above it.
    around_area = [n for n in mapped if n.contains(area)]
    if any(not area.contains(n) and not n.contains(area) for n in holders) or (
        around_area and not any(n in holders for n in around_area)
    ):
        raise _outside()
    return None


def _by_code(county, area, code: str, *, named: str) -> GridNode | None:
    node = (
        GridNode.objects.subtree(county)
        .filter(code=code, tier__in=PUBLIC_TIERS)
        .only(*_TREE_FIELDS)
        .first()
    )
    if node is None:
        if named == "address_id":
            raise Refusal(
                400, _("address_id names no place of this county: send a grid's or town's code.")
            )
        return None
    if not area.contains(node):
        raise _outside()
    return node


def _by_names(county, area, address: str) -> GridNode | None:
    """The public place of the county whose name, and whose parents' names, the address spells
    best (several alike: the deepest place holding them all). One outside `area` is refused;
    one holding `area` says no more than the key's own place."""
    named = list(
        GridNode.objects.subtree(county)
        .filter(tier__in=PUBLIC_TIERS)
        .annotate(address=Value(address, output_field=CharField()))
        .filter(address__contains=F("name"))
        .exclude(name="")
        .only(*_TREE_FIELDS)
    )
    if not named:
        return None

    def weight(place):
        return (sum(1 for other in named if other.contains(place)), place.level)

    best = max(weight(p) for p in named)
    tied = [p for p in named if weight(p) == best]
    place = tied[0]
    if len(tied) > 1:
        holders = GridNode.objects.ancestors(place).filter(tier__in=PUBLIC_TIERS)
        common = [h for h in holders.only(*_TREE_FIELDS) if all(h.contains(t) for t in tied)]
        if not common:
            return None
        place = max(common, key=lambda h: h.level)
    if area.contains(place):
        return place
    if place.contains(area):
        return area if area.tier in PUBLIC_TIERS else None
    raise _outside()


def place_for(*, county, area, lat=None, long=None, address_id="", address="") -> GridNode:
    """Where the report happened, in `area` (the key's node) of `county`."""
    by_point = _by_point(county, area, lat, long) if lat is not None else None
    by_address = None
    if address_id:
        by_address = _by_code(county, area, address_id, named="address_id")
    if by_address is None and address:
        for code in _CODE_IN_TEXT.findall(address):
            by_address = _by_code(county, area, code, named="address_string")
            if by_address is not None:
                break
        else:
            by_address = _by_names(county, area, address)
    if by_point is not None:
        # The point decides; an address naming a place inside the point's only says it finer.
        if by_address is not None and by_point.contains(by_address):
            return by_address
        return by_point
    if by_address is not None:
        return by_address
    if area.tier in PUBLIC_TIERS:
        return area
    raise Refusal(
        400,
        _(
            "Where is it? The place cannot be told from what was sent: send address_id with the "
            "code of a town, village or grid, or an address_string naming them."
        ),
    )
