"""The case demo data (gridgov.demo): units, the responsibility list, categories, case staff and
demo cases replayed through the actions, so that 沙河营镇's figures mean something."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.models import (
    Case,
    CaseEvent,
    Category,
    Color,
    CountyCall,
    Mediation,
    ResponsibilityItem,
    Status,
    Unit,
)
from cases.queries import kpis
from gridgov import demo
from gridgov.demo import CHENGGU, SHAHEYING
from grids.models import GridNode, Tier
from staff.models import Assignment
from tests.conftest import demo_kept


@pytest.fixture(scope="module")
def _loaded_once(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module (about a second a load) in a transaction that is
    rolled back at the module's end; each test runs in a savepoint inside it."""
    with demo_kept(django_db_blocker):
        first = demo.load_case_data()
        yield first, _counts()


@pytest.fixture
def loaded(_loaded_once, db):
    return _loaded_once[0]


def _demo_cases():
    return Case.objects.filter(title__in=[c.title for c in demo.demo_cases()])


def _counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            Unit,
            ResponsibilityItem,
            Category,
            get_user_model(),
            Assignment,
            Case,
            CaseEvent,
            Mediation,
            CountyCall,
        )
    }


def test_loading_the_case_demo_twice_adds_nothing_the_second_time(_loaded_once, db):
    first, after_first = _loaded_once
    second = demo.load_case_data()
    assert _counts() == after_first
    assert first["cases"] == after_first["Case"] > 0
    assert first["events"] == after_first["CaseEvent"]
    assert all(v == 0 for k, v in second.items() if k != "logins")


def test_the_responsibility_list_has_at_least_45_items_owned_by_towns_and_departments(loaded):
    items = ResponsibilityItem.objects.all()
    assert items.count() >= 45
    assert set(items.values_list("owner", flat=True)) == {"town", "department"}
    for item in items:
        assert item.lead_unit and item.section and item.phone and item.instructions


def test_every_department_owned_item_names_a_county_department_of_chenggu(loaded):
    owned = ResponsibilityItem.objects.filter(owner="department").select_related("department__node")
    assert owned.exists()
    for item in owned:
        assert item.department is not None
        assert item.department.kind == Unit.Kind.COUNTY_DEPARTMENT
        assert item.department.node.code == CHENGGU
        assert item.phone.startswith("0916-")
    assert not ResponsibilityItem.objects.filter(owner="town", department__isnull=False).exists()


def test_each_town_has_four_platforms_and_outposts_of_county_departments(loaded):
    for town in GridNode.objects.filter(tier=Tier.TOWN):
        platforms = Unit.objects.filter(node=town, kind=Unit.Kind.PLATFORM)
        assert set(platforms.values_list("platform", flat=True)) == set(Unit.Platform.values)
        outposts = Unit.objects.filter(node=town, kind=Unit.Kind.OUTPOST)
        assert outposts.count() >= 3
        for outpost in outposts:
            assert outpost.parent.kind == Unit.Kind.COUNTY_DEPARTMENT
            assert outpost.parent.node.tree_id == town.tree_id


def test_categories_cover_must_attend_must_report_and_disputes_each_pointing_to_an_item(loaded):
    groups = set(Category.objects.values_list("group", flat=True))
    assert {"must_attend", "must_report", "dispute"} <= groups
    assert not Category.objects.filter(responsibility__isnull=True).exists()
    emergencies = Category.objects.filter(emergency=True)
    assert emergencies.exists()
    assert set(emergencies.values_list("group", flat=True)) == {"must_attend"}


def test_case_staff_work_for_their_units(loaded):
    outpost = Assignment.objects.get(user__username="maziyuan")
    assert (outpost.role, outpost.unit.name) == ("outpost", "沙河营自然资源所")
    department = Assignment.objects.get(user__username="guolaobao")
    assert (department.role, department.node.code) == ("department", CHENGGU)
    assert department.unit.kind == Unit.Kind.COUNTY_DEPARTMENT
    platform = Assignment.objects.get(user__username="zhengzhifa")
    assert platform.unit.kind == Unit.Kind.PLATFORM
    county_center = Assignment.objects.get(user__username="yangkezhang")
    assert (county_center.role, county_center.node.code) == ("center_staff", CHENGGU)


def test_demo_cases_stand_in_every_status_and_every_color(loaded):
    cases = _demo_cases()
    assert cases.count() == len(demo.demo_cases()) >= 40
    assert set(cases.values_list("status", flat=True)) == set(Status.values)
    assert set(cases.exclude(color="").values_list("color", flat=True)) == set(Color.values)


def test_demo_cases_are_held_at_every_rung_of_the_ladder(loaded):
    tiers = set(_demo_cases().values_list("owner_node__tier", flat=True))
    assert tiers & {Tier.GRID, Tier.MICRO_GRID}
    assert {Tier.VILLAGE, Tier.TOWN, Tier.COUNTY} <= tiers
    # Some got there by failed mediations (seed 002), and were settled at each level.
    assert _demo_cases().filter(escalation_count__gte=3).exists()
    settled = set(_demo_cases().exclude(settled_tier="").values_list("settled_tier", flat=True))
    assert {Tier.GRID, Tier.VILLAGE, Tier.TOWN, Tier.COUNTY} <= settled


def test_every_demo_case_history_starts_with_its_report_and_ends_in_its_status(loaded):
    today = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time()))
    for case in _demo_cases().prefetch_related("events"):
        events = list(case.events.all())
        assert events[0].action == "report", case.title
        assert events[-1].to_status == case.status, case.title
        assert events[-1].created_at < today, case.title


def test_demo_cases_show_rework_ratings_extensions_and_county_calls_in_each_state(loaded):
    cases = _demo_cases()
    assert cases.filter(rework_count__gt=0, status=Status.CLOSED).exists()
    assert cases.filter(reopen_count__gt=0).exists()
    assert set(cases.exclude(satisfaction=None).values_list("satisfaction", flat=True)) == {
        1,
        2,
        3,
        4,
        5,
    }
    assert CaseEvent.objects.filter(case__in=cases, action="approve_extension").exists()
    assert set(CountyCall.objects.values_list("state", flat=True)) == {"open", "answered", "rated"}


def test_shaheying_figures_over_the_demo_period_are_meaningful(loaded):
    town = GridNode.objects.get(code=SHAHEYING)
    end = timezone.now()
    figures = kpis(town, end - dt.timedelta(weeks=11), end)
    assert figures.due > 0
    assert 0 < figures.closure_rate < 1
    assert 0 < figures.closed_on_time < figures.closed  # some closed on time, some late
    assert figures.reworked > 0 and figures.rated > 0
