"""The demo: 城固县 and 牟定县 as the seeds describe them, one login per role, the units and the
responsibility list cases are worked with, the people who work them, and ~40 cases replayed
through cases.actions over the last ten weeks. `manage.py load_demo` loads it; everything goes
through the apps' actions and is matched by its natural key, so a second run changes nothing.

tree: the places · ledger: the sample grids' households · people: logins, case staff,
DEMO_PASSWORD · units: departments, outposts, platforms · responsibility: the 责任清单 ·
categories · scripted: the demo cases as scripts · replay: running them through cases.actions ·
load: the two loading steps."""

from gridgov.demo.load import load_case_data, load_demo
from gridgov.demo.people import DEMO_PASSWORD, NAMED_LOGINS, STAFF
from gridgov.demo.scripted import demo_cases
from gridgov.demo.tree import (
    BOWANG,
    CHENGGU,
    LAWAN_MICRO_1,
    LIANGJIAAN,
    LIANGJIAAN_GRID_1,
    MOUDING,
    SHAHEYING,
    demo_counties,
)

__all__ = [
    "BOWANG",
    "CHENGGU",
    "DEMO_PASSWORD",
    "LAWAN_MICRO_1",
    "LIANGJIAAN",
    "LIANGJIAAN_GRID_1",
    "MOUDING",
    "NAMED_LOGINS",
    "SHAHEYING",
    "STAFF",
    "demo_cases",
    "demo_counties",
    "load_case_data",
    "load_demo",
]
