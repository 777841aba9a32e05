"""Loading the demo, in two steps that `manage.py load_demo` runs one after the other: the tree
and its logins (`load_demo`), then what cases are worked with and the demo cases themselves
(`load_case_data`, which needs the tree and logins). Each is all or nothing and adds only what
is missing, so a second run changes nothing."""

from django.db import transaction

from gridgov.demo.bulletins import ensure_bulletins
from gridgov.demo.categories import ensure_categories
from gridgov.demo.ledger import ensure_ledgers
from gridgov.demo.people import (
    NAMED_LOGINS,
    ensure_logins,
    ensure_staff,
    grid_worker_logins,
    place_label,
)
from gridgov.demo.replay import load_cases, load_live_case
from gridgov.demo.responsibility import ensure_items
from gridgov.demo.tree import demo_counties, ensure_county, reconcile_totals
from gridgov.demo.units import ensure_units
from staff import access


def _sayer(stdout):
    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    return say


@transaction.atomic
def load_demo(stdout=None) -> dict:
    """Build (or complete) the demo tree, the sample grids' ledgers and the logins. All or
    nothing; idempotent.

    Returns how many nodes, households, residents, users and assignments were added, the named
    logins (username, full_name, role, place, door) and the usernames of the other 沙河营镇 grid
    workers."""
    say = _sayer(stdout)
    counties = demo_counties()
    nodes_added = 0
    for county in counties:
        nodes_added += ensure_county(county, say)
        reconcile_totals(county)

    households_added, residents_added = ensure_ledgers(say)

    workers = grid_worker_logins(counties)
    users_added, grants_added, users = ensure_logins([*NAMED_LOGINS, *workers], say)
    say(f"logins: {users_added} users and {grants_added} assignments added")

    names = {p.code: p.name for county in counties for p in county.walk()}
    return {
        "nodes": nodes_added,
        "households": households_added,
        "residents": residents_added,
        "users": users_added,
        "assignments": grants_added,
        "logins": [
            {
                "username": login.username,
                "full_name": login.full_name,
                "role": login.role,
                "place": place_label(login.place_code, names),
                "door": access.door_for(users[login.username]),
            }
            for login in NAMED_LOGINS
        ],
        "grid_workers": [login.username for login in workers],
    }


@transaction.atomic
def load_case_data(stdout=None) -> dict:
    """Units, responsibility list, categories, case staff and demo cases, then what the
    bulletins show (work phones, duties, street chiefs); needs the demo tree and logins of
    `load_demo`. Returns how many of each were added (a second run: all zero) and
    the case staff's logins."""
    say = _sayer(stdout)
    units = ensure_units(say)
    items_added, items = ensure_items(say)
    categories = ensure_categories(items, say)
    users, assignments, logins = ensure_staff(say)
    cases = load_cases(say)
    if load_live_case(say):
        cases["cases"] += 1
        cases["events"] += 2  # reported, accepted
    # Last week's, month's and quarter's reports, so the reports page is not empty on day one
    # (beat makes the next ones on schedule; regenerating replaces, so this is idempotent).
    from cases.actions import generate_due_reports as generate_due

    say(f"reports: {len(generate_due())} generated for the last completed periods")
    bulletins = ensure_bulletins(say)
    # services.demo reads this package's tree, people and units: imported once they are loaded.
    from services.demo import ensure_services

    services = ensure_services(say)  # 沙河营镇's 45 services, requests and duty slots
    from staff.demo import ensure_people_and_points

    people = ensure_people_and_points(say)  # appraisal, points and the villages' shops
    from gridgov.demo.province import ensure_provinces

    province_posts = ensure_provinces(say)  # after the cases: the rollups count them
    return {
        "units": units,
        "responsibility_items": items_added,
        "categories": categories,
        "users": users,
        "assignments": assignments,
        **cases,
        **bulletins,
        **services,
        **people,
        "province_posts": province_posts,
        "logins": logins,
    }
