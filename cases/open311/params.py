"""Reading the spec's arguments: the jurisdiction, dates in the w3 subset of ISO 8601, WGS-84
coordinates and comma lists. "Optional" as the spec means it: an empty argument is one not
sent. Anything unreadable is a Refusal (400) naming the argument, never an exception."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_EVEN, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.open311.render import Refusal
from gridgov.cleaning import parse_decimal, plausible_moment
from grids.models import GridNode, Tier

# The spec's sample dates are 2010; a year outside these is a typing error, and date
# arithmetic near year 1 or 9999 would overflow.
_YEARS = range(1970, 2200)
# "+08:00" sent unencoded in a query string arrives as " 08:00".
_UNENCODED_PLUS = re.compile(r"(T\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:?\d\d)$")
# Case.latitude/longitude keep 6 decimals (about 0.1 m).
_MICRODEGREE = Decimal("0.000001")


def given(data, name: str) -> str:
    """The argument `name` of `data` (a QueryDict), stripped; "" when absent or empty."""
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def jurisdiction(data, *, implied: GridNode | None = None, optional: bool = False):
    """The county `jurisdiction_id` names (its code). Not given: the only county, else the
    county the caller's key implies, else None if `optional` (an id unique across counties
    needs none), else 400, as the spec says."""
    code = given(data, "jurisdiction_id")
    if code:
        county = GridNode.objects.filter(tier=Tier.COUNTY, code=code).first()
        if county is None:
            raise Refusal(
                404,
                _("jurisdiction_id not found: no county has the code %(code)s.")
                % {"code": code[:20]},
            )
        return county
    counties = list(GridNode.objects.filter(tier=Tier.COUNTY)[:2])
    if len(counties) == 1:
        return counties[0]
    if implied is not None or optional:
        return implied
    raise Refusal(
        400,
        _(
            "jurisdiction_id was not provided: this server serves several counties; send the "
            "county's code."
        ),
    )


def moment(data, name: str, *, end: bool = False) -> dt.datetime | None:
    """A w3 date-time with its offset (Z or ±hh:mm), or a date alone (the start of that day in
    Asia/Shanghai, or its end for `end`); None when not given."""
    text = given(data, name)
    if not text:
        return None
    text = _UNENCODED_PLUS.sub(r"\1+\2", text)
    refused = Refusal(
        400,
        _("%(name)s is not a w3 date and time with its offset, such as 2010-01-01T00:00:00Z.")
        % {"name": name},
    )
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            if day.year not in _YEARS:
                raise refused
            when = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
            return timezone.make_aware(when)
        when = dt.datetime.fromisoformat(text)
    except (ValueError, OverflowError):
        raise refused from None
    if when.tzinfo is None or when.utcoffset() is None or when.year not in _YEARS:
        raise refused
    if not plausible_moment(when):
        raise refused
    return when


def _degrees(data, name: str, limit: int) -> Decimal | None:
    text = given(data, name)
    if not text:
        return None
    number = parse_decimal(text, limit=Decimal(limit))
    if number is None:
        raise Refusal(
            400,
            _("%(name)s is not a WGS-84 coordinate in decimal degrees between -%(n)d and %(n)d.")
            % {"name": name, "n": limit},
        )
    return number.quantize(_MICRODEGREE, rounding=ROUND_HALF_EVEN)


def coordinates(data) -> tuple[Decimal | None, Decimal | None]:
    """`lat` and `long` (WGS-84, as sent, kept to 6 decimals), both or neither."""
    lat, long = _degrees(data, "lat", 90), _degrees(data, "long", 180)
    if (lat is None) != (long is None):
        raise Refusal(400, _("lat and long go together: send both, or neither."))
    return lat, long


def comma_list(values, *, limit: int, name: str) -> list[str]:
    """The distinct items of one or more comma-delimited values, in order; more than `limit`
    is 400."""
    items: list[str] = []
    for value in values:
        for item in (value or "").split(","):
            item = item.strip()
            if item and item not in items:
                items.append(item)
                if len(items) > limit:
                    raise Refusal(
                        400,
                        _("At most %(n)d values of %(name)s at once.") % {"n": limit, "name": name},
                    )
    return items


def text(data, name: str, *, limit: int) -> str:
    """A free text argument, at most `limit` characters (400 beyond)."""
    value = given(data, name)
    if len(value) > limit:
        raise Refusal(
            400, _("%(name)s is longer than %(n)d characters.") % {"name": name, "n": limit}
        )
    return value
