"""Cases of every kind across September to December in two counties of one province, each a
known part of some figure: what the rollup tests count with the rollups and live."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from cases.models import Case
from cases.queries import dashboard as figures
from grids.models import Province
from tests.factories import make_node

NOW = dt.datetime.fromisoformat("2026-11-18T09:00:00+08:00")
H, D = dt.timedelta(hours=1), dt.timedelta(days=1)
NOV = figures.Period("month", dt.date(2026, 11, 1), dt.date(2026, 12, 1))
OCT = figures.Period("month", dt.date(2026, 10, 1), dt.date(2026, 11, 1))
DEC = figures.Period("month", dt.date(2026, 12, 1), dt.date(2027, 1, 1))
AUTUMN = figures.Period("range", dt.date(2026, 9, 15), dt.date(2026, 12, 31))
# Periods of whole months are read from the month rows, the others from the day rows.
Q4 = figures.Period("quarter", dt.date(2026, 10, 1), dt.date(2027, 1, 1))
YEAR = figures.Period("year", dt.date(2026, 1, 1), dt.date(2027, 1, 1))
OCT_NOV = figures.Period("range", dt.date(2026, 10, 1), dt.date(2026, 12, 1))
NO_WHOLE_MONTH = figures.Period("range", dt.date(2026, 10, 10), dt.date(2026, 11, 21))
ROLLING_YEAR = figures.Period("range", dt.date(2025, 12, 9), dt.date(2026, 12, 9))
PERIODS = (NOV, OCT, DEC, AUTUMN, Q4, YEAR, OCT_NOV, NO_WHOLE_MONTH, ROLLING_YEAR)
COMPARED = (
    "received",
    "accepted",
    "escalated",
    "due",
    "closed",
    "closed_on_time",
    "resolved_on_time",
    "closed_in_period",
    "reworked",
    "rated",
    "satisfied",
)
_seq = itertools.count(1)


def at(day: str, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day) + dt.timedelta(hours=hour))


def make_case(node, status="handling", *, created, **fields):
    """A case with exactly the dates and counters the figures read (set-up only)."""
    n = next(_seq)
    return Case.objects.create(
        number=f"R-{n}",
        tracking_code=f"RU{n:06d}",
        title=f"汇总测试{n}",
        description="测试",
        source="patrol",
        node=node,
        owner_node=node,
        status=status,
        color="" if status == "reported" else "yellow",
        created_at=created,
        accepted_at=None if status == "reported" else created,
        **fields,
    )


@pytest.fixture
def second(db):
    """A second county of the province with one town, village and grid."""
    county = make_node(None, "county", "洋县", code="610723")
    town = make_node(county, "town", "龙亭镇", code="610723100")
    village = make_node(town, "village", "龙亭村", code="610723100201")
    grid = make_node(village, "grid", "龙亭村第一网格", code="610723100201001")
    county.refresh_from_db()
    town.refresh_from_db()
    return county, town, grid


@pytest.fixture
def shaanxi(tree, second):
    p = Province.objects.create(code="61", name="陕西省")
    for county in (tree.county, second[0]):
        county.province = p
        county.save()
    return p


@pytest.fixture
def autumn(tree, second):
    """Cases of every kind across September to December, in both counties, at the county
    itself, at village and micro-grid level: each a known part of some figure."""
    g, c, m = tree.grid_a, tree.grid_c, tree.micro_a1
    other = second[2]
    closed = "closed"
    cases = {
        "prompt": make_case(
            g,
            closed,
            created=at("2026-11-02"),
            clear_by=at("2026-11-07"),
            resolved_at=at("2026-11-03"),
            closed_at=at("2026-11-03", 10),
            rated_at=at("2026-11-04"),
            satisfaction=5,
        ),
        "verified_late": make_case(
            m,
            closed,
            created=at("2026-11-02"),
            clear_by=at("2026-11-07"),
            resolved_at=at("2026-11-06"),
            closed_at=at("2026-11-09"),
            rework_count=1,
            escalation_count=1,
            rated_at=at("2026-11-10"),
            satisfaction=2,
        ),
        # Closed just after midnight Beijing time on the 1st: November's, not October's.
        "midnight": make_case(
            c,
            closed,
            created=at("2026-10-20"),
            clear_by=at("2026-10-31", 23),
            resolved_at=at("2026-10-31", 20),
            closed_at=at("2026-11-01", 0) + dt.timedelta(minutes=5),
        ),
        "open_late": make_case(g, created=at("2026-11-01"), clear_by=at("2026-11-07")),
        "open_on_time": make_case(c, created=at("2026-11-10"), clear_by=NOW + D),
        "long_overdue": make_case(
            tree.village1, created=at("2026-09-20"), clear_by=at("2026-10-20")
        ),
        "waiting": make_case(
            g,
            "resolved",
            created=at("2026-11-02"),
            clear_by=at("2026-11-07"),
            resolved_at=at("2026-11-05"),
        ),
        "at_county": make_case(tree.county, created=at("2026-11-03"), clear_by=at("2026-11-20")),
        "december": make_case(g, created=at("2026-11-12"), clear_by=at("2026-12-03")),
        "reported": make_case(g, "reported", created=at("2026-11-11")),
        "rejected": make_case(g, "rejected", created=at("2026-11-11"), clear_by=at("2026-11-12")),
        "other_county": make_case(
            other,
            closed,
            created=at("2026-11-05"),
            clear_by=at("2026-11-08"),
            resolved_at=at("2026-11-07"),
            closed_at=at("2026-11-07", 12),
            rated_at=at("2026-11-08"),
            satisfaction=4,
        ),
        "other_open": make_case(other, created=at("2026-10-05"), clear_by=at("2026-10-10")),
    }
    # Saved long before the runs below, which take place on NOW's clock, not the real one.
    Case.objects.update(updated_at=NOW - 30 * D)
    return cases
