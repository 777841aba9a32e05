"""The province's rollup tables equal the live figures (cases.queries.kpis) of every county and
town for any period of whole days, stay equal as cases change (a case closed late moves an old
due day), when places move between towns, and after a run with nothing changed."""

import datetime as dt
from collections import defaultdict

from django.core.management import call_command
from django.utils import timezone

from cases import rollups
from cases.models import Case, RollupState, TownDay, TownDue, TownDueMonth, TownMonth
from cases.models.rollups import FIGURES
from cases.queries import kpis, province
from tests.cases.rollup_cases import (
    AUTUMN,
    COMPARED,
    NOV,
    NOW,
    OCT_NOV,
    PERIODS,
    Q4,
    D,
    H,
    make_case,
)


def rolled(node, period, *, state_of=None):
    """The rollup's figures of a county or a town for the period, as the summary adds them."""
    if node.level == 0:
        (row,) = [
            c for c in province.summary(node.province, period).counties if c.county.pk == node.pk
        ]
        return {name: getattr(row, name) for name in COMPARED}
    days = TownDay.objects.filter(town=node, day__gte=period.start, day__lt=period.end)
    dues = TownDue.objects.filter(town=node, due_day__gte=period.start, due_day__lt=period.end)
    total = {
        name: sum(getattr(r, name) for r in days) for name in COMPARED if hasattr(TownDay, name)
    }
    total["closed_in_period"] = total.pop("closed")
    total["due"] = sum(r.cases for r in dues)
    total["closed"] = sum(r.cases for r in dues if r.closed_day and r.closed_day < period.end)
    total["closed_on_time"] = sum(r.cases for r in dues if r.closed_on_time)
    total["resolved_on_time"] = sum(r.cases for r in dues if r.resolved_on_time)
    return total


def live(node, period, now):
    k = kpis(node, *period.bounds, now=now)
    return {name: getattr(k, name) for name in COMPARED}


def assert_equal_everywhere(places, now):
    for node in places:
        for period in PERIODS:
            assert rolled(node, period) == live(node, period, now), (node.name, period)


def test_the_rollups_equal_the_live_figures_of_every_county_and_town(shaanxi, autumn, tree, second):
    rollups.refresh(now=NOW)
    places = [tree.county, tree.town1, tree.town2, second[0], second[1]]
    assert_equal_everywhere(places, NOW)
    # The hand-made month as a check of the check: November in the first county.
    nov = rolled(tree.county, NOV)
    assert (nov["due"], nov["closed"], nov["closed_on_time"], nov["resolved_on_time"]) == (
        6,
        2,
        1,
        3,
    )
    assert (nov["received"], nov["closed_in_period"], nov["rated"], nov["satisfied"]) == (
        9,
        3,
        2,
        1,
    )


def test_open_and_overdue_are_the_countys_state_at_the_run(shaanxi, autumn, tree, second):
    rollups.refresh(now=NOW)
    (first, other) = province.summary(shaanxi, NOV).counties
    k = kpis(tree.county, *NOV.bounds, now=NOW)
    assert first.overdue == k.overdue == 2  # open_late and long_overdue; at_county is due the 20th
    assert first.open == 5
    assert (other.open, other.overdue) == (1, 1)
    assert first.as_of == NOW


def test_a_case_closed_late_moves_its_old_due_day_at_the_next_run(shaanxi, autumn, tree):
    rollups.refresh(now=NOW)
    late = autumn["open_late"]
    later = NOW + 20 * D  # 8 December
    late.status, late.resolved_at, late.closed_at = "closed", later - H, later
    late.save()  # as an action saves: updated_at is stamped
    counted = rollups.refresh(now=later)
    assert counted[tree.county.tree_id] == 1  # only its town
    assert TownDue.objects.filter(
        town=tree.town1, due_day=dt.date(2026, 11, 7), closed_day=dt.date(2026, 12, 8)
    ).exists()
    assert_equal_everywhere([tree.county, tree.town1], later)
    assert rolled(tree.county, AUTUMN)["closed"] == live(tree.county, AUTUMN, later)["closed"]
    # By month: due in November, closed in December; not closed for a period ending with
    # November, closed for the quarter.
    assert TownDueMonth.objects.filter(
        town=tree.town1, due_month=dt.date(2026, 11, 1), closed_month=dt.date(2026, 12, 1)
    ).exists()
    assert rolled(tree.county, OCT_NOV)["closed"] == live(tree.county, OCT_NOV, later)["closed"]
    assert rolled(tree.county, Q4)["closed"] == live(tree.county, Q4, later)["closed"]


def test_the_month_rows_add_up_the_day_rows_of_each_town(shaanxi, autumn, tree, second):
    rollups.refresh(now=NOW)
    by_day, by_month = defaultdict(lambda: defaultdict(int)), defaultdict(dict)
    for row in TownDay.objects.all():
        for name in FIGURES:
            by_day[(row.town_id, row.day.replace(day=1))][name] += getattr(row, name)
    for row in TownMonth.objects.all():
        by_month[(row.town_id, row.month)] = {name: getattr(row, name) for name in FIGURES}
    assert by_month and by_month == {key: dict(sums) for key, sums in by_day.items()}
    due_by_day, due_by_month = defaultdict(int), defaultdict(int)
    for row in TownDue.objects.all():
        month = (
            row.town_id,
            row.due_day.replace(day=1),
            row.closed_day and row.closed_day.replace(day=1),
        )
        due_by_day[month] += row.cases
    for row in TownDueMonth.objects.all():
        due_by_month[(row.town_id, row.due_month, row.closed_month)] += row.cases
    assert due_by_month and due_by_month == due_by_day


def test_a_run_with_nothing_changed_counts_no_town_and_changes_no_figure(shaanxi, autumn, tree):
    rollups.refresh(now=NOW)
    before = sorted(TownDue.objects.values_list("town", "due_day", "closed_day", "cases"), key=str)
    counted = rollups.refresh(now=NOW + dt.timedelta(hours=1))
    assert set(counted.values()) == {0}
    after = TownDue.objects.values_list("town", "due_day", "closed_day", "cases")
    assert sorted(after, key=str) == before
    assert_equal_everywhere([tree.county], NOW + dt.timedelta(hours=1))


def test_a_case_saved_just_before_the_last_run_is_counted_again(shaanxi, autumn, tree):
    """A case committed just after a run read the changes, but stamped before it, still counts."""
    rollups.refresh(now=NOW)
    late = autumn["open_late"]
    Case.objects.filter(pk=late.pk).update(
        status="resolved", resolved_at=NOW - H, updated_at=NOW - dt.timedelta(minutes=1)
    )
    rollups.refresh(now=NOW + dt.timedelta(minutes=5))
    assert_equal_everywhere([tree.county], NOW + dt.timedelta(minutes=5))


def test_a_village_moved_to_another_town_recounts_its_county(shaanxi, autumn, tree):
    from grids.actions import node_move
    from tests.factories import UserFactory

    rollups.refresh(now=NOW)
    root = UserFactory(username="root", is_superuser=True)
    node_move(
        actor=root, node_id=tree.village1.pk, new_parent_id=tree.town2.pk, new_code="610722001299"
    )
    for node in (tree.county, tree.town1, tree.town2):
        node.refresh_from_db()
    counted = rollups.refresh(now=NOW + H)
    assert counted[tree.county.tree_id] == 3  # the county's own node and both towns
    assert_equal_everywhere([tree.county, tree.town1, tree.town2], NOW + H)
    assert rolled(tree.town1, NOV)["received"] == 0


def test_a_town_moved_into_a_county_counted_before_its_own_is_counted_there(
    shaanxi, autumn, tree, second
):
    # Counties are counted in the order of their trees: here the county the town joins comes
    # first, while the county it left still holds its cases' counts.
    from grids.actions import node_move
    from tests.factories import UserFactory

    rollups.refresh(now=NOW)
    county, town, _grid = second
    assert tree.county.tree_id < county.tree_id
    assert Case.objects.filter(county_tree=county.tree_id).exists()
    root = UserFactory(username="root", is_superuser=True)
    node_move(actor=root, node_id=town.pk, new_parent_id=tree.county.pk, new_code="610722199")
    for node in (tree.county, county, town):
        node.refresh_from_db()
    rollups.refresh(now=NOW + H)
    assert not Case.objects.filter(county_tree=county.tree_id).exists()
    assert_equal_everywhere([tree.county, county, town], NOW + H)


def test_the_rebuild_command_counts_every_county_again(shaanxi, autumn, tree, capsys):
    rollups.refresh(now=NOW)
    TownDue.objects.all().delete()
    call_command("rollups", "--rebuild")
    assert "2 counties" in capsys.readouterr().out
    assert_equal_everywhere([tree.county], timezone.now())


def test_a_county_never_counted_is_named_not_shown_as_zero(shaanxi, autumn, tree, second):
    summary = province.summary(shaanxi, NOV)
    assert [c.name for c in summary.never_counted] == ["城固县", "洋县"]
    assert summary.as_of is None
    rollups.refresh(now=NOW)
    assert RollupState.objects.count() == 2
    assert province.summary(shaanxi, NOV).never_counted == []


def test_beat_refreshes_the_rollups_every_five_minutes():
    from gridgov.schedule import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["refresh-rollups"]
    assert entry["task"] == "cases.tasks.refresh_rollups"
    assert entry["schedule"] <= 240  # with the run itself, figures at most five minutes old


def _tables() -> dict:
    """Every rollup row, without its key: what two ways of counting must agree on."""
    return {
        "days": sorted(TownDay.objects.values_list("town", "day", *FIGURES)),
        "months": sorted(TownMonth.objects.values_list("town", "month", *FIGURES)),
        "dues": sorted(
            TownDue.objects.values_list(
                "town", "due_day", "closed_day", "closed_on_time", "resolved_on_time", "cases"
            ),
            key=str,
        ),
        "due_months": sorted(
            TownDueMonth.objects.values_list(
                "town", "due_month", "closed_month", "closed_on_time", "resolved_on_time", "cases"
            ),
            key=str,
        ),
    }


def _change_many(autumn, tree, when):
    """A day's work: one case closed late, one rated, one handed to the other town, one given
    a later deadline, one reopened for rework; each saved as an action saves (updated_at)."""
    late = autumn["open_late"]
    late.status, late.resolved_at, late.closed_at = "closed", when - H, when
    waiting = autumn["waiting"]
    waiting.status, waiting.closed_at = "closed", when
    waiting.rated_at, waiting.satisfaction = when, 4
    moved = autumn["december"]
    moved.node = tree.grid_c
    on_time = autumn["open_on_time"]
    on_time.clear_by = when + 5 * D
    prompt = autumn["prompt"]
    prompt.status, prompt.closed_at, prompt.rework_count = "handling", None, 1
    for case in (late, waiting, moved, on_time, prompt):
        case.save()


def test_a_run_after_changes_leaves_the_rows_a_rebuild_would(shaanxi, autumn, tree, second):
    rollups.refresh(now=NOW)
    later = NOW + 2 * D
    _change_many(autumn, tree, later)
    counted = rollups.refresh(now=later)
    assert counted[tree.county.tree_id] == 2  # the two towns, the moved case's old and new
    assert counted[second[0].tree_id] == 0
    after_run = _tables()
    rollups.rebuild()
    assert after_run == _tables()
    assert_equal_everywhere([tree.county, tree.town1, tree.town2], later)


def test_a_case_handed_to_another_town_moves_its_counts(shaanxi, autumn, tree):
    rollups.refresh(now=NOW)
    moved = autumn["december"]  # reported in town 1 on 12 November, due 3 December
    moved.node = tree.grid_c
    moved.save()
    rollups.refresh(now=NOW + H)
    received = dict(
        TownDay.objects.filter(day=dt.date(2026, 11, 12)).values_list("town", "received")
    )
    assert received == {tree.town2.pk: 1}
    assert TownDue.objects.get(due_day=dt.date(2026, 12, 3)).town == tree.town2
    assert_equal_everywhere([tree.town1, tree.town2], NOW + H)


def test_a_run_reads_as_many_queries_for_nineteen_changed_cases_as_for_one(shaanxi, autumn, tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cases = [make_case(tree.grid_a, created=NOW - D, clear_by=NOW + D) for _ in range(20)]
    rollups.refresh(now=NOW)

    def run(changed, when):
        for case in changed:
            case.rated_at, case.satisfaction = when, 5
            case.save()
        with CaptureQueriesContext(connection) as queries:
            rollups.refresh(now=when)
        return len(queries)

    # Each run rates cases on a day of its own: a new day row, the month's row added to.
    one = run(cases[:1], NOW + D)
    nineteen = run(cases[1:], NOW + 2 * D)
    assert one == nineteen
    assert_equal_everywhere([tree.county], NOW + 2 * D)


def test_rows_changed_by_hand_are_noticed_and_the_county_counted_again(shaanxi, autumn, tree):
    rollups.refresh(now=NOW)
    TownDue.objects.filter(county_tree=tree.county.tree_id).delete()  # a bad restore, say
    late = autumn["open_late"]
    late.status, late.resolved_at, late.closed_at = "closed", NOW, NOW + H
    late.save()
    rollups.refresh(now=NOW + 2 * H)
    assert_equal_everywhere([tree.county, tree.town1], NOW + 2 * H)


def test_after_the_migration_bringing_per_case_counts_each_county_is_counted_whole(
    shaanxi, autumn, tree, second
):
    """Rows counted before the per-case counts existed: the migration resets every county, so
    the next run counts it whole instead of adding its changed cases on top."""
    import importlib

    from django.apps import apps

    from cases.models import CaseCount

    rollups.refresh(now=NOW)
    CaseCount.objects.all().delete()  # as the rows stood before the migration
    migration = importlib.import_module("cases.migrations.0019_case_counts")
    migration.count_every_county_again(apps, None)
    assert not RollupState.objects.filter(refreshed_at__isnull=False).exists()
    counted = rollups.refresh(now=NOW + H)
    assert counted[tree.county.tree_id] == 3  # the county's own node and its two towns
    assert CaseCount.objects.count() == Case.objects.count()
    assert_equal_everywhere([tree.county, tree.town1, tree.town2, second[0]], NOW + H)
